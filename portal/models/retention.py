"""Records retention: how long each kind of record is kept, and legal holds that stop a purge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, new_public_id
from portal.models.casework import WorkItem
from portal.models.staff import StaffUser


class RetentionRule(db.Model):
    """One line of the schedule: records of ``kind`` in ``state`` are purged ``period_days`` after
    they reached that state. No period means the record is never purged automatically."""

    __table_args__ = (UniqueConstraint("kind", "state"),)

    MAX_CITATION = 500
    MAX_PERIOD_DAYS = 36_500

    id: Mapped[int] = mapped_column(primary_key=True)
    # "tip", "report", "notice", "message" or "audit-entry" (services.retention.KINDS).
    kind: Mapped[str] = mapped_column(String(20))
    # "open", "closed", "rejected", "expired", or "any" for kinds without states.
    state: Mapped[str] = mapped_column(String(20))
    period_days: Mapped[int | None]
    # The records-law authority for the period, as the records officer words it.
    citation: Mapped[str] = mapped_column(String(MAX_CITATION))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    updated_by: Mapped[StaffUser | None] = relationship()


class LegalHold(db.Model):
    """A hold on a submission (through its work item): while one is not lifted, nothing purges it."""

    MAX_REASON = 2_000

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"), index=True)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    lift_reason: Mapped[str] = mapped_column(Text, default="")
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item: Mapped[WorkItem] = relationship()
    placed_by: Mapped[StaffUser] = relationship(foreign_keys=[placed_by_id])
    lifted_by: Mapped[StaffUser | None] = relationship(foreign_keys=[lifted_by_id])
