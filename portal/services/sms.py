"""Text-a-tip: what an incoming text does, and the reply it gets.

A text starting with the keyword opens a tip ("DEERFIELD DRUGS someone sells at the park"; the
word after the keyword may name a category, otherwise the tip is "other"). Later texts from the
same phone are added to that tip's conversation until it closes: the tipster texts STOP, staff
close the tip, or nobody writes for ``PORTAL_SMS_IDLE_DAYS``. HELP gives the department's numbers.
The phone number itself is only ever held as an alias and, while open, sealed (sms_numbers.py).

Replies are English only, and an SMS tip has no passphrase for the web check-in: the
conversation happens by text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError

from portal.database import checkpoint_wal
from portal.exceptions import InvalidInput
from portal.extensions import db
from portal.models import ConversationEnd, OutboxText, SmsConversation, Tip, TipCategory, TipMessage
from portal.services import assignment, attachments, audit, passphrases, sms_media, sms_numbers, terms, tips
from portal.services.attachments import UploadLimits
from portal.services.metadata import CleanedFile

log = logging.getLogger(__name__)

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# What a provider may put in one incoming text (Twilio joins a long text's parts up to this).
MAX_BODY = 1600
# Newlines and tabs are text; any other control character means the body is not a text message.
TEXT_CONTROLS = frozenset("\n\r\t")
WEBHOOK_ACTOR = "text-a-tip webhook"


@dataclass(frozen=True)
class SmsSettings:
    keyword: str
    alias_key: str
    number_key: str
    department: str
    non_emergency_phone: str
    upload_folder: str
    limits: UploadLimits
    routing: assignment.RoutingSettings
    media: sms_media.MediaSettings


@dataclass(frozen=True)
class IncomingText:
    sender: str
    body: str
    message_id: str
    media_urls: tuple[str, ...] = ()


def is_readable(body: str) -> bool:
    return len(body) <= MAX_BODY and not any(ord(char) < 32 and char not in TEXT_CONTROLS for char in body)


def open_conversation(alias: str) -> SmsConversation | None:
    return db.session.scalars(db.select(SmsConversation).where(SmsConversation.alias == alias)).first()


def answer_text(text: IncomingText, settings: SmsSettings, now: datetime | None = None) -> str:
    """Store what the text brings and return the reply to text back. The caller checked the signature."""
    now = now or datetime.now(timezone.utc)
    if not is_readable(text.body):
        return (f"{settings.department}: we could not read that message. Please send plain text of up to "
                f"{MAX_BODY} characters. Emergency: call 911.")
    alias = sms_numbers.alias_for(text.sender, settings.alias_key)
    command = text.body.strip().upper()
    if command in STOP_WORDS:
        return stop_conversation(alias, settings, now)
    if command in HELP_WORDS:
        return help_reply(settings)
    conversation = open_conversation(alias)
    if conversation is not None:
        return continue_conversation(conversation, text, settings, now)
    words = text.body.split()
    if not words or words[0].upper() != settings.keyword.upper():
        return (f"To send {settings.department} a tip, text {settings.keyword} followed by your tip. "
                "Text HELP for help. Emergency: call 911.")
    return open_tip(alias, text, settings, now)


def help_reply(settings: SmsSettings) -> str:
    return (f"{settings.department} text-a-tip: text {settings.keyword} and your tip, or {settings.keyword} DRUGS, "
            f"GANG, MISSING or WANTED and your tip. Staff never see your number. Text STOP to end. "
            f"Emergency: call 911. Non-emergency: {settings.non_emergency_phone}.")


def delivery_key(message_id: str, settings: SmsSettings) -> str:
    """Keyed, so the provider's message id (which its own logs tie to the phone) is not stored either."""
    return sms_numbers.alias_for(f"message:{message_id}", settings.alias_key)


def category_for(word: str | None) -> tuple[TipCategory | None, bool]:
    """The category a word names (its slug, or the slug's first part: "missing"), else "other"."""
    categories = tips.list_categories()
    if word:
        wanted = word.lower()
        for category in categories:
            if wanted in (category.slug, category.slug.split("-")[0]) and category.slug != "other":
                return category, True
    other = next((category for category in categories if category.slug == "other"), None)
    return other or (categories[-1] if categories else None), False


def fetch_pictures(text: IncomingText, settings: SmsSettings) -> tuple[list[CleanedFile], str]:
    """The text's pictures, cleaned like any upload, or why they could not be accepted."""
    if not text.media_urls:
        return [], ""
    try:
        uploads = sms_media.fetch_media(text.media_urls, settings.media, settings.limits.max_file_bytes)
        return attachments.clean_uploads(uploads, settings.limits), ""
    except sms_media.MediaRefused as refusal:
        log.warning("sms.media_refused reason=%s", refusal.reason)
        return [], refusal.reason
    except InvalidInput as refusal:
        log.warning("sms.media_refused reason=%s", refusal.field)
        return [], "only photos, PDFs and videos"


def picture_note(refusal: str) -> str:
    return f" We could not accept the picture ({refusal}); the text was received." if refusal else ""


def open_tip(alias: str, text: IncomingText, settings: SmsSettings, now: datetime) -> str:
    words = text.body.split()[1:]
    category, named = category_for(words[0] if words else None)
    description = text.body.strip()[len(settings.keyword):].strip()
    if named:
        description = description[len(words[0]):].strip()
    if not description and not text.media_urls:
        return f"Please text {settings.keyword} followed by what you want to tell us. Emergency: call 911."
    key = delivery_key(text.message_id, settings)
    earlier = db.session.scalars(db.select(Tip.tip_number).where(Tip.submission_key == key)).first()
    if earlier:
        return new_tip_reply(earlier, settings)
    cleaned, refusal = fetch_pictures(text, settings)
    if not description and not cleaned:
        return (f"We could not accept the picture ({refusal}), so no tip was opened. Text {settings.keyword} "
                "followed by your tip. Emergency: call 911.")
    current = terms.current_terms(now.date())
    if current is None or category is None:
        # A site set up without `seed-demo`: a web tip would be refused the same way.
        log.error("sms.refused reason=no terms of service or tip categories")
        return (f"{settings.department} cannot take tips by text right now. Please call "
                f"{settings.non_emergency_phone}. Emergency: call 911.")
    # Nobody knows this passphrase: an SMS tip is followed up by text, and its tip number alone
    # opens nothing on the web, at the same cost as any other wrong guess.
    passphrase_hash = passphrases.hash_passphrase(passphrases.new_passphrase())
    created_at = tips.rounded_now()
    tip = Tip(tip_number=tips.unused_tip_number(), passphrase_hash=passphrase_hash, submission_key=key,
              category=category, terms_version_id=current.id, description=description,
              # Routing reads where_text before the column default would fill it in at insert.
              where_text="", created_at=created_at, updated_at=created_at)
    tip.sms_conversation = SmsConversation(
        alias=alias, sealed_number=sms_numbers.seal_number(text.sender, alias, settings.number_key),
        opened_at=created_at, last_text_at=created_at)
    try:
        tips.store_new_tip(tip, cleaned, settings.routing, settings.upload_folder, ("sms",))
    except tips.DuplicateSubmission as duplicate:
        return new_tip_reply(duplicate.tip_number, settings)
    except IntegrityError:
        # The same phone's first two texts raced: the other opened the tip, this one joins it.
        conversation = open_conversation(alias)
        if conversation is None:
            raise
        return continue_conversation(conversation, text, settings, now)
    return new_tip_reply(tip.tip_number, settings) + picture_note(refusal)


def new_tip_reply(tip_number: str, settings: SmsSettings) -> str:
    return (f"{settings.department} received your tip {tip_number}. Text more to this number to add to it; "
            "we may text you questions. Staff never see your number. Text STOP to end and delete it. "
            "Emergency: call 911.")


def continue_conversation(conversation: SmsConversation, text: IncomingText, settings: SmsSettings,
                          now: datetime) -> str:
    tip = conversation.tip
    key = delivery_key(text.message_id, settings)
    if tip.submission_key == key:
        # The provider sent the text that opened the tip again.
        return new_tip_reply(tip.tip_number, settings)
    if db.session.scalar(db.select(db.func.count()).select_from(TipMessage).where(TipMessage.delivery_key == key)):
        return added_reply(tip.tip_number)
    cleaned, refusal = fetch_pictures(text, settings)
    if not text.body.strip() and not cleaned:
        if refusal:
            return f"Tip {tip.tip_number}: we could not accept the picture ({refusal}), so nothing was added."
        return f"Tip {tip.tip_number}: that text was empty, so nothing was added."
    conversation.last_text_at = tips.rounded_now()
    try:
        tips.store_tipster_message(tip, text.body, cleaned, settings.upload_folder, delivery_key=key)
    except IntegrityError:
        # The provider sent this text twice at once; the other copy was stored.
        db.session.rollback()
    return added_reply(tip.tip_number) + picture_note(refusal)


def added_reply(tip_number: str) -> str:
    return f"Added to tip {tip_number}. Text STOP to end and delete your number."


def stop_conversation(alias: str, settings: SmsSettings, now: datetime) -> str:
    conversation = open_conversation(alias)
    if conversation is None:
        return (f"You have no open conversation with {settings.department}. To send a tip, text "
                f"{settings.keyword} followed by your tip.")
    tip_number = conversation.tip.tip_number
    close_conversation(conversation, ConversationEnd.TIPSTER_STOPPED, now)
    db.session.commit()
    erase_closed_numbers_from_disk()
    return (f"Tip {tip_number}: conversation ended and your number deleted. You will get no more texts about it. "
            "Emergency: call 911.")


def close_conversation(conversation: SmsConversation, ended_by: ConversationEnd, now: datetime) -> None:
    """Destroy the number and the alias, and give up the replies not yet sent; in the caller's transaction."""
    conversation.alias = None
    conversation.sealed_number = None
    conversation.closed_at = now
    conversation.ended_by = ended_by
    for text in db.session.scalars(db.select(OutboxText).where(
            OutboxText.conversation_id == conversation.id, OutboxText.sent_at.is_(None),
            OutboxText.given_up_at.is_(None))):
        text.given_up_at = now
        text.last_error = "conversation closed"
    audit.record("sms.conversation_closed", WEBHOOK_ACTOR if ended_by is ConversationEnd.TIPSTER_STOPPED
                 else "text-a-tip", target=conversation.tip.public_id, detail=ended_by.value, now=now)
    log.info("sms.conversation_closed public_id=%s ended_by=%s", conversation.tip.public_id, ended_by.value)


def close_for_tip(tip: Tip, now: datetime | None = None) -> None:
    """Staff closed the tip: the number goes too (in the caller's transaction)."""
    if tip.sms_conversation is not None and tip.sms_conversation.open:
        close_conversation(tip.sms_conversation, ConversationEnd.TIP_CLOSED, now or datetime.now(timezone.utc))


def close_idle_conversations(idle_days: int, now: datetime | None = None) -> int:
    now = now or datetime.now(timezone.utc)
    idle = list(db.session.scalars(db.select(SmsConversation).where(
        SmsConversation.closed_at.is_(None), SmsConversation.last_text_at < now - timedelta(days=idle_days))))
    for conversation in idle:
        close_conversation(conversation, ConversationEnd.IDLE, now)
    db.session.commit()
    erase_closed_numbers_from_disk()
    return len(idle)


def erase_closed_numbers_from_disk() -> None:
    """After the commit that closed a conversation: SQLite's write-ahead log still holds the page
    with its number until a checkpoint."""
    checkpoint_wal(db.engine)


def record_refused_request(reason: str) -> None:
    """An unsigned or wrongly signed request: audited with the reason only, nothing it carried."""
    audit.record("sms.request_refused", WEBHOOK_ACTOR, detail=reason)
    db.session.commit()
    log.warning("sms.request_refused reason=%s", reason)
