"""Case work in the back office: routing rules, and the work item each submission becomes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, new_public_id
from portal.models.reports import Report
from portal.models.staff import StaffUser, Unit
from portal.models.tips import Tip


class Area(db.Model):
    """A named area (a beat, a district): listed place names or ZIP codes, and/or a polygon."""

    MAX_NAME = 80

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    places: Mapped[str] = mapped_column(String(500), default="")
    # The outline's corners as "lat,lon; lat,lon; ..." (routing.format_outline), however it was given.
    outline: Mapped[str] = mapped_column(Text, default="")


class RoutingRule(db.Model):
    """Ordered: the first active rule whose conditions all hold decides where a submission goes.

    Empty conditions match anything. ``keywords`` and ``places`` are comma-separated and match
    case-insensitively anywhere in the text (places: in the "where" of a tip or report).
    """

    MAX_NAME = 120
    MAX_LIST = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    kind: Mapped[str] = mapped_column(String(10), default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    keywords: Mapped[str] = mapped_column(String(MAX_LIST), default="")
    places: Mapped[str] = mapped_column(String(MAX_LIST), default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # True: give it to the unit member with the fewest open items; False: leave it in the unit queue.
    assign_to_member: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    area: Mapped[Area | None] = relationship()
    unit: Mapped[Unit] = relationship()
    assignee: Mapped[StaffUser | None] = relationship()


class WorkItem(db.Model):
    """A tip or a report as staff work it: where it was routed, why, to whom, and by when."""

    __table_args__ = (CheckConstraint("(tip_id IS NULL) <> (report_id IS NULL)", name="one_submission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    category: Mapped[str] = mapped_column(String(60), index=True)
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tip.id"), unique=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rule.id"))
    route_reason: Mapped[str] = mapped_column(Text)
    open: Mapped[bool] = mapped_column(default=True, index=True)
    # When it was last closed: a closed tip's retention period counts from here.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # When the unit's supervisors were told it is overdue; set once.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    unit: Mapped[Unit] = relationship()
    assignee: Mapped[StaffUser | None] = relationship()
    tip: Mapped[Tip | None] = relationship()
    report: Mapped[Report | None] = relationship()
    notes: Mapped[list[WorkNote]] = relationship(back_populates="item", order_by="WorkNote.id")


class WorkNote(db.Model):
    """An internal note; never shown to the tipster or the reporter."""

    MAX_BODY = 10_000

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"), index=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    item: Mapped[WorkItem] = relationship(back_populates="notes")
    author: Mapped[StaffUser] = relationship()
