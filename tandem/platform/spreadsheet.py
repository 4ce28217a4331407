"""Cells for CSV files and spreadsheets that a spreadsheet program opens as data, never as formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from tandem.platform.database import as_utc

# A cell starting with one of these is a formula to a spreadsheet program: it is written with a leading '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# CSV files open in Excel as UTF-8 only with a byte order mark.
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    """The text of one cell: empty for None, ISO time for a datetime, a formula neutralised with a '."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="seconds")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> tuple[str, int]:
    """A CSV file for spreadsheet programs: the byte order mark, the header, every cell made safe, CRLF line
    ends. Returns the text and the number of data rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return BOM + out.getvalue(), count
