"""What kind of image a file is, decided by its bytes alone (never by its name or a browser's claim).

Pure: no Flask, no database. `detect_image_type(data)` answers "image/png", "image/jpeg", "image/webp" or
None, and answers a type only when the header is complete and names sensible dimensions, so a text file
renamed `logo.png` or a truncated upload is refused.
"""

from __future__ import annotations

import struct

PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
MAX_DIMENSION = 8192  # pixels a side: more than any logo needs, less than a decompression bomb

# JPEG start-of-frame markers carry the dimensions (C4 is DHT, C8 is reserved, CC is DAC).
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field.
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})


def _sensible(width: int, height: int) -> bool:
    return 0 < width <= MAX_DIMENSION and 0 < height <= MAX_DIMENSION


def png_size(data: bytes) -> tuple[int, int] | None:
    """The dimensions from a PNG's IHDR chunk, which must come first."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 33:
        return None
    length, kind = struct.unpack(">I4s", data[8:16])
    if kind != b"IHDR" or length != 13:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if _sensible(width, height) else None


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The dimensions from a JPEG's start-of-frame segment, walking the segments from the start."""
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
            return (width, height) if _sensible(width, height) else None
        position += 2 + length
    return None


def webp_size(data: bytes) -> tuple[int, int] | None:
    """The dimensions from a WebP's first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended)."""
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
    return (width, height) if _sensible(width, height) else None


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, JPEG or WebP image, or None when the bytes are not a plausible one."""
    for size in (png_size, jpeg_size, webp_size):
        found = size(data)
        if found is not None:
            return found
    return None


def detect_image_type(data: bytes) -> str | None:
    """The content type of a plausible PNG, JPEG or WebP image, from its bytes; None for anything else."""
    if png_size(data) is not None:
        return PNG
    if jpeg_size(data) is not None:
        return JPEG
    if webp_size(data) is not None:
        return WEBP
    return None
