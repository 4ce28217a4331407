"""Access table of the board's matching rules (weights, never together, capacities) and the run comparison.

Only the board may use them; the others get 401 (anonymous) or 403. The table's cohort takes nominations, so
its rules may change. A form sent empty is answered 400; removing a separation needs nothing but the CSRF
token (off in tests), so it is removed and redirects (302). The comparison shows the cohort's two runs.
"""

from __future__ import annotations

from typing import Any

from tandem.platform.cohorts.models import ParticipationRole
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingSeparation
from tests.factories import make_matching_run, make_participation, make_user

BOARD_ONLY_GET = (401, 403, 403, 200)
BOARD_ONLY_EMPTY_FORM = (401, 403, 403, 400)
BOARD_ONLY_ACTION = (401, 403, 403, 302)

ACCESS = {
    ("workbench.settings", "GET"): BOARD_ONLY_GET,
    ("workbench.settings", "POST"): BOARD_ONLY_EMPTY_FORM,
    ("workbench.rules", "GET"): BOARD_ONLY_GET,
    ("workbench.rules", "POST"): BOARD_ONLY_EMPTY_FORM,
    ("workbench.delete_separation", "POST"): BOARD_ONLY_ACTION,
    ("workbench.capacity", "POST"): BOARD_ONLY_EMPTY_FORM,
    ("workbench.compare", "GET"): BOARD_ONLY_GET,
}


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    """Two finished runs and a separation between the context's participant and a mentee of beta."""
    cohort = context["cohort"]
    make_matching_run(db, cohort)
    make_matching_run(db, cohort)
    mentee = make_participation(db, make_user(db, context["beta"]), cohort, role=ParticipationRole.MENTEE)
    low, high = sorted((context["participation"].id, mentee.id))
    with club_scope(db):
        separation = MatchingSeparation(cohort_id=cohort.id, participation_a_id=low, participation_b_id=high)
        db.add(separation)
        db.flush()
    return {"cohort_id": cohort.id, "separation_id": separation.id}
