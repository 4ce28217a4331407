"""The reports' bar chart macro (tandem/templates/outcomes/_charts.html): valid SVG with a title and a
description it is labelled by, role="img", a data table beside it, hidden groups without a bar, and markup in
labels shown as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2

from tandem.platform.outcomes.reports.figures import Bar, Chart

TEMPLATES = Path(__file__).resolve().parents[3] / "tandem" / "templates"
SVG = "{http://www.w3.org/2000/svg}"


def render(chart: Chart, chart_id: str = "chart-1") -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     extensions=["jinja2.ext.i18n"])
    environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    template = environment.from_string('{% from "outcomes/_charts.html" import bar_chart %}'
                                       "{{ bar_chart(chart_id, chart) }}")
    return template.render(chart=chart, chart_id=chart_id)


def svg_of(html: str) -> ET.Element:
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    return ET.fromstring(html[start:end])


def test_the_chart_is_valid_svg_with_title_description_and_role():
    chart = Chart("Meetings per month", "For each month, the meetings held per pair.",
                  [Bar("2027-04", 1.5, "1.5"), Bar("2027-05", 0.5, "0.5"), Bar("Beta", None, "fewer than 5 answers")])
    html = render(chart)
    svg = svg_of(html)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-1-title chart-1-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Meetings per month" and title.get("id") == "chart-1-title"
    assert desc is not None and desc.get("id") == "chart-1-desc"
    assert desc.text == "For each month, the meetings held per pair."
    bars = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("fill") == "#1f4e79"]
    assert len(bars) == 2  # the hidden group draws no bar
    assert float(bars[0].get("width")) == 300.0 and float(bars[1].get("width")) == 100.0
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert "fewer than 5 answers" in texts
    assert "<script" not in html and "onload" not in html
    # The data table beside it.
    assert "<table" in html and "<th scope=\"row\">2027-04</th>" in html and "fewer than 5 answers</td>" in html


def test_markup_in_labels_is_text():
    hostile = '<script>alert("x")</script><b onmouseover="x()">Org</b> & Co'
    html = render(Chart(hostile, hostile, [Bar(hostile, 3, hostile)]))
    assert "<script>" not in html and "<b " not in html
    svg = svg_of(html)  # still parses as XML: the markup was escaped
    assert svg.find(f"{SVG}title").text == hostile
    assert hostile[:30] in "".join(svg.find(f"{SVG}desc").itertext())


def test_no_bars_at_all_and_all_zero_values_still_render():
    svg = svg_of(render(Chart("Empty", "Nothing yet", [Bar("A", 0, "0"), Bar("B", None, "no answers")])))
    assert svg.find(f"{SVG}title").text == "Empty"
    assert not [rect for rect in svg.iter(f"{SVG}rect") if rect.get("fill") == "#1f4e79"]
