"""Cells for CSV files and spreadsheets that a spreadsheet program opens as data, never as formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

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


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> tuple[bytes, int]:
    """An XLSX workbook with one sheet per (title, header, rows): a header row, numbers as numbers, every
    other cell made safe by `safe_cell` and stored as a string (never a formula). Returns the bytes and the
    number of data rows."""
    from openpyxl import Workbook  # only the exports need it

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    count = 0
    for title, header, rows in sheets:
        sheet = book.create_sheet(_sheet_title(title, used))
        _write_row(sheet, 1, header)
        for row_number, row in enumerate(rows, start=2):
            _write_row(sheet, row_number, row)
            count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


def _write_row(sheet: Any, row_number: int, values: Sequence[object]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row_number, column=column)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.value = value
        else:
            cell.value = safe_cell(value)
            cell.data_type = "s"  # a string, never a formula


# Characters a sheet's name may not hold, and its longest length.
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(title: str, used: set[str]) -> str:
    # Nor may it start or end with an apostrophe.
    base = (title.translate(_SHEET_FORBIDDEN).strip(" '") or "Sheet")[:28].rstrip(" '") or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:26]} {n}"
    used.add(name.lower())
    return name
