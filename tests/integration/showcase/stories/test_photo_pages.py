"""The story's photo on the partners' pages: uploaded with its text for people who cannot see it, checked by its
bytes (a text file named .jpg, an SVG, a 40-megapixel image: a message beside the field, nothing stored), over
5 MB a page that names the limit, kept without metadata, served to the two partners only with its type and
`nosniff`; a new photo or its removal is a change of the story that both confirm again."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

import pytest
from PIL import ExifTags, Image

from tandem import create_app
from tests.fixtures.services import config_for_tests
from tests.integration.showcase.stories.conftest import stored_story
from tests.integration.showcase.stories.test_workflow import changes, form

EN = {"Accept-Language": "en"}


def jpeg_with_gps(width: int = 640, height: int = 480) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (46.0, 56.0, 52.0)})
    out = BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def upload(client, pair_id: int, data: bytes, alt: str = "Anna and Bernard at the lake", name: str = "photo.jpg"):
    return client.post(f"/me/pairs/{pair_id}/story/photo", data={"photo": (BytesIO(data), name), "alt": alt},
                       content_type="multipart/form-data", headers=EN)


@pytest.fixture()
def written(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    bernard = sign_in(app.test_client(), club.people["mentee_one"])
    assert anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"}).status_code == 302
    assert anna.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "1"}).status_code == 302
    assert bernard.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "1"}).status_code == 302
    return pair_id, anna, bernard


def test_a_photo_is_kept_without_metadata_and_asks_both_to_confirm_again(app, db, club, written):
    pair_id, anna, bernard = written
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original
    response = upload(anna, pair_id, original)
    assert response.status_code == 302 and response.headers["Location"].endswith("/story#photo")
    story = stored_story(db, pair_id)
    assert story.version == 2 and story.photo_version == 1 and not story.confirmed_by_both
    assert story.photo_alt == "Anna and Bernard at the lake"
    assert changes(db, story.id)[-1] == (2, club.participations["mentor_one"].id, ["photo"])

    for client in (anna, bernard):
        for size, longest in (("", 640), ("?size=small", 480)):
            served = client.get(f"/me/pairs/{pair_id}/story/photo.jpg{size}")
            assert served.status_code == 200
            assert served.headers["Content-Type"] == "image/jpeg"
            assert served.headers["X-Content-Type-Options"] == "nosniff"
            assert "public" not in served.headers["Cache-Control"]
            assert "no-store" in served.headers["Cache-Control"] or "private" in served.headers["Cache-Control"]
            data = served.get_data()
            assert b"PhoneMaker" not in data and b"Exif" not in data
            image = Image.open(BytesIO(data))
            assert max(image.size) == longest and not image.getexif()
    page = bernard.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    assert 'alt="Anna and Bernard at the lake"' in page and "Anna Keller changed the photo." in page
    assert "I confirm version 2 of our story" in page
    assert anna.get(f"/me/pairs/{pair_id}/story/photo.jpg?size=huge").status_code == 404


def test_removing_the_photo_is_a_change_and_a_new_photo_gets_a_new_address(app, db, club, written):
    pair_id, anna, _ = written
    upload(anna, pair_id, jpeg_with_gps())
    assert anna.post(f"/me/pairs/{pair_id}/story/photo/remove").status_code == 302
    story = stored_story(db, pair_id)
    assert (story.version, story.photo, story.photo_small, story.photo_alt, story.has_photo) == (
        3, None, None, None, False)
    assert anna.get(f"/me/pairs/{pair_id}/story/photo.jpg").status_code == 404
    response = anna.post(f"/me/pairs/{pair_id}/story/photo/remove", follow_redirects=True)
    assert "Your story has no photo." in response.get_data(as_text=True)
    upload(anna, pair_id, jpeg_with_gps(320, 240))
    assert stored_story(db, pair_id).photo_version == 3  # never the number of an earlier photo


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"Minutes of our last meeting\n", "photo.jpg", "This file is not a JPEG, PNG or WebP photo, whatever its name"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "photo.svg",
     "This is an SVG drawing, not a photo."),
    (png_header(8000, 5000), "big.png", "The photo is 8000 × 5000 pixels (40 megapixels): at most 24 megapixels"),
    (b"", "empty.jpg", "Choose a photo to upload."),
])
def test_a_file_that_is_not_an_acceptable_photo_is_refused_beside_the_field(app, db, club, written, data, name,
                                                                           message):
    pair_id, anna, _ = written
    response = upload(anna, pair_id, data, name=name)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="photo-error-1"' in html and message in html
    story = stored_story(db, pair_id)
    assert story.version == 1 and not story.has_photo and story.confirmed_by_both


@pytest.mark.parametrize(("alt", "message"), [
    ("", "Describe the photo in a few words"),
    ("x" * 100_000, "At most 300 characters."),
    ("a\x00b", "control characters"),
])
def test_the_photos_text_is_required_and_checked(app, db, club, written, alt, message):
    pair_id, anna, _ = written
    response = upload(anna, pair_id, jpeg_with_gps(), alt=alt)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="alt-error-1"' in html and message in html
    assert not stored_story(db, pair_id).has_photo


def test_an_upload_over_5_mb_gets_a_page_that_names_the_limit(app, db, club, written):
    pair_id, anna, _ = written
    response = upload(anna, pair_id, b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The photo is larger than 5 MB" in html and f'href="/me/pairs/{pair_id}/story#photo"' in html
    assert not stored_story(db, pair_id).has_photo


def test_over_5_mb_with_csrf_on_the_same_page(database_url):
    """With CSRF checked (production), the request is refused before the view, when its token is read: the
    same page, and nothing of any pair is read."""
    application = create_app(config_for_tests(database_url, WTF_CSRF_ENABLED=True))
    client = application.test_client()
    response = client.post("/me/pairs/1/story/photo", data={"photo": (BytesIO(b"\x00" * (6 * 1024 * 1024)), "a.jpg")},
                           content_type="multipart/form-data", headers=EN)
    assert response.status_code == 413
    assert "The photo is larger than 5 MB" in response.get_data(as_text=True)
    application.extensions["tandem.db"].dispose()


def test_an_archived_cohorts_photo_cannot_change(app, db, club, written):
    from tandem.platform.cohorts.models import Cohort, CohortState
    from tandem.platform.tenancy import club_scope

    pair_id, anna, _ = written
    with club_scope(db):
        db.get(Cohort, club.cohort.id).state = CohortState.ARCHIVED
        db.commit()
    response = upload(anna, pair_id, jpeg_with_gps())
    assert response.status_code == 302
    assert not stored_story(db, pair_id).has_photo
