"""The Spanish catalog is complete: every string of the resident site, gathered exactly as
``make translations`` gathers it, has a Spanish translation with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.helpers import parse_page
from tests.public.test_language_choice import resident_pages

ROOT = Path(__file__).resolve().parent.parent
SPANISH_PO = ROOT / "portal/translations/es/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)")
# Words of the shared layout and error pages that a Spanish page must not show in English.
LAYOUT_ENGLISH = ["Skip to main content", "Emergency? Call", "Non-emergency", "Send a tip", "Tell us something",
                  "Prevention tips", "Official accounts", "Contact the", "This site is maintained by",
                  "Official website and accounts", "Go to the home page"]


def makefile_keywords() -> str:
    """Read from the Makefile, so that this test and ``make translations`` cannot drift apart."""
    return re.search(r"^BABEL_KEYWORDS := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1).strip()


def message_id(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Catalog:
    output = tmp_path_factory.mktemp("catalog") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "--mapping-file", "babel.cfg", "--keywords", makefile_keywords(),
                    "--add-location", "file", "--sort-output", "--omit-header", "--output-file", str(output), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with output.open("rb") as file:
        return read_po(file)


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    with SPANISH_PO.open("rb") as file:
        return read_po(file, locale="es")


def test_the_extraction_finds_the_resident_site(template):
    ids = {message_id(message) for message in template if message.id}
    assert {"Skip to main content", "Page not found", "Please enter a number."} <= ids
    locations = {path for message in template for path, _ in message.locations}
    assert not [path for path in locations if path.startswith(("templates/staff/", "portal/staff/"))], \
        "the back office stays English and out of the catalog"


def test_every_resident_string_is_translated_into_spanish(template, spanish):
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = spanish.get(message.id)
        strings = [] if translated is None else (
            [translated.string] if isinstance(translated.string, str) else list(translated.string))
        complete = translated is not None and all(strings) and "fuzzy" not in translated.flags and (
            not translated.pluralizable or len(strings) == spanish.num_plurals)
        if not complete:
            missing.append(f"{message.locations[0][0]}: {message_id(message)[:80]}")
    assert missing == [], f"{len(missing)} strings without a Spanish translation"


def test_translations_keep_the_placeholders(spanish):
    problems = [f"{message_id(message)[:80]}: {errors}" for message, errors in spanish.check()]
    assert problems == []
    # Babel lets a translation leave a placeholder out; outside plurals ("one tip") that would
    # drop a phone number or a link, so each one must be there.
    dropped = [message.id[:80] for message in spanish if message.id and isinstance(message.string, str)
               and message.string
               and set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string))]
    assert dropped == []


def test_the_catalog_holds_no_obsolete_entries(template, spanish):
    current = {message.id for message in template if message.id}
    stale = [message_id(message) for message in spanish if message.id and message.id not in current]
    assert stale == [], "strings no longer used by the site"
    assert not spanish.obsolete


def test_spanish_pages_show_no_english_layout_words(seeded_public_app):
    client = seeded_public_app.test_client()
    leftovers = {}
    for path in resident_pages(seeded_public_app) + ["/no-such-page"]:
        text = parse_page(client.get(path, headers={"Accept-Language": "es"})).text
        found = [words for words in LAYOUT_ENGLISH if words in text]
        if found:
            leftovers[path] = found
    assert leftovers == {}
