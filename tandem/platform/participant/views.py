"""A participant's own pages (their organisation's scope)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.models import Participation


@allow(Role.PARTICIPANT)
def home() -> str:
    participations = db_session().scalars(
        sa.select(Participation)
        .options(joinedload(Participation.cohort))
        .where(Participation.user_id == current_user.id)
        .order_by(Participation.nominated_at.desc())
    ).all()
    return render_template("participant/home.html", participations=participations)
