"""Disclosure under public records law: the text staff marked to be redacted from any export."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime
from portal.models.casework import WorkItem
from portal.models.staff import StaffUser


class RedactionMark(db.Model):
    """Exact text to redact from a submission's exports, wherever it appears in it (matched
    regardless of case), with the reason the export lists. ``field`` is where it was marked
    ("" for anywhere in the submission); marks are not edited, only added. They go with their
    work item when the retention purge deletes it (ON DELETE CASCADE), so the purge need not know them."""

    MAX_TEXT = 500
    MAX_REASON = 300

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(MAX_REASON))
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    item: Mapped[WorkItem] = relationship()
    marked_by: Mapped[StaffUser] = relationship()
