"""The department's public identity: contact details and its approved social media accounts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class DepartmentProfile(db.Model):
    """One row: what every public page shows about the department."""

    MAX_NAME = 120
    MAX_TEXT = 200
    MAX_PHONE = 40
    MAX_URL = 300

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    short_name: Mapped[str] = mapped_column(String(MAX_NAME))
    jurisdiction: Mapped[str] = mapped_column(String(MAX_TEXT))
    street_address: Mapped[str] = mapped_column(String(MAX_TEXT))
    locality: Mapped[str] = mapped_column(String(MAX_NAME))
    region: Mapped[str] = mapped_column(String(MAX_NAME))
    postal_code: Mapped[str] = mapped_column(String(20))
    emergency_phone: Mapped[str] = mapped_column(String(MAX_PHONE))
    non_emergency_phone: Mapped[str] = mapped_column(String(MAX_PHONE))
    email: Mapped[str] = mapped_column(String(MAX_TEXT))
    website_url: Mapped[str] = mapped_column(String(MAX_URL))
    facebook_name: Mapped[str] = mapped_column(String(MAX_NAME))
    facebook_url: Mapped[str] = mapped_column(String(MAX_URL))
    twitter_handle: Mapped[str] = mapped_column(String(60))
    maintained_by: Mapped[str] = mapped_column(String(MAX_TEXT))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def twitter_url(self) -> str:
        return f"https://x.com/{self.twitter_handle}"

    @staticmethod
    def tel_uri(phone: str) -> str:
        """``tel:`` link for a displayed number: its digits, with a leading + kept."""
        return "tel:" + ("+" if phone.startswith("+") else "") + "".join(c for c in phone if c.isdigit())


class OfficialAccount(db.Model):
    """A social media account the department approved, listed so residents can spot impostors."""

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(60))
    display_name: Mapped[str] = mapped_column(String(120))
    handle: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(300), unique=True)
    approved_on: Mapped[date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)
