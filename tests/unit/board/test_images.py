"""Image types are decided by the bytes: names and claimed content types do not count."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tandem.platform.board.images import detect_image_type, image_size
from tests.factories import tiny_jpeg, tiny_png, tiny_webp


@pytest.mark.parametrize(("data", "expected"), [
    (tiny_png(), "image/png"),
    (tiny_png(120, 40), "image/png"),
    (tiny_jpeg(), "image/jpeg"),
    (tiny_jpeg(300, 200), "image/jpeg"),
    (tiny_webp(), "image/webp"),
])
def test_real_images_are_recognised(data, expected):
    assert detect_image_type(data) == expected


def test_sizes_are_read_from_the_headers():
    assert image_size(tiny_png(120, 40)) == (120, 40)
    assert image_size(tiny_jpeg(300, 200)) == (300, 200)
    assert image_size(tiny_webp()) == (1, 1)


def test_a_text_file_renamed_to_png_is_not_an_image(tmp_path: Path):
    renamed = tmp_path / "logo.png"
    renamed.write_text("Hello, I am a text file with a picture's name.\n" * 10)
    assert detect_image_type(renamed.read_bytes()) is None


def test_a_png_renamed_to_jpg_is_still_a_png(tmp_path: Path):
    renamed = tmp_path / "logo.jpg"
    renamed.write_bytes(tiny_png())
    assert detect_image_type(renamed.read_bytes()) == "image/png"


@pytest.mark.parametrize("data", [
    b"",
    b"\x89PNG\r\n\x1a\n",                                  # the signature alone
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,                   # no IHDR chunk
    tiny_png()[:20],                                       # cut off inside IHDR
    b"\xff\xd8\xff\xe0\x00\x10JFIF",                       # JPEG without a frame header
    b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 40,            # scan data before any frame
    b"RIFF\x1a\x00\x00\x00WEBPVP8L",                       # WebP cut off
    b"RIFF\xff\xff\x00\x00WEBP" + b"\x00" * 30,            # RIFF size beyond the data
    b"RIFF\x1a\x00\x00\x00WAVEfmt " + b"\x00" * 30,        # another RIFF format
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",                # GIF: not accepted
    b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',     # SVG: not accepted (scripts)
    b"%PDF-1.7\n" + b"\x00" * 40,
])
def test_other_or_broken_files_are_refused(data):
    assert detect_image_type(data) is None


def test_absurd_dimensions_are_refused():
    assert detect_image_type(tiny_png(0, 1)) is None
    assert detect_image_type(tiny_png(100_000, 1)) is None
    assert detect_image_type(tiny_jpeg(0, 10)) is None


def test_webp_lossy_and_extended_headers():
    lossy = b"VP8 " + struct.pack("<I", 10) + b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", 64, 32)
    data = b"RIFF" + struct.pack("<I", 4 + len(lossy)) + b"WEBP" + lossy + b"\x00" * 8
    assert detect_image_type(data) == "image/webp" and image_size(data) == (64, 32)
    extended = b"VP8X" + struct.pack("<I", 10) + b"\x00" * 4 + (99).to_bytes(3, "little") + (49).to_bytes(3, "little")
    data = b"RIFF" + struct.pack("<I", 4 + len(extended)) + b"WEBP" + extended + b"\x00" * 8
    assert detect_image_type(data) == "image/webp" and image_size(data) == (100, 50)
