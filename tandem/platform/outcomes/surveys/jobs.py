"""The surveys' job: a thin shell around its body in mailing.py.

- `run_surveys()`: hourly, on RQ's scheduler (tandem/workers/schedule.py): prepare, open, invite, remind once,
  close.
"""

from __future__ import annotations

from datetime import datetime

from tandem.platform.clock import now
from tandem.platform.database import db_session
from tandem.platform.outcomes.surveys.mailing import run_surveys as run_body
from tandem.workers.job import club_job


@club_job
def run_surveys(moment: str | None = None) -> dict[str, int]:
    """What is due for the cohorts' surveys at `moment` (ISO, with offset; for tests; default: now). Returns
    what was done."""
    return run_body(db_session(), datetime.fromisoformat(moment) if moment else now()).as_dict()
