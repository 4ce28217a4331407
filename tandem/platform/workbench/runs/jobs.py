"""The matching run's job: a thin shell that opens the club scope and runs one attempt."""

from __future__ import annotations

from tandem.platform.database import db_session
from tandem.workers.job import club_job


@club_job
def run_matching(run_id: int, attempt: int) -> str:
    """Run one attempt of a matching run (club scope: matching crosses organisations)."""
    from tandem.platform.workbench.runs.execution import execute_run

    return execute_run(db_session(), run_id, attempt)
