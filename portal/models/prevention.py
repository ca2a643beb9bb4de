"""Crime prevention tips, grouped in categories (home, vehicle, fraud, online, personal)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_column, utcnow
from portal.models.staff import StaffUser


class PreventionState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    PUBLISHED = "published"


class PreventionCategory(db.Model):
    MAX_SLUG = 60
    MAX_NAME = 80

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    # Every tip, drafts too; public pages ask the service for the published ones.
    tips: Mapped[list[PreventionTip]] = relationship(
        back_populates="category", order_by="PreventionTip.title"
    )


class PreventionTip(db.Model):
    MAX_SLUG = 80
    MAX_TITLE = 120
    MAX_SUMMARY = 300
    MAX_BODY = 20_000

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("prevention_category.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    # As the author wrote it (for editing), and cleaned by portal.sanitize.rich_text_html (shown).
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text)
    state: Mapped[PreventionState] = mapped_column(enum_column(PreventionState, "prevention_state"),
                                                   default=PreventionState.PUBLISHED, index=True)
    # None for the tips seeded with the site, which speak for the whole department.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    category: Mapped[PreventionCategory] = relationship(back_populates="tips")
    author: Mapped[StaffUser | None] = relationship()
