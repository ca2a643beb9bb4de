"""A sample of the naughty strings and XSS payloads texted in: stored exactly as texted, shown to
staff escaped, and a body that is not text refused with a reply; never an error for the provider."""

from __future__ import annotations

from markupsafe import escape

from portal.extensions import db
from portal.models import TipMessage, WorkItem
from portal.services.sms import is_readable
from tests.conftest import staff_browser
from tests.helpers import naughty_strings, xss_payloads
from tests.sms_support import post_text, reply_of


def sample() -> list[str]:
    return naughty_strings()[::12] + xss_payloads()[::60] + ["\x00NUL", "bell\x07", "x" * 1601]


def test_texted_naughty_strings_are_kept_exactly_or_refused_with_a_reply(sms_app, make_app):
    client = sms_app.test_client()
    assert "received your tip" in reply_of(post_text(client, "DEERFIELD a tip to add to", "SMopen"))
    kept = []
    for number, text in enumerate(sample()):
        answer = post_text(client, text, f"SM{number:04d}")
        assert answer.status_code == 200, text
        reply = reply_of(answer)
        if not is_readable(text):
            assert "could not read that message" in reply, text
        elif text.strip():
            assert "Added to tip" in reply, text
            kept.append(text)
        else:
            assert "that text was empty" in reply, repr(text)
    with sms_app.app_context():
        stored = list(db.session.scalars(db.select(TipMessage.body).order_by(TipMessage.id)))
        case = db.session.scalars(db.select(WorkItem.public_id)).one()
    assert stored == kept

    staff = staff_browser(make_app("staff"), "admin@example.org", "admin")
    html = staff.get(f"/cases/{case}").get_data(as_text=True)
    for text in kept:
        if "<" in text:
            assert str(escape(text)) in html and text not in html, text
