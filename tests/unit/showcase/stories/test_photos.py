"""A story's photo (tandem/platform/showcase/stories/photos.py): accepted by its bytes, refused with a reason a
message can name, kept as two JPEGs drawn anew from the pixels, upright, without any metadata."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

import pytest
from PIL import ExifTags, Image

from tandem.platform.showcase.stories import photos
from tandem.platform.showcase.stories.photos import LARGE, SMALL, PhotoRefused, check_photo, prepare_photo


def png_header(width: int, height: int) -> bytes:
    """The head of a PNG of that size (no pixels): what the checks read before anything is decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    out = BytesIO()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def camera_jpeg(width: int = 300, height: int = 200) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera, the orientation (6: turn 90° clockwise to show it)
    and the GPS position, a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (46.0, 56.0, 52.0),
                ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (7.0, 26.0, 40.0)})
    image = Image.new("RGB", (width, height), (200, 40, 40))
    return encoded(image, "JPEG", exif=exif.tobytes(), comment=b"SECRET-COMMENT")


def test_a_text_file_named_jpg_is_refused():
    with pytest.raises(PhotoRefused) as refused:
        prepare_photo(b"Dear all, this is not a photo at all.\n")
    assert refused.value.reason == "type"


@pytest.mark.parametrize("svg", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    b"  <!DOCTYPE svg><svg/>",
])
def test_an_svg_is_refused_as_an_svg(svg):
    with pytest.raises(PhotoRefused) as refused:
        prepare_photo(svg)
    assert refused.value.reason == "svg"


def test_a_40_megapixel_header_is_refused_before_anything_is_decoded():
    with pytest.raises(PhotoRefused) as refused:
        check_photo(png_header(8000, 5000))  # 40 megapixels, a few bytes on disk
    assert (refused.value.reason, refused.value.size) == ("too_large", (8000, 5000))
    assert photos.megapixels(refused.value.size) == 40


def test_a_real_40_megapixel_png_of_one_colour_is_refused():
    data = encoded(Image.new("1", (8000, 5000), 1), "PNG")  # 40 megapixels, a few kilobytes
    assert len(data) < 100_000
    with pytest.raises(PhotoRefused) as refused:
        prepare_photo(data)
    assert refused.value.size == (8000, 5000)


def test_a_side_beyond_the_limit_is_refused_even_with_few_pixels():
    with pytest.raises(PhotoRefused) as refused:
        check_photo(png_header(20_000, 10))
    assert refused.value.reason == "too_large"


def test_24_megapixels_are_accepted_by_the_header_check():
    assert check_photo(png_header(6000, 4000)) == ("image/png", (6000, 4000))


def test_empty_and_oversized_uploads_are_refused():
    with pytest.raises(PhotoRefused) as refused:
        prepare_photo(b"")
    assert refused.value.reason == "empty"
    with pytest.raises(PhotoRefused) as refused:
        prepare_photo(b"\xff\xd8\xff" + b"\x00" * photos.MAX_BYTES)
    assert refused.value.reason == "too_many_bytes"


def test_a_truncated_photo_is_refused():
    data = encoded(Image.new("RGB", (600, 400), "red"), "PNG")
    with pytest.raises(PhotoRefused):
        prepare_photo(data[: len(data) // 2])


def test_exif_gps_and_comments_are_gone_and_the_photo_is_upright():
    original = camera_jpeg(300, 200)
    assert b"PhoneMaker" in original and b"SECRET-COMMENT" in original  # the test can fail
    assert opened(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    photo = prepare_photo(original)
    for data in (photo.large, photo.small):
        assert data.startswith(b"\xff\xd8\xff")
        assert b"Exif" not in data and b"PhoneMaker" not in data and b"SECRET-COMMENT" not in data
        image = opened(data)
        assert image.format == "JPEG"
        assert not image.getexif() and "icc_profile" not in image.info and "comment" not in image.info
    assert opened(photo.large).size == (200, 300)  # orientation 6 applied: portrait


def test_two_web_sizes_never_larger_than_the_original():
    photo = prepare_photo(encoded(Image.new("RGB", (3000, 2000), "blue"), "JPEG"))
    assert photo.size == (LARGE, 1067) and photo.small_size == (SMALL, 320)
    assert opened(photo.large).size == photo.size and opened(photo.small).size == photo.small_size
    small = prepare_photo(encoded(Image.new("RGB", (300, 200), "blue"), "PNG"))
    assert small.size == (300, 200) and small.small_size == (300, 200)


def test_png_and_webp_become_jpeg_transparency_on_white_and_nothing_else_kept():
    transparent = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    png = encoded(transparent, "PNG", pnginfo=_text_chunk("Author", "SECRET-AUTHOR")) + b"<html>polyglot</html>"
    photo = prepare_photo(png)
    assert b"SECRET-AUTHOR" not in photo.large and b"polyglot" not in photo.large
    assert opened(photo.large).getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=3)
    webp = prepare_photo(encoded(Image.new("RGB", (50, 40), "green"), "WEBP"))
    assert opened(webp.large).format == "JPEG" and webp.size == (50, 40)


def test_greyscale_16_bit_and_palette_images_are_kept():
    grey = Image.new("I;16", (30, 20))
    grey.putdata([i * 100 for i in range(600)])
    assert prepare_photo(encoded(grey, "PNG")).size == (30, 20)
    assert prepare_photo(encoded(Image.new("P", (30, 20)), "PNG")).size == (30, 20)


def _text_chunk(key: str, value: str):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    return info
