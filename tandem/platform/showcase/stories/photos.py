"""A story's photo: checked by its bytes, drawn anew from its pixels, in two web sizes. Pure (Pillow only).

- The kind is decided by the bytes, never by the file's name or the browser's claim: a PNG, JPEG or WebP image
  (the signatures of `board/images.py`); an SVG (markup that a browser would run) or a text file named
  `photo.jpg` is refused, each with its own reason.
- The dimensions are read from the header (Pillow opens lazily: nothing is decoded yet) and refused above
  `MAX_MEGAPIXELS` (a decompression bomb, or a camera's raw 40-megapixel frame) before a pixel is decoded.
- What is kept: the pixels, turned as the EXIF orientation says, flattened on white, encoded anew as JPEG
  without any metadata (no EXIF, GPS, ICC profile, comment, or bytes after the image), at most `LARGE` pixels
  on the long side and a small copy of at most `SMALL`.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

from tandem.platform.board.images import JPEG, JPEG_SIGNATURE, PNG, PNG_SIGNATURE, WEBP

MAX_BYTES = 5 * 1024 * 1024  # what a request may carry at all (the app's MAX_CONTENT_LENGTH)
MAX_MEGAPIXELS = 24
MAX_PIXELS = MAX_MEGAPIXELS * 1_000_000
MAX_SIDE = 12_000  # pixels a side: a panorama of 24 megapixels fits
LARGE = 1600  # the long side of the photo on a story's page
SMALL = 480   # the long side of the photo on a story's card
QUALITY = 85

_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}
_MARKUP_STARTS = (b"<svg", b"<?xml", b"<!doctype svg", b"<!--")


class PhotoRefused(ValueError):
    """Why an upload is not kept as a photo.

    `reason`: "empty" (no bytes), "too_many_bytes" (over MAX_BYTES), "svg" (an SVG or other XML image), "type"
    (not a PNG, JPEG or WebP image, whatever its name), "too_large" (more than MAX_MEGAPIXELS or a side over
    MAX_SIDE; `size` holds the dimensions) or "broken" (the header is fine, the pixels cannot be read)."""

    def __init__(self, reason: str, size: tuple[int, int] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size = size


@dataclass(frozen=True)
class StoryPhoto:
    """The photo as kept: two JPEGs without metadata, and their dimensions."""

    large: bytes
    small: bytes
    size: tuple[int, int]
    small_size: tuple[int, int]


def image_kind(data: bytes) -> str | None:
    """The content type of a PNG, JPEG or WebP image by its signature; None for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.startswith(JPEG_SIGNATURE):
        return JPEG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def looks_like_markup(data: bytes) -> bool:
    """Whether the bytes are an SVG (or other XML/HTML) document, which a browser would run as markup."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_MARKUP_STARTS) or b"<svg" in head


def megapixels(size: tuple[int, int]) -> float:
    """The image's megapixels, one decimal (as a message names them)."""
    return round(size[0] * size[1] / 1_000_000, 1)


def _checked_size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = size
    if width <= 0 or height <= 0 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise PhotoRefused("too_large", size)
    return size


def check_photo(data: bytes) -> tuple[str, tuple[int, int]]:
    """The photo's kind and dimensions, from its bytes and header alone (nothing decoded). Raises
    PhotoRefused."""
    if not data:
        raise PhotoRefused("empty")
    if len(data) > MAX_BYTES:
        raise PhotoRefused("too_many_bytes")
    kind = image_kind(data)
    if kind is None:
        raise PhotoRefused("svg" if looks_like_markup(data) else "type")
    try:
        with Image.open(BytesIO(data), formats=[_PILLOW_FORMATS[kind]]) as opened:
            size = (int(opened.size[0]), int(opened.size[1]))
    except Image.DecompressionBombError as error:  # Pillow's own limit, far above ours
        raise PhotoRefused("too_large") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoRefused("type") from error
    return kind, _checked_size(size)


def _flattened(image: Image.Image) -> Image.Image:
    """The pixels in RGB, transparency laid on white, in a new image that holds nothing else."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.point(lambda value: value / 256).convert("L")  # 16-bit greyscale, scaled down to 8 bits
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    image = image.convert("RGB")
    return Image.frombytes("RGB", image.size, image.tobytes())


def _fitted(image: Image.Image, longest: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return copy


def _jpeg(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def prepare_photo(data: bytes) -> StoryPhoto:
    """The photo of `data`, checked (`check_photo`), turned upright, flattened, encoded anew as JPEG in two
    sizes, without any metadata. Raises PhotoRefused."""
    kind, size = check_photo(data)
    try:
        with Image.open(BytesIO(data), formats=[_PILLOW_FORMATS[kind]]) as opened:
            if opened.size != size:
                raise PhotoRefused("broken")
            if kind == JPEG:
                opened.draft("RGB", (LARGE, LARGE))  # decode a large JPEG at a reduced scale (never below LARGE)
            opened.load()  # the first frame of an animation
            upright = ImageOps.exif_transpose(opened)
            pixels = _flattened(upright)
    except PhotoRefused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as error:
        raise PhotoRefused("broken") from error
    large = _fitted(pixels, LARGE)
    small = _fitted(pixels, SMALL)
    return StoryPhoto(large=_jpeg(large), small=_jpeg(small), size=large.size, small_size=small.size)
