"""Every CSV and XLSX the project writes neutralises cells a spreadsheet would run as formulas (starting with
=, +, -, @, tab or carriage return): names, organisations, cohorts, questions, options, shared answers and
learnings full of such values are downloaded and every cell is checked.

The exports: the board's nominations CSV (tandem/platform/cohorts), the board's answers of a programme event
(tandem/platform/programme), and every report export (tandem/platform/outcomes/reports): the club's report of
a cohort and across cohorts, and an organisation's report, each as CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from tandem.platform.cohorts.models import CohortState
from tandem.platform.programme.models import Answer, EventInvitation, EventKind, EventStatus, ProgrammeEvent
from tandem.platform.spreadsheet import FORMULA_STARTS
from tandem.platform.tenancy import club_scope
from tests.factories import make_board_member, make_cohort, make_org_admin, make_organisation, make_user
from tests.integration.outcomes.test_reports import add_person, add_survey

EN = {"Accept-Language": "en"}
DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+41 cmd", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturned"]


@pytest.fixture()
def hostile(db):
    evil = make_organisation(db, "evil", name='=HYPERLINK("http://evil.example","org")')
    other = make_organisation(db, "other", name="@Other organisation")
    cohort = make_cohort(db, CohortState.ARCHIVED, name="+Cohort of formulas")
    survey, questions = add_survey(db, cohort)
    with club_scope(db):
        questions["changed"].text_en = "-What has changed?"
        questions["gained"].options = [{"en": "=1+1"}, {"en": "\tTab"}, {"en": "@At"}]
        db.flush()
    for n, value in enumerate(DANGEROUS):
        add_person(db, cohort, survey, questions, other, evil, text=value, share=True, learning=DANGEROUS[-1 - n],
                   mentee_name=value)
    with club_scope(db):
        start = datetime(2027, 4, 1, 16, tzinfo=UTC)
        event = ProgrammeEvent(uid=f"{uuid.uuid4()}@formula.test", cohort_id=cohort.id, kind=EventKind.WORKSHOP,
                               status=EventStatus.PUBLISHED, titles={"en": "=Workshop"}, starts_at=start,
                               ends_at=start + timedelta(hours=2), audience=["mentors", "mentees"])
        db.add(event)
        db.flush()
        for value in DANGEROUS:
            person = make_user(db, evil, display_name=value)
            db.add(EventInvitation(organisation_id=evil.id, event_id=event.id, user_id=person.id,
                                   invited_as="mentees", answer=Answer.YES,
                                   answered_at=datetime(2027, 3, 1, tzinfo=UTC)))
        db.flush()
    people = {"board": make_board_member(db, other), "admin": make_org_admin(db, evil)}
    db.commit()
    return {"cohort": cohort, "event": event, "people": people}


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]


def xlsx_cells(data: bytes) -> list[object]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type in ("s", "inlineStr"), (sheet.title, cell.coordinate)
                cells.append(cell.value)
    return cells


def assert_safe(cells: list[object], path: str) -> None:
    texts = [cell for cell in cells if isinstance(cell, str)]
    unsafe = [cell for cell in texts if cell.startswith(FORMULA_STARTS)]
    assert unsafe == [], (path, unsafe)
    # The hostile values were there, neutralised (so the test exercised them).
    assert any(cell[:1] == "'" and cell[1:2] in "=+-@\t\r" for cell in texts), path


def download(client, path: str) -> bytes:
    response = client.get(path, headers=EN)
    assert response.status_code == 200, (path, response.status_code)
    return response.data


def test_every_export_neutralises_formulas(client, sign_in, hostile):
    cohort, event = hostile["cohort"], hostile["event"]
    sign_in(client, hostile["people"]["board"])
    csv_paths = [f"/board/cohorts/{cohort.id}/nominations.csv",
                 f"/board/cohorts/{cohort.id}/programme/{event.id}/answers.csv",
                 f"/board/cohorts/{cohort.id}/report.csv", "/board/reports.csv"]
    xlsx_paths = [f"/board/cohorts/{cohort.id}/report.xlsx", "/board/reports.xlsx"]
    for path in csv_paths:
        assert_safe(csv_cells(download(client, path)), path)
    for path in xlsx_paths:
        assert_safe(xlsx_cells(download(client, path)), path)
    # The shared answers and learnings (shown: six people of one organisation) are in the reports too.
    report = csv_cells(download(client, f"/board/cohorts/{cohort.id}/report.csv"))
    assert "'@SUM(A1)" in report and "'-What has changed?" not in report
    sign_in(client, hostile["people"]["admin"])
    for path in (f"/o/evil/reports/{cohort.id}.csv", f"/o/evil/reports/{cohort.id}.xlsx"):
        data = download(client, path)
        cells = csv_cells(data) if path.endswith(".csv") else xlsx_cells(data)
        assert_safe(cells, path)
        # A learning and a shared answer (an XML reader gives a stored carriage return back as a line feed).
        assert ("'\rReturned" in cells or "'\nReturned" in cells) and "'\tTabbed" in cells
