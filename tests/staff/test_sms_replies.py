"""Staff reply to a tipster who texted, through the text outbox to the stand-in provider.

Proves, over HTTP (both zones' test clients) and the `outbox send` command: staff see a text tip
as one, never its number, and their reply is texted exactly once, as "Tip <number>: <reply>", to
the number that texted, from the department's number with the account's credentials; provider
and network failures are retried after the wait and lose nothing; a final refusal (the number
opted out) is never tried again; STOP, closing the case or the public status "closed" end the
conversation, cancel what is waiting and refuse further replies next to the field; replies too
long for a text are refused; and only the public zone, which holds the number key, sends texts.
"""

from __future__ import annotations

import html
import logging
import re
import socket
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from portal.config import SMS_KEYS
from portal.extensions import db
from portal.models import OutboxText
from portal.services.casework import TEXT_REPLY_LIMIT
from portal.services.sms_delivery import deliver_due_texts, text_settings_from
from tests.conftest import staff_browser
from tests.helpers import parse_page
from tests.sms_support import (ACCOUNT_SID, AUTH_TOKEN, DEPARTMENT_NUMBER, NUMBER_SPELLINGS, SITE_URL, TIPSTER_NUMBER,
                               Answer, post_delivery_report, post_text, reply_of, sms_overrides)

TIP_TEXT = "DEERFIELD DRUGS a blue van sells pills behind the library every night"
REPLY = "Thank you. Which night did you last see the van?"
FAR_FUTURE = timedelta(days=30)


@pytest.fixture
def staff_zone(make_app, fake_twilio, sms_app):
    """The back office over the same database, configured as init-secrets leaves it: no number keys."""
    settings = {key: value for key, value in sms_overrides(fake_twilio.url).items() if key not in SMS_KEYS}
    app = make_app("staff", **settings)
    assert app.config["PORTAL_SMS_PROVIDER"] == "twilio" and not app.config["PORTAL_SMS_NUMBER_KEY"]
    assert text_settings_from(app.config) is None
    return app


@pytest.fixture
def officer(staff_zone):
    # A tip no rule matches lands in the fallback queue.
    return staff_browser(staff_zone, "sgt.triage@example.org", "supervisor", "Triage")


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def text_from_tipster(sms_app, body: str) -> str:
    """The tipster's text as the provider posts it; returns the reply texted back."""
    response = post_text(sms_app.test_client(), body, new_sid())
    assert response.status_code == 200
    return reply_of(response)


def text_a_tip(sms_app) -> str:
    """Opens a tip by text; returns its tip number."""
    return re.search(r"received your tip (\S+)\. ", text_from_tipster(sms_app, TIP_TEXT)).group(1)


def case_path(officer) -> str:
    """The case page of the only item, open or closed, in the officer's queue, reached as staff reach it."""
    [path] = {href for href in parse_page(officer.get("/queue/?state=")).hrefs() if href.startswith("/cases/")}
    return path


def form_action(officer, path: str, ending: str) -> str:
    actions = [form["action"] for form in parse_page(officer.get(path)).find_all("form")
               if form.get("action", "").endswith(ending)]
    assert len(actions) == 1, actions
    return actions[0]


def send_reply(officer, path: str, body: str, status: str = ""):
    """Staff fill in the case page's reply form; a success follows the redirect back to the case page."""
    return officer.post(form_action(officer, path, "/tipster"), follow_redirects=True,
                        data={"body": body, "status": status, "public_message": ""})


def close_case(officer, path: str):
    return officer.post(form_action(officer, path, "/close"), follow_redirects=True)


def page_html(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def staff_messages(page: str) -> list[str]:
    return [html.unescape(body) for body in re.findall(
        r'<li class="message message-staff"><p class="meta">.*?</p><p class="plain-text">([^<]*)</p>', page)]


def delivery_states(page: str) -> list[str]:
    """What the case page says of each staff reply's text: texted, waiting, or not texted and why."""
    return [html.unescape(state) for state in re.findall(r'<span data-message="delivery">([^<]*)</span>', page)]


def errors_next_to(field: str, page: str) -> str:
    found = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def errors_next_to_body(page: str) -> str:
    return errors_next_to("body", page)


def typed_body(page: str) -> str:
    return html.unescape(re.search(r'<textarea[^>]*\bid="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)).strip()


def channel_text(page: str) -> str:
    found = re.search(r'<p data-case="channel">(.*?)</p>', page, re.S)
    assert found, "the case page does not say the tip came by text"
    return " ".join(re.sub(r"<[^>]+>", "", html.unescape(found.group(1))).split())


def run_outbox(app) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def deliver_later(sms_app, later: timedelta):
    """`outbox send` as it would run that much later (the command itself always uses the clock)."""
    with sms_app.app_context():
        return deliver_due_texts(text_settings_from(sms_app.config), now=datetime.now(timezone.utc) + later)


def the_outbox_text(app) -> OutboxText:
    with app.app_context():
        [text] = db.session.scalars(db.select(OutboxText))
        db.session.expunge(text)
        return text


STATUS_CALLBACK = SITE_URL + "/sms/twilio/status"


def assert_is_the_reply(sent, tip_number: str, reply: str = REPLY) -> None:
    """One request the provider received is the staff reply, to the tipster, from the department,
    asking for its delivery report at the portal's status webhook."""
    assert sent.form == {"To": [TIPSTER_NUMBER], "From": [DEPARTMENT_NUMBER], "Body": [f"Tip {tip_number}: {reply}"],
                         "StatusCallback": [STATUS_CALLBACK]}
    assert (sent.username, sent.password) == (ACCOUNT_SID, AUTH_TOKEN)


def assert_number_not_logged(caplog) -> None:
    assert "sms_outbox" in caplog.text, "the test must read the delivery logs to mean anything"
    for spelling in NUMBER_SPELLINGS:
        assert spelling not in caplog.text


def reply_waiting(sms_app, officer) -> tuple[str, str]:
    """A text tip and a staff reply to it in the outbox; returns the tip number and the case page."""
    tip_number = text_a_tip(sms_app)
    path = case_path(officer)
    assert "Texted to the tipster." in parse_page(send_reply(officer, path, REPLY)).text
    return tip_number, path


def test_staff_see_a_text_tip_as_one_without_the_number_and_reply_by_text(sms_app, officer):
    tip_number = text_a_tip(sms_app)
    queue = page_html(officer.get("/queue/"))
    path = case_path(officer)
    page = page_html(officer.get(path))
    channel = channel_text(page)
    assert channel.startswith("Received by text message.") and "The conversation is open" in channel
    assert tip_number in page and "a blue van sells pills behind the library" in page
    assert ">Text to the tipster</button>" in page
    answered = send_reply(officer, path, REPLY)
    after = page_html(answered)
    assert "Texted to the tipster." in parse_page(answered).text
    assert staff_messages(after) == [REPLY]
    for shown in (queue, page, after):
        for spelling in NUMBER_SPELLINGS:
            assert spelling not in shown


def test_outbox_send_texts_the_reply_once_to_the_number_that_texted(sms_app, officer, fake_twilio, caplog):
    caplog.set_level(logging.DEBUG)
    tip_number, path = reply_waiting(sms_app, officer)
    assert fake_twilio.sent_texts() == []
    assert delivery_states(page_html(officer.get(path))) == ["waiting to be texted"]
    assert "Texts: sent 1, failed 0, 0 waiting." in run_outbox(sms_app)
    [sent] = fake_twilio.sent_texts()
    assert_is_the_reply(sent, tip_number)
    assert delivery_states(page_html(officer.get(path))) == ["texted"]
    assert "Texts: sent 0, failed 0, 0 waiting." in run_outbox(sms_app)
    assert len(fake_twilio.sent_texts()) == 1
    assert_number_not_logged(caplog)


def test_a_provider_error_is_retried_after_the_wait_and_the_text_sent_once(sms_app, officer, fake_twilio, caplog):
    caplog.set_level(logging.DEBUG)
    fake_twilio.answers[fake_twilio.messages_path()] = [Answer(500), Answer(201, b'{"sid": "SM1"}')]
    tip_number, _ = reply_waiting(sms_app, officer)
    assert "Texts: sent 0, failed 1, 1 waiting." in run_outbox(sms_app)
    assert the_outbox_text(sms_app).last_error == "HTTP 500"
    assert "Texts: sent 0, failed 0, 1 waiting." in run_outbox(sms_app), "tried again before the wait was over"
    assert len(fake_twilio.sent_texts()) == 1
    delivered = deliver_later(sms_app, timedelta(minutes=2))
    assert (delivered.sent, delivered.failed, delivered.pending) == (1, 0, 0)
    assert deliver_later(sms_app, FAR_FUTURE).sent == 0
    failed_try, sent = fake_twilio.sent_texts()
    assert_is_the_reply(failed_try, tip_number)
    assert_is_the_reply(sent, tip_number)
    assert_number_not_logged(caplog)


def test_wrong_account_credentials_leave_the_text_waiting_until_they_are_fixed(sms_app, officer, fake_twilio):
    fake_twilio.answers[fake_twilio.messages_path()] = [Answer(401), Answer(201, b'{"sid": "SM1"}')]
    tip_number, _ = reply_waiting(sms_app, officer)
    assert "Texts: sent 0, failed 1, 1 waiting." in run_outbox(sms_app)
    assert the_outbox_text(sms_app).given_up_at is None
    assert deliver_later(sms_app, timedelta(minutes=2)).sent == 1
    assert_is_the_reply(fake_twilio.sent_texts()[-1], tip_number)


def test_a_reply_sent_while_closing_the_tip_is_refused_because_it_could_not_be_texted(sms_app, officer, fake_twilio):
    text_a_tip(sms_app)
    path = case_path(officer)
    refused = send_reply(officer, path, REPLY, status="closed")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Send the reply first, then close the tip" in errors_next_to("status", page)
    assert typed_body(page) == REPLY
    assert "The conversation is open" in channel_text(page_html(officer.get(path)))
    assert staff_messages(page_html(officer.get(path))) == []


def provider_accepts_as(fake_twilio, message_id: str) -> None:
    fake_twilio.answers[fake_twilio.messages_path()] = [Answer(
        201, b'{"sid": "' + message_id.encode() + b'", "status": "queued"}', {"Content-Type": "application/json"})]


def report(sms_app, status: str, error_code: str = "", message_id: str = "SMdelivered0001", signature=None) -> int:
    response = post_delivery_report(sms_app.test_client(), STATUS_CALLBACK, message_id, status, error_code, signature)
    response.close()
    return response.status_code


def test_the_providers_delivery_report_shows_on_the_case_page(sms_app, officer, fake_twilio):
    provider_accepts_as(fake_twilio, "SMdelivered0001")
    _, path = reply_waiting(sms_app, officer)
    run_outbox(sms_app)
    assert report(sms_app, "sent") == 204
    assert delivery_states(page_html(officer.get(path))) == ["texted"], "only a final report changes what staff see"
    assert report(sms_app, "delivered") == 204
    assert delivery_states(page_html(officer.get(path))) == ["delivered to the phone"]


def test_a_text_the_phone_never_got_says_so_with_the_providers_error(sms_app, officer, fake_twilio):
    provider_accepts_as(fake_twilio, "SMdelivered0001")
    _, path = reply_waiting(sms_app, officer)
    run_outbox(sms_app)
    assert report(sms_app, "undelivered", "30003") == 204
    assert delivery_states(page_html(officer.get(path))) == ["not delivered (undelivered, error 30003)"]


def test_a_delivery_report_not_signed_by_the_provider_is_refused_and_changes_nothing(sms_app, officer, fake_twilio):
    provider_accepts_as(fake_twilio, "SMdelivered0001")
    _, path = reply_waiting(sms_app, officer)
    run_outbox(sms_app)
    assert report(sms_app, "undelivered", "30003", signature="forged") == 403
    assert report(sms_app, "undelivered", "30003", message_id="SMsomeoneelse") == 204
    assert delivery_states(page_html(officer.get(path))) == ["texted"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_provider_out_of_reach_is_tried_again_later_and_nothing_is_lost(make_app, sms_app, officer, fake_twilio):
    tip_number, _ = reply_waiting(sms_app, officer)
    closed_url = f"http://127.0.0.1:{closed_port()}"
    unreachable = make_app("public", **sms_overrides(fake_twilio.url, PORTAL_SMS_API_URL=closed_url))
    assert "Texts: sent 0, failed 1, 1 waiting." in run_outbox(unreachable)
    assert the_outbox_text(sms_app).last_error == "ConnectionError"
    assert deliver_later(sms_app, timedelta(minutes=2)).sent == 1
    [sent] = fake_twilio.sent_texts()
    assert_is_the_reply(sent, tip_number)


def test_a_number_that_opted_out_at_the_provider_is_given_up_after_one_try(sms_app, officer, fake_twilio):
    fake_twilio.answers[fake_twilio.messages_path()] = [Answer(
        400, b'{"code": 21610, "message": "Attempt to send to unsubscribed recipient"}',
        {"Content-Type": "application/json"})]
    _, path = reply_waiting(sms_app, officer)
    assert "Texts: sent 0, failed 1, 0 waiting." in run_outbox(sms_app)
    assert delivery_states(page_html(officer.get(path))) == ["not texted (HTTP 400 code 21610)"]
    text = the_outbox_text(sms_app)
    assert text.given_up_at is not None and text.sent_at is None
    assert text.last_error == "HTTP 400 code 21610" and text.attempts == 1
    assert "Texts: sent 0, failed 0, 0 waiting." in run_outbox(sms_app)
    assert deliver_later(sms_app, FAR_FUTURE).failed == 0
    assert len(fake_twilio.sent_texts()) == 1


def test_stop_before_the_outbox_runs_cancels_the_reply_and_refuses_new_ones(sms_app, officer, fake_twilio):
    _, path = reply_waiting(sms_app, officer)
    assert "conversation ended" in text_from_tipster(sms_app, "STOP")
    assert "Texts: sent 0, failed 0, 0 waiting." in run_outbox(sms_app)
    assert deliver_later(sms_app, FAR_FUTURE).sent == 0
    assert fake_twilio.sent_texts() == []
    refused = send_reply(officer, path, "Are you still there?")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "its conversation has ended" in errors_next_to_body(page)
    assert typed_body(page) == "Are you still there?"
    assert "The conversation ended (the tipster texted STOP)" in channel_text(page)
    assert staff_messages(page) == [REPLY]
    assert delivery_states(page) == ["not texted (conversation closed)"]
    assert "The conversation ended (the tipster texted STOP)" in channel_text(page_html(officer.get(path)))


def close_by_public_status(officer, path: str):
    return send_reply(officer, path, "", status="closed")


@pytest.mark.parametrize("close", [close_case, close_by_public_status])
def test_closing_the_case_ends_the_conversation(sms_app, officer, fake_twilio, close):
    tip_number = text_a_tip(sms_app)
    path = case_path(officer)
    page = page_html(close(officer, path))
    assert "The conversation ended (the tip was closed)" in channel_text(page)
    assert ">Send to the tipster</button>" in page
    answer = text_from_tipster(sms_app, "Also the driver wears a red cap")
    assert answer.startswith("To send") and "text DEERFIELD followed by your tip" in answer
    assert tip_number not in answer
    assert case_path(officer) == path, "the text opened another tip"
    assert "red cap" not in page_html(officer.get(path))
    refused = send_reply(officer, path, REPLY)
    assert refused.status_code == 400
    assert "its conversation has ended" in errors_next_to_body(refused.get_data(as_text=True))
    run_outbox(sms_app)
    assert fake_twilio.sent_texts() == []


def test_a_reply_too_long_for_a_text_is_refused_and_nothing_is_queued(sms_app, officer, fake_twilio):
    text_a_tip(sms_app)
    path = case_path(officer)
    too_long = "w" * (TEXT_REPLY_LIMIT + 1)
    refused = send_reply(officer, path, too_long)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert f"at most {TEXT_REPLY_LIMIT} characters" in errors_next_to_body(page)
    assert typed_body(page) == too_long
    assert staff_messages(page_html(officer.get(path))) == []
    assert "Texts: sent 0, failed 0, 0 waiting." in run_outbox(sms_app)
    assert fake_twilio.sent_texts() == []


def test_a_reply_of_the_longest_length_is_texted_whole(sms_app, officer, fake_twilio):
    tip_number = text_a_tip(sms_app)
    longest = "w" * TEXT_REPLY_LIMIT
    assert "Texted to the tipster." in parse_page(send_reply(officer, case_path(officer), longest)).text
    assert "Texts: sent 1, failed 0, 0 waiting." in run_outbox(sms_app)
    [sent] = fake_twilio.sent_texts()
    assert_is_the_reply(sent, tip_number, longest)


def test_only_the_public_zone_which_holds_the_number_key_sends_texts(sms_app, staff_zone, officer, fake_twilio):
    tip_number, _ = reply_waiting(sms_app, officer)
    staff_output = run_outbox(staff_zone)
    assert "Texts:" not in staff_output
    assert fake_twilio.sent_texts() == []
    waiting = the_outbox_text(staff_zone)
    assert waiting.sent_at is None and waiting.given_up_at is None and waiting.attempts == 0
    assert "Texts: sent 1, failed 0, 0 waiting." in run_outbox(sms_app)
    [sent] = fake_twilio.sent_texts()
    assert_is_the_reply(sent, tip_number)
