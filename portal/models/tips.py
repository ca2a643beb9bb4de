"""Anonymous tips, their follow-up conversation and their attachments."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_column, new_public_id, trigram_index

if TYPE_CHECKING:
    from portal.models.notices import Notice
    from portal.models.reports import Report
    from portal.models.sms import OutboxText, SmsConversation


class TipCategory(db.Model):
    """What a tip is about (General Order 227 E.a, E.b.iv); admins edit the list later."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class TipStatus(enum.StrEnum):
    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"


class MessageAuthor(enum.StrEnum):
    TIPSTER = "tipster"
    STAFF = "staff"


class Tip(db.Model):
    """A tip as typed. Nothing about the sender's device or network is ever stored here.

    ``created_at`` is rounded down to a quarter hour (see services.tips.rounded_now).
    """

    __table_args__ = (trigram_index("ix_tip_description_trigram", "description"),)

    MAX_DESCRIPTION = 10_000
    MAX_WHEN = 300
    MAX_WHERE = 500
    MAX_CONTACT_NAME = 120
    MAX_CONTACT_PHONE = 40
    MAX_CONTACT_EMAIL = 254

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    tip_number: Mapped[str] = mapped_column(String(20), unique=True)
    passphrase_hash: Mapped[str] = mapped_column(String(255))
    # Hash of the one-time token of the form it came from, so a resent form is not a second tip.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("tip_category.id"), index=True)
    terms_version_id: Mapped[int] = mapped_column(ForeignKey("terms_version.id"))
    description: Mapped[str] = mapped_column(Text)
    when_text: Mapped[str] = mapped_column(String(MAX_WHEN), default="")
    where_text: Mapped[str] = mapped_column(String(MAX_WHERE), default="")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    contact_name: Mapped[str] = mapped_column(String(MAX_CONTACT_NAME), default="")
    contact_phone: Mapped[str] = mapped_column(String(MAX_CONTACT_PHONE), default="")
    contact_email: Mapped[str] = mapped_column(String(MAX_CONTACT_EMAIL), default="")
    status: Mapped[TipStatus] = mapped_column(enum_column(TipStatus, "tip_status"), default=TipStatus.RECEIVED)
    public_message: Mapped[str] = mapped_column(Text, default="")
    # The appeal (missing or wanted person notice) the tipster answered, if they came from one.
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    category: Mapped[TipCategory] = relationship()
    notice: Mapped[Notice | None] = relationship()
    messages: Mapped[list[TipMessage]] = relationship(
        back_populates="tip", order_by="TipMessage.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="tip", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    # Set when the tip came in by text message (text-a-tip).
    sms_conversation: Mapped[SmsConversation | None] = relationship(back_populates="tip", cascade="all, delete-orphan")

    @property
    def anonymous(self) -> bool:
        return not (self.contact_name or self.contact_phone or self.contact_email)


class TipMessage(db.Model):
    """One turn of the anonymous conversation between the tipster and staff."""

    __table_args__ = (trigram_index("ix_tip_message_body_trigram", "body"),)

    MAX_BODY = 10_000

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tip.id"), index=True)
    author: Mapped[MessageAuthor] = mapped_column(enum_column(MessageAuthor, "message_author"))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    # A keyed hash of the provider's message id for a text, so a webhook sent twice adds one message.
    delivery_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    tip: Mapped[Tip] = relationship(back_populates="messages")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="message", order_by="Attachment.id")
    # A staff reply to a tip that came by text, and whether it was texted.
    text_delivery: Mapped[OutboxText | None] = relationship(back_populates="message")


class Attachment(db.Model):
    """A file sent with a tip or a report, stored under a random name outside ``static/``; never public."""

    __table_args__ = (
        CheckConstraint("(tip_id IS NULL) <> (report_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tip.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("tip_message.id"))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    # Detected from the content, never from the name or the declared type.
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # What was found and removed, in words, e.g. "GPS location; camera make and model".
    metadata_removed: Mapped[str] = mapped_column(String(500), default="")
    # Said to the tipster and to staff when metadata could not be removed (videos).
    metadata_warning: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    tip: Mapped[Tip | None] = relationship(back_populates="attachments")
    message: Mapped[TipMessage | None] = relationship(back_populates="attachments")
    report: Mapped[Report | None] = relationship(back_populates="attachments")
