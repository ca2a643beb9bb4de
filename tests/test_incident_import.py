"""The crime-data importer, through `flask incidents import`, on real exports (tests/data/crime/).

Each built-in layout is recognised from its header and counted exactly; a records system of our
own making is read with JSON and TOML mappings; re-imports change nothing or update what changed;
broken rows are reported with their line and reason; and the stored data is generalized: hundred
blocks, grid-cell centres, sensitive offenses at area level only, no narrative anywhere.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, Incident, IncidentImport
from portal.services.crime_categories import categorize
from portal.services.crime_privacy import PrivacyRules, hundred_block, usable_point
from tests.incident_exports import (
    CRIME_DATA as DATA,
    DAMAGE,
    EXPORT,
    MAPPING,
    MAPPING_JSON,
    MAPPING_TOML,
    PRIVATE,
    VICTIM,
    broken_export,
)

SENSITIVE = {"sex-offense", "juvenile", "domestic"}
TRUE = {"true", "y", "yes", "1", "t"}


@dataclass(frozen=True)
class Sample:
    file: str
    profile: str
    source: str
    rows: int
    incidents: int
    merged: int
    without_point: int
    area_only: int
    # Source columns, to compare what was stored with what the export says.
    case_number: str
    offense: tuple[str, ...]
    block: str
    latitude: str
    longitude: str
    flag: str | None = None


SAMPLES = {
    "sf": Sample("sf_sfpd_incident_reports_2018-12_sample.csv", "sf-sfpd", "sfpd", 360, 254, 106, 5, 22,
                 "Incident Number", ("Incident Category", "Incident Subcategory", "Incident Description"),
                 "Intersection", "Latitude", "Longitude"),
    "philly": Sample("philly_ppd_incidents_2024-06_sample.csv", "philly-ppd", "ppd", 263, 263, 0, 54, 7,
                     "dc_key", ("text_general_code",), "location_block", "point_y", "point_x"),
    "chicago-api": Sample("chicago_cpd_crimes_socrata_api_2025-10-18_to_2025-11-03_sample.csv", "chicago-api", "cpd",
                          311, 310, 1, 5, 77, "case_number", ("primary_type", "description"), "block", "latitude",
                          "longitude", "domestic"),
    "chicago-portal": Sample("chicago_cpd_crimes_excel_mangled_sample.csv", "chicago-portal", "cpd", 1118, 1118, 0,
                             712, 200, "Case Number", ("Primary Type", "Description"), "Block", "Latitude",
                             "Longitude", "Domestic"),
}


def import_file(app, path, *options: str):
    return app.test_cli_runner().invoke(args=["incidents", "import", str(path), *options])


def summary(sample: Sample, new: int, updated: int = 0, unchanged: int = 0, verb: str = "Imported") -> str:
    return (f"{verb} {sample.incidents} incident(s) from {sample.rows} row(s) with the {sample.profile} layout "
            f"(source {sample.source}): {new} new, {updated} updated, {unchanged} unchanged.\n"
            f"{sample.merged} row(s) merged into an incident listed earlier in the file; {sample.without_point} "
            f"incident(s) without a usable point; {sample.area_only} sensitive one(s) shown by area only, "
            "0 withheld.\n")


def stored(app) -> dict[str, object]:
    with app.app_context():
        return {row.case_number: row for row in db.session.execute(select(Incident.__table__))}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def everything_stored(app) -> str:
    """Every value of every table, as text."""
    with app.app_context():
        return "\n".join(repr(tuple(row)) for table in db.metadata.sorted_tables
                         for row in db.session.execute(select(table)))


def case_key(text: str) -> str:
    return text.strip().split(".")[0].upper()


def source_rows(sample: Sample) -> dict[str, list[dict[str, str]]]:
    """The export's rows by case number, in file order."""
    rows: dict[str, list[dict[str, str]]] = {}
    with open(DATA / sample.file, newline="", encoding="utf-8") as export:
        for row in csv.DictReader(export):
            rows.setdefault(case_key(row[sample.case_number]), []).append(row)
    return rows


def offense_of(sample: Sample, row: dict[str, str]) -> str:
    parts: list[str] = []
    for column in sample.offense:
        part = " ".join(row[column].split())
        if part and part not in parts:
            parts.append(part)
    return ": ".join(parts)


def is_sensitive(sample: Sample, rows: list[dict[str, str]]) -> bool:
    return any(categorize(offense_of(sample, row)) in SENSITIVE
               or (sample.flag is not None and row[sample.flag].strip().lower() in TRUE) for row in rows)


def point_of(sample: Sample, row: dict[str, str]) -> tuple[float, float] | None:
    if not row[sample.latitude].strip():
        return None
    point = float(row[sample.latitude]), float(row[sample.longitude])
    return point if usable_point(*point) else None


def test_the_samples_are_the_files_their_readme_names():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    sums = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.MULTILINE))
    assert set(sums) == {sample.file for sample in SAMPLES.values()}
    for name, digest in sums.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
    for key, crlf in (("sf", False), ("philly", True), ("chicago-api", False), ("chicago-portal", True)):
        lines = (DATA / SAMPLES[key].file).read_bytes().splitlines(keepends=True)
        assert all(line.endswith(b"\r\n") == crlf and line.endswith(b"\n") for line in lines), key


@pytest.fixture(params=list(SAMPLES))
def imported(request, staff_app):
    """One real sample imported: the app, the sample, the stored incidents and the export's rows."""
    sample = SAMPLES[request.param]
    result = import_file(staff_app, DATA / sample.file)
    assert result.exit_code == 0, result.output
    assert result.stdout == summary(sample, new=sample.incidents)
    return staff_app, sample, stored(staff_app), source_rows(sample)


def test_each_layout_is_recognised_from_its_header_and_counted(imported):
    app, sample, incidents, sources = imported
    assert len(incidents) == len(sources) == sample.incidents
    assert sum(len(rows) for rows in sources.values()) == sample.rows
    assert sum(1 for row in incidents.values() if row.latitude is None and not row.sensitive) == sample.without_point
    assert sum(1 for row in incidents.values() if row.sensitive) == sample.area_only
    with app.app_context():
        run = db.session.scalars(select(IncidentImport)).one()
        assert (run.profile, run.source, run.file_name) == (sample.profile, sample.source, sample.file)
        assert (run.rows_read, run.inserted, run.updated, run.unchanged, run.skipped) == (
            sample.rows, sample.incidents, 0, 0, 0)
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "incidents.imported")).one()
        assert (entry.actor, entry.staff_user_id) == ("incidents import command", None)
        assert entry.target == f"import {run.id}"
        assert f"{sample.rows} rows, {sample.incidents} new" in entry.detail


def test_stored_blocks_are_hundred_blocks_intersections_or_places(imported):
    _app, sample, incidents, sources = imported
    for case_number, row in incidents.items():
        if row.block is None:
            continue
        assert row.block.replace(" block of ", " BLOCK OF ") == row.block.upper()
        number = re.match(r"^(\d+)\b", row.block)
        if number:
            assert int(number.group(1)) % 100 == 0, row.block
            assert re.match(r"^\d+ block of [A-Z0-9]", row.block), row.block
        else:
            assert " & " in row.block or not re.search(r"\d", row.block), row.block
        # No unit, floor or house number is left at the end ("ST 305", "AV B734", "ST 2NDFL", "<8198").
        assert not re.search(r"(\s[A-Z]?\d+[A-Z]?|\d(ST|ND|RD|TH)FLR?|<\d+)$", row.block), row.block
        assert row.block == hundred_block(sources[case_number][0][sample.block])


def test_stored_points_are_grid_cell_centres_never_the_source_point(imported):
    app, sample, incidents, sources = imported
    rules = PrivacyRules.from_config(app.config)
    located = 0
    for case_number, row in incidents.items():
        point = point_of(sample, sources[case_number][0])
        if row.latitude is None:
            assert row.sensitive or point is None
            continue
        located += 1
        assert rules.point_grid.centre(row.latitude, row.longitude) == (row.latitude, row.longitude)
        assert rules.point_grid.centre(*point) == (row.latitude, row.longitude)
        assert (row.latitude, row.longitude) != point
        assert abs(row.latitude - point[0]) <= rules.point_grid.lat_step / 2 + 1e-6
        assert row.area_cell == rules.area_grid.cell(row.latitude, row.longitude)
    assert located == sample.incidents - sample.without_point - sample.area_only


def test_sensitive_offenses_keep_only_their_area_cell(imported):
    app, sample, incidents, sources = imported
    rules = PrivacyRules.from_config(app.config)
    for case_number, rows in sources.items():
        row = incidents[case_number]
        assert row.sensitive is is_sensitive(sample, rows), (case_number, row.offense)
        if row.sensitive:
            point = point_of(sample, rows[0])
            assert (row.block, row.latitude, row.longitude) == (None, None, None)
            assert row.area_cell == (rules.area_grid.cell(*rules.point_grid.centre(*point)) if point else None)
    if sample.flag:
        flagged = {case for case, rows in sources.items() if any(r[sample.flag].lower() == "true" for r in rows)}
        assert flagged and all(incidents[case].sensitive for case in flagged)


def test_the_table_holds_the_public_fields_and_nothing_more(imported):
    _app, sample, incidents, sources = imported
    public = {"source", "case_number", "occurred_at", "week", "category", "offense", "block", "latitude", "longitude",
              "area_cell", "sensitive"}
    bookkeeping = {"id", "import_id"}
    assert public <= set(Incident.__table__.columns.keys()) <= public | bookkeeping
    for case_number, rows in sources.items():
        row = incidents[case_number]
        assert row.source == sample.source
        assert row.offense == offense_of(sample, rows[0])[:Incident.MAX_OFFENSE]
        assert row.category == categorize(row.offense)
        assert row.week.weekday() == 0


@pytest.mark.parametrize("key", list(SAMPLES))
def test_omit_leaves_sensitive_offenses_out_of_the_public_data(make_app, key):
    sample = SAMPLES[key]
    app = make_app("staff", PORTAL_CRIME_SENSITIVE_DISPLAY="omit")
    result = import_file(app, DATA / sample.file)
    published = sample.incidents - sample.area_only
    assert result.stdout.endswith(f"0 sensitive one(s) shown by area only, {sample.area_only} withheld.\n")
    assert f"Imported {published} incident(s) from {sample.rows} row(s)" in result.stdout
    incidents = stored(app)
    assert len(incidents) == published and not any(row.sensitive for row in incidents.values())


def test_san_francisco_rows_of_one_incident_become_one_incident(staff_app):
    import_file(staff_app, DATA / SAMPLES["sf"].file)
    incidents = stored(staff_app)
    # A robbery whose second offense code concerns a minor: one incident, sensitive, by area only.
    robbery = incidents["180906213"]
    assert (robbery.category, robbery.offense) == ("robbery", "Robbery: Robbery - Other: Robbery, W/ Force")
    assert robbery.sensitive and robbery.block is None and robbery.latitude is None
    rules = PrivacyRules.from_config(staff_app.config)
    assert robbery.area_cell == rules.area_grid.cell(*rules.point_grid.centre(37.73355034231799, -122.43414453855247))
    # A truck stolen on 1 December (line 38) and recovered on the 3rd (line 716): the first row counts.
    truck = incidents["180906746"]
    assert (truck.category, truck.block) == ("vehicle-theft", "NEY ST & CONGDON ST")
    assert truck.occurred_at == datetime(2018, 12, 1, 8, 0, tzinfo=timezone.utc)  # midnight in San Francisco
    assert truck.week == date(2018, 11, 26) and truck.latitude is not None
    recovered = incidents["180843897"]
    assert (recovered.block, recovered.latitude, recovered.area_cell) == (None, None, None)


def test_philadelphia_quirks(staff_app):
    import_file(staff_app, DATA / SAMPLES["philly"].file)
    incidents = stored(staff_app)
    assert all(re.fullmatch(r"\d{12}", case_number) for case_number in incidents)  # "202416019144.00000000"
    assert incidents["202416019144"].occurred_at == datetime(2024, 6, 1, 4, 0, tzinfo=timezone.utc)
    null_island = incidents["202422043681"]
    assert (null_island.latitude, null_island.area_cell) == (None, None)
    assert null_island.block == "N 11TH ST & W SUSQUEHANNA AV"
    assert incidents["202477006073"].block == "BAGGAGE CLAIM"
    assert incidents["202417018279"].block == "2200 block of SOUTH ST"
    assert incidents["202409037262"].block == "1700 block of B F PKWY"
    assert incidents["202402028263"].block == "7800 block of LANGDON ST"
    assert incidents["202418028462"].block == "6000 block of LARCHWOOD AVE"
    assert incidents["202407016632"].block == "8100 block of CASTOR AVE"
    assert incidents["202418030674"].block == "CONVENTION AV & SOUTH ST"
    address_range = incidents["202415046531"]
    assert address_range.block is None and address_range.latitude is not None
    rape = incidents["202418030268"]
    assert (rape.category, rape.sensitive, rape.block, rape.latitude) == ("sex-offense", True, None, None)
    assert rape.area_cell is not None


def test_chicago_quirks(staff_app):
    for key in ("chicago-api", "chicago-portal"):
        assert import_file(staff_app, DATA / SAMPLES[key].file).exit_code == 0
    incidents = stored(staff_app)
    assert len(incidents) == 310 + 1118
    assert incidents["JJ460760"].offense == "HOMICIDE: FIRST DEGREE MURDER"
    hermitage = incidents["JJ477750"]
    assert hermitage.block == "8800 block of S HERMITAGE AVE"
    assert hermitage.occurred_at == datetime(2025, 11, 3, 6, 0, tzinfo=timezone.utc)
    assert incidents["JJ481837"].block == "4500 block of S ST LOUIS AVE"
    # The spreadsheet left two date formats; both are read, in Chicago time.
    assert incidents["JB373031"].occurred_at == datetime(2018, 7, 31, 18, 30, tzinfo=timezone.utc)
    domestic_theft = incidents["JC213529"]
    assert domestic_theft.occurred_at == datetime(2018, 9, 1, 5, 1, tzinfo=timezone.utc)
    assert (domestic_theft.category, domestic_theft.sensitive, domestic_theft.block) == ("theft", True, None)


@pytest.mark.parametrize("key", list(SAMPLES))
def test_importing_twice_changes_nothing(staff_app, key):
    sample = SAMPLES[key]
    import_file(staff_app, DATA / sample.file)
    before = stored(staff_app)
    again = import_file(staff_app, DATA / sample.file)
    assert again.stdout == summary(sample, new=0, unchanged=sample.incidents)
    assert stored(staff_app) == before
    assert count(staff_app, IncidentImport) == 2


def test_an_edited_row_is_updated_and_the_rest_left_alone(staff_app, tmp_path):
    sample = SAMPLES["philly"]
    import_file(staff_app, DATA / sample.file)
    before = stored(staff_app)
    original = (DATA / sample.file).read_bytes()
    line = b"202417018279.00000000,2200 BLOCK South St Apt B,600,Thefts,"
    assert original.count(line) == 1
    edited = tmp_path / sample.file
    edited.write_bytes(original.replace(line, line.replace(b"600,Thefts", b"500,Burglary Residential")))
    result = import_file(staff_app, edited)
    assert result.stdout == summary(sample, new=0, updated=1, unchanged=sample.incidents - 1)
    after = stored(staff_app)
    assert (after["202417018279"].category, after["202417018279"].offense) == ("burglary", "Burglary Residential")
    assert {case: row for case, row in after.items() if case != "202417018279"} == {
        case: row for case, row in before.items() if case != "202417018279"}


def test_a_dry_run_reports_and_changes_nothing(staff_app, tmp_path):
    sample = SAMPLES["chicago-api"]
    result = import_file(staff_app, DATA / sample.file, "--dry-run")
    assert result.stdout == summary(sample, new=sample.incidents, verb="Would import")
    assert (count(staff_app, Incident), count(staff_app, IncidentImport), count(staff_app, AuditEntry)) == (0, 0, 0)
    import_file(staff_app, DATA / sample.file)
    before = stored(staff_app)
    edited = tmp_path / sample.file
    edited.write_bytes((DATA / sample.file).read_bytes().replace(b"088XX S HERMITAGE AVE", b"091XX S HERMITAGE AVE"))
    assert import_file(staff_app, edited, "--dry-run").stdout == summary(
        sample, new=0, updated=1, unchanged=sample.incidents - 1, verb="Would import")
    assert stored(staff_app) == before
    assert (count(staff_app, IncidentImport), count(staff_app, AuditEntry)) == (1, 1)


def test_broken_rows_are_reported_with_line_and_reason_and_the_rest_imported(staff_app, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(broken_export())
    result = import_file(staff_app, path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported 12 incident(s) from 20 row(s) with the chicago-api layout")
    for line, _column, _value, reason in DAMAGE:
        assert f"  line {line}: {reason}\n" in result.stdout
        assert f"  1 x {reason}\n" in result.stdout
    assert "Skipped 8 row(s):" in result.stdout
    with staff_app.app_context():
        assert db.session.scalars(select(IncidentImport.skipped)).one() == 8
    cases = list(source_rows(SAMPLES["chicago-api"]))[:20]  # one row per case, lines 2 to 21
    damaged = {cases[line - 2] for line, *_ in DAMAGE}
    assert set(stored(staff_app)) == set(cases) - damaged


@pytest.fixture
def export(tmp_path) -> Path:
    path = tmp_path / "deerfield_rms.csv"
    path.write_bytes(EXPORT)
    return path


@pytest.mark.parametrize(("name", "content"), [("mapping.json", MAPPING_JSON), ("mapping.toml", MAPPING_TOML)])
def test_a_mapping_reads_another_records_system(staff_app, export, tmp_path, name, content):
    mapping = tmp_path / name
    mapping.write_bytes(content)
    result = import_file(staff_app, export, "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Imported 4 incident(s) from 4 row(s) with the mapping layout (source deerfield-rms): 4 new, 0 updated, "
        "0 unchanged.\n0 row(s) merged into an incident listed earlier in the file; 1 incident(s) without a usable "
        "point; 2 sensitive one(s) shown by area only, 0 withheld.\n")
    incidents = stored(staff_app)
    theft = incidents["RMS-24-0001"]
    assert (theft.source, theft.category, theft.offense, theft.block) == (
        "deerfield-rms", "theft", "Theft: From auto", "1200 block of ELM ST")
    assert theft.occurred_at == datetime(2024, 6, 3, 20, 30, tzinfo=timezone.utc)  # 14:30 in Denver
    battery = incidents["RMS-24-0002"]
    assert (battery.category, battery.sensitive, battery.block, battery.latitude) == ("assault", True, None, None)
    burglary = incidents["RMS-24-0003"]
    assert (burglary.block, burglary.latitude, burglary.area_cell) == ("DEERFIELD RD & WAUKEGAN RD", None, None)
    assert (incidents["RMS-24-0004"].category, incidents["RMS-24-0004"].block) == ("sex-offense", None)
    everything = everything_stored(staff_app)
    for private in PRIVATE:
        assert private not in everything and private not in result.output


def test_a_header_no_layout_reads_is_refused_with_the_columns_and_how_to_map_them(staff_app, export):
    result = import_file(staff_app, export)
    assert result.exit_code == 1
    assert ("The file's header matches no built-in layout (sf-sfpd, philly-ppd, chicago-api, chicago-portal). "
            "Columns found: Report No, Occurred (local), Offense, Offense Detail, Address, Lat, Lon, DV, Narrative."
            ) in result.output
    for line in ("Write a mapping file (JSON or TOML) naming the columns", "[columns]", 'case_number = "Report Number"',
                 'latitude = "Lat"'):
        assert line in result.output
    assert VICTIM not in result.output
    assert (count(staff_app, Incident), count(staff_app, IncidentImport)) == (0, 0)


def test_a_named_layout_that_does_not_fit_the_file_is_refused(staff_app, export):
    result = import_file(staff_app, export, "--profile", "chicago-api")
    assert result.exit_code == 1
    assert "The file has no column case_number, date, primary_type" in result.output
    assert count(staff_app, IncidentImport) == 0


def with_mapping(**changes) -> bytes:
    mapping = json.loads(json.dumps(MAPPING))
    for key, value in changes.items():
        target = mapping["columns"] if key in mapping["columns"] or key == "missing" else mapping
        if value is None:
            target.pop(key)
        else:
            target[key] = value
    return json.dumps(mapping).encode()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("mapping.json", b'{"source": "deerfield-rms",', "The mapping file cannot be read: "),
    ("mapping.toml", b'source = "deerfield-rms"\n[columns\n', "The mapping file cannot be read: "),
    ("mapping.toml", b'source = "deerfield-rms"\n', "The mapping file needs a [columns] table."),
    ("mapping.json", b"[]", "The mapping file needs a [columns] table."),
    ("mapping.json", b"\xff\xfe{\x00}\x00", "The mapping file is not UTF-8 text; save it as UTF-8."),
    ("mapping.json", with_mapping(source="Deerfield PD"), "The mapping's source must be a short name"),
    ("mapping.json", with_mapping(latitude=None), "The mapping's columns need latitude (the name of a column)."),
    ("mapping.json", with_mapping(offense=7), "The mapping's columns need offense: a column name, or a list of them."),
    ("mapping.json", with_mapping(sensitive=["DV"]), "The mapping's sensitive column must be a column name."),
    ("mapping.json", with_mapping(timezone="Mars/Olympus"), "The mapping's timezone 'Mars/Olympus' is not a known"),
    ("mapping.json", with_mapping(date_formats=["dd.mm.yyyy"]), "The mapping's date_formats must be a list of formats"),
    ("mapping.json", with_mapping(block="Street"), "The file has no column Street, which the mapping layout needs."),
])
def test_a_bad_mapping_is_refused_with_what_is_wrong(staff_app, export, tmp_path, name, content, message):
    mapping = tmp_path / name
    mapping.write_bytes(content)
    result = import_file(staff_app, export, "--mapping", str(mapping))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert (count(staff_app, Incident), count(staff_app, IncidentImport)) == (0, 0)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file's header matches no built-in layout"),
    (b"a," + b"x" * 200_000 + b"\n1,2\n", "The first line is not a CSV header"),
])
def test_a_file_that_is_not_an_export_is_refused(staff_app, tmp_path, content, message):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    result = import_file(staff_app, path)
    assert result.exit_code == 1 and message in result.output
