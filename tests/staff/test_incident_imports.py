"""The crime data upload in the back office: records staff and admins import an export and read
its report; a layout or mapping the portal cannot read comes back with the message next to its field."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, Incident, IncidentImport, StaffUser
from tests.conftest import PASSWORD, create_staff, staff_browser
from tests.helpers import current_code, parse_page
from tests.incident_exports import DAMAGE, EXPORT, MAPPING_TOML, PHILLY, PRIVATE, SF, broken_export


def upload(client, content: bytes, name: str = "export.csv", mapping: tuple[bytes, str] | None = None,
           dry_run: bool = False, **extra):
    data = {"file": (io.BytesIO(content), name), **extra}
    if mapping:
        data["mapping"] = (io.BytesIO(mapping[0]), mapping[1])
    if dry_run:
        data["dry_run"] = "y"
    return client.post("/incidents/upload", data=data, content_type="multipart/form-data")


def errors_next_to(response, field: str) -> str:
    found = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', response.get_data(as_text=True), re.S)
    assert found, f"no message next to {field}"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def records(staff_app):
    return staff_browser(staff_app, "records@example.org", "records")


def test_records_staff_import_an_export_and_read_its_report(staff_app, records):
    page = records.get("/incidents/")
    assert page.status_code == 200
    text = parse_page(page).text
    assert "No file has been imported yet." in text
    assert "Philadelphia PD (OpenDataPhilly crime incidents)" in text
    assert "/incidents/" in parse_page(records.get("/")).hrefs()

    response = upload(records, PHILLY.read_bytes(), PHILLY.name)
    assert response.status_code == 200
    text = parse_page(response).text
    assert f"Imported: {PHILLY.name}" in text
    assert "The file was imported: 263 new, 0 updated, 0 unchanged." in text
    for row in ("Rows read 263", "Rows merged into an incident listed earlier in the file 0", "Rows skipped 0",
                "Incidents in the public data 263", "New 263", "Updated 0", "Unchanged 0",
                "Without a usable point (listed, not on the map) 54", "Sensitive, shown by area only 7",
                "Sensitive, withheld from the public data 0"):
        assert row in text
    assert "Each row skipped" not in text
    with staff_app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == "records@example.org")).one()
        run = db.session.scalars(select(IncidentImport)).one()
        assert (run.imported_by_id, run.profile, run.file_name) == (user.id, "philly-ppd", PHILLY.name)
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "incidents.imported")).one()
        assert (entry.actor, entry.staff_user_id, entry.target) == ("records@example.org", user.id, f"import {run.id}")
        assert entry.detail == (f"{PHILLY.name} (philly-ppd): 263 rows, 263 new, 0 updated, 0 unchanged, 0 skipped")
    assert count(staff_app, Incident) == 263

    again = parse_page(upload(records, PHILLY.read_bytes(), PHILLY.name)).text
    assert "The file was imported: 0 new, 0 updated, 263 unchanged." in again
    listing = parse_page(records.get("/incidents/")).text
    assert listing.count(f"Records {PHILLY.name} philly-ppd 263 0 0 263 0") == 1
    assert listing.count(f"Records {PHILLY.name} philly-ppd 263 263 0 0 0") == 1


def test_a_dry_run_reports_and_changes_nothing(staff_app, records):
    response = upload(records, SF.read_bytes(), SF.name, dry_run=True)
    assert response.status_code == 200
    text = parse_page(response).text
    assert f"Dry run: {SF.name}" in text and "Dry run: nothing was changed." in text
    assert "Would be new 254" in text and "Rows merged into an incident listed earlier in the file 106" in text
    assert (count(staff_app, Incident), count(staff_app, IncidentImport)) == (0, 0)
    with staff_app.app_context():
        assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "incidents.imported")).all()
    assert "No file has been imported yet." in parse_page(records.get("/incidents/")).text


def test_skipped_rows_are_listed_with_line_and_reason(staff_app, records):
    text = parse_page(upload(records, broken_export(), "broken.csv")).text
    assert "Rows read 20" in text and "Rows skipped 8" in text and "New 12" in text
    for line, _column, _value, reason in DAMAGE:
        assert f"{line} {reason}" in text
        assert f"1 × {reason}" in text
    assert count(staff_app, Incident) == 12


def test_a_mapping_chosen_with_the_export_reads_another_records_system(staff_app, records):
    response = upload(records, EXPORT, "rms.csv", mapping=(MAPPING_TOML, "deerfield.toml"))
    assert response.status_code == 200
    text = parse_page(response).text
    assert "What the file held (mapping layout, source deerfield-rms)" in text
    assert "Sensitive, shown by area only 2" in text
    assert count(staff_app, Incident) == 4
    main = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group(0)
    for private in PRIVATE:
        assert private not in main


def test_an_unknown_layout_comes_back_with_the_columns_next_to_the_file_field(staff_app, records):
    response = upload(records, EXPORT, "rms.csv")
    assert response.status_code == 400
    message = errors_next_to(response, "file")
    assert ("matches no built-in layout (sf-sfpd, philly-ppd, chicago-api, chicago-portal). Columns found: Report No, "
            "Occurred (local), Offense, Offense Detail, Address, Lat, Lon, DV, Narrative.") in message
    assert "[columns]" in message and 'case_number = "Report Number"' in message
    text = parse_page(response).text
    assert "Nothing was imported" in text and "Choose the files again" in text
    assert parse_page(response).find_all("input", id="file")[0]["aria-invalid"] == "true"
    assert (count(staff_app, Incident), count(staff_app, IncidentImport)) == (0, 0)


@pytest.mark.parametrize(("mapping", "message"), [
    ((b'{"source": "deerfield-rms",', "map.json"), "The mapping file cannot be read"),
    ((b'source = "Deerfield PD"\n[columns]\n', "map.toml"), "The mapping's source must be a short name"),
    ((b"\xff\xfe", "map.toml"), "The mapping file is not UTF-8 text"),
    ((MAPPING_TOML.replace(b'block = "Address"', b'block = "Street"'), "map.toml"),
     "The file has no column Street, which the mapping layout needs."),
    ((MAPPING_TOML, "map.txt"), "A mapping file ends in .json or .toml."),
])
def test_a_bad_mapping_comes_back_with_the_message_next_to_its_field(staff_app, records, mapping, message):
    response = upload(records, EXPORT, "rms.csv", mapping=mapping)
    assert response.status_code == 400
    field = "file" if "no column" in message else "mapping"
    assert message in errors_next_to(response, field)
    assert count(staff_app, IncidentImport) == 0


def test_an_upload_without_a_file_asks_for_one(records):
    response = records.post("/incidents/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the CSV file to import." in errors_next_to(response, "file")


def test_operator_imports_are_listed_too(staff_app, records):
    assert staff_app.test_cli_runner().invoke(args=["incidents", "import", str(SF)]).exit_code == 0
    text = parse_page(records.get("/incidents/")).text
    assert f"Operator (command line) {SF.name} sf-sfpd 360 254 0 0 0" in text


def test_admins_may_import_and_other_roles_get_404(staff_app):
    admin = staff_browser(staff_app, "admin@example.org", "admin")
    assert admin.get("/incidents/").status_code == 200
    assert "/incidents/" in parse_page(admin.get("/")).hrefs()
    for role in ("investigator", "supervisor", "communications"):
        client = staff_browser(staff_app, f"{role}@example.org", role, unit="Patrol")
        assert client.get("/incidents/").status_code == 404
        assert upload(client, PHILLY.read_bytes(), PHILLY.name).status_code == 404
        assert "/incidents/" not in parse_page(client.get("/")).hrefs()
    assert count(staff_app, IncidentImport) == 0


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_only_the_upload_takes_files_larger_than_the_staff_limit(make_app):
    # Bodies stay under 500 KiB, which the test client keeps in memory rather than in a file.
    app = make_app("staff", WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=64 * 1024,
                   PORTAL_INCIDENT_UPLOAD_MAX_BYTES=256 * 1024)
    email = create_staff(app, email="records@example.org", role="records")
    anonymous = app.test_client()
    assert upload(anonymous, SF.read_bytes(), SF.name).status_code == 413  # no session: the zone's limit
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")})
    client.post("/login/code", data={"code": current_code(app, email), "csrf_token": csrf_token(client, "/login/code")})
    token = csrf_token(client, "/incidents/")
    assert len(SF.read_bytes()) > 64 * 1024
    response = upload(client, SF.read_bytes(), SF.name, csrf_token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "The file was imported: 254 new" in parse_page(response).text
    assert upload(client, SF.read_bytes() * 3, SF.name, csrf_token=token).status_code == 413
    assert client.post("/account/password", data={"csrf_token": token, "current_password": "x" * 70_000},
                       content_type="multipart/form-data").status_code == 413
