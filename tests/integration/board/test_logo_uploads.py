"""Uploaded logos are kept as images drawn anew (a PNG+HTML polyglot is served as a clean PNG), absurd
dimensions are refused beside the field, and the public logo is served so that no browser runs it as a page."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
import sqlalchemy as sa
from PIL import Image

from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation
from tests.factories import make_board_member, make_organisation, pillow_image

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture()
def board_client(app, db, sign_in):
    alpha = make_organisation(db, "alpha")
    board = make_board_member(db, make_organisation(db, "beta"))
    db.commit()
    client = sign_in(app.test_client(), board)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client, alpha


def _upload(client, alpha, data, name="logo.png"):
    return client.post(f"/board/organisations/{alpha.id}/edit", data={
        "name": "Alpha", "domains": "alpha.example", "logo": (io.BytesIO(data), name, "image/png"),
    }, content_type="multipart/form-data")


def _stored(db, alpha):
    db.expire_all()
    with club_scope(db):
        return db.execute(sa.select(Organisation.logo, Organisation.logo_content_type)
                          .where(Organisation.id == alpha.id)).one()


def test_a_png_html_polyglot_is_stored_and_served_as_a_clean_png(app, db, board_client):
    client, alpha = board_client
    png = pillow_image("PNG", 40, 20)
    polyglot = png[:33] + _chunk(b"tEXt", b"Comment\x00" + HTML) + png[33:] + HTML
    assert _upload(client, alpha, polyglot).status_code == 302

    logo, content_type = _stored(db, alpha)
    assert content_type == "image/png" and b"<html" not in logo and b"script" not in logo
    served = app.test_client().get("/organisations/alpha/logo")
    assert served.status_code == 200 and served.data == logo
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert "default-src 'none'" in served.headers["Content-Security-Policy"]
    assert Image.open(io.BytesIO(served.data)).size == (40, 20)


def test_an_image_with_absurd_dimensions_is_refused_beside_the_field(db, board_client):
    client, alpha = board_client
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff\x00\x00" * 8192
    bomb = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 8192, 8192, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", b"".join(compressor.compress(row) for _ in range(8192)) + compressor.flush())
            + _chunk(b"IEND", b""))
    assert len(bomb) < 512 * 1024
    response = _upload(client, alpha, bomb)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = re.findall(r'id="logo-error-\d+">(.*?)</p>', page, re.S)
    assert errors and "8192 × 8192" in errors[0] and "too large" in errors[0]
    assert _stored(db, alpha) == (None, None)


def test_an_image_that_cannot_be_decoded_is_refused_beside_the_field(db, board_client):
    client, alpha = board_client
    response = _upload(client, alpha, pillow_image("PNG", 40, 40)[:60])
    assert response.status_code == 400
    assert re.search(r'id="logo-error-1">.*cannot be read', response.get_data(as_text=True), re.S)
    assert _stored(db, alpha) == (None, None)
