"""Erasure's jobs: thin shells around operations.py and retention.py.

- `carry_out_erasure(request_id)`: enqueued when an admin or the board confirms a request;
- `apply_retention()`: daily, on RQ's scheduler (tandem/workers/schedule.py): the people whose retention has run
  out, and the requests confirmed or past their day.
"""

from __future__ import annotations

from datetime import datetime

from tandem.platform.clock import club_zone, now
from tandem.platform.database import db_session
from tandem.workers.job import club_job


@club_job
def carry_out_erasure(request_id: int) -> bool:
    """Erase the person of a confirmed request; returns whether it was done (False: cancelled, refused or done
    before)."""
    from tandem.platform.privacy.erasure.operations import carry_out

    session = db_session()
    done = carry_out(session, request_id) is not None
    session.commit()
    return done


@club_job
def apply_retention(moment: str | None = None) -> dict[str, int]:
    """The daily retention run. `moment` (ISO, with offset) is for tests; returns what was done."""
    from tandem.platform.privacy.erasure.retention import run_retention

    when = datetime.fromisoformat(moment) if moment else now()
    return run_retention(db_session(), when.astimezone(club_zone()).date()).as_dict()
