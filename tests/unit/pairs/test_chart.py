"""The chart of meetings held per month (pure): months of a span, counts per month, and the SVG: one bar per
month with its figure and label, named and described for assistive technology, every text escaped."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

from tandem.platform.pairs.health.chart import (
    MAX_MONTHS,
    PLOT_HEIGHT,
    Bar,
    bar_chart,
    count_by_month,
    months_between,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_months_between_spans_years_and_includes_both_ends():
    months = months_between(date(2026, 11, 20), date(2027, 2, 3))
    assert months == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    assert months_between(date(2027, 3, 1), date(2027, 3, 31)) == [date(2027, 3, 1)]
    assert months_between(date(2027, 3, 1), date(2027, 2, 1)) == []


def test_a_long_span_keeps_its_last_months():
    months = months_between(date(2020, 1, 1), date(2027, 6, 1))
    assert len(months) == MAX_MONTHS and months[-1] == date(2027, 6, 1)


def test_count_by_month_counts_each_day_in_its_month_and_leaves_out_the_rest():
    months = months_between(date(2027, 3, 1), date(2027, 5, 1))
    days = [date(2027, 3, 1), date(2027, 3, 31), date(2027, 5, 15), date(2027, 6, 1), date(2026, 3, 5)]
    assert count_by_month(days, months) == [2, 0, 1]


def test_the_svg_has_a_bar_with_figure_and_label_per_month():
    bars = [Bar("Mar 2027", 4, "2027-03"), Bar("Apr 2027", 0, "2027-04"), Bar("May 2027", 2, "2027-05")]
    svg = str(bar_chart(bars, title="Meetings per month", description="6 meetings", id_prefix="c"))
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").text == "Meetings per month" and root.find(f"{SVG}title").get("id") == "c-title"
    assert root.find(f"{SVG}desc").text == "6 meetings"
    groups = root.findall(f"{SVG}g")
    assert [(g.get("data-key"), g.get("data-value")) for g in groups] == [
        ("2027-03", "4"), ("2027-04", "0"), ("2027-05", "2")]
    heights = [int(g.find(f"{SVG}rect").get("height")) if g.find(f"{SVG}rect") is not None else 0 for g in groups]
    assert heights == [PLOT_HEIGHT, 0, PLOT_HEIGHT // 2]  # the highest bar fills the plot; none for zero
    texts = [[t.text for t in g.findall(f"{SVG}text")] for g in groups]
    assert texts == [["4", "Mar 2027"], ["0", "Apr 2027"], ["2", "May 2027"]]


def test_every_text_is_escaped():
    svg = str(bar_chart([Bar("<script>alert(1)</script>", 1, '"><x')], title="a & <b>", description="</desc>"))
    assert "<script>" not in svg and "<b>" not in svg and "</desc></desc>" not in svg
    root = ElementTree.fromstring(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == "a & <b>"
    assert re.search(r'data-key="&#34;&gt;&lt;x"', svg)


def test_an_empty_or_all_zero_chart_still_draws_its_axis():
    root = ElementTree.fromstring(str(bar_chart([Bar("Mar", 0)], title="t", description="d")))
    assert root.find(f"{SVG}line") is not None and root.find(f"{SVG}g/{SVG}rect") is None
    assert ElementTree.fromstring(str(bar_chart([], title="t", description="d"))).find(f"{SVG}g") is None
