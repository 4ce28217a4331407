"""The demo's story photos, drawn with Pillow: no external image, nothing to license.

Each picture is an illustration of a tandem at work: a background in two tones, a table, two figures (a head
and shoulders each, one taller: the senior mentee, one smaller: the young mentor) and what they talk about (a
speech bubble, a screen, a chart), in the colours of a palette. Drawing is deterministic (the same spec gives
the same bytes), so seeding twice stores the same photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 800


@dataclass(frozen=True)
class PhotoSpec:
    sky: str         # the wall behind them
    floor: str       # the table
    mentor: str      # the young mentor's jumper
    mentee: str      # the senior mentee's jacket
    motif: str       # "bubble", "screen" or "chart": what is between them


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _blend(first: tuple[int, int, int], second: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    r, g, b = (round(a + (b - a) * share) for a, b in zip(first, second, strict=True))
    return r, g, b


def _figure(draw: ImageDraw.ImageDraw, centre_x: int, shoulders_y: int, scale: float, colour: str) -> None:
    head = round(70 * scale)
    body_w, body_h = round(260 * scale), round(300 * scale)
    skin = (236, 200, 170)
    draw.rounded_rectangle((centre_x - body_w // 2, shoulders_y, centre_x + body_w // 2, shoulders_y + body_h),
                           radius=round(110 * scale), fill=_hex(colour))
    neck_top = shoulders_y - round(30 * scale)
    draw.rectangle((centre_x - round(28 * scale), neck_top, centre_x + round(28 * scale), shoulders_y + 10),
                   fill=skin)
    draw.ellipse((centre_x - head, neck_top - 2 * head + 10, centre_x + head, neck_top + 10), fill=skin)


def _motif(draw: ImageDraw.ImageDraw, spec: PhotoSpec) -> None:
    accent = _hex(spec.mentor)
    if spec.motif == "screen":
        draw.rounded_rectangle((520, 430, 700, 540), radius=10, fill=(40, 44, 52))
        draw.rectangle((532, 442, 688, 528), fill=_blend(accent, (255, 255, 255), 0.55))
        draw.polygon(((590, 540), (630, 540), (640, 570), (580, 570)), fill=(40, 44, 52))
    elif spec.motif == "chart":
        draw.rounded_rectangle((500, 150, 720, 330), radius=16, fill=(255, 255, 255))
        for index, height in enumerate((50, 80, 65, 120, 140)):
            left = 525 + index * 38
            draw.rectangle((left, 305 - height, left + 24, 305), fill=_blend(accent, (0, 0, 0), index * 0.08))
    else:
        draw.rounded_rectangle((500, 150, 720, 290), radius=40, fill=(255, 255, 255))
        draw.polygon(((560, 285), (600, 285), (555, 330)), fill=(255, 255, 255))
        for index in range(3):
            draw.ellipse((555 + index * 45, 205, 585 + index * 45, 235), fill=accent)


def draw_photo(spec: PhotoSpec) -> bytes:
    """The picture as PNG bytes (the story's operation checks, re-encodes and resizes it like any upload)."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    top, bottom = _hex(spec.sky), _blend(_hex(spec.sky), (255, 255, 255), 0.45)
    for y in range(HEIGHT):
        draw.line(((0, y), (WIDTH, y)), fill=_blend(top, bottom, y / HEIGHT))
    # a window on the wall
    draw.rectangle((80, 90, 380, 330), fill=_blend(top, (255, 255, 255), 0.7))
    draw.line(((230, 90), (230, 330)), fill=top, width=8)
    _figure(draw, 330, 400, 1.1, spec.mentee)   # the senior mentee, on the left
    _figure(draw, 880, 430, 0.95, spec.mentor)  # the young mentor, on the right
    draw.rectangle((0, 560, WIDTH, HEIGHT), fill=_hex(spec.floor))  # the table
    draw.rectangle((0, 560, WIDTH, 580), fill=_blend(_hex(spec.floor), (255, 255, 255), 0.25))
    _motif(draw, spec)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
