"""The one place that cleans text: plain text for residents' input, nh3 for staff rich text.

Only this module imports nh3, so the allow-list below is the whole HTML policy of the portal.
"""

from __future__ import annotations

import nh3

from portal.exceptions import InvalidInput
from portal.languages import N_

RICH_TEXT_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3"}
RICH_TEXT_ATTRIBUTES = {"a": {"href"}}
RICH_TEXT_URL_SCHEMES = {"https", "mailto"}


class UnsafeText(InvalidInput):
    """Text that cannot be stored as it was typed; ``field`` says which form field it came from."""


def plain_text(text: str, max_length: int, field: str | None = None) -> str:
    """Return the text exactly as typed, or refuse it.

    No HTML cleaning: residents' text may be evidence and is escaped when shown. NUL is refused
    because PostgreSQL cannot store it, and the length is checked again behind the form.
    """
    if "\x00" in text:
        raise UnsafeText(N_("The text contains a NUL character, which cannot be stored."), field)
    if len(text) > max_length:
        raise UnsafeText(N_("The text is longer than %(limit)s characters."), field, limit=max_length)
    return text


def absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3 lets relative URLs through whatever the schemes; a notice read in a feed or a shared
    post has no page to be relative to, so only whole https and mailto addresses stay."""
    if attribute == "href" and not value.strip().lower().startswith(("https://", "mailto:")):
        return None
    return value


def rich_text_html(html: str) -> str:
    """Staff-written rich text reduced to a small allow-list; links get rel=noopener noreferrer."""
    return nh3.clean(
        html,
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes=RICH_TEXT_URL_SCHEMES,
        attribute_filter=absolute_links_only,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
