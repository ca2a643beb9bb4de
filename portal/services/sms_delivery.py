"""Staff replies by text, through an outbox like e-mail's (outbox.py).

A reply is an ``OutboxText`` row committed with the staff message. ``deliver_due_texts`` (run by
``outbox send``) opens the sealed number in memory only, posts the text to the provider's REST
API and marks the row. A network error, a 5xx or 429, or an answer saying the account's settings
are wrong is tried again later with the e-mail outbox's growing wait; any other refusal (for
example a number that opted out) is final, and so is a conversation closed meanwhile: its number
is gone. Run one sender: like the e-mail outbox's, delivery is at least once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import requests
from cryptography.exceptions import InvalidTag

from portal.extensions import db
from portal.models import OutboxText, SmsConversation, TipMessage
from portal.services import sms_numbers
from portal.services.outbox import DeliveryResult, backoff

log = logging.getLogger(__name__)

# Worth trying again: the account's credentials or address being fixed (401, 403, 404), a time-out,
# a rate limit, the provider's own trouble. Any other refusal is about this text or number, and final.
RETRIED_STATUSES = frozenset({401, 403, 404, 408, 429}) | frozenset(range(500, 600))


# What a provider's delivery report may say that ends the story of a text.
FINAL_REPORTS = frozenset({"delivered", "undelivered", "failed"})
STATUS_PATH = "/sms/twilio/status"


@dataclass(frozen=True)
class TextSettings:
    api_url: str
    account_sid: str
    auth_token: str
    from_number: str
    number_key: str
    alias_key: str
    timeout: float
    # Where the provider posts each text's delivery report (the public zone's status webhook).
    status_url: str


def text_settings_from(config: Mapping[str, Any]) -> TextSettings | None:
    """None when text-a-tip is off, or in a zone without the number key (the back office)."""
    if not config["PORTAL_SMS_PROVIDER"] or not config["PORTAL_SMS_NUMBER_KEY"]:
        return None
    return TextSettings(config["PORTAL_SMS_API_URL"].rstrip("/"), config["PORTAL_SMS_ACCOUNT_SID"],
                        config["PORTAL_SMS_AUTH_TOKEN"], config["PORTAL_SMS_NUMBER"],
                        config["PORTAL_SMS_NUMBER_KEY"], config["PORTAL_SMS_ALIAS_KEY"],
                        float(config["PORTAL_SMS_TIMEOUT"]), config["PORTAL_SITE_URL"].rstrip("/") + STATUS_PATH)


def provider_key(provider_id: str, alias_key: str) -> str:
    """Keyed like the alias: the provider's own logs tie its id for a text to the phone."""
    return sms_numbers.alias_for(f"sent:{provider_id}", alias_key)


def queue_text(conversation: SmsConversation, message: TipMessage, body: str, now: datetime) -> OutboxText:
    """Add a text to the caller's transaction; it is sent only if that transaction commits."""
    text = OutboxText(conversation=conversation, message=message, body=body, created_at=now, next_attempt_at=now,
                      attempts=0)
    db.session.add(text)
    return text


class SendFailed(Exception):
    def __init__(self, reason: str, final: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final


def post_to_provider(number: str, body: str, settings: TextSettings) -> str | None:
    """Post one text; the provider's id for it, when its answer gives one."""
    try:
        answer = requests.post(f"{settings.api_url}/2010-04-01/Accounts/{settings.account_sid}/Messages.json",
                               data={"To": number, "From": settings.from_number, "Body": body,
                                     "StatusCallback": settings.status_url},
                               auth=(settings.account_sid, settings.auth_token), timeout=settings.timeout)
    except requests.RequestException as error:
        raise SendFailed(type(error).__name__, final=False) from None
    with answer:
        if answer.status_code < 300:
            return provider_id_in(answer)
        reason = f"HTTP {answer.status_code}" + provider_error_code(answer)
        raise SendFailed(reason, final=answer.status_code not in RETRIED_STATUSES)


def provider_id_in(answer: requests.Response) -> str | None:
    try:
        sid = answer.json().get("sid")
    except (ValueError, AttributeError):
        return None
    return sid if isinstance(sid, str) and 0 < len(sid) <= 64 else None


def provider_error_code(answer: requests.Response) -> str:
    """Twilio's error code (21610: the number opted out), which says why better than the status."""
    try:
        code = answer.json().get("code")
    except (ValueError, AttributeError):
        return ""
    return f" code {int(code)}" if isinstance(code, int) else ""


def send_one(text: OutboxText, settings: TextSettings) -> None:
    conversation = text.conversation
    if conversation.sealed_number is None or conversation.alias is None:
        raise SendFailed("conversation closed", final=True)
    try:
        number = sms_numbers.open_number(conversation.sealed_number, conversation.alias, settings.number_key)
    except InvalidTag:
        raise SendFailed("the number key does not open this number", final=True) from None
    provider_id = post_to_provider(number, text.body, settings)
    text.provider_key = provider_key(provider_id, settings.alias_key) if provider_id else None


def deliver_due_texts(settings: TextSettings, now: datetime | None = None, batch_size: int = 100) -> DeliveryResult:
    """Send every text that is due; each outcome is committed on its own."""
    now = now or datetime.now(timezone.utc)
    due = list(db.session.scalars(
        db.select(OutboxText)
        .where(OutboxText.sent_at.is_(None), OutboxText.given_up_at.is_(None), OutboxText.next_attempt_at <= now)
        .order_by(OutboxText.id).limit(batch_size).with_for_update(skip_locked=True)))
    sent = failed = 0
    for text in due:
        text.attempts += 1
        try:
            send_one(text, settings)
        except SendFailed as failure:
            text.last_error = failure.reason[:200]
            if failure.final:
                text.given_up_at = now
            else:
                text.next_attempt_at = now + backoff(text.attempts)
            failed += 1
            log.warning("sms_outbox.failed id=%s attempts=%s final=%s error=%s", text.id, text.attempts,
                        failure.final, text.last_error)
        else:
            text.sent_at = now
            text.last_error = ""
            sent += 1
        db.session.commit()
    pending = db.session.scalar(db.select(db.func.count()).select_from(OutboxText).where(
        OutboxText.sent_at.is_(None), OutboxText.given_up_at.is_(None)))
    log.info("sms_outbox.delivered sent=%s failed=%s pending=%s", sent, failed, pending)
    return DeliveryResult(sent, failed, pending)


def record_delivery_report(provider_id: str, status: str, error_code: str, alias_key: str) -> bool:
    """The provider's report on a text it was given: kept when final, so staff see whether it reached
    the phone. False when no text of ours has that id (a report for another app on the account)."""
    text = db.session.scalars(db.select(OutboxText).where(
        OutboxText.provider_key == provider_key(provider_id, alias_key))).first()
    if text is None:
        return False
    if status in FINAL_REPORTS:
        code = error_code if error_code.isdigit() and len(error_code) <= 10 else ""
        text.delivery_report = status + (f", error {code}" if code else "")
        db.session.commit()
        log.info("sms_outbox.report id=%s status=%s", text.id, status)
    return True
