"""Redaction rules as a table: what each text becomes, and texts that must stay as they are."""

from __future__ import annotations

import pytest

from portal.services.redaction import PERSONAL_DATA, Mark, Redaction, redact

REDACTED = [
    ("Call me at 847-555-0199 tonight", "Call me at [REDACTED: phone number] tonight", ["phone number"]),
    ("his cell (312) 555 0142.", "his cell [REDACTED: phone number].", ["phone number"]),
    ("text +1 224.555.0100", "text [REDACTED: phone number]", ["phone number"]),
    ("write to j.doe+tips@example.com now", "write to [REDACTED: e-mail address] now", ["e-mail address"]),
    ("DOB: 04/12/1980, tall", "DOB: [REDACTED: date of birth], tall", ["date of birth"]),
    ("she was born March 3, 1990 in Lake Forest", "she was born [REDACTED: date of birth] in Lake Forest",
     ["date of birth"]),
    ("date of birth 4-12-80", "date of birth [REDACTED: date of birth]", ["date of birth"]),
    ("SSN 123-45-6789 on the card", "SSN [REDACTED: identity number] on the card", ["identity number"]),
    ("licence D123-4567-8901 found", "licence [REDACTED: identity number] found", ["identity number"]),
    ("a black SUV, plate ABC 1234, left", "a black SUV, plate [REDACTED: licence plate], left", ["licence plate"]),
    ("license plate #Z12 345", "license plate #[REDACTED: licence plate]", ["licence plate"]),
    ("847-555-0199 and 847-555-0100", "[REDACTED: phone number] and [REDACTED: phone number]",
     ["phone number", "phone number"]),
]

KEPT = [
    "It happened at 10:30 and again at 22:15.",
    "Case number 26-004512 and report R-2026-00123.",
    "The bike cost $1,250.00, the lock $39.99.",
    "It was in the 1200 block of N Main St.",
    "Every summer since 2019, and in 1998 too.",
    "On 03/04/2026 a car was broken into.",
    "Two plates on the car were missing.",
    "She is 34 years old and 5'6\".",
    "Call 911 in an emergency.",
    "",
]


@pytest.mark.parametrize(("text", "expected", "whats"), REDACTED)
def test_personal_data_is_redacted_with_what_and_why(text, expected, whats):
    result = redact(text)
    assert result.text == expected
    assert [redaction.what for redaction in result.redactions] == whats
    assert all(redaction.why == PERSONAL_DATA for redaction in result.redactions)


@pytest.mark.parametrize("text", KEPT)
def test_texts_that_are_not_personal_data_are_kept(text):
    result = redact(text)
    assert result.text == text
    assert result.redactions == []


MARKS = [
    ("I saw John Smith there; john smith again", [Mark("John Smith", "name", "a witness")],
     "I saw [REDACTED: name] there; [REDACTED: name] again", [Redaction("name", "a witness")] * 2),
    ("the Blue House on Elm", [Mark("  Blue House ", "marked text", "identifies a home")],
     "the [REDACTED: marked text] on Elm", [Redaction("marked text", "identifies a home")]),
    ("call Ann at 847-555-0199", [Mark("Ann at 847", "marked text", "witness")],
     "call [REDACTED: marked text]", [Redaction("marked text", "witness")]),
    ("nothing here", [Mark("absent", "marked text", "x"), Mark("   ", "marked text", "blank")],
     "nothing here", []),
    ("Ann said the Annual fair; ANN left", [Mark("Ann", "name", "a witness")],
     "[REDACTED: name] said the Annual fair; [REDACTED: name] left", [Redaction("name", "a witness")] * 2),
    ("a+b (c) [d]", [Mark("(c)", "marked text", "regex characters are literal")],
     "a+b [REDACTED: marked text] [d]", [Redaction("marked text", "regex characters are literal")]),
]


@pytest.mark.parametrize(("text", "marks", "expected", "redactions"), MARKS)
def test_marked_text_is_redacted_wherever_it_appears(text, marks, expected, redactions):
    result = redact(text, marks)
    assert result.text == expected
    assert result.redactions == redactions


def test_the_list_never_repeats_the_redacted_text():
    result = redact("Ann Lee, 847-555-0199", [Mark("Ann Lee", "marked text", "witness")])
    assert "Ann Lee" not in repr(result.redactions) and "0199" not in repr(result.redactions)
