"""Importing a records-system export into the public incident table.

One pass reads the file: each row is checked, its location generalized, its offense put in a
public category, and rows of one incident (an export lists one row per offense code) merged
into one. Rows that cannot be used are counted with their line and reason, and the rest go
on. Then the incidents are written by (source, case number): new ones inserted, changed ones
updated, the rest left alone, so importing the same file twice changes nothing. A dry run does
all of it but the writing. One transaction: a failure leaves the table as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import IO, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert, select, update

from portal.exceptions import InvalidInput
from portal.extensions import db
from portal.models import Incident, IncidentImport
from portal.services import crime_categories
from portal.services.crime_privacy import PrivacyRules, hundred_block, usable_point
from portal.services.incident_sources import ISO, SourceProfile, check_columns, detect_profile

WRITE_BATCH = 2_000
PROGRESS_EVERY = 20_000
# Rows listed one by one in a report; beyond this only the counts by reason.
MAX_LISTED_SKIPS = 200
EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
FLOAT_CASE_NUMBER = re.compile(r"^(\d+)\.0*$")
SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})


class IncidentRecord(NamedTuple):
    case_number: str
    occurred_at: datetime
    week: date
    category: str
    offense: str
    block: str | None
    latitude: float | None
    longitude: float | None
    area_cell: int | None
    sensitive: bool

    def digest(self) -> str:
        text = "|".join("" if value is None else str(value) for value in self[1:])
        return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


# Every stored field but the key: what an update of a changed incident writes.
UPDATED_COLUMNS = (*IncidentRecord._fields[1:], "content_hash", "import_id")


@dataclass
class ImportReport:
    profile: str
    source: str
    dry_run: bool
    rows_read: int = 0
    incidents: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    merged_rows: int = 0
    withheld: int = 0
    area_only: int = 0
    without_point: int = 0
    skipped: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)
    # (line, reason) for the first MAX_LISTED_SKIPS rows skipped.
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)

    def skip(self, line: int, reason: str) -> None:
        self.skipped += 1
        self.skip_reasons[reason] += 1
        if len(self.skipped_rows) < MAX_LISTED_SKIPS:
            self.skipped_rows.append((line, reason))


class RowError(ValueError):
    """A row that cannot be used; the message is the reason the report gives."""


def case_number_of(text: str) -> str:
    value = text.strip()
    if not value:
        raise RowError("no case number")
    if SCIENTIFIC.match(value):
        raise RowError("case number in scientific notation (damaged by a spreadsheet)")
    float_form = FLOAT_CASE_NUMBER.match(value)
    if float_form:
        value = float_form.group(1)
    if len(value) > Incident.MAX_CASE_NUMBER:
        raise RowError(f"case number longer than {Incident.MAX_CASE_NUMBER} characters")
    return value.upper()


def occurred_at_of(text: str, profile: SourceProfile, zone: ZoneInfo, latest: datetime) -> datetime:
    value = text.strip()
    if not value:
        raise RowError("no date")
    moment = None
    for date_format in profile.date_formats:
        try:
            moment = datetime.fromisoformat(value) if date_format == ISO else datetime.strptime(value, date_format)
            break
        except ValueError:
            continue
    if moment is None:
        raise RowError("date not understood")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    moment = moment.astimezone(timezone.utc)
    if not EARLIEST <= moment <= latest:
        raise RowError("date before 1900 or in the future")
    return moment


def coordinate_of(text: str) -> float | None:
    value = text.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise RowError("coordinate is not a number") from None


def offense_of(row: list[str], positions: tuple[int, ...]) -> str:
    parts: list[str] = []
    for position in positions:
        part = " ".join(row[position].split())
        if part and part not in parts:
            parts.append(part)
    if not parts:
        raise RowError("no offense")
    return ": ".join(parts)[:Incident.MAX_OFFENSE]


def local_monday(moment: datetime, zone: ZoneInfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


class RowReader:
    """Turns one CSV row of a profile into an IncidentRecord, or raises RowError."""

    def __init__(self, profile: SourceProfile, header: list[str], rules: PrivacyRules, now: datetime) -> None:
        position = {name: index for index, name in reversed(list(enumerate(header)))}
        self.profile = profile
        self.rules = rules
        self.width = len(header)
        self.case_number = position[profile.case_number]
        self.occurred_at = position[profile.occurred_at]
        self.offense = tuple(position[name] for name in profile.offense)
        self.block = position[profile.block]
        self.latitude = position[profile.latitude]
        self.longitude = position[profile.longitude]
        self.sensitive_flag = position[profile.sensitive_flag] if profile.sensitive_flag else None
        self.source_zone = ZoneInfo(profile.timezone)
        # An export may be a little ahead of this server's clock; a year ahead is a typo.
        self.latest = now + timedelta(days=1)

    def read(self, row: list[str]) -> IncidentRecord:
        if len(row) != self.width:
            raise RowError(f"{len(row)} fields where the header has {self.width}")
        rules = self.rules
        case_number = case_number_of(row[self.case_number])
        occurred_at = occurred_at_of(row[self.occurred_at], self.profile, self.source_zone, self.latest)
        offense = offense_of(row, self.offense)
        category = crime_categories.categorize(offense)
        flagged = self.sensitive_flag is not None and row[self.sensitive_flag].strip().lower() in TRUE_WORDS
        sensitive = flagged or category in rules.sensitive_categories
        latitude = coordinate_of(row[self.latitude])
        longitude = coordinate_of(row[self.longitude])
        point = usable_point(latitude, longitude)
        area_cell = rules.area_grid.cell(latitude, longitude) if point else None  # type: ignore[arg-type]
        week = local_monday(occurred_at, rules.timezone)
        if sensitive:
            return IncidentRecord(case_number, occurred_at, week, category, offense, None, None, None, area_cell, True)
        snapped = rules.point_grid.centre(latitude, longitude) if point else (None, None)  # type: ignore[arg-type]
        block = hundred_block(row[self.block])
        return IncidentRecord(case_number, occurred_at, week, category, offense, block, *snapped, area_cell, False)


def merge(first: IncidentRecord, later: IncidentRecord) -> IncidentRecord:
    """Rows of one incident: the first row's details, but sensitive if any row is, so that one
    sensitive offense code withholds the incident's point and block."""
    if later.sensitive and not first.sensitive:
        return first._replace(block=None, latitude=None, longitude=None, sensitive=True)
    return first


def read_incidents(stream: IO[bytes], profile: SourceProfile | None, rules: PrivacyRules, report: ImportReport,
                   progress: Callable[[int], None] | None, now: datetime) -> tuple[SourceProfile, dict[str, IncidentRecord]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    rows = csv.reader(text)
    header = next(rows, None)
    if header is None:
        raise InvalidInput("The file is empty.", field="file")
    header = [name.strip() for name in header]
    if profile is None:
        profile = detect_profile(header)
    else:
        check_columns(profile, header)
    report.profile, report.source = profile.name, profile.source
    reader = RowReader(profile, header, rules, now)
    incidents: dict[str, IncidentRecord] = {}
    for line, row in numbered_rows(rows, report):
        if not row:
            continue
        report.rows_read += 1
        if progress and report.rows_read % PROGRESS_EVERY == 0:
            progress(stream.tell())
        try:
            record = reader.read(row)
        except RowError as error:
            report.skip(line, str(error))
            continue
        earlier = incidents.get(record.case_number)
        if earlier is not None:
            report.merged_rows += 1
            record = merge(earlier, record)
        incidents[record.case_number] = record
    if progress:
        progress(stream.tell())
    return profile, incidents


def numbered_rows(rows, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line they end on; a row the CSV reader cannot parse is skipped, not fatal."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            report.rows_read += 1
            report.skip(rows.line_num, f"not readable as CSV ({error})")
            continue
        yield rows.line_num, row


def publishable(records: dict[str, IncidentRecord], rules: PrivacyRules, report: ImportReport) -> list[IncidentRecord]:
    kept = []
    for record in records.values():
        if record.sensitive and rules.sensitive_display == "omit":
            report.withheld += 1
            continue
        if record.sensitive:
            report.area_only += 1
        elif record.latitude is None:
            report.without_point += 1
        kept.append(record)
    return kept


def import_incidents(stream: IO[bytes], file_name: str, rules: PrivacyRules, *, profile: SourceProfile | None = None,
                     dry_run: bool = False, imported_by_id: int | None = None,
                     progress: Callable[[int], None] | None = None) -> ImportReport:
    """Read, generalize and upsert one export. Raises UnknownLayoutError for a header no profile reads."""
    now = datetime.now(timezone.utc)
    report = ImportReport(profile="", source="", dry_run=dry_run)
    profile, records = read_incidents(stream, profile, rules, report, progress, now)
    kept = publishable(records, rules, report)
    report.incidents = len(kept)
    try:
        run = IncidentImport(source=profile.source, profile=profile.name, file_name=file_name[:200],
                             imported_by_id=imported_by_id, finished_at=now)
        db.session.add(run)
        db.session.flush()
        for start in range(0, len(kept), WRITE_BATCH):
            write_batch(kept[start:start + WRITE_BATCH], profile.source, run.id, report, dry_run)
        run.rows_read, run.inserted, run.updated = report.rows_read, report.inserted, report.updated
        run.unchanged, run.skipped = report.unchanged, report.skipped
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def write_batch(batch: list[IncidentRecord], source: str, import_id: int, report: ImportReport, dry_run: bool) -> None:
    table = Incident.__table__
    stored = dict(db.session.execute(
        select(table.c.case_number, table.c.content_hash)
        .where(table.c.source == source, table.c.case_number.in_([record.case_number for record in batch]))
    ).all())
    new_rows, changed_rows = [], []
    for record in batch:
        digest = record.digest()
        known = stored.get(record.case_number)
        if known == digest:
            report.unchanged += 1
            continue
        values = {**record._asdict(), "source": source, "content_hash": digest, "import_id": import_id}
        if known is None:
            report.inserted += 1
            new_rows.append(values)
        else:
            report.updated += 1
            changed_rows.append({f"new_{name}": value for name, value in values.items()})
    if dry_run:
        return
    if new_rows:
        db.session.execute(insert(table), new_rows)
    if changed_rows:
        # Bind names differ from the column names: SQLAlchemy keeps those for the SET clause.
        db.session.execute(
            update(table).where(table.c.source == source, table.c.case_number == bindparam("new_case_number"))
            .values({name: bindparam(f"new_{name}") for name in UPDATED_COLUMNS}),
            changed_rows,
        )
