"""Access table of the matching runs under /board/cohorts/<cohort_id>/matching/runs (club board only).

The table's cohort takes nominations, so starting a run is refused with a message (302 back to the
workbench) and the run below is finished, so retrying it is refused too (302 to the run).
"""

from tests.factories import make_matching_run

ACCESS = {
    ("workbench.start_run", "POST"): (401, 403, 403, 302),
    ("workbench.run", "GET"): (401, 403, 403, 200),
    ("workbench.run_status", "GET"): (401, 403, 403, 200),
    ("workbench.retry_run", "POST"): (401, 403, 403, 302),
}


def arrange(db, context):
    """A finished run of the table's cohort."""
    return {"run_id": make_matching_run(db, context["cohort"]).id}
