"""The languages of the resident site, and wording in one of them outside a request.

No Flask here, so that services can word an e-mail in the language its reader chose (a status
e-mail is sent long after the request that filed the report). Views translate through
Flask-Babel (``portal/language_choice.py``), which reads the same catalogs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# Resident-facing languages, by code, each named in itself for the switch; the first is the default.
LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
# Each language as the department's residents write it (CLDR locales), also their og:locale: Spanish
# in the United States groups digits as English does ("1,204") and keeps the 12-hour clock.
REGIONAL_LOCALES = {"en": "en_US", "es": "es_US"}
# How a date and time reads in each language (CLDR patterns). English keeps the site's
# "March 4, 2026, 5:30 PM"; Spanish reads "4 de marzo de 2026, 5:30 p.m.".
DATETIME_PATTERNS = {"en": "MMMM d, y, h:mm a", "es": "d 'de' MMMM 'de' y, h:mm a"}


def N_(text: str) -> str:
    """Marks a string for the catalog where it is defined; it is translated where it is shown."""
    return text


class Wording(str):
    """English text with ``%(name)s`` values that reads as that English anywhere a string does,
    and is put into the reader's language, part by part, where it is shown (``reworded``). A value
    may be a Wording too: "File 2 (x.jpg): %(reason)s" with the refusal's reason inside."""

    def __new__(cls, message: str, **values: object) -> Wording:
        wording = super().__new__(cls, message % values if values else message)
        wording.message, wording.values = message, values
        return wording


def reworded(text: str, gettext: Callable[[str], str]) -> str:
    """``text`` in the language ``gettext`` translates into; a plain string is its own catalog key."""
    if not isinstance(text, Wording):
        return gettext(text)
    values = {name: reworded(value, gettext) if isinstance(value, Wording) else value
              for name, value in text.values.items()}
    return gettext(text.message) % values if values else gettext(text.message)


def known_language(code: str | None) -> str:
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def regional(language: str) -> str:
    return REGIONAL_LOCALES[known_language(language)]


@functools.cache
def catalog(language: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [known_language(language)])


def translate(language: str, text: str, **values: object) -> str:
    """``text`` in ``language`` (English if the catalog has none), with ``%(name)s`` filled in."""
    return reworded(Wording(text, **values), catalog(language).gettext)


def format_local(value: datetime, time_zone: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A stored UTC time as the department's residents read it, in their language."""
    language = known_language(language)
    return format_datetime(value, DATETIME_PATTERNS[language], tzinfo=ZoneInfo(time_zone), locale=regional(language))


def format_day(value: date, language: str = DEFAULT_LANGUAGE) -> str:
    """A calendar day, with no time zone to apply: "June 1, 2026", "1 de junio de 2026" (CLDR's long date)."""
    return format_date(value, "long", locale=regional(language))


def format_number(value: object, language: str = DEFAULT_LANGUAGE) -> str:
    return format_decimal(value, locale=regional(language))
