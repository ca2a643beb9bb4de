"""Text-a-tip: the link between a tip and the phone that texted it, and texts waiting to be sent.

No phone number is ever stored in clear. ``alias`` is a keyed hash of the number, used to thread
later texts onto the tip; ``sealed_number`` is the number encrypted with a key kept outside the
database, used only to send staff replies. Both exist only while the conversation is open: closing
it (STOP, staff closing the tip, idleness) sets them to NULL, after which nothing here can lead
back to the phone (services/sms_numbers.py).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_column

if TYPE_CHECKING:
    from portal.models.tips import Tip, TipMessage


class ConversationEnd(enum.StrEnum):
    TIPSTER_STOPPED = "tipster_stopped"
    TIP_CLOSED = "tip_closed"
    IDLE = "idle"


class SmsConversation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tip.id"), unique=True)
    # Unique while set: one open conversation per phone.
    alias: Mapped[str | None] = mapped_column(String(64), unique=True)
    sealed_number: Mapped[bytes | None] = mapped_column(LargeBinary(128))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_text_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[ConversationEnd | None] = mapped_column(enum_column(ConversationEnd, "conversation_end"))

    tip: Mapped[Tip] = relationship(back_populates="sms_conversation")

    @property
    def open(self) -> bool:
        return self.closed_at is None


class OutboxText(db.Model):
    """A staff reply to be texted, committed with the reply itself (like ``OutboxEmail``)."""

    MAX_BODY = 1600

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("sms_conversation.id"), index=True)
    # The staff message it carries, whose page shows whether it went.
    message_id: Mapped[int] = mapped_column(ForeignKey("tip_message.id"), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Set when the text will never be sent: the provider refused it for good, or the conversation closed.
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The kind of the last failure only (e.g. "HTTP 503", "ConnectionError"), never the number.
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # A keyed hash of the provider's id for the sent text, to match the delivery report it posts later.
    provider_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The provider's last word on delivery to the phone: "delivered", or "undelivered, error 30003".
    delivery_report: Mapped[str] = mapped_column(String(60), default="")

    conversation: Mapped[SmsConversation] = relationship()
    message: Mapped[TipMessage] = relationship(back_populates="text_delivery")

    @property
    def state(self) -> str:
        if self.delivery_report == "delivered":
            return "delivered to the phone"
        if self.delivery_report:
            return f"not delivered ({self.delivery_report})"
        if self.sent_at is not None:
            return "texted"
        if self.given_up_at is not None:
            return "not texted"
        return "waiting to be texted"
