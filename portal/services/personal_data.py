"""Patterns for personal data in free text, shared by the publishing policy (which warns) and
redaction (which removes). Pure: no database, no Flask. Every pattern is meant for
``re.IGNORECASE``; where a span holds a cue word and the data itself, the data is the named
group ``value``, so redaction can keep the cue ("plate [REDACTED: licence plate]").
"""

from __future__ import annotations

PHONE = r"(?<![\w-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b"
EMAIL = r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"

NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
MONTH_DAY = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}"
BIRTH_DATE_CUE = r"\bD\.?O\.?B\.?(?=[\s:])"
BIRTH_DATE_WORDS = r"\bdate of birth\b"
BORN_ON = rf"\bborn (?:on )?(?:{NUMERIC_DATE}|{MONTH_DAY})"
# The date that follows a cue, not the cue alone: "DOB: 4/12/1980", "born March 3, 1990".
BIRTH_DATE = (rf"(?:{BIRTH_DATE_CUE}|{BIRTH_DATE_WORDS}|\bborn(?: on)?)[\s:]*"
              rf"(?P<value>{NUMERIC_DATE}|{MONTH_DAY}(?:,? \d{{4}})?)")

SOCIAL_SECURITY_NUMBER = r"\b\d{3}-\d{2}-\d{4}\b"
# Illinois driver's licence and State ID: a letter and eleven digits.
DRIVERS_LICENCE_NUMBER = r"\b[A-Z]\d{3}-\d{4}-\d{4}\b"
ID_NUMBER_WORDS = (r"\bsocial security (?:number|no)\b", r"\bSSN\b",
                   r"\b(?:driver'?s licen[cs]e|state ID) (?:number|no\.?|#)")

# The plate itself in capitals and with a digit, so "plates on two cars" is not one.
LICENCE_PLATE = (r"\b(?:licen[cs]e )?plates?(?: number| no\.?)?\s*(?:#|:)?\s*"
                 r"(?P<value>(?-i:(?=[A-Z0-9 -]*\d)[A-Z0-9]{1,4}[ -]?[A-Z0-9]{1,5}))\b")
