"""Anonymous tips through HTTP: the form, the receipt, checking on a tip and following up."""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

import pytest

from portal.extensions import db
from portal.models import StaffUser, Tip, TipStatus
from portal.services import tips as tip_service
from portal.services.passphrases import word_list
from tests.helpers import TipActions, missing_phrases, parse_page


def stored_tips(app) -> list[Tip]:
    with app.app_context():
        found = list(db.session.scalars(db.select(Tip).order_by(Tip.id)))
        db.session.expunge_all()
        return found


def test_form_page_says_what_is_kept_before_anything_is_typed(tipster):
    response = tipster.client.get("/tips/new")
    page = parse_page(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert missing_phrases(page.text, [
        "This is not for emergencies.",
        "call 911",
        "This site does not record your IP address or details of your browser or device, and nothing in your tip is linked to a cookie.",
        "may be disclosed under public records laws, with details that identify you removed",
        "terms of service, version 1.1",
        "Videos cannot be cleaned",
        "Contact me (optional: this gives up your anonymity)",
        "Leave this empty to stay anonymous.",
    ]) == []
    html = response.get_data(as_text=True)
    assert html.index("This is not for emergencies.") < html.index("<textarea")
    categories = [option for option in re.findall(r'<option value="([^"]*)"', html) if option]
    assert categories == ["missing-persons", "wanted-persons", "gang-activity", "online-crime", "photos-videos",
                          "drugs", "other"]


def test_form_page_makes_no_third_party_request_and_needs_no_script(tipster):
    page = parse_page(tipster.client.get("/tips/new"))
    assert not page.find_all("script") and page.inline_styles == 0
    for tag, attributes in page.elements:
        for name in ("src", "action", "srcset", "data"):
            if name in attributes:
                assert not urlsplit(attributes[name]).netloc, (tag, attributes)
        if tag == "link":
            assert not urlsplit(attributes["href"]).netloc or attributes.get("rel") == "canonical", attributes


def test_a_tip_gets_a_number_and_a_passphrase_shown_once(tip_app, tipster):
    response = tipster.submit(description="Blue van, plate ABC 123, at the school at 3 am.", when_text="Tuesday",
                              where_text="Elm and 3rd")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    tip_number, passphrase = tipster.credentials(response)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", tip_number)
    words = passphrase.split()
    assert all(word in word_list() for word in words)
    assert len(words) * math.log2(len(word_list())) >= 64
    assert "They are shown only once" in parse_page(response).text
    [tip] = stored_tips(tip_app)
    assert (tip.tip_number, tip.description, tip.when_text, tip.where_text) == (
        tip_number, "Blue van, plate ABC 123, at the school at 3 am.", "Tuesday", "Elm and 3rd")
    assert tip.anonymous
    assert tip.passphrase_hash.startswith("$argon2id$") and passphrase not in tip.passphrase_hash
    assert tip.created_at.minute % 15 == 0 and tip.created_at.second == 0 and tip.created_at.microsecond == 0


def test_every_passphrase_is_new(tipster):
    passphrases = {tipster.credentials(tipster.submit())[1] for _ in range(3)}
    assert len(passphrases) == 3


def test_the_accepted_terms_version_is_recorded(tip_app, tipster):
    tipster.submit()
    [tip] = stored_tips(tip_app)
    with tip_app.app_context():
        from portal.models import TermsVersion

        assert db.session.get(TermsVersion, tip.terms_version_id).version == "1.1"


def test_contact_details_are_kept_when_given(tip_app, tipster):
    tipster.submit(contact_name="Pat Doe", contact_phone="847-555-0101", contact_email="pat@example.org")
    [tip] = stored_tips(tip_app)
    assert (tip.contact_name, tip.contact_phone, tip.contact_email, tip.anonymous) == (
        "Pat Doe", "847-555-0101", "pat@example.org", False)


def test_sending_the_same_form_twice_stores_one_tip(tip_app, tipster):
    fields = tipster.form_fields()
    first = tipster.client.post("/tips/new", data={**fields, "category": "drugs", "description": "Once."})
    again = tipster.client.post("/tips/new", data={**fields, "category": "drugs", "description": "Once."})
    tip_number, _ = tipster.credentials(first)
    assert again.status_code == 200
    text = parse_page(again).text
    assert "This tip was already received" in text and tip_number in text
    assert len(stored_tips(tip_app)) == 1


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"description": ""}, "description", "Please tell us what happened."),
        ({"description": "   "}, "description", "Please tell us what happened."),
        ({"description": "x" * 10_001}, "description", "Field cannot be longer than 10000 characters."),
        ({"description": "a\x00b"}, "description", "This contains a NUL character"),
        ({"category": ""}, "category", "Please choose what the tip is about."),
        ({"category": "not-a-category"}, "category", "Not a valid choice."),
        ({"when_text": "w" * 301}, "when_text", "Field cannot be longer than 300 characters."),
        ({"latitude": "north", "longitude": "-87.8"}, "latitude", "Not a valid decimal value."),
        ({"latitude": "NaN", "longitude": "-87.8"}, "latitude", "Please enter a number."),
        ({"latitude": "91", "longitude": "-87.8"}, "latitude", "Number must be between -90 and 90."),
        ({"latitude": "42.17", "longitude": ""}, "latitude", "Give both latitude and longitude, or neither."),
        ({"contact_phone": "5" * 41}, "contact_phone", "Field cannot be longer than 40 characters."),
    ],
)
def test_bad_input_is_flagged_next_to_its_field_and_everything_typed_comes_back(tip_app, tipster, typed, field, message):
    kept = {"when_text": "Friday night", "where_text": "Behind the library", "contact_name": "Sam"}
    response = tipster.submit(**{"description": "My detailed account.", **kept, **typed})
    assert response.status_code == 400
    page = parse_page(response)
    errors = page.find_all("ul", id=f"{field}-errors")
    assert errors, f"no error list next to {field}"
    assert message in page.text
    html = response.get_data(as_text=True)
    for name, value in {**kept, **typed}.items():
        if name not in ("description", "category") and len(value) < 200 and "\x00" not in value:
            assert f'value="{value}"' in html, name
    if "description" not in typed:
        assert "My detailed account." in html
    assert stored_tips(tip_app) == []


def test_text_in_an_invalid_encoding_never_breaks_the_form(tip_app, tipster):
    fields = tipster.form_fields()
    body = "&".join(f"{name}={value}" for name, value in fields.items()).encode()
    body += b"&category=drugs&description=caf%E9+%FF%FE+bytes&where_text=%C3%28"
    response = tipster.client.post("/tips/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    [tip] = stored_tips(tip_app)
    assert tip.description.startswith("caf") and "bytes" in tip.description


def test_an_expired_security_token_keeps_the_text(make_tip_app):
    app = make_tip_app(WTF_CSRF_ENABLED=True)
    tipster = TipActions(app.test_client())
    fields = tipster.form_fields()
    stale = {**fields, "csrf_token": "expired-or-from-another-session"}
    response = tipster.client.post("/tips/new", data={**stale, "category": "gang-activity",
                                                      "description": "Hours of careful typing."})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "For your security this form had expired. Nothing was lost" in parse_page(response).text
    assert "Hours of careful typing." in html
    assert '<option selected value="gang-activity">' in html
    fresh_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    retry = tipster.client.post("/tips/new", data={**fields, "csrf_token": fresh_token, "category": "gang-activity",
                                                   "description": "Hours of careful typing."})
    assert retry.status_code == 200
    assert tipster.credentials(retry)


def test_a_form_sent_faster_than_a_person_can_type_is_held_back_with_the_text(make_tip_app):
    app = make_tip_app(PORTAL_TIP_MIN_FILL_SECONDS=30)
    response = TipActions(app.test_client()).submit(description="Quick bot text")
    assert response.status_code == 400
    assert "Please take a moment to read your tip over" in parse_page(response).text
    assert "Quick bot text" in response.get_data(as_text=True)
    assert stored_tips(app) == []


def test_the_honeypot_field_stops_a_bot_but_a_person_keeps_their_text(tip_app, tipster):
    response = tipster.submit(description="Filled by a bot", website="http://spam.example")
    assert response.status_code == 400
    assert "Your tip could not be sent." in parse_page(response).text
    assert "Filled by a bot" in response.get_data(as_text=True)
    assert stored_tips(tip_app) == []


def test_a_forged_form_token_is_not_accepted(tip_app, tipster):
    response = tipster.submit(form_token="forged.token")
    assert response.status_code == 400
    assert stored_tips(tip_app) == []


def test_rate_limited_tipster_sees_the_phone_number_and_keeps_the_text(make_tip_app):
    app = make_tip_app(RATELIMIT_ENABLED=True, PORTAL_TIP_LIMIT="2 per hour")
    tipster = TipActions(app.test_client())
    assert [tipster.submit().status_code for _ in range(2)] == [200, 200]
    limited = tipster.submit(description="My third, important tip.", where_text="Oak Street")
    assert limited.status_code == 429
    text = parse_page(limited).text
    assert "Your text is kept below" in text and "(847) 945-8636" in text
    html = limited.get_data(as_text=True)
    assert "My third, important tip." in html and 'value="Oak Street"' in html
    assert len(stored_tips(app)) == 2
    other = TipActions(app.test_client())
    assert other.client.post("/tips/new", environ_base={"REMOTE_ADDR": "198.51.100.5"},
                             data={**other.form_fields(), "category": "drugs", "description": "x"}).status_code == 200


def test_one_form_cannot_be_replayed_endlessly(make_tip_app):
    app = make_tip_app(RATELIMIT_ENABLED=True, PORTAL_TIP_FORM_LIMIT="3 per hour")
    tipster = TipActions(app.test_client())
    fields = tipster.form_fields()
    statuses = [tipster.client.post("/tips/new", data={**fields, "category": "", "description": "x"},
                                    environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_checking_on_a_tip_shows_status_message_and_conversation(tip_app, tipster):
    tip_number, passphrase = tipster.credentials(tipster.submit(description="Original <b>tip</b> text"))
    [tip] = stored_tips(tip_app)
    with tip_app.app_context():
        officer = StaffUser(email="det@example.org", display_name="Det. Kim", role="investigator", password_hash="x")
        db.session.add(officer)
        db.session.commit()
        tip_service.set_public_status(tip.public_id, TipStatus.UNDER_REVIEW, "An investigator is looking into it.")
        tip_service.reply_to_tipster(tip.public_id, officer.id, "What colour was the van?")
    response = tipster.check(tip_number.lower().replace("-", " "), "  " + passphrase.upper() + " ")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = parse_page(response)
    assert missing_phrases(page.text, ["Status Under review", "An investigator is looking into it.",
                                       "What colour was the van?", "Original <b>tip</b> text"]) == []
    assert "<b>tip</b>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("wrong", ["number", "passphrase", "both"])
def test_wrong_credentials_get_one_generic_error(tipster, wrong):
    tip_number, passphrase = tipster.credentials(tipster.submit())
    number = "ZZZZ-ZZZZ-ZZZZ" if wrong in ("number", "both") else tip_number
    phrase = "wrong words entirely here now" if wrong in ("passphrase", "both") else passphrase
    response = tipster.check(number, phrase)
    assert response.status_code == 400
    assert "That tip number and passphrase do not match a tip." in parse_page(response).text
    assert phrase not in response.get_data(as_text=True)


def test_guessing_is_limited_per_client_and_per_tip_number(make_tip_app):
    app = make_tip_app(RATELIMIT_ENABLED=True, PORTAL_TIP_CHECK_LIMIT="3 per hour")
    tipster = TipActions(app.test_client())
    tip_number, passphrase = tipster.credentials(tipster.submit())
    guesses = [tipster.check(tip_number, "guess", environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code
               for n in range(4)]
    assert guesses == [400, 400, 400, 429], "per tip number, whatever the address"
    limited = tipster.check(tip_number, passphrase, environ_base={"REMOTE_ADDR": "203.0.113.50"})
    assert limited.status_code == 429
    assert "(847) 945-8636" in parse_page(limited).text
    same_client = [tipster.check(f"AAAA-AAAA-AAA{n}", "guess", environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code
                   for n in range(4)]
    assert same_client == [400, 400, 400, 429], "per client, whatever the tip number"


def test_the_tipster_adds_information(tip_app, tipster):
    tip_number, passphrase = tipster.credentials(tipster.submit())
    response = tipster.send_message(tip_number, passphrase, "The van was blue.\nIt had a dent.")
    assert response.status_code == 200
    text = parse_page(response).text
    assert "Your information was added." in text and "The van was blue." in text
    [tip] = stored_tips(tip_app)
    with tip_app.app_context():
        tip = db.session.get(Tip, tip.id)
        assert [(message.author.value, message.body) for message in tip.messages] == [
            ("tipster", "The van was blue.\nIt had a dent.")]


@pytest.mark.parametrize("disguise", [str, str.upper, lambda phrase: phrase.replace(" ", "-"),
                                      lambda phrase: "my code is " + phrase.replace(" ", "\n") + " thanks"])
def test_a_message_that_gives_away_the_passphrase_is_refused_and_kept(tip_app, tipster, disguise):
    tip_number, passphrase = tipster.credentials(tipster.submit())
    body = disguise(passphrase)
    response = tipster.send_message(tip_number, passphrase, body)
    assert response.status_code == 400
    assert "Your message contains your passphrase." in parse_page(response).text
    assert parse_page(response).find_all("ul", id="body-errors")
    with tip_app.app_context():
        assert db.session.get(Tip, stored_tips(tip_app)[0].id).messages == []


def test_a_message_with_wrong_credentials_is_not_stored(tip_app, tipster):
    tip_number, _ = tipster.credentials(tipster.submit())
    response = tipster.send_message(tip_number, "not the passphrase", "Injected message")
    assert response.status_code == 400
    assert "That tip number and passphrase do not match a tip." in parse_page(response).text
    with tip_app.app_context():
        assert db.session.get(Tip, stored_tips(tip_app)[0].id).messages == []


def test_an_empty_message_is_refused(tipster):
    tip_number, passphrase = tipster.credentials(tipster.submit())
    response = tipster.send_message(tip_number, passphrase, "   ")
    assert response.status_code == 400
    assert "Please write a message or attach a file." in parse_page(response).text


def test_an_unknown_terms_version_is_explained_at_the_top_and_the_text_kept(tip_app, tipster):
    response = tipster.submit(description="Kept text", fields={"terms_version": "0.9"})
    assert response.status_code == 400
    assert "The terms of service shown have changed." in parse_page(response).text
    assert "Kept text" in response.get_data(as_text=True)
    assert stored_tips(tip_app) == []


def test_the_status_page_never_shows_contact_details(tipster):
    response = tipster.submit(where_text="Oak Street", contact_name="Pat Doe", contact_phone="847-555-0101")
    page = tipster.check(*tipster.credentials(response))
    text = parse_page(page).text
    assert "Where: Oak Street" in text
    assert "Pat Doe" not in text and "847-555-0101" not in text
    assert "You gave contact details. They are not shown here" in text


def test_an_unknown_tip_number_costs_as_much_time_as_a_wrong_passphrase(tip_app, tipster):
    """Both run one Argon2 verification, so timing does not tell which tip numbers exist."""
    import statistics
    import time

    tip_number, _ = tipster.credentials(tipster.submit())

    def seconds(number: str) -> float:
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            with tip_app.app_context():
                assert tip_service.find_tip_for_tipster(number, "wrong words here") is None
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    known, unknown = seconds(tip_number), seconds("ZZZZ-ZZZZ-ZZZZ")
    assert unknown > 0.5 * known, (known, unknown)
