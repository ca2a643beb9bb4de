"""The one sanitizing module: plain text kept exactly, staff rich text reduced to an allow-list."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from portal import sanitize
from tests.helpers import naughty_strings, xss_payloads


def test_plain_text_is_kept_exactly_as_typed():
    text = "<b>bold</b> & \"quotes\" 'single' \u202e right-to-left \U0001f600 \r\n line"
    assert sanitize.plain_text(text, 1000) == text


def test_plain_text_refuses_nul_and_over_long_text():
    with pytest.raises(sanitize.UnsafeText, match="NUL"):
        sanitize.plain_text("a\x00b", 100)
    with pytest.raises(sanitize.UnsafeText, match="longer than 5"):
        sanitize.plain_text("abcdef", 5)


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hello <script>alert(1)</script></p>", "<p>Hello </p>"),
        ('<p onclick="steal()">x</p>', "<p>x</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="http://plain.example">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="https://ok.example/">x</a>', '<a href="https://ok.example/" rel="noopener noreferrer">x</a>'),
        ('<a href="mailto:chief@example.org">x</a>', '<a href="mailto:chief@example.org" rel="noopener noreferrer">x</a>'),
        ('<img src=x onerror=alert(1)>', ""),
        ("<iframe src=https://evil.example></iframe>", ""),
        ("<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
        ("<!-- hidden --><em>x</em>", "<em>x</em>"),
    ],
)
def test_rich_text_keeps_only_the_allow_list(dirty, clean):
    assert sanitize.rich_text_html(dirty) == clean


class ElementCollector(HTMLParser):
    """Every element and attribute a browser would build from the cleaned HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def test_rich_text_leaves_nothing_executable_from_the_whole_xss_corpus():
    payloads = xss_payloads()
    assert len(payloads) == 1339
    for payload in payloads:
        collector = ElementCollector()
        collector.feed(sanitize.rich_text_html(payload))
        for tag, attributes in collector.elements:
            assert tag in sanitize.RICH_TEXT_TAGS, (payload, tag)
            for name, value in attributes:
                assert name in ("href", "rel") and tag == "a", (payload, name)
                if name == "href":
                    # Relative links (no scheme) cannot run anything; absolute ones must be https or mailto.
                    assert urlsplit(value or "").scheme in sanitize.RICH_TEXT_URL_SCHEMES | {""}, (payload, value)


def test_plain_text_keeps_every_naughty_string():
    strings = naughty_strings()
    for text in strings:
        if "\x00" in text:
            with pytest.raises(sanitize.UnsafeText):
                sanitize.plain_text(text, 10_000)
        else:
            assert sanitize.plain_text(text, 10_000) == text
