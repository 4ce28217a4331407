"""What participants change: answering an invitation, their profile. The scope is the person's
organisation (a request) or the club (a job); every change is checked against the person as well."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.board.models import Topic
from tandem.platform.cohorts.models import CohortState, Participation, ParticipationStatus
from tandem.platform.database import matched_rows, utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.participant.consent import CONSENT_VERSION
from tandem.platform.participant.models import Profile, ProfileTopic
from tandem.platform.refusals import OperationRefused
from tandem.tenants.models import OrganisationAdmin

# An invitation can be answered while the cohort takes nominations or is being matched.
ANSWERABLE_STATES = (CohortState.NOMINATIONS_OPEN, CohortState.MATCHING)
ANSWERABLE_STATUSES = (ParticipationStatus.NOMINATED, ParticipationStatus.INVITED)
# A profile can be changed until matching starts; afterwards it is what the matching used.
PROFILE_EDITABLE_STATES = (CohortState.DRAFT, CohortState.NOMINATIONS_OPEN)


def _own_participation(session: Session, participation_id: int, user_id: int) -> Participation:
    participation = session.scalar(
        sa.select(Participation).where(Participation.id == participation_id, Participation.user_id == user_id)
    )
    if participation is None:
        raise LookupError(participation_id)
    return participation


def _answer(session: Session, participation: Participation, **values: object) -> None:
    """Change the status only if it is still unanswered: one conditional UPDATE, so that two answers
    sent at once (two tabs, a double click) cannot both succeed."""
    if participation.status not in ANSWERABLE_STATUSES:
        raise OperationRefused(_l("You have already answered this invitation."))
    if participation.cohort.state not in ANSWERABLE_STATES:
        raise OperationRefused(_l("This cohort no longer takes answers to invitations."))
    changed = matched_rows(
        session,
        sa.update(Participation)
        .where(Participation.id == participation.id, Participation.user_id == participation.user_id,
               Participation.status.in_(ANSWERABLE_STATUSES))
        .values(**values)
        .execution_options(synchronize_session=False),
    )
    if changed != 1:
        raise OperationRefused(_l("You have already answered this invitation."))
    session.refresh(participation)


def accept_invitation(session: Session, participation_id: int, *, user_id: int) -> Participation:
    """The person takes part: their consent is recorded with the version of the text they saw."""
    participation = _own_participation(session, participation_id, user_id)
    now = utcnow()
    _answer(session, participation, status=ParticipationStatus.ACTIVE, consent_at=now,
            consent_version=CONSENT_VERSION, answered_at=now)
    audit.record(session, "participation.accepted", actor_user_id=user_id,
                 organisation_id=participation.organisation_id, target_type="participation",
                 target_id=participation.id, details={"consent_version": CONSENT_VERSION})
    session.flush()
    return participation


def decline_invitation(session: Session, participation_id: int, *, user_id: int,
                       default_language: str) -> Participation:
    """The person does not take part: the quota place is free again and the organisation's admins are told."""
    participation = _own_participation(session, participation_id, user_id)
    _answer(session, participation, status=ParticipationStatus.DECLINED, answered_at=utcnow())
    person = participation.user
    admins = session.scalars(
        sa.select(User)
        .join(OrganisationAdmin, OrganisationAdmin.user_id == User.id)
        .where(OrganisationAdmin.organisation_id == participation.organisation_id, User.is_active.is_(True))
        .order_by(User.id)
    ).all()
    for admin in admins:
        queue_mail(session, template="nomination_declined", recipient=admin.email,
                   language=mail_language(admin), kind="nomination_declined",
                   organisation_id=participation.organisation_id, recipient_user_id=admin.id,
                   admin=admin, person=person, participation=participation, cohort=participation.cohort,
                   organisation=person.organisation)
    audit.record(session, "participation.declined", actor_user_id=user_id,
                 organisation_id=participation.organisation_id, target_type="participation",
                 target_id=participation.id, details={"admins_told": len(admins)})
    session.flush()
    return participation


@dataclass(frozen=True)
class ProfileInput:
    topics: Mapping[int, int | None]  # topic id -> rank 1..3, or None
    languages: Sequence[str]
    format: str
    city: str | None
    weekdays: Sequence[str]
    career_band: str | None
    bio: str | None
    aims: str | None


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def save_profile(session: Session, participation: Participation, data: ProfileInput, *,
                 user_id: int) -> Profile:
    """Create or replace the profile and its topics, all in the caller's transaction."""
    if participation.user_id != user_id:
        raise LookupError(participation.id)
    if participation.status != ParticipationStatus.ACTIVE:
        raise OperationRefused(_l("Accept the invitation before you fill in your profile."))
    if participation.cohort.state not in PROFILE_EDITABLE_STATES:
        raise OperationRefused(_l("Profiles cannot be changed any more: the matching for this cohort has started."))
    active_topics = set(session.scalars(
        sa.select(Topic.id).where(Topic.id.in_(list(data.topics)), Topic.is_active.is_(True))))
    profile = session.scalar(sa.select(Profile).where(Profile.participation_id == participation.id))
    if profile is None:
        profile = Profile(participation_id=participation.id, organisation_id=participation.organisation_id)
        session.add(profile)
    profile.languages = list(data.languages)
    profile.format = data.format
    profile.city = _text(data.city)
    profile.weekdays = list(data.weekdays)
    profile.career_band = data.career_band or None
    profile.bio = _text(data.bio)
    profile.aims = _text(data.aims)
    # Replace the topics: delete first (a statement of its own, so the unique ranks never clash).
    session.execute(sa.delete(ProfileTopic).where(ProfileTopic.participation_id == participation.id)
                    .execution_options(synchronize_session=False))
    for topic_id, rank in sorted(data.topics.items()):
        if topic_id in active_topics:
            session.add(ProfileTopic(participation_id=participation.id, organisation_id=participation.organisation_id,
                                     topic_id=topic_id, rank=rank))
    audit.record(session, "profile.saved", actor_user_id=user_id, organisation_id=participation.organisation_id,
                 target_type="participation", target_id=participation.id)
    session.flush()
    return profile
