"""Hostile input from the shared corpora in public URLs never causes a 500."""

from __future__ import annotations

from urllib.parse import quote

from tests.helpers import naughty_strings

EXTRA = ["\x00", "a\x00b", "%00", "\udcff", "../../etc/passwd", "a" * 5000]


def url_part(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def test_naughty_strings_in_public_urls_never_break_a_page(client):
    for text in naughty_strings() + EXTRA:
        part = url_part(text)
        for path in (f"/prevention/{part}/", f"/prevention/home/{part}", f"/terms/{part}", f"/?q={part}",
                     f"/{part}"):
            status = client.get(path).status_code
            assert status in (200, 301, 308, 404), (path, status)
