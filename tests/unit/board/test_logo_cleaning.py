"""A logo is kept only as an image drawn anew from its pixels (Pillow): what else the file carried (text
chunks, comments, metadata, anything after its end, such as an HTML page) is gone, and an image whose decoded
size is absurd for a logo is refused before it is decoded."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image

from tandem.platform.board.images import (
    MAX_PIXELS,
    ImageRefused,
    clean_image,
    detect_image_type,
)
from tests.factories import pillow_image, tiny_jpeg, tiny_png, tiny_webp

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_html_polyglot() -> bytes:
    """A valid PNG with an HTML page in a text chunk and after its end: a browser sniffing it sees HTML."""
    png = pillow_image("PNG", 40, 20)
    iend = png.rindex(b"IEND") - 4
    return png[:33] + _chunk(b"tEXt", b"Comment\x00" + HTML) + png[33:iend] + png[iend:] + HTML


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def _one_colour_png(width: int, height: int) -> bytes:
    """A PNG of one colour, compressed row by row (its pixels are never all in memory here)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff\x00\x00" * width
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))


def test_an_8192_by_8192_png_of_a_few_hundred_kilobytes_is_refused_before_decoding():
    bomb = _one_colour_png(8192, 8192)  # zlib packs its 200 MB of pixels into a few hundred KB
    assert len(bomb) < 512 * 1024
    assert detect_image_type(bomb) is None
    with pytest.raises(ImageRefused) as refused:
        clean_image(bomb)
    assert refused.value.reason == "too_large" and refused.value.size == (8192, 8192)
    assert MAX_PIXELS < 8192 * 8192


def test_a_png_html_polyglot_becomes_a_clean_png_of_the_same_pixels():
    polyglot = _png_html_polyglot()
    assert detect_image_type(polyglot) == "image/png" and HTML in polyglot
    cleaned = clean_image(polyglot)
    assert cleaned.content_type == "image/png" and (cleaned.width, cleaned.height) == (40, 20)
    assert b"<html" not in cleaned.data and b"script" not in cleaned.data and b"tEXt" not in cleaned.data
    assert cleaned.data.endswith(_chunk(b"IEND", b""))
    assert _decoded(cleaned.data).tobytes() == _decoded(polyglot).tobytes()


def test_a_jpeg_loses_its_comments_and_metadata_and_keeps_its_type():
    jpeg = pillow_image("JPEG", 30, 10)
    with_comment = jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(HTML) + 2) + HTML + jpeg[2:]
    assert detect_image_type(with_comment) == "image/jpeg"
    cleaned = clean_image(with_comment)
    assert cleaned.content_type == "image/jpeg" and (cleaned.width, cleaned.height) == (30, 10)
    assert b"<html" not in cleaned.data


def test_jpeg_orientation_is_applied_before_the_metadata_goes():
    image = Image.new("RGB", (30, 10), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to show
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    cleaned = clean_image(out.getvalue())
    assert (cleaned.width, cleaned.height) == (10, 30)
    assert not _decoded(cleaned.data).getexif()


def test_webp_and_transparent_png_keep_their_type_and_transparency():
    webp = clean_image(pillow_image("WEBP", 16, 16, mode="RGBA"))
    assert webp.content_type == "image/webp" and _decoded(webp.data).mode == "RGBA"
    assert clean_image(tiny_webp()).content_type == "image/webp"
    png = clean_image(pillow_image("PNG", 16, 16, mode="RGBA"))
    assert png.content_type == "image/png" and _decoded(png.data).getpixel((0, 0))[3] == 128


def test_an_image_whose_header_is_plausible_but_which_cannot_be_decoded_is_refused():
    for broken in (tiny_jpeg(40, 40), pillow_image("PNG", 40, 40)[:60], tiny_png(4, 4)[:-20] + b"\x00" * 20):
        with pytest.raises(ImageRefused) as refused:
            clean_image(broken)
        assert refused.value.reason == "broken"


def test_anything_else_is_not_an_image():
    for other in (b"", HTML, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"):
        with pytest.raises(ImageRefused) as refused:
            clean_image(other)
        assert refused.value.reason == "type"
