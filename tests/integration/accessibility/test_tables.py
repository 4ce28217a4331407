"""Data tables outside the workbench have a caption and header cells with a scope (WCAG 1.3.1), read from the
templates themselves, so that a new table without them fails here before any page shows it; the mails' layout
tables say they are for layout only. (The workbench's tables are checked by its own area.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[3] / "tandem" / "templates"
OUTSIDE_WORKBENCH = sorted(path for path in TEMPLATES.rglob("*.html")
                           if "workbench" not in path.relative_to(TEMPLATES).parts)
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._tables: list[dict[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            layout = attributes.get("role") in ("presentation", "none")
            self._tables.append({"caption": False, "layout": layout, "line": self.getpos()[0]})
        elif tag == "caption" and self._tables:
            self._tables[-1]["caption"] = True
        elif tag == "th" and attributes.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
            self.problems.append(f"line {self.getpos()[0]}: a header cell without a scope")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._tables:
            table = self._tables.pop()
            if not table["caption"] and not table["layout"]:
                self.problems.append(f"line {table['line']}: a table without a caption")


def table_problems(source: str) -> list[str]:
    parser = _Tables()
    parser.feed(JINJA.sub(lambda match: "\n" * match.group(0).count("\n"), source))
    return parser.problems


@pytest.mark.parametrize("path", [p for p in OUTSIDE_WORKBENCH if "<table" in p.read_text(encoding="utf-8")],
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_table_has_a_caption_and_scoped_header_cells(path: Path) -> None:
    assert table_problems(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_table_without_a_caption_and_a_header_without_a_scope() -> None:
    source = "<table>\n<tr><th>Name</th><th scope='col'>{{ _('Role') }}</th></tr>\n</table>"
    assert table_problems(source) == ["line 2: a header cell without a scope", "line 1: a table without a caption"]
    assert table_problems('<table role="presentation"><tr><td>x</td></tr></table>') == []
