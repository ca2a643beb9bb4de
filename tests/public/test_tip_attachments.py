"""Tip attachments: type from content, limits, metadata removed and said, stored privately."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader, PdfWriter

from portal.extensions import db
from portal.models import Attachment, Tip
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import DATA, TipActions, parse_page

PHOTO = (DATA / "photo_with_gps.jpg").read_bytes()
# The first bytes of an MP4 ("ftyp" box): enough for a type decided from content.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2000


def pdf_with_author() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Jane Q. Tipster", "/Creator": "Tipster's Word"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


def stored_attachments(app) -> list[Attachment]:
    with app.app_context():
        found = list(db.session.scalars(db.select(Attachment).order_by(Attachment.id)))
        db.session.expunge_all()
        return found


def test_a_real_photo_loses_its_gps_and_camera_details_and_the_tipster_is_told(tip_app, tipster):
    with Image.open(io.BytesIO(PHOTO)) as original:
        assert original.getexif().get_ifd(0x8825), "the test photo must carry GPS to mean anything"
    response = tipster.submit(files=[upload(PHOTO, "IMG_2041.jpg")])
    assert response.status_code == 200
    text = parse_page(response).text
    assert "GPS location" in text and "camera make and model" in text and "author or copyright" in text
    [attachment] = stored_attachments(tip_app)
    stored = Path(tip_app.config["PORTAL_UPLOAD_FOLDER"], attachment.stored_name).read_bytes()
    with Image.open(io.BytesIO(stored)) as cleaned:
        assert cleaned.format == "JPEG"
        assert not cleaned.getexif() and not cleaned.getexif().get_ifd(0x8825)
        assert not {"exif", "xmp", "comment", "photoshop", "icc_profile"} & set(cleaned.info)
        assert cleaned.size == (600, 800), "turned upright as the camera meant before the tag was dropped"
    for secret in (b"Jane Q. Tipster", b"Canon", b"083024001234", b"Lightroom"):
        assert secret not in stored
    assert attachment.media_type == "image/jpeg"
    assert "GPS location" in attachment.metadata_removed


def test_files_are_stored_privately_under_random_names(tip_app, tipster):
    tipster.submit(files=[upload(PHOTO, "../../static/evil.jpg")])
    [attachment] = stored_attachments(tip_app)
    folder = Path(tip_app.config["PORTAL_UPLOAD_FOLDER"])
    assert folder.is_relative_to(Path(tip_app.instance_path))
    assert [path.name for path in folder.iterdir()] == [attachment.stored_name]
    assert len(attachment.stored_name) == 32 and "evil" not in attachment.stored_name
    assert oct(os.stat(folder / attachment.stored_name).st_mode & 0o777) == "0o600"
    assert not list((Path(tip_app.root_path).parent / "static").rglob(attachment.stored_name))
    client = tipster.client
    assert client.get(f"/static/{attachment.stored_name}").status_code == 404
    assert client.get(f"/uploads/{attachment.stored_name}").status_code == 404


def test_a_video_is_kept_as_sent_and_the_tipster_is_told_honestly(tip_app, tipster):
    response = tipster.submit(files=[upload(MP4, "clip.mp4")])
    assert "Videos are stored exactly as sent: the portal cannot remove their metadata" in parse_page(response).text
    [attachment] = stored_attachments(tip_app)
    assert attachment.media_type == "video/mp4"
    assert "cannot remove their metadata" in attachment.metadata_warning


def test_a_pdf_loses_its_document_properties(tip_app, tipster):
    response = tipster.submit(files=[upload(pdf_with_author(), "statement.pdf")])
    assert "document properties (author, creator, producer)" in parse_page(response).text
    [attachment] = stored_attachments(tip_app)
    stored = Path(tip_app.config["PORTAL_UPLOAD_FOLDER"], attachment.stored_name).read_bytes()
    assert b"Jane Q. Tipster" not in stored
    assert not PdfReader(io.BytesIO(stored)).metadata


def test_the_type_comes_from_the_content_not_the_name(tip_app, tipster):
    for data, name in [(b"<html><script>alert(1)</script></html>", "photo.jpg"),
                       (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "map.png"),
                       (b"MZ\x90\x00" + b"\x00" * 100, "evidence.pdf"),
                       (PHOTO[:200], "truncated.jpg")]:
        response = tipster.submit(files=[upload(data, name)], description="Text that must survive")
        assert response.status_code == 400, name
        page = parse_page(response)
        assert page.find_all("ul", id="attachments-errors"), name
        assert f"File 1 ({name})" in page.text
        assert "Text that must survive" in response.get_data(as_text=True)
    assert stored_attachments(tip_app) == []


def test_too_many_and_too_large_files_are_refused_next_to_the_field(make_tip_app):
    app = make_tip_app(PORTAL_TIP_MAX_FILES=2, PORTAL_TIP_MAX_FILE_BYTES=len(PHOTO) + 10,
                       PORTAL_TIP_MAX_TOTAL_BYTES=2 * len(PHOTO) + 100)
    tipster = TipActions(app.test_client())
    cases = [
        ([upload(PHOTO, f"p{n}.jpg") for n in range(3)], "Please attach at most 2 files."),
        ([upload(PHOTO + b"\x00" * 100, "big.jpg")], "File 1 (big.jpg) is larger than"),
    ]
    for files, message in cases:
        response = tipster.submit(files=files, description="Still here")
        assert response.status_code == 400
        assert message in parse_page(response).text
        assert "Still here" in response.get_data(as_text=True)
        assert "files must be chosen again" in parse_page(response).text
    assert stored_attachments(app) == []


def test_a_request_over_the_hard_cap_gets_the_413_page(make_tip_app):
    app = make_tip_app(MAX_CONTENT_LENGTH=50_000)
    response = TipActions(app.test_client()).submit(files=[upload(b"\xff" * 60_000, "huge.jpg")])
    assert response.status_code == 413
    assert "That upload is too large" in parse_page(response).text


def test_a_follow_up_can_carry_a_cleaned_photo(tip_app, tipster):
    tip_number, passphrase = tipster.credentials(tipster.submit())
    response = tipster.send_message(tip_number, passphrase, "Here is a photo", files=[upload(PHOTO, "x.jpg")])
    assert response.status_code == 200
    assert "GPS location" in parse_page(response).text
    [attachment] = stored_attachments(tip_app)
    assert attachment.message_id is not None


def test_an_unwritable_upload_folder_gives_503_and_no_acknowledgement(make_tip_app, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the upload folder should be")
    app = make_tip_app(PORTAL_UPLOAD_FOLDER=str(blocker / "uploads"))
    response = TipActions(app.test_client()).submit(files=[upload(PHOTO, "a.jpg")])
    assert response.status_code == 503
    assert "data-receipt" not in response.get_data(as_text=True)
    assert "(847) 945-8636" in parse_page(response).text
    assert stored_attachments(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tip)) == 0


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL trigger to fail the commit")
def test_files_written_before_a_failed_commit_are_removed(tip_app, tipster):
    """The database refuses the attachment row (disk full) after its file was written."""
    with tip_app.app_context():
        db.session.execute(sa.text(
            "CREATE FUNCTION refuse_attachment() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full' USING ERRCODE = '53100'; END $$ LANGUAGE plpgsql"))
        db.session.execute(sa.text(
            "CREATE TRIGGER refuse_attachment BEFORE INSERT ON attachment "
            "FOR EACH ROW EXECUTE FUNCTION refuse_attachment()"))
        db.session.commit()
    response = tipster.submit(files=[upload(PHOTO, "a.jpg")])
    assert response.status_code == 503
    assert "data-receipt" not in response.get_data(as_text=True)
    folder = Path(tip_app.config["PORTAL_UPLOAD_FOLDER"])
    assert list(folder.iterdir()) == []


def test_a_full_upload_disk_shows_the_form_again_and_leaves_no_tip_or_file(make_tip_app, tmp_path):
    from tests.reliability.faults import fill, small_tmpfs

    with small_tmpfs(tmp_path / "disk", "1m") as disk:
        app = make_tip_app(PORTAL_UPLOAD_FOLDER=str(disk / "uploads"))
        tipster = TipActions(app.test_client())
        fields = tipster.form_fields()
        filler = fill(disk, leave_bytes=128 * 1024)

        def send():
            # The first file fits in what is left, the second does not: the first must go as well.
            return tipster.submit(fields=fields, description="Typed before the disk filled",
                                  files=[upload(MP4 * 16, "first.mp4"), upload(MP4 * 160, "second.mp4")])

        refused = send()
        assert refused.status_code == 503 and refused.headers["Retry-After"]
        assert "your files could not be stored just now" in parse_page(refused).text
        assert "Typed before the disk filled" in refused.get_data(as_text=True)
        assert "data-receipt" not in refused.get_data(as_text=True)
        assert stored_attachments(app) == [] and list((disk / "uploads").iterdir()) == []
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Tip)) == 0
        filler.unlink()
        assert "data-receipt" in send().get_data(as_text=True)
        assert len(stored_attachments(app)) == 2 and len(list((disk / "uploads").iterdir())) == 2
