"""Access table of the matching workbench under /board/cohorts/<cohort_id>/matching (club board only).

The table's cohort takes nominations, so the page shows that matching has not started, the pair-by-hand
page explains that nothing can be changed, and every change is refused with a message (302 back to the
workbench). Pairing by hand sent empty is answered 400 with its errors.
"""

from __future__ import annotations

from typing import Any

from tests.factories import make_matching_run, make_pair, make_participation, make_user

BOARD_ONLY_GET = (401, 403, 403, 200)
BOARD_ONLY_ACTION = (401, 403, 403, 302)

ACCESS = {
    ("workbench.workbench", "GET"): BOARD_ONLY_GET,
    ("workbench.lock_pair", "POST"): BOARD_ONLY_ACTION,
    ("workbench.unlock_pair", "POST"): BOARD_ONLY_ACTION,
    ("workbench.unpair", "POST"): BOARD_ONLY_ACTION,
    ("workbench.swap", "POST"): BOARD_ONLY_ACTION,
    ("workbench.pair_by_hand", "GET"): BOARD_ONLY_GET,
    ("workbench.pair_by_hand", "POST"): (401, 403, 403, 400),
}


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    """A finished run of the table's cohort with two proposed pairs (mentors of alpha, mentees of beta)."""
    cohort, alpha, beta = context["cohort"], context["alpha"], context["beta"]
    run = make_matching_run(db, cohort)
    pairs = []
    for _ in range(2):
        mentor = make_participation(db, make_user(db, alpha), cohort, role="mentor", status="active")
        mentee = make_participation(db, make_user(db, beta), cohort, role="mentee", status="active")
        pairs.append(make_pair(db, mentor, mentee, status="proposed", run=run, score=0.7))
    return {"pair_id": pairs[0].id}
