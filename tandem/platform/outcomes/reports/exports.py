"""A report's sections as a CSV or an XLSX download, audited (who exported which report, how many rows).

Both go through tandem.platform.spreadsheet: every text cell made safe (a leading ' for = + - @ tab CR), the
XLSX's text cells stored as strings, numbers as numbers, one sheet per section.
"""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user

from tandem.platform import audit
from tandem.platform.database import db_session
from tandem.platform.outcomes.reports.figures import Cell, Section
from tandem.platform.spreadsheet import csv_text, xlsx_bytes
from tandem.platform.transaction import request_transaction

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(section: Section) -> list[list[Cell]]:
    rows = [list(row) for row in section.rows]
    if section.texts and section.id != "learnings":
        rows.extend([[_("Shared answer"), text] for text in section.texts])
    return rows


def _audit(kind: str, *, organisation_id: int | None, cohort_id: int | None, rows: int) -> None:
    with request_transaction():
        audit.record(db_session(), "report.exported", actor_user_id=current_user.id,
                     organisation_id=organisation_id, target_type="cohort" if cohort_id else None,
                     target_id=cohort_id, details={"export": kind, "rows": rows})


def csv_response(title: str, sections: list[Section], filename: str, *, kind: str,
                 organisation_id: int | None = None, cohort_id: int | None = None) -> Response:
    def lines() -> list[list[Cell]]:
        out: list[list[Cell]] = []
        for section in sections:
            out.append([section.title])
            out.append(list(section.header))
            out.extend(_rows(section))
            out.append([])
        return out

    text, rows = csv_text([title], lines())
    _audit(kind, organisation_id=organisation_id, cohort_id=cohort_id, rows=rows)
    return Response(text.encode("utf-8"), headers={"Content-Type": "text/csv; charset=utf-8",
                                                   "Content-Disposition": f'attachment; filename="{filename}"'})


def xlsx_response(sections: list[Section], filename: str, *, kind: str, organisation_id: int | None = None,
                  cohort_id: int | None = None) -> Response:
    data, rows = xlsx_bytes([(section.title, section.header, _rows(section)) for section in sections])
    _audit(kind, organisation_id=organisation_id, cohort_id=cohort_id, rows=rows)
    return Response(data, headers={"Content-Type": XLSX_TYPE,
                                   "Content-Disposition": f'attachment; filename="{filename}"'})
