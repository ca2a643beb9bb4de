"""Redaction for public records requests: personal data patterns (services.personal_data) and
the text staff marked, replaced by "[REDACTED: what]", with a list of what went and why.

Pure: no database, no Flask. The list never repeats the redacted text itself, since it goes into
the export beside the redacted copy. Marked text is matched case-insensitively wherever it
appears: leaving a differently capitalised copy of a name would defeat the mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from portal.services import personal_data as pd

PERSONAL_DATA = "personal data (General Order 227 F; public records law exemption for personal information)"


@dataclass(frozen=True)
class Pattern:
    what: str
    regex: str


PATTERNS: tuple[Pattern, ...] = (
    Pattern("e-mail address", pd.EMAIL),
    Pattern("identity number", pd.SOCIAL_SECURITY_NUMBER),
    Pattern("identity number", pd.DRIVERS_LICENCE_NUMBER),
    Pattern("date of birth", pd.BIRTH_DATE),
    Pattern("phone number", pd.PHONE),
    Pattern("licence plate", pd.LICENCE_PLATE),
)


@dataclass(frozen=True)
class Mark:
    """Text to redact wherever it appears, and why (a staff member's mark, or a contact detail)."""

    text: str
    what: str
    why: str


@dataclass(frozen=True)
class Redaction:
    what: str
    why: str


@dataclass(frozen=True)
class Redacted:
    text: str
    redactions: list[Redaction]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    redaction: Redaction


def pattern_spans(text: str) -> Iterable[Span]:
    for pattern in PATTERNS:
        for match in re.finditer(pattern.regex, text, flags=re.IGNORECASE):
            group = "value" if "value" in match.re.groupindex else 0
            yield Span(match.start(group), match.end(group), Redaction(pattern.what, PERSONAL_DATA))


def mark_pattern(marked: str) -> str:
    """The text literally; a mark that starts or ends with a letter or digit does so at a word's
    edge, so marking the name "Ann" does not eat into "Annual"."""
    before = r"(?<!\w)" if re.match(r"\w", marked) else ""
    after = r"(?!\w)" if re.search(r"\w$", marked) else ""
    return before + re.escape(marked) + after


def mark_spans(text: str, marks: Sequence[Mark]) -> Iterable[Span]:
    for mark in marks:
        if mark.text.strip():
            for match in re.finditer(mark_pattern(mark.text.strip()), text, flags=re.IGNORECASE):
                yield Span(match.start(), match.end(), Redaction(mark.what, mark.why))


def mentions(text: str, marked: str) -> bool:
    return bool(marked.strip()) and re.search(mark_pattern(marked.strip()), text, flags=re.IGNORECASE) is not None


def redact(text: str, marks: Sequence[Mark] = ()) -> Redacted:
    """Marks come first, so where a mark and a pattern overlap the mark's reason is the one listed;
    overlapping spans become one, so no fragment of either survives between them."""
    spans = sorted([*mark_spans(text, marks), *pattern_spans(text)], key=lambda span: span.start)
    merged: list[Span] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.redaction)
        else:
            merged.append(span)
    parts: list[str] = []
    position = 0
    for span in merged:
        parts.append(text[position:span.start])
        parts.append(f"[REDACTED: {span.redaction.what}]")
        position = span.end
    parts.append(text[position:])
    return Redacted("".join(parts), [span.redaction for span in merged])
