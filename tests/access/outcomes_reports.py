"""Access table of the reports: the board's under /board/cohorts/<cohort_id>/report and /board/reports (club
board only), and an organisation's under /o/<org_slug>/reports (its admins and the board).

- The board's report of the table's cohort and the club's report across cohorts, each as a page, CSV and XLSX:
  200 for the board, 403 for everyone else signed in, 401 anonymous.
- /o/<org_slug>/reports...: the table's cohort has alpha's participant in it, so alpha's report of it answers
  200 to alpha's admin and the board; the participant gets 404 (an organisation's area does not exist for
  them), as every /o/ page.

`arrange_foreign` makes a cohort in which only organisation B had people: its report is 404 for A's admin
(A had nobody there) and for A's participant, on A's and B's URLs alike.
"""

from __future__ import annotations

import uuid
from typing import Any

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tests.factories import make_cohort, make_participation, make_user

BOARD_PAGE = (401, 403, 403, 200)
ORGANISATION_PAGE = (401, 404, 200, 200)

ACCESS = {
    ("outcomes.cohort_report", "GET"): BOARD_PAGE,
    ("outcomes.cohort_report_csv", "GET"): BOARD_PAGE,
    ("outcomes.cohort_report_xlsx", "GET"): BOARD_PAGE,
    ("outcomes.club_report", "GET"): BOARD_PAGE,
    ("outcomes.club_report_csv", "GET"): BOARD_PAGE,
    ("outcomes.club_report_xlsx", "GET"): BOARD_PAGE,
    ("outcomes.organisation_reports", "GET"): ORGANISATION_PAGE,
    ("outcomes.organisation_report", "GET"): ORGANISATION_PAGE,
    ("outcomes.organisation_report_csv", "GET"): ORGANISATION_PAGE,
    ("outcomes.organisation_report_xlsx", "GET"): ORGANISATION_PAGE,
}


def arrange_foreign(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    """A cohort with two people of B and nobody of A."""
    beta = context["beta"]
    cohort = make_cohort(db, CohortState.RUNNING, slug=f"reports-{uuid.uuid4().hex[:8]}")
    for role in ("mentor", "mentee"):
        make_participation(db, make_user(db, beta), cohort, role=role, status=ParticipationStatus.ACTIVE)
    return {"cohort_id": cohort.id}
