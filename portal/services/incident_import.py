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
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import IO, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, exists, func, insert, select, update

from portal.exceptions import InvalidInput
from portal.extensions import db
from portal.models import Incident, IncidentCount, IncidentImport, StaffUser
from portal.services import audit, crime_categories
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


# Every stored field but the key: what an update of a changed incident writes.
UPDATED_COLUMNS = (*IncidentRecord._fields[1:], "import_id")


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
        self.used = tuple({self.case_number, self.occurred_at, *self.offense, self.block, self.latitude,
                           self.longitude})
        self.source_zone = ZoneInfo(profile.timezone)
        # An export may be a little ahead of this server's clock; a year ahead is a typo.
        self.latest = now + timedelta(days=1)

    def read(self, row: list[str]) -> IncidentRecord:
        if len(row) != self.width:
            raise RowError(f"{len(row)} fields where the header has {self.width}")
        # The file is decoded with errors replaced, so one bad byte costs its row, not the file;
        # PostgreSQL refuses NUL in text, which would abort the whole import at the write.
        used = "".join([row[index] for index in self.used])
        if "\ufffd" in used:
            raise RowError("bytes that are not UTF-8 text")
        if "\x00" in used:
            raise RowError("a NUL byte")
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
        snapped = rules.point_grid.centre(latitude, longitude) if point else (None, None)  # type: ignore[arg-type]
        # The cell of the published point, not of the scene: the two grids do not nest, so a scene
        # near a cell's edge can snap across it, and a box holding the point would miss its cell.
        area_cell = rules.area_grid.cell(*snapped) if point else None  # type: ignore[arg-type]
        week = local_monday(occurred_at, rules.timezone)
        if sensitive:
            return IncidentRecord(case_number, occurred_at, week, category, offense, None, None, None, area_cell, True)
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
    try:
        rows = csv.reader(text)
        try:
            header = next(rows, None)
        except csv.Error as error:
            raise InvalidInput(f"The first line is not a CSV header ({error}).", field="file") from None
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
    finally:
        # The caller owns the stream: let go of it unclosed, or the wrapper closes it when collected
        # (a ResourceWarning, and a closed file under the caller's "with").
        text.detach()


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
    # In date order, the date indexes grow at one end instead of taking inserts all over: an
    # export in random order imports twice as fast this way.
    kept.sort(key=lambda record: record.occurred_at)
    return kept


def import_incidents(stream: IO[bytes], file_name: str, rules: PrivacyRules, *, profile: SourceProfile | None = None,
                     dry_run: bool = False, imported_by: StaffUser | None = None,
                     progress: Callable[[int], None] | None = None) -> ImportReport:
    """Read, generalize and upsert one export, audited as the staff member's upload (None: the operator's
    command). Raises UnknownLayoutError for a header no profile reads."""
    now = datetime.now(timezone.utc)
    report = ImportReport(profile="", source="", dry_run=dry_run)
    profile, records = read_incidents(stream, profile, rules, report, progress, now)
    kept = publishable(records, rules, report)
    report.incidents = len(kept)
    try:
        run = IncidentImport(source=profile.source, profile=profile.name, file_name=file_name[:200],
                             imported_by_id=imported_by.id if imported_by else None, finished_at=now)
        db.session.add(run)
        db.session.flush()
        # A source's first import has nothing to compare with: no look-ups, every incident is new.
        known_source = db.session.scalar(select(exists().where(Incident.source == profile.source)))
        for start in range(0, len(kept), WRITE_BATCH):
            write_batch(kept[start:start + WRITE_BATCH], profile.source, run.id, report, dry_run, known_source)
        run.rows_read, run.inserted, run.updated = report.rows_read, report.inserted, report.updated
        run.unchanged, run.skipped = report.unchanged, report.skipped
        if dry_run:
            db.session.rollback()
        else:
            audit.record("incidents.imported", imported_by.email if imported_by else "incidents import command",
                         staff_user_id=imported_by.id if imported_by else None, target=f"import {run.id}",
                         detail=f"{run.file_name} ({profile.name}): {report.rows_read} rows, {report.inserted} new, "
                                f"{report.updated} updated, {report.unchanged} unchanged, {report.skipped} skipped")
            if report.inserted or report.updated:
                rebuild_counts()
            if db.session.get_bind().dialect.name == "postgresql":
                # Fresh statistics, or the planner goes on guessing from the table as it was before.
                db.session.execute(db.text("ANALYZE incident"))
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def rebuild_counts() -> None:
    """The weekly counts aggregates read, from the incidents as they now are: one grouping pass,
    a second or so at a million incidents, instead of one at every wide view."""
    db.session.execute(delete(IncidentCount))
    db.session.execute(insert(IncidentCount).from_select(
        ["week", "category", "area_cell", "incidents"],
        select(Incident.week, Incident.category, Incident.area_cell, func.count())
        .group_by(Incident.week, Incident.category, Incident.area_cell)))


def recent_imports(limit: int = 20) -> list[tuple[IncidentImport, str | None]]:
    """The latest runs, newest first, each with the name of the staff member who uploaded it
    (None when an operator ran the command)."""
    return [(run, name) for run, name in db.session.execute(
        select(IncidentImport, StaffUser.display_name)
        .outerjoin(StaffUser, StaffUser.id == IncidentImport.imported_by_id)
        .order_by(IncidentImport.id.desc()).limit(limit))]


INSERTED_COLUMNS = ("source", "import_id", *IncidentRecord._fields)


def insert_rows(rows: list[tuple]) -> None:
    """Insert (source, import_id, *record) tuples straight through the driver: COPY or executemany.

    The columns' own bind processors still turn each value into what the database stores, so
    this writes exactly what the ORM would; it skips only the per-row statement bookkeeping,
    which is half the time of a million-row import.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    columns = [Incident.__table__.c[name] for name in INSERTED_COLUMNS]
    # dialect_impl: the generic type has no processor for SQLite, whose driver would then write its
    # own text for a datetime, one the queries' bound values do not compare equal to.
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    values = [tuple(value if process is None or value is None else process(value)
                    for process, value in zip(processors, row)) for row in rows]
    names = ", ".join(column.name for column in columns)
    if dialect.name == "postgresql":
        # COPY is PostgreSQL's bulk path: several times faster than any INSERT.
        with connection.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(f"COPY {Incident.__tablename__} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO {Incident.__tablename__} ({names}) VALUES ({', '.join([marker] * len(columns))})", values)


def write_batch(batch: list[IncidentRecord], source: str, import_id: int, report: ImportReport, dry_run: bool,
                known_source: bool) -> None:
    table = Incident.__table__
    # What is stored, in the record's shape: equal tuples mean the incident is unchanged.
    stored = {row[0]: IncidentRecord(*row) for row in db.session.execute(
        select(*(table.c[name] for name in IncidentRecord._fields))
        .where(table.c.case_number.in_([record.case_number for record in batch]), table.c.source == source)
    )} if known_source else {}
    new_rows, changed_rows = [], []
    for record in batch:
        known = stored.get(record.case_number)
        if known == record:
            report.unchanged += 1
            continue
        if known is None:
            report.inserted += 1
            new_rows.append((source, import_id, *record))
        else:
            report.updated += 1
            values = {**record._asdict(), "source": source, "import_id": import_id}
            changed_rows.append({f"new_{name}": value for name, value in values.items()})
    if dry_run:
        return
    if new_rows:
        insert_rows(new_rows)
    if changed_rows:
        # Bind names differ from the column names: SQLAlchemy keeps those for the SET clause.
        db.session.execute(
            update(table).where(table.c.source == source, table.c.case_number == bindparam("new_case_number"))
            .values({name: bindparam(f"new_{name}") for name in UPDATED_COLUMNS}),
            changed_rows,
        )
