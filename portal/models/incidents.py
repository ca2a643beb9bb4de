"""Crime incidents for the public map and open data, stored already generalized.

Nothing here is more precise than the public may see: the block, not the address; a point
snapped to a grid, not the scene; no point at all for a sensitive offense. The records
system keeps the originals; this table is built from its exports.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class IncidentImport(db.Model):
    """One run of the importer: what it read and what it changed, for the metadata panel."""

    MAX_SOURCE = 40
    MAX_FILE_NAME = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(MAX_SOURCE))
    profile: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(MAX_FILE_NAME))
    rows_read: Mapped[int] = mapped_column(default=0)
    inserted: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    # The named staff member who uploaded it; None when an operator ran the command.
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Incident(db.Model):
    MAX_CASE_NUMBER = 40
    MAX_CATEGORY = 30
    MAX_OFFENSE = 200
    MAX_BLOCK = 120

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which records system the case number belongs to: re-imports update by (source, case number).
    source: Mapped[str] = mapped_column(String(IncidentImport.MAX_SOURCE))
    case_number: Mapped[str] = mapped_column(String(MAX_CASE_NUMBER))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Monday of the week in the department's time zone: the trend charts count by it.
    week: Mapped[date] = mapped_column(Date)
    # One of the public categories (services/crime_categories.py); the offense as the source wrote it.
    category: Mapped[str] = mapped_column(String(MAX_CATEGORY))
    offense: Mapped[str] = mapped_column(String(MAX_OFFENSE))
    # "1200 block of N MAIN ST" or an intersection; None when the location is withheld or unusable.
    block: Mapped[str | None] = mapped_column(String(MAX_BLOCK))
    # Snapped to the grid's cell centre; None for sensitive offenses and rows without a usable point.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # The coarse area cell (services/crime_privacy.py) that aggregates count in; sensitive offenses
    # shown at area level keep this and nothing finer.
    area_cell: Mapped[int | None] = mapped_column(BigInteger)
    sensitive: Mapped[bool] = mapped_column(default=False)
    import_id: Mapped[int] = mapped_column(ForeignKey("incident_import.id"))

    __table_args__ = (
        # Case number first: it alone nearly picks the row, so the importer's look-ups by batches of
        # case numbers stay index look-ups whatever the planner guesses of the source's share.
        UniqueConstraint("case_number", "source"),
        # A category's date window, newest first, however rare the category.
        Index("ix_incident_category_occurred_at", "category", "occurred_at"),
        # A small bounding box: its area cells, then the date window inside each.
        Index("ix_incident_area_cell_occurred_at", "area_cell", "occurred_at"),
        # Date windows, newest first (the points API and table); aggregates over a window read only
        # this index (covering): by cell, category and week.
        Index("ix_incident_aggregate", "occurred_at", "category", "area_cell", "week"),
    )


class IncidentCount(db.Model):
    """Published incidents per week, category and area cell: what aggregates over whole weeks read
    instead of every incident (a year of a big city is a quarter of a million rows, which no
    database groups in under a tenth of a second). Rebuilt by each import that changes anything;
    nothing else writes it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(Incident.MAX_CATEGORY))
    area_cell: Mapped[int | None] = mapped_column(BigInteger)
    incidents: Mapped[int]

    __table_args__ = (Index("ix_incident_count_week", "week", "category", "area_cell", "incidents"),)
