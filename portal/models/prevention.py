"""Crime prevention tips, grouped in categories (home, vehicle, fraud, online, personal)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class PreventionCategory(db.Model):
    MAX_SLUG = 60

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    tips: Mapped[list[PreventionTip]] = relationship(
        back_populates="category", order_by="PreventionTip.title"
    )


class PreventionTip(db.Model):
    MAX_SLUG = 80

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("prevention_category.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    # Written by staff and cleaned by portal.sanitize.rich_text_html before it is stored.
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    category: Mapped[PreventionCategory] = relationship(back_populates="tips")
