"""Access table of pair health (the board's pages of a cohort's pairs, the organisation admins' flags).

- /board/cohorts/<cohort_id>/pairs: the club board only (401 anonymous, 403 to everyone else).
- The board's pages and actions of one pair (/board/cohorts/<cohort_id>/pairs/<pair_id>...): the pair that
  `tests/access/pairs.py::arrange` makes is not of the table's cohort, and a pair is found only under its own
  cohort, so the board gets 404 (the loader answers before the form is read). The board's use of them is
  tested in tests/integration/pairs/test_health_*.py.
- /o/<org_slug>/pairs: that organisation's admins and the board (401, 404, 200, 200), as every /o/ page.
"""

from __future__ import annotations

BOARD_PAGE = (401, 403, 403, 200)
OTHER_COHORTS_PAIR = (401, 403, 403, 404)
ORGANISATION_PAGE = (401, 404, 200, 200)

ACCESS = {
    ("pairs.health", "GET"): BOARD_PAGE,
    ("pairs.board_pair", "GET"): OTHER_COHORTS_PAIR,
    ("pairs.message", "POST"): OTHER_COHORTS_PAIR,
    ("pairs.end", "POST"): OTHER_COHORTS_PAIR,
    ("pairs.resolve_help", "POST"): OTHER_COHORTS_PAIR,
    ("pairs.organisation_pairs", "GET"): ORGANISATION_PAGE,
}
