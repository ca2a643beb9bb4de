"""Nothing identifying is stored with a tip: not in the database, the uploads or the logs."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from tests.helpers import DATA, TipActions, all_stored_text

ADDRESS = "198.51.100.173"
FORWARDED = "203.0.113.219"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) TipsterFingerprint/7.7"
TIP_TEXT = "The stolen bikes are kept in the blue garage on Maple Court"
IDENTIFYING = (ADDRESS, FORWARDED, "TipsterFingerprint", "198.51.100", "203.0.113")


def test_tips_leave_no_address_user_agent_or_cookie_in_the_store_files_or_logs(make_tip_app, caplog):
    caplog.set_level(logging.DEBUG)
    app = make_tip_app(PORTAL_PROXY_COUNT=1, RATELIMIT_ENABLED=True)
    tipster = TipActions(app.test_client())
    options = {"environ_base": {"REMOTE_ADDR": ADDRESS},
               "headers": {"User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED}}
    fields = tipster.form_fields()
    photo = (DATA / "photo_with_gps.jpg").read_bytes()
    response = tipster.client.post("/tips/new", content_type="multipart/form-data", **options, data={
        **fields, "category": "other", "description": TIP_TEXT, "attachments": [(io.BytesIO(photo), "bike.jpg")]})
    assert response.status_code == 200
    tip_number, passphrase = tipster.credentials(response)
    tipster.check(tip_number, passphrase, **options)
    tipster.send_message(tip_number, passphrase, "More: " + TIP_TEXT, **options)
    tipster.check(tip_number, "wrong guess", **options)

    stored = all_stored_text(app)
    assert TIP_TEXT in stored, "the test must read the store to mean anything"
    for secret in IDENTIFYING:
        assert secret not in stored, f"{secret!r} stored"
    cookie = tipster.client.get_cookie("portal_public")
    if cookie is not None:
        assert cookie.value[:20] not in stored
    uploads = Path(app.config["PORTAL_UPLOAD_FOLDER"])
    files = list(uploads.iterdir())
    assert files
    for path in files:
        content = path.read_bytes().decode("latin-1")
        for secret in IDENTIFYING + ("bike.jpg",):
            assert secret not in content
    assert "tip.created" in caplog.text, "the test must see the log to mean anything"
    for secret in IDENTIFYING + (TIP_TEXT, "Maple Court", tip_number, passphrase, "bike.jpg"):
        assert secret not in caplog.text, f"{secret!r} logged"


def test_the_receipt_and_check_pages_are_never_cached(tipster):
    response = tipster.submit()
    assert response.headers["Cache-Control"] == "no-store"
    tip_number, passphrase = tipster.credentials(response)
    assert tipster.check(tip_number, passphrase).headers["Cache-Control"] == "no-store"
    assert tipster.client.get("/tips/check").headers["Cache-Control"] == "no-store"
