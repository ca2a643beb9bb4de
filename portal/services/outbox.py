"""E-mail through a transactional outbox.

A message is a row added in the same transaction as the change it tells about, so both commit or
neither does. ``deliver_due`` (the ``outbox send`` command) sends what is due and marks it sent;
a failure leaves the row for a later try, with a growing wait, and a message is never dropped.
Delivery is at least once: a crash between sending and marking may send a message twice.
"""

from __future__ import annotations

import logging
import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from portal.extensions import db
from portal.models import OutboxEmail

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class MailSettings:
    transport: str
    sender: str
    smtp_host: str
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None
    smtp_starttls: bool
    smtp_timeout: float
    outbox_folder: str


def mail_settings_from(config: Mapping[str, Any]) -> MailSettings:
    return MailSettings(
        transport=config["PORTAL_MAIL_TRANSPORT"], sender=config["PORTAL_MAIL_FROM"],
        smtp_host=config["PORTAL_SMTP_HOST"], smtp_port=int(config["PORTAL_SMTP_PORT"]),
        smtp_username=config["PORTAL_SMTP_USERNAME"], smtp_password=config["PORTAL_SMTP_PASSWORD"],
        smtp_starttls=bool(config["PORTAL_SMTP_STARTTLS"]), smtp_timeout=float(config["PORTAL_SMTP_TIMEOUT"]),
        outbox_folder=config["PORTAL_OUTBOX_FOLDER"],
    )


@dataclass(frozen=True)
class DeliveryResult:
    sent: int
    failed: int
    pending: int


def queue_email(to_address: str, subject: str, body: str, now: datetime | None = None) -> OutboxEmail:
    """Add a message to the caller's transaction; it is sent only if that transaction commits."""
    now = now or datetime.now(timezone.utc)
    email = OutboxEmail(to_address=to_address, subject=subject[:200], body=body, created_at=now,
                        next_attempt_at=now, attempts=0)
    db.session.add(email)
    return email


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def build_message(email: OutboxEmail, settings: MailSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = make_msgid(idstring=f"outbox{email.id}")
    message.set_content(email.body)
    return message


def send_by_smtp(message: EmailMessage, settings: MailSettings) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)


def write_to_folder(message: EmailMessage, settings: MailSettings, email_id: int) -> None:
    """The embedded default: each message as an .eml file, for a developer to open."""
    folder = Path(settings.outbox_folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(folder / f"{email_id:08d}.eml", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(bytes(message))


def deliver_one(email: OutboxEmail, settings: MailSettings) -> None:
    message = build_message(email, settings)
    if settings.transport == "smtp":
        send_by_smtp(message, settings)
    else:
        write_to_folder(message, settings, email.id)


def deliver_due(settings: MailSettings, now: datetime | None = None, batch_size: int = 100) -> DeliveryResult:
    """Send every message that is due; each outcome is committed on its own."""
    now = now or datetime.now(timezone.utc)
    due = list(db.session.scalars(
        db.select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    ))
    sent = failed = 0
    for email in due:
        try:
            deliver_one(email, settings)
        except (OSError, smtplib.SMTPException) as error:
            email.attempts += 1
            email.next_attempt_at = now + backoff(email.attempts)
            email.last_error = type(error).__name__
            failed += 1
            log.warning("outbox.failed id=%s attempts=%s error=%s", email.id, email.attempts, email.last_error)
        else:
            email.attempts += 1
            email.sent_at = now
            email.last_error = ""
            sent += 1
        db.session.commit()
    pending = db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None)))
    log.info("outbox.delivered sent=%s failed=%s pending=%s", sent, failed, pending)
    return DeliveryResult(sent, failed, pending)
