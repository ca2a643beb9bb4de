"""Public records requests through the back office: marks, redacted exports, access and audit."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from portal.extensions import db
from portal.models import AuditEntry, WorkItem
from tests.conftest import staff_browser
from tests.helpers import DATA, REPORTER, ReporterActions, TipActions, parse_page

DESCRIPTION = ("A man sells drugs from a grey van, plate KX 4471, every night at 10:30 in the 1200 block of "
               "N Main St. He gives out 847-555-0199 and dealer.joe@example.com. The Blue Bicycle Shop owner "
               "saw it too. Case number 26-004512 mentions him; a bag costs $40.")
CONTACT = {"contact_name": "Wanda Whistleblower", "contact_phone": "224-555-0142",
           "contact_email": "wanda.w@example.net"}


@pytest.fixture
def public_site(make_app):
    app = make_app("public", PORTAL_TIP_MIN_FILL_SECONDS=0)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    return app


@pytest.fixture
def case(staff_app, public_site):
    """A tip with personal data, contact details and a photo, in the fallback unit (Triage)."""
    photo = (DATA / "photo_with_gps.jpg").read_bytes()
    response = TipActions(public_site.test_client()).submit(
        description=DESCRIPTION, where_text="Outside Wanda Whistleblower's house", files=[(io.BytesIO(photo), "a.jpg")],
        **CONTACT)
    assert response.status_code == 200
    with staff_app.app_context():
        return db.session.scalars(db.select(WorkItem)).one().public_id


def download(client, url: str, data: dict[str, str]) -> bytes:
    """The zip as served; closing the response closes the temporary file behind it."""
    with client.post(url, data=data) as response:
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.mimetype == "application/zip"
        return response.data


def open_zip(client, url: str, data: dict[str, str]) -> tuple[zipfile.ZipFile, dict]:
    archive = zipfile.ZipFile(io.BytesIO(download(client, url, data)))
    return archive, json.loads(archive.read("manifest.json"))


def everything_in(archive: zipfile.ZipFile) -> bytes:
    return b"\n".join(archive.read(name) for name in archive.namelist())


def mark(client, public_id: str, text: str, reason: str):
    return client.post(f"/disclosure/items/{public_id}/marks", data={"marked_text": text, "mark_reason": reason})


def audit_entries(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


def test_an_export_redacts_personal_data_marks_and_contact_details_and_lists_why(staff_app, case):
    investigator = staff_browser(staff_app, "inv@example.org", "investigator", "Triage")
    records = staff_browser(staff_app, "clerk@example.org", "records")
    page = parse_page(investigator.get(f"/cases/{case}"))
    assert "Redaction for public records" in page.text and "Export for a public records request" not in page.text
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    assert f"/disclosure/items/{case}" in parse_page(admin.get(f"/cases/{case}")).hrefs()
    assert mark(investigator, case, "Blue Bicycle Shop", "names a witness's business").status_code == 302
    shown = parse_page(investigator.get(f"/cases/{case}"))
    assert "“Blue Bicycle Shop”: names a witness's business" in shown.text

    preview = parse_page(records.get(f"/disclosure/items/{case}"))
    assert "[REDACTED: text marked by staff]" in preview.text and "Blue Bicycle Shop owner" not in preview.text
    archive, manifest = open_zip(records, f"/disclosure/items/{case}/export",
                                 {"requester": "PRR-2026-118 (Daily Herald)", "include_attachments": "y"})

    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for name, entry in listed.items():
        data = archive.read(name)
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry["sha256"], entry["size"])
    [submission] = manifest["submissions"]
    assert {(found["what"], found["why"]) for found in submission["redactions"]} >= {
        ("text marked by staff", "names a witness's business"),
        ("tipster contact details", "identifies the person who came forward; contact details are never disclosed")}
    assert {found["what"] for found in submission["redactions"]} >= {"phone number", "e-mail address", "licence plate"}
    assert len(submission["attachments"]) == 1 and submission["attachments"][0].endswith(".jpg")
    assert any("cannot be redacted automatically" in note for note in manifest["notes"])

    everything = everything_in(archive)
    for secret in ("Wanda", "Whistleblower", "224-555-0142", "wanda.w@example.net", "847-555-0199",
                   "dealer.joe@example.com", "KX 4471", "Blue Bicycle Shop"):
        assert secret.encode() not in everything, secret
    page = archive.read(submission["file"]).decode()
    for kept in ("10:30", "1200 block of N Main St", "26-004512", "$40", "grey van, plate [REDACTED: licence plate]"):
        assert kept in page, kept
    assert "PRR-2026-118 (Daily Herald)" in archive.read("index.html").decode()

    [entry] = audit_entries(staff_app, "disclosure.exported")
    detail = json.loads(entry.detail)
    assert entry.actor == "clerk@example.org" and entry.target == "PRR-2026-118 (Daily Herald)"
    assert detail["submissions"] == [case] and detail["attachments"] is True and detail["notes"] is False
    assert len(audit_entries(staff_app, "disclosure.marked")) == 1


def test_the_audit_entry_holds_the_checksum_of_the_zip_served(staff_app, case):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    served = download(admin, f"/disclosure/items/{case}/export", {"requester": "Jane Roe"})
    [entry] = audit_entries(staff_app, "disclosure.exported")
    assert json.loads(entry.detail)["sha256"] == hashlib.sha256(served).hexdigest()


def test_attachments_can_be_left_out_and_notes_go_in_only_when_chosen(staff_app, case):
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    admin.post(f"/cases/{case}/notes", data={"body": "Internal: surveillance planned Friday"})
    archive, manifest = open_zip(admin, f"/disclosure/items/{case}/export", {"requester": "R1"})
    assert not any(name.startswith("attachments/") for name in archive.namelist())
    assert manifest["submissions"][0]["attachments_excluded"] == 1
    assert b"surveillance planned" not in everything_in(archive)
    archive, _manifest = open_zip(admin, f"/disclosure/items/{case}/export",
                                     {"requester": "R1", "include_notes": "y"})
    assert b"Internal: surveillance planned Friday" in everything_in(archive)


def test_a_filtered_set_is_exported_with_every_match(staff_app, public_site, case):
    site = TipActions(public_site.test_client())
    assert site.submit(category="other", description="Loud party, call 312-555-0100").status_code == 200
    assert site.submit(category="other", description="Fireworks at 9:45 near the park").status_code == 200
    records = staff_browser(staff_app, "clerk@example.org", "records")
    assert "Public records requests" in parse_page(records.get("/disclosure/")).text
    archive, manifest = open_zip(records, "/disclosure/export", {
        "requester": "PRR-7", "kind": "tip", "category": "other", "received_from": "2020-01-01",
        "received_to": "2099-12-31"})
    assert len(manifest["submissions"]) == 2
    everything = everything_in(archive)
    assert b"312-555-0100" not in everything and b"Fireworks at 9:45 near the park" in everything
    assert b"Blue Bicycle Shop" not in everything  # the drugs tip is not in the set
    [entry] = audit_entries(staff_app, "disclosure.exported")
    assert len(json.loads(entry.detail)["submissions"]) == 2
    response = records.post("/disclosure/export", data={"requester": "PRR-8", "received_to": "2020-12-31"})
    assert response.status_code == 400 and "Nothing matches" in parse_page(response).text


def test_a_report_is_exported_without_the_reporters_details(staff_app, make_app):
    site = make_app("public")
    assert site.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    narrative = "Ann Lee here: my bike was taken from 12 Elm Street, Deerfield, IL 60015 at 10:30."
    assert ReporterActions(site.test_client()).file(narrative=narrative).status_code == 200
    records = staff_browser(staff_app, "clerk@example.org", "records")
    archive, manifest = open_zip(records, "/disclosure/export", {"requester": "PRR-11", "kind": "report"})
    everything = everything_in(archive)
    for secret in REPORTER.values():
        assert secret.encode() not in everything, secret
    [submission] = manifest["submissions"]
    page = archive.read(submission["file"]).decode()
    assert "[REDACTED: reporter contact details] here: my bike was taken from" in page and "10:30" in page
    assert "Blue Trek bicycle" in page


def test_bad_export_input_is_answered_next_to_the_field_with_the_text_kept(staff_app, case):
    records = staff_browser(staff_app, "clerk@example.org", "records")
    response = records.post("/disclosure/export", data={"requester": "PRR-9", "category": "no-such-category"})
    assert response.status_code == 400 and "Nothing matches" in parse_page(response).text
    assert 'value="no-such-category"' in response.get_data(as_text=True)
    response = records.post("/disclosure/export", data={"requester": "", "received_from": "2026-02-01",
                                                        "received_to": "2026-01-01"})
    assert response.status_code == 400
    assert "Name the requester" in parse_page(response).text
    response = records.post("/disclosure/export", data={"requester": "PRR", "received_from": "2026-02-01",
                                                        "received_to": "2026-01-01"})
    assert response.status_code == 400 and "must not be after" in parse_page(response).text
    response = records.post(f"/disclosure/items/{case}/export", data={"requester": ""})
    assert response.status_code == 400 and "Name the requester" in parse_page(response).text
    assert audit_entries(staff_app, "disclosure.exported") == []


def test_a_mark_must_be_text_of_the_submission_and_have_a_reason(staff_app, case):
    investigator = staff_browser(staff_app, "inv@example.org", "investigator", "Triage")
    response = mark(investigator, case, "words that are not there", "a reason")
    assert response.status_code == 400
    page = parse_page(response)
    assert "does not appear in this submission" in page.text and "words that are not there" in page.text
    response = mark(investigator, case, "Blue Bicycle Shop", "")
    assert response.status_code == 400 and "Say why it must be redacted" in parse_page(response).text
    records = staff_browser(staff_app, "clerk@example.org", "records")
    response = mark(records, case, "nowhere", "x")
    assert response.status_code == 400 and "Export as a zip" in parse_page(response).text
    assert audit_entries(staff_app, "disclosure.marked") == []


@pytest.mark.parametrize("role", ["investigator", "communications", "supervisor"])
def test_only_records_staff_and_admins_export(staff_app, case, role):
    client = staff_browser(staff_app, f"{role}@example.org", role, "Triage")
    assert client.get("/disclosure/").status_code == 404
    assert client.post("/disclosure/export", data={"requester": "x"}).status_code == 404
    assert client.get(f"/disclosure/items/{case}").status_code == 404
    assert client.post(f"/disclosure/items/{case}/export", data={"requester": "x"}).status_code == 404
    assert audit_entries(staff_app, "disclosure.exported") == []


def test_marks_need_access_to_the_case(staff_app, case):
    outsider = staff_browser(staff_app, "other@example.org", "investigator", "Gang Unit")
    communications = staff_browser(staff_app, "comms@example.org", "communications")
    assert mark(outsider, case, "Blue Bicycle Shop", "x").status_code == 404
    assert mark(communications, case, "Blue Bicycle Shop", "x").status_code == 404
    records = staff_browser(staff_app, "clerk@example.org", "records", "Youth")
    assert mark(records, case, "Blue Bicycle Shop", "witness").status_code == 302


def test_hostile_text_is_escaped_on_the_pages_and_in_the_export(staff_app, public_site):
    payload = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
    assert TipActions(public_site.test_client()).submit(description=f"{payload} and {payload[:20]}").status_code == 200
    with staff_app.app_context():
        public_id = db.session.scalars(db.select(WorkItem.public_id)).one()
    admin = staff_browser(staff_app, "chief@example.org", "admin")
    assert mark(admin, public_id, payload[:20], f"reason {payload}").status_code == 302
    for url in (f"/cases/{public_id}", f"/disclosure/items/{public_id}"):
        assert payload not in admin.get(url).get_data(as_text=True)
    archive, _manifest = open_zip(admin, f"/disclosure/items/{public_id}/export", {"requester": payload})
    for name in archive.namelist():
        if name.endswith(".html"):
            assert "<script>" not in archive.read(name).decode() and "<img" not in archive.read(name).decode()
