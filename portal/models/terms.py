"""Versioned Terms of Service and Takedown Policy (General Order 227, Addendum A)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class TermsVersion(db.Model):
    """One published version; submissions keep a reference to the version the person accepted."""

    MAX_VERSION = 20

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(MAX_VERSION), unique=True)
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    summary: Mapped[str] = mapped_column(String(500))
    # Written by staff and cleaned by portal.sanitize.rich_text_html before it is stored.
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
