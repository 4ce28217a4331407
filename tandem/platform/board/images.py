"""What kind of image a file is, decided by its bytes alone (never by its name or a browser's claim), and the
image kept of it: drawn anew from its pixels.

Pure: no Flask, no database. `detect_image_type(data)` answers "image/png", "image/jpeg", "image/webp" or
None, and answers a type only when the header is complete and names sensible dimensions (a side of at most
MAX_DIMENSION pixels, at most MAX_PIXELS in all), so a text file renamed `logo.png`, a truncated upload or a
decompression bomb (an 8192 x 8192 PNG of one colour is a few hundred KB, and 256 MB once decoded) is refused
from its header alone.

`clean_image(data)` decodes an image that passed those checks (Pillow) and encodes its pixels anew, in the
same format: what else the file carried (text chunks, comments, EXIF and other metadata, anything after the
image's end, such as the HTML page of a PNG+HTML polyglot) is not kept. JPEG orientation is applied first.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
MAX_DIMENSION = 8192  # pixels a side: a wide logo fits
MAX_PIXELS = 4096 * 2048  # pixels in all: 32 MB decoded (RGBA), far more than a logo shown small needs

# JPEG start-of-frame markers carry the dimensions (C4 is DHT, C8 is reserved, CC is DAC).
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field.
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})


def _sensible(size: tuple[int, int] | None) -> tuple[int, int] | None:
    if size is None:
        return None
    width, height = size
    return size if 0 < width <= MAX_DIMENSION and 0 < height <= MAX_DIMENSION and width * height <= MAX_PIXELS \
        else None


def _png_header(data: bytes) -> tuple[int, int] | None:
    """The dimensions in a PNG's IHDR chunk, which must come first (whatever they are)."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 33:
        return None
    length, kind = struct.unpack(">I4s", data[8:16])
    if kind != b"IHDR" or length != 13:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_header(data: bytes) -> tuple[int, int] | None:
    """The dimensions in a JPEG's start-of-frame segment, walking the segments from the start."""
    if not data.startswith(JPEG_SIGNATURE):
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _STANDALONE_MARKERS:
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        (length,) = struct.unpack(">H", data[position + 2:position + 4])
        if length < 2:
            return None
        if marker in _SOF_MARKERS:
            if length < 7 or position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5:position + 9])
            return width, height
        position += 2 + length
    return None


def _webp_header(data: bytes) -> tuple[int, int] | None:
    """The dimensions in a WebP's first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended)."""
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size < 22 or riff_size + 8 > len(data):
        return None
    chunk = data[12:16]
    payload = data[20:]
    if chunk == b"VP8X":
        width = 1 + int.from_bytes(payload[4:7], "little")
        height = 1 + int.from_bytes(payload[7:10], "little")
    elif chunk == b"VP8L":
        if payload[0] != 0x2F:
            return None
        (bits,) = struct.unpack("<I", payload[1:5])
        width = 1 + (bits & 0x3FFF)
        height = 1 + ((bits >> 14) & 0x3FFF)
    elif chunk == b"VP8 ":
        if payload[3:6] != b"\x9d\x01\x2a":
            return None
        raw_width, raw_height = struct.unpack("<HH", payload[6:10])
        width, height = raw_width & 0x3FFF, raw_height & 0x3FFF
    else:
        return None
    return width, height


_HEADERS = ((PNG, _png_header), (JPEG, _jpeg_header), (WEBP, _webp_header))


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's sensible dimensions, else None."""
    return _sensible(_png_header(data))


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """A JPEG's sensible dimensions, else None."""
    return _sensible(_jpeg_header(data))


def webp_size(data: bytes) -> tuple[int, int] | None:
    """A WebP's sensible dimensions, else None."""
    return _sensible(_webp_header(data))


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, JPEG or WebP image, or None when the bytes are not a plausible one."""
    for size in (png_size, jpeg_size, webp_size):
        found = size(data)
        if found is not None:
            return found
    return None


def detect_image_type(data: bytes) -> str | None:
    """The content type of a plausible PNG, JPEG or WebP image, from its bytes; None for anything else."""
    for content_type, header in _HEADERS:
        if _sensible(header(data)) is not None:
            return content_type
    return None


# --- The image kept: drawn anew from its pixels ---

_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}
_KEPT_MODES = {PNG: ("RGB", "RGBA", "L", "LA"), JPEG: ("RGB", "L"), WEBP: ("RGB", "RGBA")}


class ImageRefused(ValueError):
    """Why an upload is not kept as an image: "type" (not a PNG, JPEG or WebP image), "too_large" (its
    dimensions, in `size`, are absurd for a logo) or "broken" (its header is fine, its pixels cannot be read)."""

    def __init__(self, reason: str, size: tuple[int, int] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size = size


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def _pixels_only(image: Image.Image, content_type: str) -> Image.Image:
    """The pixels in a mode the format keeps (transparency kept where it can be), in a new image that holds
    nothing else: no text, no ICC profile, no EXIF."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode not in _KEPT_MODES[content_type] or "transparency" in image.info:
        if content_type == JPEG:
            target = "L" if image.mode in ("1", "L", "LA", "I", "I;16", "F") else "RGB"
        elif content_type == PNG and image.mode in ("1", "L", "LA", "I", "I;16", "F") and not has_alpha:
            target = "L"
        else:
            target = "RGBA" if has_alpha else "RGB"
        image = image.convert(target)
    return Image.frombytes(image.mode, image.size, image.tobytes())


def clean_image(data: bytes) -> CleanImage:
    """The image of `data`, decoded and encoded anew in its own format (PNG, JPEG or WebP), keeping only its
    pixels. Raises ImageRefused. The dimensions are checked from the header before anything is decoded."""
    content_type = next((kind for kind, header in _HEADERS if header(data) is not None), None)
    if content_type is None:
        raise ImageRefused("type")
    size = dict(_HEADERS)[content_type](data)
    if _sensible(size) is None:
        raise ImageRefused("too_large", size)
    try:
        with Image.open(BytesIO(data), formats=[_PILLOW_FORMATS[content_type]]) as opened:
            if _sensible(opened.size) is None:  # Pillow read other dimensions than the header: refuse
                raise ImageRefused("too_large", opened.size)
            opened.load()  # the first frame of an animation
            image = ImageOps.exif_transpose(opened) if content_type == JPEG else opened
            image = _pixels_only(image, content_type)
    except ImageRefused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, EOFError) as error:
        raise ImageRefused("broken") from error
    out = BytesIO()
    if content_type == PNG:
        image.save(out, format="PNG", optimize=True)
    elif content_type == JPEG:
        image.save(out, format="JPEG", quality=90, optimize=True)
    else:
        image.save(out, format="WEBP", quality=90)
    return CleanImage(out.getvalue(), content_type, image.width, image.height)
