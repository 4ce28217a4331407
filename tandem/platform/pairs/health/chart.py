"""The chart of meetings held per month, as inline SVG rendered on the server (pure: no Flask, no database).

`months_between(first, last)` gives the months of a span, `count_by_month(days, months)` counts the dates in
each, and `bar_chart(bars, ...)` draws them: one bar per month with its figure above it and its label below,
`role="img"` named by the chart's `<title>` and described by its `<desc>` (the page puts a table of the same
figures beside it for screen readers). Every text is escaped; the colours come from classes in tandem.css,
with presentation attributes as a fallback (no inline style: the site's CSP has none).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH_PER_BAR = 64  # room for a label such as "Dec 2026" at 11 px
BAR_WIDTH = 30
PLOT_HEIGHT = 160
TOP = 24      # room for the figure above the highest bar
BOTTOM = 28   # room for the month's label below the axis
SIDE = 12
MAX_MONTHS = 36  # a span longer than three years is cut to its last 36 months


@dataclass(frozen=True)
class Bar:
    label: str  # what is written below the bar (e.g. "Mar 2027")
    value: int
    key: str = ""  # a stable key for ids and tests (e.g. "2027-03")


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s to `last`'s (both included; empty when last < first), at
    most MAX_MONTHS (the last ones)."""
    start, end = date(first.year, first.month, 1), date(last.year, last.month, 1)
    months: list[date] = []
    current = start
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months[-MAX_MONTHS:]


def count_by_month(days: Iterable[date], months: Sequence[date]) -> list[int]:
    """How many of `days` fall in each of `months` (first days of months); days outside are not counted."""
    index = {(month.year, month.month): position for position, month in enumerate(months)}
    counts = [0] * len(months)
    for day in days:
        position = index.get((day.year, day.month))
        if position is not None:
            counts[position] += 1
    return counts


def _nice_top(highest: int) -> int:
    """The value of the plot's top: the highest bar, at least 1 (an empty chart still has an axis)."""
    return max(1, highest)


def bar_chart(bars: Sequence[Bar], *, title: str, description: str, id_prefix: str = "chart") -> Markup:
    """An SVG bar chart of `bars`, with its title and description for assistive technology."""
    top_value = _nice_top(max((bar.value for bar in bars), default=0))
    width = SIDE * 2 + WIDTH_PER_BAR * max(1, len(bars))
    height = TOP + PLOT_HEIGHT + BOTTOM
    axis_y = TOP + PLOT_HEIGHT
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg class="pair-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        f'<line class="pair-chart__axis" x1="{SIDE}" y1="{axis_y}" x2="{width - SIDE}" y2="{axis_y}" '
        f'stroke="currentColor" stroke-width="1"/>',
    ]
    for position, bar in enumerate(bars):
        x = SIDE + position * WIDTH_PER_BAR + (WIDTH_PER_BAR - BAR_WIDTH) // 2
        centre = x + BAR_WIDTH / 2
        value = max(0, bar.value)
        bar_height = round(PLOT_HEIGHT * value / top_value)
        y = axis_y - bar_height
        key = escape(bar.key or str(position))
        parts.append(f'<g class="pair-chart__bar" data-key="{key}" data-value="{value}">')
        if bar_height:
            parts.append(f'<rect x="{x}" y="{y}" width="{BAR_WIDTH}" height="{bar_height}" fill="#2f6f8f"/>')
        parts.append(f'<text class="pair-chart__value" x="{centre:g}" y="{y - 6}" text-anchor="middle" '
                     f'font-size="12" fill="currentColor">{value}</text>')
        parts.append(f'<text class="pair-chart__label" x="{centre:g}" y="{axis_y + 18}" text-anchor="middle" '
                     f'font-size="11" fill="currentColor">{escape(bar.label)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
