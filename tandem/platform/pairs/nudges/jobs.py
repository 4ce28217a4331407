"""The nudge job: a thin shell (hourly, on RQ's scheduler) around its body in nudging.py."""

from __future__ import annotations

from datetime import datetime

from tandem.platform.clock import now
from tandem.platform.database import db_session
from tandem.platform.pairs.nudges.nudging import nudge_pairs as run_nudges
from tandem.workers.job import club_job


@club_job
def nudge_pairs(moment: str | None = None) -> dict[str, int]:
    """Record the rhythm's steps due and mail the nudges the weekly cap allows. `moment` (ISO, with offset) is
    for tests; returns what was done (steps, deliveries, mails, done without mail, waiting)."""
    return run_nudges(db_session(), datetime.fromisoformat(moment) if moment else now()).as_dict()
