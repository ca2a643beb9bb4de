"""Community notices (General Order 227 E): written and reviewed by named staff, then published."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_column, new_public_id
from portal.models.casework import Area
from portal.models.staff import StaffUser


class NoticeType(enum.StrEnum):
    ROAD_CLOSURE = "road-closure"
    SPECIAL_EVENT = "special-event"
    WEATHER_EMERGENCY = "weather-emergency"
    MISSING_PERSON = "missing-person"
    WANTED_PERSON = "wanted-person"
    EMPLOYMENT = "employment"
    GENERAL = "general"


class NoticeState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Notice(db.Model):
    """The current text of a notice; ``events`` keep how it got there and every published version."""

    MAX_TITLE = 120
    MAX_SUMMARY = 300
    MAX_BODY = 20_000
    MAX_PLACES = 300
    MAX_IMAGE_ALT = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    notice_type: Mapped[NoticeType] = mapped_column(enum_column(NoticeType, "notice_type"), index=True)
    state: Mapped[NoticeState] = mapped_column(enum_column(NoticeState, "notice_state"), index=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    summary: Mapped[str] = mapped_column(String(MAX_SUMMARY))
    # As the author wrote it (for editing) and as cleaned by portal.sanitize.rich_text_html (shown).
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    places: Mapped[str] = mapped_column(String(MAX_PLACES), default="")
    # CAP 1.2 values, for the emergency types only.
    severity: Mapped[str] = mapped_column(String(20), default="")
    urgency: Mapped[str] = mapped_column(String(20), default="")
    certainty: Mapped[str] = mapped_column(String(20), default="")
    # An optional picture, re-encoded without its metadata, under the public media folder.
    image_name: Mapped[str] = mapped_column(String(64), default="")
    image_type: Mapped[str] = mapped_column(String(40), default="")
    image_alt: Mapped[str] = mapped_column(String(MAX_IMAGE_ALT), default="")
    image_removed: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Published at once by its author: a supervisor still has to look at it afterwards.
    awaiting_review: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[StaffUser] = relationship()
    area: Mapped[Area | None] = relationship()
    events: Mapped[list[NoticeEvent]] = relationship(
        back_populates="notice", order_by="NoticeEvent.id", cascade="all, delete-orphan")


class NoticeEvent(db.Model):
    """One step of a notice's life. Steps that put a version before the public carry its CAP
    message type (Alert, Update, Cancel), so feeds can reference what came before."""

    MAX_NOTE = 1_000

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    message_type: Mapped[str] = mapped_column(String(10), default="")
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    # Why: a return to the author, an update's text ("road reopened"), a supervisor's reason
    # for publishing over a policy warning.
    note: Mapped[str] = mapped_column(Text, default="")
    # The title and summary as published by this step, for the public history and feeds.
    title: Mapped[str] = mapped_column(String(Notice.MAX_TITLE), default="")
    summary: Mapped[str] = mapped_column(String(Notice.MAX_SUMMARY), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    notice: Mapped[Notice] = relationship(back_populates="events")
    staff_user: Mapped[StaffUser] = relationship()
