"""Online non-emergency crime reports: not anonymous, reviewed by staff, possibly a case."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_column, new_public_id, trigram_index
from portal.models.tips import Attachment


class ReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    MORE_INFO_NEEDED = "more_info_needed"


class Report(db.Model):
    __table_args__ = (trigram_index("ix_report_narrative_trigram", "narrative"),)

    MAX_NARRATIVE = 10_000
    MAX_LOCATION = 300
    MAX_NAME = 120
    MAX_EMAIL = 254
    MAX_PHONE = 40
    MAX_ADDRESS = 300
    MAX_CASE_NUMBER = 40
    MAX_DETAIL = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    report_type: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"), index=True)
    terms_version_id: Mapped[int] = mapped_column(ForeignKey("terms_version.id"))
    occurred_from: Mapped[datetime] = mapped_column(UTCDateTime)
    occurred_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(MAX_LOCATION))
    narrative: Mapped[str] = mapped_column(Text)
    # Type-specific answers (vehicle, money lost, caller's number...), as typed, keyed by field name.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reporter_name: Mapped[str] = mapped_column(String(MAX_NAME))
    reporter_email: Mapped[str] = mapped_column(String(MAX_EMAIL), index=True)
    reporter_phone: Mapped[str] = mapped_column(String(MAX_PHONE))
    reporter_address: Mapped[str] = mapped_column(String(MAX_ADDRESS))
    case_number: Mapped[str | None] = mapped_column(String(MAX_CASE_NUMBER))
    # What the reporter reads: the reason for a rejection or the question asked of them.
    status_message: Mapped[str] = mapped_column(Text, default="")
    # The language the report was filed in (a code of portal.languages.LANGUAGES): its e-mails are
    # worded in it, also when staff move it weeks later. Reports filed before there was a choice were English.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    items: Mapped[list[ReportItem]] = relationship(back_populates="report", order_by="ReportItem.id",
                                                   cascade="all, delete-orphan")
    history: Mapped[list[ReportStatusChange]] = relationship(back_populates="report", order_by="ReportStatusChange.id",
                                                             cascade="all, delete-orphan")
    replies: Mapped[list[ReportReply]] = relationship(back_populates="report", order_by="ReportReply.id",
                                                      cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="report", order_by="Attachment.id",
                                                         cascade="all, delete-orphan")


class ReportItem(db.Model):
    """A piece of property stolen, lost or damaged."""

    MAX_TEXT = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    description: Mapped[str] = mapped_column(String(MAX_TEXT))
    brand: Mapped[str] = mapped_column(String(MAX_TEXT), default="")
    serial_number: Mapped[str] = mapped_column(String(MAX_TEXT), default="")
    value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    report: Mapped[Report] = relationship(back_populates="items")


class ReportStatusChange(db.Model):
    """The audit trail: every status a report went through, who moved it and what they said."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    from_status: Mapped[ReportStatus | None] = mapped_column(enum_column(ReportStatus, "report_status_from"))
    to_status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status_to"))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    report: Mapped[Report] = relationship(back_populates="history")


class ReportReply(db.Model):
    """The reporter's answer to a request for more information."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    report: Mapped[Report] = relationship(back_populates="replies")
