"""What organisation admins change. Tenant scope is the caller's (a request or a tenant job)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.database import utcnow
from tandem.platform.models import CohortState, Participation, ParticipationStatus
from tandem.workers.outbox import queue_mail


class OperationRefused(Exception):
    """The change is not allowed now; the message is for the person who asked."""


INVITABLE_STATES = (CohortState.NOMINATIONS_OPEN, CohortState.MATCHING)
INVITABLE_STATUSES = (ParticipationStatus.NOMINATED, ParticipationStatus.INVITED)


def invite_participant(session: Session, participation_id: int, *, actor_user_id: int,
                       default_language: str) -> Participation:
    """Send (or send again) the invitation to take part. Mail and audit in the same transaction."""
    participation = session.get(Participation, participation_id)
    if participation is None:
        raise LookupError(participation_id)
    if participation.cohort.state not in INVITABLE_STATES:
        raise OperationRefused(_l("invitations are sent while nominations are open"))
    if participation.status not in INVITABLE_STATUSES:
        raise OperationRefused(_l("this person has already answered"))
    resend = participation.status == ParticipationStatus.INVITED
    participation.status = ParticipationStatus.INVITED
    participation.invited_at = utcnow()
    person = participation.user
    language = person.preferred_language or default_language
    queue_mail(
        session,
        template="invitation",
        recipient=person.email,
        language=language,
        kind="invitation",
        organisation_id=participation.organisation_id,
        recipient_user_id=person.id,
        person=person,
        participation=participation,
        cohort=participation.cohort,
        organisation=person.organisation,
    )
    audit.record(
        session,
        "participation.invitation_resent" if resend else "participation.invited",
        actor_user_id=actor_user_id,
        organisation_id=participation.organisation_id,
        target_type="participation",
        target_id=participation.id,
    )
    session.commit()
    return participation
