"""A person's nudge setting: as they come (at most one mail a week) or a weekly digest on Mondays."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.database import utcnow
from tandem.platform.pairs.models import NudgePreference


def set_nudge_preference(session: Session, user_id: int, weekly_digest: bool) -> NudgePreference:
    """Record the person's choice, in their own organisation's scope (the row is theirs). Flushes; the caller
    commits. Two sent at once: the second insert fails on the unique person (the caller asks to send again)."""
    preference = session.scalar(sa.select(NudgePreference).where(NudgePreference.user_id == user_id))
    if preference is None:
        preference = NudgePreference(user_id=user_id, weekly_digest=weekly_digest)
        session.add(preference)
    else:
        preference.weekly_digest = weekly_digest
        preference.updated_at = utcnow()
    session.flush()
    return preference
