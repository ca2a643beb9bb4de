"""A notice's picture: cleaned of its metadata, described, public only when the notice is."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from tests.conftest import staff_browser
from tests.helpers import DATA, parse_page
from tests.staff.test_notices import notice_fields

PHOTO = (DATA / "photo_with_gps.jpg").read_bytes()


@pytest.fixture
def media_folder(tmp_path):
    return str(tmp_path / "public-media")


@pytest.fixture
def site(make_tip_app, media_folder):
    return make_tip_app(PORTAL_SITE_URL="https://portal.example.org", PORTAL_MEDIA_FOLDER=media_folder)


@pytest.fixture
def sergeant(make_app, site, media_folder):
    staff_app = make_app("staff", PORTAL_MEDIA_FOLDER=media_folder)
    return staff_browser(staff_app, "sgt@example.org", "supervisor")


def post_notice(client, path: str, picture: bytes | None = None, **fields):
    data = notice_fields(**fields)
    if picture is not None:
        data["image"] = (io.BytesIO(picture), "IMG_0042.jpg")
    return client.post(path, data=data, content_type="multipart/form-data")


def test_a_published_picture_has_no_metadata_and_a_description(site, sergeant, media_folder):
    created = post_notice(sergeant, "/notices/new", PHOTO, notice_type="missing-person", title="Missing: Ana, 11",
                          image_alt="Ana, smiling, in a red school jacket", severity="Severe", urgency="Immediate",
                          certainty="Observed")
    notice_id = int(created.headers["Location"].rsplit("/", 1)[1])
    visitor = site.test_client()
    assert visitor.get(f"/notices/{notice_id}/picture").status_code == 404, "not public while a draft"
    sergeant.post(f"/notices/{notice_id}/publish", data={"override_reason": ""})

    page = parse_page(visitor.get(f"/notices/{notice_id}"))
    assert page.find_all("img", src=f"/notices/{notice_id}/picture", alt="Ana, smiling, in a red school jacket")
    assert page.meta["og:image"] == f"https://portal.example.org/notices/{notice_id}/picture"
    assert page.meta["og:image:alt"] == "Ana, smiling, in a red school jacket"
    picture = visitor.get(f"/notices/{notice_id}/picture")
    assert picture.mimetype == "image/jpeg" and picture.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(picture.data)) as image:
        assert not image.getexif() and "comment" not in image.info and "xmp" not in image.info
    assert b"GPS" not in picture.data and b"Canon" not in picture.data

    staff_page = parse_page(sergeant.get(f"/notices/{notice_id}"))
    assert "GPS location" in staff_page.text, "staff see what was removed"
    [first] = os.listdir(media_folder)
    sergeant.post(f"/notices/{notice_id}/update", data={**notice_fields(
        notice_type="missing-person", title="Missing: Ana, 11", image_alt="", remove_image="y", note="New photo soon",
        severity="Severe", urgency="Immediate", certainty="Observed")})
    assert visitor.get(f"/notices/{notice_id}/picture").status_code == 404
    assert first not in os.listdir(media_folder), "the removed picture's file is gone"


@pytest.mark.parametrize(("picture", "alt", "field", "message"), [
    (PHOTO, "", "image_alt", "Describe the picture for people who cannot see it."),
    (b"%PDF-1.4\n%%EOF\n", "A document", "image", "The picture"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "A drawing", "image",
     "The picture is not a photo"),
])
def test_a_bad_picture_is_refused_next_to_its_field_and_nothing_is_stored(sergeant, media_folder, picture, alt,
                                                                          field, message):
    response = post_notice(sergeant, "/notices/new", picture, title="Kept title", image_alt=alt)
    assert response.status_code == 400
    page = parse_page(response)
    assert page.find_all("ul", id=f"{field}-errors") and message in page.text
    assert "Kept title" in response.get_data(as_text=True)
    assert not os.path.isdir(media_folder) or os.listdir(media_folder) == []


def test_the_retention_purge_removes_a_cancelled_notices_picture_from_disk(site, sergeant, media_folder):
    from tests.staff.test_retention import days_from_today

    created = post_notice(sergeant, "/notices/new", PHOTO, title="Parade on Saturday", image_alt="The parade route")
    notice_id = int(created.headers["Location"].rsplit("/", 1)[1])
    assert sergeant.post(f"/notices/{notice_id}/publish", data={"override_reason": "Approved"}).status_code == 302
    sergeant.post(f"/notices/{notice_id}/cancel", data={"note": "Parade called off"})
    assert len(os.listdir(media_folder)) == 1
    result = site.test_cli_runner().invoke(args=["retention", "run", "--as-of", days_from_today(2 * 365 + 3)])
    assert result.exit_code == 0 and "Deleted 1 record(s)" in result.output, result.output
    assert os.listdir(media_folder) == []
    assert site.test_client().get(f"/notices/{notice_id}/picture").status_code == 404
