"""The showcase's revision: one number per cohort that grows with every change its public pages show.

Every operation that changes what a published showcase may show (a story's text or photo, a consent, a
description, an organisation's review, the board's curation, the symposium's programme, an organisation's
name, logo or showing it) calls `bump` (or `bump_published` for what every showcase shows) in the same
transaction. The public pages read the revision with one indexed statement and use it as their cache key and
ETag: a change is on the page at the next request, in every process and replica.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Cohort, CohortState

PUBLIC_STATES = (CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED)


def bump(session: Session, cohort_id: int) -> None:
    """The cohort's showcase changed (its revision grows; the caller commits)."""
    session.execute(sa.update(Cohort).where(Cohort.id == cohort_id)
                    .values(showcase_revision=Cohort.showcase_revision + 1)
                    .execution_options(synchronize_session=False))


def bump_published(session: Session) -> None:
    """Something every public showcase shows changed (an organisation's name or logo)."""
    session.execute(sa.update(Cohort).where(Cohort.state.in_(PUBLIC_STATES))
                    .values(showcase_revision=Cohort.showcase_revision + 1)
                    .execution_options(synchronize_session=False))
