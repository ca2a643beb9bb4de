"""Searching typed text the way a person expects: every word or "quoted phrase" must appear, as a
substring in any case, so part of a plate, a name or an address is found. No stemming on purpose."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement

MAX_SEARCH_TERMS = 8
SEARCH_TERM = re.compile(r'"([^"]+)"|(\S+)')


def search_terms(text: str) -> list[str]:
    terms = [phrase or word for phrase, word in SEARCH_TERM.findall(text)]
    return [term.strip() for term in terms if term.strip()][:MAX_SEARCH_TERMS]


def contains(column, term: str) -> ColumnElement[bool]:
    """``column ILIKE '%term%'`` with the term's own % and _ taken literally."""
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return column.ilike(pattern, escape="\\")
