"""Hostile input from the shared corpora in public URLs never causes a 500."""

from __future__ import annotations

from urllib.parse import quote

from tests.helpers import naughty_strings, parse_page

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


def test_a_search_with_a_nul_shows_the_results_page_with_the_words_kept(client):
    found = parse_page(client.get("/prevention/search", query_string={"q": "lock car"}))
    assert "Lock up and light up" in found.text
    response = client.get("/prevention/search", query_string={"q": "lock\x00 car"})
    assert response.status_code == 200
    assert "Lock up and light up" not in parse_page(response).text
    assert 'name="q" value="lock\x00 car"' in response.get_data(as_text=True)
