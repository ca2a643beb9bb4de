"""Text-a-tip tests: requests signed exactly as Twilio signs them, and a loopback HTTP server that
stands in for Twilio (its REST API for replies, its media URLs and their redirects)."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

SITE_URL = "https://portal.example.org"
WEBHOOK_URL = SITE_URL + "/sms/twilio"
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-auth-token-of-the-test-account-0123"
DEPARTMENT_NUMBER = "+18475550100"
TIPSTER_NUMBER = "+18475550123"
# How else a tipster's number could be written: none of these may be stored or logged either.
NUMBER_SPELLINGS = ("+18475550123", "18475550123", "8475550123", "847-555-0123", "(847) 555-0123", "555-0123")


def sms_overrides(provider_url: str = "http://127.0.0.1:9", **more: object) -> dict[str, object]:
    """Settings that turn text-a-tip on against the stand-in provider at ``provider_url``."""
    return {
        "PORTAL_SITE_URL": SITE_URL,
        "PORTAL_SMS_PROVIDER": "twilio",
        "PORTAL_SMS_ACCOUNT_SID": ACCOUNT_SID,
        "PORTAL_SMS_AUTH_TOKEN": AUTH_TOKEN,
        "PORTAL_SMS_NUMBER": DEPARTMENT_NUMBER,
        "PORTAL_SMS_ALIAS_KEY": "alias-key-of-the-test-instance-0123456789",
        "PORTAL_SMS_NUMBER_KEY": "number-key-of-the-test-instance-0123456789",
        "PORTAL_SMS_API_URL": provider_url,
        "PORTAL_SMS_MEDIA_ORIGINS": [provider_url],
        "PORTAL_SMS_TIMEOUT": 2,
        **more,
    }


def twilio_params(body: str, sid: str, sender: str = TIPSTER_NUMBER, media: tuple[str, ...] = ()) -> dict[str, str]:
    """The form fields Twilio posts for an incoming text (the ones the portal reads, and more)."""
    params = {
        "ToCountry": "US", "ToState": "IL", "SmsMessageSid": sid, "NumMedia": str(len(media)), "ToCity": "DEERFIELD",
        "FromZip": "60015", "SmsSid": sid, "FromState": "IL", "SmsStatus": "received", "FromCity": "DEERFIELD",
        "Body": body, "FromCountry": "US", "To": DEPARTMENT_NUMBER, "ToZip": "60015", "NumSegments": "1",
        "MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": sender, "ApiVersion": "2010-04-01",
    }
    for index, url in enumerate(media):
        params[f"MediaUrl{index}"] = url
        params[f"MediaContentType{index}"] = "image/jpeg"
    return params


def signature_for(params: dict[str, str], url: str = WEBHOOK_URL, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def post_text(client, body: str, sid: str, sender: str = TIPSTER_NUMBER, media: tuple[str, ...] = (),
              signature: str | None = None):
    """Post an incoming text as Twilio would, signed with the account's token unless told otherwise."""
    params = twilio_params(body, sid, sender, media)
    headers = {"X-Twilio-Signature": signature_for(params) if signature is None else signature}
    if signature == "":
        headers = {}
    return client.post("/sms/twilio", data=params, headers=headers)


def reply_of(response) -> str:
    """The text the portal asks Twilio to send back, from its TwiML answer."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "Response"
    return " ".join(message.text or "" for message in root.iter("Message"))


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SeenRequest:
    method: str
    path: str
    form: dict[str, list[str]]
    username: str | None
    password: str | None


class FakeTwilio:
    """A loopback HTTP server: ``answers`` maps a path to a list of answers given in turn (the last
    one repeats); every request is recorded in ``seen``. Replies are posted to
    ``/2010-04-01/Accounts/<sid>/Messages.json`` and answer 201 with a new message id unless told
    otherwise."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.seen: list[SeenRequest] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode()) if length else {}
                username = password = None
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    username, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                fake.seen.append(SeenRequest(self.command, self.path, form, username, password))
                queue = fake.answers.get(self.path)
                if queue is None and self.path.endswith("/Messages.json"):
                    queue = [Answer(201, json.dumps({"sid": "SM" + uuid.uuid4().hex, "status": "queued"}).encode(),
                                    {"Content-Type": "application/json"})]
                answer = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Answer(404)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def messages_path(self) -> str:
        return f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"

    def sent_texts(self) -> list[SeenRequest]:
        return [seen for seen in self.seen if seen.method == "POST" and seen.path == self.messages_path()]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def running_fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def post_delivery_report(client, callback_url: str, message_id: str, status: str, error_code: str = "",
                         signature: str | None = None):
    """Post Twilio's status callback for a text it was given, to the URL the portal asked for."""
    params = {"MessageSid": message_id, "SmsSid": message_id, "MessageStatus": status, "SmsStatus": status,
              "AccountSid": ACCOUNT_SID, "From": DEPARTMENT_NUMBER, "To": TIPSTER_NUMBER, "ApiVersion": "2010-04-01"}
    if error_code:
        params["ErrorCode"] = error_code
    headers = {"X-Twilio-Signature": signature_for(params, callback_url) if signature is None else signature}
    return client.post(callback_url.removeprefix(SITE_URL), data=params, headers=headers)
