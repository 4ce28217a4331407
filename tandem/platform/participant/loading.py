"""The signed-in person's own participation named by the URL, or 404 (another person's does not exist here)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from tandem.platform.cohorts.models import Participation
from tandem.platform.database import db_session
from tandem.platform.participant.queries import my_participation


def own_participation(participation_id: int) -> Participation:
    participation = my_participation(db_session(), current_user.id, participation_id)
    if participation is None:
        abort(404)  # another person's participation does not exist for this person
    return participation
