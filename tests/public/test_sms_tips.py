"""Text-a-tip's webhook as Twilio drives it: signed requests posted to /sms/twilio, the TwiML reply
the tipster gets, and what staff then see in the back office over the same database.

It proves that the keyword opens a tip (category from the next word, routed like a web tip), that
later texts thread onto it until STOP, that HELP answers without storing anything, that a provider
retry is stored once, that only requests signed by the account for our own URL are accepted (the
others are refused, audited and never use up a real tipster's allowance), that unreadable or
oversized requests are refused, and that pictures are fetched only from the provider, follow its
redirects, and are stored without their GPS location.
"""

from __future__ import annotations

import io
import re
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from PIL import Image

from portal.extensions import db
from portal.models import Attachment, SmsConversation, TermsVersion, Tip, TipCategory, TipMessage
from portal.services.sms_numbers import alias_for
from tests.conftest import staff_browser
from tests.helpers import DATA, parse_page
from tests.sms_support import (ACCOUNT_SID, AUTH_TOKEN, TIPSTER_NUMBER, WEBHOOK_URL, Answer, post_text, reply_of,
                               running_fake_twilio, signature_for, sms_overrides, twilio_params)

OTHER_PHONE = "+18475550199"
PHOTO = (DATA / "photo_with_gps.jpg").read_bytes()
GPS_IFD = 0x8825
HOW_TO_START = "To send Deerfield PD a tip, text DEERFIELD followed by your tip."
UNREADABLE = "we could not read that message"


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


class Phone:
    """A phone texting the department through Twilio."""

    def __init__(self, app, number: str = TIPSTER_NUMBER) -> None:
        self.client = app.test_client()
        self.number = number

    def send(self, body: str, sid: str | None = None, media: tuple[str, ...] = (), signature: str | None = None):
        return post_text(self.client, body, sid or new_sid(), self.number, media, signature)

    def text(self, body: str, sid: str | None = None, media: tuple[str, ...] = ()) -> str:
        """The reply to a text that Twilio delivered as it should."""
        response = self.send(body, sid, media)
        assert response.status_code == 200, response.status_code
        return reply_of(response)


def post_signed(client, params: dict[str, str]):
    """Post any parameters, correctly signed: for requests Twilio would never make but an attacker could."""
    return client.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": signature_for(params)})


def tip_number_in(reply: str) -> str:
    match = re.search(r"received your tip ([0-9A-Z-]+)\.", reply)
    assert match, reply
    return match.group(1)


def stored(app) -> dict[str, int]:
    """How many rows a text can leave behind, by kind."""
    with app.app_context():
        return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
                for model in (Tip, TipMessage, Attachment, SmsConversation)}


NOTHING = {"Tip": 0, "TipMessage": 0, "Attachment": 0, "SmsConversation": 0}


def texting_site(make_app, fake_twilio, **overrides):
    """A seeded public app with text-a-tip on and settings of the test's own."""
    app = make_app("public", **sms_overrides(fake_twilio.url), **overrides)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    return app


@pytest.fixture
def phone(sms_app) -> Phone:
    return Phone(sms_app)


@pytest.fixture
def staff(make_app, sms_app):
    """The back office over the same database."""
    return make_app("staff")


@pytest.fixture
def admin(staff):
    return staff_browser(staff, "chief@example.org", "admin")


@pytest.fixture
def stranger():
    """A server on another origin, which no media URL may reach."""
    yield from running_fake_twilio()


def case_links(browser) -> list[str]:
    return [href for href in parse_page(browser.get("/queue/")).hrefs() if href.startswith("/cases/")]


def only_case(browser):
    """The one case in this staff member's queue, as its page."""
    [link] = case_links(browser)
    return browser.get(link)


def case_text(browser) -> str:
    return parse_page(only_case(browser)).text


def attachment_bytes(browser) -> list[bytes]:
    html = only_case(browser).get_data(as_text=True)
    downloads = []
    for link in re.findall(r'href="(/cases/[^"]+/files/[^"]+)"', html):
        with browser.get(link) as response:
            assert response.status_code == 200
            downloads.append(response.data)
    return downloads


def refusals_on_audit_page(admin) -> list[str]:
    """The details of the refused-request rows an admin sees in the audit log."""
    page = admin.get("/admin/audit").get_data(as_text=True)
    return re.findall(r"<td>text-a-tip webhook</td><td>sms\.request_refused</td><td>([^<]*)</td>", page)


def add_rule(browser, **fields) -> None:
    data = {"name": "Rule", "kind": "", "category": "", "keywords": "", "places": "", "unit_name": "Triage", **fields}
    assert "Rule added" in parse_page(browser.post("/rules/", data=data, follow_redirects=True)).text


# The keyword opens a tip, seen and routed like a web tip.

def test_the_keyword_opens_a_tip_that_staff_see_routed_by_the_same_rules(phone, staff, admin):
    add_rule(admin, name="Pills", keywords="pills", unit_name="Narcotics")
    narcotics = staff_browser(staff, "nar@example.org", "investigator", "Narcotics")

    reply = phone.text("DEERFIELD Someone sells pills behind the library after school")

    number = tip_number_in(reply)
    assert "Text more to this number to add to it" in reply and "Text STOP to end" in reply
    queue = parse_page(narcotics.get("/queue/")).text
    assert "1 item(s)" in queue and "tip: other" in queue and "Narcotics" in queue
    page = case_text(narcotics)
    assert f"Tip {number}" in page and "The tip (Other)" in page
    assert "Someone sells pills behind the library after school" in page
    assert "Received by text message. The conversation is open" in page
    assert "Routed by rule 1 (Pills): text mentions pills → Narcotics" in page


def test_without_a_matching_rule_the_text_lands_in_the_fallback_queue(phone, admin):
    phone.text("DEERFIELD a car has been parked on Elm Street for weeks")
    assert "No rule matched → the Triage queue" in case_text(admin)


@pytest.mark.parametrize(("body", "category", "description"), [
    ("DEERFIELD DRUGS sold at the train station", "Drugs", "sold at the train station"),
    ("deerfield missing my brother did not come home", "Missing persons", "my brother did not come home"),
])
def test_the_word_after_the_keyword_can_name_the_category(phone, admin, body, category, description):
    tip_number_in(phone.text(body))
    page = case_text(admin)
    assert f"The tip ({category}) {description}" in page


def test_the_keyword_alone_asks_for_the_tip_and_stores_nothing(sms_app, phone):
    assert phone.text("DEERFIELD") == "Please text DEERFIELD followed by what you want to tell us. Emergency: call 911."
    assert stored(sms_app) == NOTHING


# Later texts from the same phone.

def test_a_later_text_from_the_same_phone_is_added_to_the_tip(sms_app, phone, admin):
    number = tip_number_in(phone.text("DEERFIELD a white van at the school every night"))

    reply = phone.text("The plate starts with 7XK")

    assert reply.startswith(f"Added to tip {number}.")
    page = case_text(admin)
    assert "Conversation with the tipster tipster," in page and "The plate starts with 7XK" in page
    assert stored(sms_app)["Tip"] == 1


def test_another_phone_without_the_keyword_is_told_how_to_start_and_nothing_is_stored(sms_app, phone):
    phone.text("DEERFIELD a white van at the school every night")

    reply = Phone(sms_app, OTHER_PHONE).text("The plate starts with 7XK")

    assert reply.startswith(HOW_TO_START)
    assert stored(sms_app)["TipMessage"] == 0


def test_a_retried_text_is_stored_once_and_answered_the_same(sms_app, phone):
    opening, follow_up = new_sid(), new_sid()
    first = phone.text("DEERFIELD someone sells pills at the park", sid=opening)
    assert phone.text("DEERFIELD someone sells pills at the park", sid=opening) == first
    added = phone.text("He wears a red cap", sid=follow_up)
    assert phone.text("He wears a red cap", sid=follow_up) == added
    assert stored(sms_app) == {"Tip": 1, "TipMessage": 1, "Attachment": 0, "SmsConversation": 1}


# HELP and STOP.

@pytest.mark.parametrize("word", ["HELP", "info"])
def test_help_gives_the_departments_numbers_and_stores_nothing(sms_app, phone, word):
    reply = phone.text(word)
    assert "(847) 945-8636" in reply and "911" in reply
    assert stored(sms_app) == NOTHING


def test_help_during_a_conversation_is_not_added_to_the_tip(sms_app, phone):
    phone.text("DEERFIELD a white van at the school every night")
    assert "(847) 945-8636" in phone.text("HELP")
    assert stored(sms_app)["TipMessage"] == 0


def test_stop_ends_the_conversation_and_later_texts_start_over(sms_app, phone, admin):
    number = tip_number_in(phone.text("DEERFIELD a white van at the school every night"))

    assert phone.text("stop").startswith(f"Tip {number}: conversation ended and your number deleted.")

    assert phone.text("One more thing about the van").startswith(HOW_TO_START)
    assert stored(sms_app)["TipMessage"] == 0
    assert "The conversation ended (the tipster texted STOP)" in case_text(admin)


def test_after_stop_the_keyword_opens_a_new_tip(sms_app, phone):
    first = tip_number_in(phone.text("DEERFIELD a white van at the school every night"))
    phone.text("STOP")
    second = tip_number_in(phone.text("DEERFIELD the van is back"))
    assert second != first
    assert phone.text("It is parked on Elm Street").startswith(f"Added to tip {second}.")


def test_stop_without_an_open_conversation_says_so(sms_app, phone):
    assert phone.text("STOP").startswith("You have no open conversation with Deerfield PD.")
    assert stored(sms_app) == NOTHING


# Requests that are not Twilio's.

def changed_after_signing(phone: Phone):
    original = twilio_params("DEERFIELD the real text", new_sid(), phone.number)
    return phone.send("DEERFIELD a forged text", sid=original["MessageSid"], signature=signature_for(original))


def signed_for(url: str = WEBHOOK_URL, token: str = AUTH_TOKEN):
    def send(phone: Phone):
        params = twilio_params("DEERFIELD a forged text", new_sid(), phone.number)
        return phone.send(params["Body"], sid=params["MessageSid"], signature=signature_for(params, url, token))
    return send


FORGERIES = {
    "unsigned": (lambda phone: phone.send("DEERFIELD a forged text", signature=""), "no signature"),
    "garbage signature": (lambda phone: phone.send("DEERFIELD a forged text", signature="bad"), "wrong signature"),
    "another account's token": (signed_for(token="another-account-token-0123456789abcdef"), "wrong signature"),
    "changed after signing": (changed_after_signing, "wrong signature"),
    "signed for another site": (signed_for(url="http://evil.example/sms/twilio"), "wrong signature"),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_requests_not_signed_for_us_are_refused_audited_and_store_nothing(sms_app, phone, admin, forgery):
    send, reason = FORGERIES[forgery]
    response = send(phone)
    assert response.status_code == 403
    response.close()
    assert stored(sms_app) == NOTHING
    assert refusals_on_audit_page(admin) == [reason]


def test_a_signed_request_without_a_sender_number_is_refused_and_audited(sms_app, phone, admin):
    params = {**twilio_params("DEERFIELD from nowhere", new_sid()), "From": "Twilio"}
    with post_signed(phone.client, params) as response:
        assert response.status_code == 403
    assert stored(sms_app) == NOTHING
    assert refusals_on_audit_page(admin) == ["no sender number"]


def test_unsigned_requests_never_use_up_a_real_tipsters_allowance(make_app, fake_twilio):
    app = texting_site(make_app, fake_twilio, RATELIMIT_ENABLED=True, PORTAL_SMS_LIMIT="3 per hour")
    phone = Phone(app)
    for _ in range(5):
        response = phone.send("DEERFIELD a forged text", signature="")
        assert response.status_code == 403
        response.close()

    number = tip_number_in(phone.text("DEERFIELD a white van at the school every night"))
    for text in ("The plate starts with 7XK", "It left at 9 pm"):
        assert phone.text(text).startswith(f"Added to tip {number}.")
    assert phone.text("One text too many").startswith("You sent many texts in a short time.")
    assert stored(app) == {"Tip": 1, "TipMessage": 2, "Attachment": 0, "SmsConversation": 1}


# Requests the webhook cannot read.

@pytest.mark.parametrize("body", [
    "DEERFIELD " + "x" * 1591,
    "\x00\x01\x02 DEERFIELD x",
    "DEERFIELD \x07bell",
], ids=["1601 characters", "NUL and friends", "bell"])
def test_unreadable_texts_are_refused_with_a_reply_and_store_nothing(sms_app, phone, body):
    assert UNREADABLE in phone.text(body)
    assert stored(sms_app) == NOTHING


def test_a_text_of_exactly_1600_characters_is_a_tip(sms_app, phone):
    tip_number_in(phone.text("DEERFIELD " + "x" * 1590))
    assert stored(sms_app)["Tip"] == 1


def test_a_request_over_64_kib_is_refused_even_when_signed(sms_app, phone):
    params = {**twilio_params("DEERFIELD a big one", new_sid()), "Padding": "x" * (64 * 1024)}
    with post_signed(phone.client, params) as response:
        assert response.status_code == 413
    assert stored(sms_app) == NOTHING


def test_a_request_without_a_message_sid_is_a_bad_request(sms_app, phone):
    params = twilio_params("DEERFIELD no id", new_sid())
    del params["MessageSid"]
    with post_signed(phone.client, params) as response:
        assert response.status_code == 400
    assert stored(sms_app) == NOTHING


def test_without_a_provider_the_webhook_does_not_exist(make_app):
    client = make_app("public").test_client()
    with post_signed(client, twilio_params("DEERFIELD hello", new_sid())) as response:
        assert response.status_code == 404


# Pictures.

def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))


def serve(fake, path: str, *answers: Answer) -> str:
    fake.answers[path] = list(answers)
    return fake.url + path


def photo_answer() -> Answer:
    return Answer(200, PHOTO, {"Content-Type": "image/jpeg"})


def test_a_picture_is_fetched_with_the_accounts_credentials_and_stored_without_gps(phone, fake_twilio, admin):
    assert has_gps(PHOTO), "the test photo must carry a location for this test to mean anything"
    url = serve(fake_twilio, "/media/ME1", photo_answer())

    reply = phone.text("DEERFIELD the car in this picture", media=(url,))

    assert "could not accept" not in reply
    [fetch] = [seen for seen in fake_twilio.seen if seen.path.endswith("/ME1")]
    assert (fetch.username, fetch.password) == (ACCOUNT_SID, AUTH_TOKEN)
    assert "removed: GPS location" in case_text(admin)
    [download] = attachment_bytes(admin)
    assert download[:2] == b"\xff\xd8" and not has_gps(download)


def test_a_redirect_on_the_provider_is_followed(phone, fake_twilio, admin):
    url = serve(fake_twilio, "/media/ME2", Answer(307, b"", {"Location": "/files/ME2.jpg"}))
    serve(fake_twilio, "/files/ME2.jpg", photo_answer())

    phone.text("DEERFIELD the car in this picture", media=(url,))

    assert {"/media/ME2", "/files/ME2.jpg"} <= {seen.path for seen in fake_twilio.seen}
    [download] = attachment_bytes(admin)
    assert not has_gps(download)


def assert_picture_refused_unfetched_and_text_kept(sms_app, phone: Phone, admin, url: str, stranger) -> None:
    reply = phone.text("DEERFIELD the car in this picture", media=(url,))
    assert "We could not accept the picture" in reply and "the text was received" in reply
    assert stranger.seen == []
    assert "the car in this picture" in case_text(admin)
    assert stored(sms_app)["Attachment"] == 0


def test_media_on_another_origin_is_never_requested(sms_app, phone, admin, stranger):
    url = serve(stranger, "/x", photo_answer())
    assert_picture_refused_unfetched_and_text_kept(sms_app, phone, admin, url, stranger)


def test_a_redirect_to_another_origin_is_not_followed(sms_app, phone, fake_twilio, admin, stranger):
    url = serve(fake_twilio, "/media/ME3", Answer(307, b"", {"Location": serve(stranger, "/x", photo_answer())}))
    assert_picture_refused_unfetched_and_text_kept(sms_app, phone, admin, url, stranger)


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a picture")
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "media_type"), [
    (b"<!doctype html><html><body><script>alert(1)</script></body></html>", "text/html"),
    (zip_file(), "application/zip"),
], ids=["html", "zip"])
def test_files_that_are_not_pictures_pdfs_or_videos_are_refused_and_the_text_kept(
        sms_app, phone, fake_twilio, admin, content, media_type):
    url = serve(fake_twilio, "/media/ME4", Answer(200, content, {"Content-Type": media_type}))

    reply = phone.text("DEERFIELD see the attached file", media=(url,))

    assert "could not accept the picture (only photos, PDFs and videos)" in reply
    assert "see the attached file" in case_text(admin)
    assert stored(sms_app)["Attachment"] == 0


def test_a_picture_alone_that_cannot_be_accepted_opens_no_empty_tip(sms_app, phone, fake_twilio):
    url = serve(fake_twilio, "/media/ME5", Answer(200, zip_file(), {"Content-Type": "application/zip"}))

    reply = phone.text("DEERFIELD", media=(url,))

    assert "could not accept the picture (only photos, PDFs and videos), so no tip was opened" in reply
    assert stored(sms_app) == NOTHING


def test_a_picture_alone_that_cannot_be_accepted_adds_nothing_and_says_so(sms_app, phone, fake_twilio):
    number = tip_number_in(phone.text("DEERFIELD a blue van behind the library"))
    url = serve(fake_twilio, "/media/ME6", Answer(200, zip_file(), {"Content-Type": "application/zip"}))

    reply = phone.text("", media=(url,))

    assert reply == f"Tip {number}: we could not accept the picture (only photos, PDFs and videos), so nothing was added."
    assert stored(sms_app)["TipMessage"] == 0


def test_a_site_set_up_without_terms_or_categories_refuses_texts_politely(make_app, fake_twilio):
    site = make_app("public", **sms_overrides(fake_twilio.url))

    reply = Phone(site).text("DEERFIELD a blue van behind the library")

    assert "cannot take tips by text right now" in reply and "(847) 945-8636" in reply and "911" in reply
    assert stored(site) == NOTHING


def test_a_first_text_racing_another_first_text_from_the_same_phone_joins_its_tip(sms_app, phone, database_url):
    """Two first texts from one phone: the loser of the race for the phone's open conversation (on
    PostgreSQL its insert waits on the other's, then fails) is added to the winner's tip, not lost."""
    alias = alias_for(TIPSTER_NUMBER, sms_app.config["PORTAL_SMS_ALIAS_KEY"])
    now = datetime.now(timezone.utc)
    engine = sa.create_engine(database_url)
    try:
        with sa.orm.Session(engine) as other_request:
            winner = Tip(tip_number="RACE-WINS-0001", passphrase_hash="x", submission_key="k" * 64,
                         category_id=other_request.scalar(sa.select(TipCategory.id).where(TipCategory.slug == "other")),
                         terms_version_id=other_request.scalar(sa.select(TermsVersion.id)), description="First text",
                         where_text="", created_at=now, updated_at=now)
            winner.sms_conversation = SmsConversation(alias=alias, sealed_number=b"sealed", opened_at=now,
                                                      last_text_at=now)
            other_request.add(winner)
            other_request.flush()
            with ThreadPoolExecutor(1) as pool:
                sending = pool.submit(phone.text, "DEERFIELD second text, sent at the same moment")
                time.sleep(1)
                other_request.commit()
                reply = sending.result(timeout=30)
    finally:
        engine.dispose()
    assert reply.startswith("Added to tip RACE-WINS-0001")
    with sms_app.app_context():
        assert db.session.scalars(db.select(Tip.tip_number)).all() == ["RACE-WINS-0001"]
        assert db.session.scalars(db.select(TipMessage.body)).all() == ["DEERFIELD second text, sent at the same moment"]
