"""Anonymous tips: submission with a receipt, check-in by tip number and passphrase, follow-up.

Nothing here ever sees a client address, a user agent or a cookie: the views do not pass them,
and the models have nowhere to put them. Times are rounded down to a quarter hour, so a stored
time cannot be matched to the exact second of a request in someone else's network log, while
still being precise enough for staff deadlines measured in hours.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from portal import sanitize
from portal.exceptions import InvalidInput, NotFound
from portal.extensions import db
from portal.languages import N_
from portal.models import MessageAuthor, TermsVersion, Tip, TipCategory, TipMessage, TipStatus
from portal.services import assignment, attachments, notices, passphrases, routing, sms_delivery
from portal.services.attachments import AttachmentReceipt, Upload, UploadLimits
from portal.services.metadata import CleanedFile

log = logging.getLogger(__name__)

TIME_ROUNDING = timedelta(minutes=15)
COORDINATE_STEP = Decimal("0.000001")
DEFAULT_CATEGORIES = [
    ("missing-persons", N_("Missing persons")),
    ("wanted-persons", N_("Wanted persons")),
    ("gang-activity", N_("Gang activity")),
    ("online-crime", N_("Crimes committed online (cyberbullying, cyberstalking)")),
    ("photos-videos", N_("Photos or videos of a crime")),
    ("drugs", N_("Drugs")),
    ("other", N_("Other")),
]
STATUS_WORDS = {
    TipStatus.RECEIVED: N_("Received"),
    TipStatus.UNDER_REVIEW: N_("Under review"),
    TipStatus.CLOSED: N_("Closed"),
}


@dataclass(frozen=True)
class TipReceipt:
    tip_number: str
    passphrase: str | None
    attachments: list[AttachmentReceipt] = field(default_factory=list)
    already_received: bool = False


class DuplicateSubmission(Exception):
    """The same form was sent twice; the first one is the tip."""

    def __init__(self, tip_number: str) -> None:
        super().__init__(tip_number)
        self.tip_number = tip_number


def rounded_now() -> datetime:
    now = datetime.now(timezone.utc)
    return now - (now - now.replace(minute=0, second=0, microsecond=0)) % TIME_ROUNDING


def submission_key(form_nonce: str) -> str:
    return hashlib.sha256(form_nonce.encode()).hexdigest()


def list_categories() -> list[TipCategory]:
    return list(db.session.scalars(
        db.select(TipCategory).where(TipCategory.active).order_by(TipCategory.position, TipCategory.name)
    ))


def submit_tip(
    *,
    category_slug: str,
    description: str,
    when_text: str,
    where_text: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    terms_version: str,
    uploads: Sequence[Upload],
    form_nonce: str,
    upload_folder: str,
    limits: UploadLimits,
    routing_settings: assignment.RoutingSettings,
    notice_id: int | None = None,
) -> TipReceipt:
    """Store a tip and its cleaned files in one unit of work and return its receipt.

    The slow parts (re-encoding pictures, hashing the passphrase) come before the first query: on
    SQLite a transaction holds the database's write lock, which every other request waits for.
    """
    if (latitude is None) != (longitude is None):
        raise InvalidInput("Give both latitude and longitude, or neither.", "latitude")
    if latitude is not None and longitude is not None:
        latitude, longitude = (value.quantize(COORDINATE_STEP) for value in (latitude, longitude))
    fields = {
        "description": sanitize.plain_text(description, Tip.MAX_DESCRIPTION, "description"),
        "when_text": sanitize.plain_text(when_text, Tip.MAX_WHEN, "when_text"),
        "where_text": sanitize.plain_text(where_text, Tip.MAX_WHERE, "where_text"),
        "contact_name": sanitize.plain_text(contact_name, Tip.MAX_CONTACT_NAME, "contact_name"),
        "contact_phone": sanitize.plain_text(contact_phone, Tip.MAX_CONTACT_PHONE, "contact_phone"),
        "contact_email": sanitize.plain_text(contact_email, Tip.MAX_CONTACT_EMAIL, "contact_email"),
    }
    if not fields["description"].strip():
        raise InvalidInput("Please tell us what happened.", "description")
    cleaned = attachments.clean_uploads(uploads, limits)
    passphrase = passphrases.new_passphrase()
    passphrase_hash = passphrases.hash_passphrase(passphrase)

    key = submission_key(form_nonce)
    earlier = db.session.scalars(db.select(Tip.tip_number).where(Tip.submission_key == key)).first()
    if earlier:
        raise DuplicateSubmission(earlier)
    category = db.session.scalars(
        db.select(TipCategory).where(TipCategory.slug == category_slug, TipCategory.active)
    ).first()
    if category is None:
        raise InvalidInput("Please choose what the tip is about.", "category")
    terms = db.session.scalars(db.select(TermsVersion).where(TermsVersion.version == terms_version)).first()
    if terms is None:
        raise InvalidInput("The terms of service shown have changed. Please read them and send again.", "terms")

    appeal = notices.appeal_for_tip(notice_id)
    created_at = rounded_now()
    tip = Tip(
        tip_number=unused_tip_number(), passphrase_hash=passphrase_hash,
        submission_key=key, category=category, terms_version_id=terms.id, latitude=latitude,
        longitude=longitude, notice=appeal, created_at=created_at, updated_at=created_at, **fields,
    )
    tags = (f"notice:{appeal.notice_type.value}", f"notice:{appeal.id}") if appeal else ()
    receipts = store_new_tip(tip, cleaned, routing_settings, upload_folder, tags)
    return TipReceipt(tip.tip_number, passphrase, receipts)


def store_new_tip(tip: Tip, cleaned: list[CleanedFile], routing_settings: assignment.RoutingSettings,
                  upload_folder: str, tags: Sequence[str] = ()) -> list[AttachmentReceipt]:
    """Route a new tip and commit it with its files (and whatever else the caller added) as one unit.

    Raises DuplicateSubmission when a tip with the same submission key was committed first.
    """
    key = tip.submission_key
    place = (float(tip.latitude), float(tip.longitude)) if tip.latitude is not None and tip.longitude is not None else None
    try:
        db.session.add(tip)
        # Routing's queries flush the tip, so a copy of this form committed meanwhile fails here already.
        assignment.route_submission(
            routing.SubmissionFacts("tip", tip.category.slug, tip.description, tip.where_text, place, tuple(tags)),
            routing_settings, tip.created_at, tip=tip)
        with attachments.files_with_transaction(upload_folder) as written:
            receipts = attachments.store_cleaned_files(cleaned, upload_folder, tip.created_at, written, tip=tip)
            db.session.commit()
    except IntegrityError:
        # Two copies of one submission raced each other past the caller's check; the other one won.
        db.session.rollback()
        winner = db.session.scalars(db.select(Tip.tip_number).where(Tip.submission_key == key)).first()
        if winner:
            raise DuplicateSubmission(winner) from None
        raise
    log.info("tip.created public_id=%s attachments=%d", tip.public_id, len(receipts))
    return receipts


def unused_tip_number() -> str:
    while True:
        number = passphrases.new_tip_number()
        if not db.session.scalar(db.select(db.func.count()).select_from(Tip).where(Tip.tip_number == number)):
            return number


def find_tip_for_tipster(tip_number: str, passphrase: str) -> Tip | None:
    """The tip these credentials open, or None; a wrong number and a wrong passphrase look alike."""
    tip = db.session.scalars(
        db.select(Tip).where(Tip.tip_number == passphrases.normalize_tip_number(tip_number))
    ).first()
    stored_hash = tip.passphrase_hash if tip else None
    # End the read before the slow Argon2 check: on SQLite an open transaction holds the write
    # lock. The tip is read again when it is next used.
    db.session.rollback()
    if passphrases.passphrase_matches(stored_hash, passphrase):
        return tip
    return None


def add_tipster_message(
    tip: Tip, passphrase: str, body: str, uploads: Sequence[Upload], upload_folder: str, limits: UploadLimits
) -> list[AttachmentReceipt]:
    """Add information from the tipster, refusing any message that gives away the passphrase."""
    text = sanitize.plain_text(body, TipMessage.MAX_BODY, "body")
    if passphrases.contains_passphrase(text, passphrase):
        raise InvalidInput(
            "Your message contains your passphrase. Anyone who reads it could then open your tip, "
            "so please remove the passphrase and send the message again.", "body")
    cleaned = attachments.clean_uploads(uploads, limits)
    if not text.strip() and not cleaned:
        raise InvalidInput("Please write a message or attach a file.", "body")
    return store_tipster_message(tip, text, cleaned, upload_folder)


def store_tipster_message(tip: Tip, text: str, cleaned: list[CleanedFile], upload_folder: str,
                          delivery_key: str | None = None) -> list[AttachmentReceipt]:
    """Commit one tipster message with its files; the tip shows as changed to staff."""
    created_at = rounded_now()
    message = TipMessage(tip=tip, author=MessageAuthor.TIPSTER, body=text, created_at=created_at,
                         delivery_key=delivery_key)
    db.session.add(message)
    tip.updated_at = created_at
    with attachments.files_with_transaction(upload_folder) as written:
        receipts = attachments.store_cleaned_files(cleaned, upload_folder, created_at, written,
                                                   tip=tip, message=message)
        db.session.commit()
    log.info("tip.message_added public_id=%s author=tipster", tip.public_id)
    return receipts


def reply_to_tipster(tip_public_id: str, staff_user_id: int, body: str) -> TipMessage:
    """A staff message the tipster reads when checking on the tip, or by text for a tip that came
    by text (the back office calls this, and checks first that a text can still reach them)."""
    tip = get_tip(tip_public_id)
    message = TipMessage(tip=tip, author=MessageAuthor.STAFF, staff_user_id=staff_user_id,
                         body=sanitize.plain_text(body, TipMessage.MAX_BODY, "body"), created_at=rounded_now())
    db.session.add(message)
    tip.updated_at = message.created_at
    if tip.sms_conversation is not None and tip.sms_conversation.open:
        sms_delivery.queue_text(tip.sms_conversation, message, f"Tip {tip.tip_number}: {message.body}",
                                datetime.now(timezone.utc))
    db.session.commit()
    log.info("tip.message_added public_id=%s author=staff staff_id=%s", tip.public_id, staff_user_id)
    return message


def set_public_status(tip_public_id: str, status: TipStatus, public_message: str) -> Tip:
    """The status and optional message the tipster sees (the back office calls this)."""
    tip = get_tip(tip_public_id)
    tip.status = status
    tip.public_message = sanitize.plain_text(public_message, TipMessage.MAX_BODY, "public_message")
    tip.updated_at = rounded_now()
    db.session.commit()
    log.info("tip.status_changed public_id=%s status=%s", tip.public_id, status.value)
    return tip


def get_tip(tip_public_id: str) -> Tip:
    tip = db.session.scalars(db.select(Tip).where(Tip.public_id == tip_public_id)).first()
    if tip is None:
        raise NotFound("tip")
    return tip


def seed_default_categories() -> bool:
    """Add the General Order's tip categories to an empty list; True when it did."""
    if db.session.scalar(db.select(db.func.count()).select_from(TipCategory)):
        return False
    db.session.add_all(TipCategory(slug=slug, name=name, position=position)
                       for position, (slug, name) in enumerate(DEFAULT_CATEGORIES))
    return True
