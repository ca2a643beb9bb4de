"""A sample of the naughty strings in every text field of a tip: stored exactly, shown back escaped, no 500.

The whole corpora, in every field of every form and on both backends, are the reliability suite's
(tests/reliability/test_hostile_forms.py); this sample keeps ``make test`` guarding the tip form.
"""

from __future__ import annotations

from markupsafe import escape

from portal.extensions import db
from portal.models import Tip
from tests.helpers import TipActions, naughty_strings, xss_payloads

TEXT_FIELDS = {"description": Tip.MAX_DESCRIPTION, "when_text": Tip.MAX_WHEN, "where_text": Tip.MAX_WHERE,
               "contact_name": Tip.MAX_CONTACT_NAME, "contact_phone": Tip.MAX_CONTACT_PHONE,
               "contact_email": Tip.MAX_CONTACT_EMAIL}


def sample() -> list[str]:
    """Every twelfth naughty string and every sixtieth XSS payload: each kind of trouble, in seconds."""
    return naughty_strings()[::12] + xss_payloads()[::60]


def fitted(text: str, limit: int) -> str:
    return text[:limit] if text.strip() else text + "x"


def test_naughty_strings_in_every_field_are_stored_exactly(tip_app, tipster):
    sent = []
    for text in sample():
        fields = {name: fitted(text, limit) for name, limit in TEXT_FIELDS.items()}
        response = tipster.submit(**fields)
        assert response.status_code == 200, (text, response.status_code)
        sent.append(fields)
    with tip_app.app_context():
        rows = db.session.execute(db.select(*(getattr(Tip, name) for name in TEXT_FIELDS)).order_by(Tip.id)).all()
    assert [dict(zip(TEXT_FIELDS, row)) for row in rows] == sent


def test_naughty_strings_come_back_escaped_in_the_form(tipster):
    """A missing category sends the form back: every field must hold the text, escaped."""
    for text in sample():
        fields = {name: fitted(text, limit) for name, limit in TEXT_FIELDS.items()}
        response = tipster.submit(category="", **fields)
        assert response.status_code == 400, text
        html = response.get_data(as_text=True)
        assert f"{escape(fields['description'])}</textarea>" in html, text
        assert f'value="{escape(fields["where_text"])}"' in html, text


def test_hostile_text_is_shown_escaped_to_the_tipster(tip_app):
    tipster = TipActions(tip_app.test_client())
    payloads = [payload for payload in xss_payloads() if "<" in payload][:10]
    for payload in payloads:
        tip_number, passphrase = tipster.credentials(tipster.submit(description=payload))
        html = tipster.check(tip_number, passphrase).get_data(as_text=True)
        assert str(escape(payload)) in html, payload
        assert payload not in html, payload
