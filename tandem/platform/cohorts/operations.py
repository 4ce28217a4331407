"""What the board changes about cohorts: creating and editing them, their quotas. Lifecycle steps are in
`lifecycle.py`. Everything works in club scope (opened here explicitly); callers commit."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.cohorts.models import (
    OCCUPYING_STATUSES,
    Cohort,
    CohortQuota,
    CohortState,
    Participation,
    ParticipationRole,
)
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.i18n import lazy_ngettext
from tandem.platform.programme.operations import owned_dates
from tandem.platform.refusals import FieldProblem, FieldProblems, OperationRefused
from tandem.platform.tenancy import club_scope

EDITABLE_STATES = (CohortState.DRAFT, CohortState.NOMINATIONS_OPEN)
QUOTA_EDITABLE_STATES = (CohortState.DRAFT, CohortState.NOMINATIONS_OPEN)
FIELDS = ("name", "nomination_deadline", "kickoff_on", "closing_on", "symposium_on", "symposium_venue",
          "meeting_every_min_weeks", "meeting_every_max_weeks", "languages")


# The programme's events own some of the cohort's fields: these are changed through the event only.
OWNED_MESSAGES = {
    "kickoff_on": _l("This date is set by the kick-off event in the programme: change it there, and the invitees "
                     "are told."),
    "closing_on": _l("This date is set by the closing event in the programme: change it there, and the invitees "
                     "are told."),
    "symposium_on": _l("This date is set by the symposium event in the programme: change it there, and the "
                       "invitees are told."),
    "symposium_venue": _l("This venue is set by the symposium event in the programme: change it there, and the "
                          "invitees are told."),
}


def owned_fields(session: Session, cohort_id: int) -> set[str]:
    """The cohort's fields that an event of its programme sets: its dates, and the symposium's venue with the
    symposium."""
    owned = owned_dates(session, cohort_id)
    if "symposium_on" in owned:
        owned.add("symposium_venue")
    return owned


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def create_cohort(session: Session, *, slug: str, actor_user_id: int, **values: Any) -> Cohort:
    """A new cohort, in draft."""
    with club_scope(session):
        if session.scalar(sa.select(sa.exists().where(Cohort.slug == slug))):
            raise FieldProblem("slug", _l("Another cohort already has this short name."))
        cohort = Cohort(slug=slug, state=CohortState.DRAFT, **{k: values[k] for k in FIELDS})
        session.add(cohort)
        session.flush()
        audit.record(session, "cohort.created", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="cohort", target_id=cohort.id,
                     details={"slug": slug, **{k: _plain(values[k]) for k in FIELDS}})
        session.flush()
    return cohort


def update_cohort(session: Session, cohort: Cohort, *, actor_user_id: int, **values: Any) -> dict[str, Any]:
    """Change a cohort's settings while it is a draft or takes nominations. Returns what changed.

    A date (or the venue) that an event of the programme sets is refused here: it is changed through the
    event, so that the invitees are told.
    """
    if cohort.state not in EDITABLE_STATES:
        raise OperationRefused(_l("a cohort can be changed only while it is a draft or takes nominations"))
    owned = owned_fields(session, cohort.id)
    refused = {key: OWNED_MESSAGES[key] for key in sorted(owned) if getattr(cohort, key) != values[key]}
    if refused:
        raise FieldProblems(refused, next(iter(refused.values())))
    changed = {}
    for key in FIELDS:
        if getattr(cohort, key) != values[key]:
            changed[key] = _plain(values[key])
            setattr(cohort, key, values[key])
    if changed:
        with club_scope(session):
            audit.record(session, "cohort.changed", actor_user_id=actor_user_id, organisation_id=None,
                         target_type="cohort", target_id=cohort.id, details=changed)
            session.flush()
    return changed


def holding_places(session: Session, cohort_id: int) -> dict[int, dict[str, int]]:
    """organisation id -> role -> how many of its people hold a place in the cohort (one query)."""
    result: dict[int, dict[str, int]] = {}
    with club_scope(session):
        rows = session.execute(
            sa.select(Participation.organisation_id, Participation.role, sa.func.count(Participation.id))
            .where(Participation.cohort_id == cohort_id, Participation.status.in_(OCCUPYING_STATUSES))
            .group_by(Participation.organisation_id, Participation.role)
        ).all()
    for organisation_id, role, count in rows:
        result.setdefault(organisation_id, {})[role] = count
    return result


class QuotaProblems(FieldProblems):
    """Quotas below the places already held: (organisation id, role) -> message, shown beside the quota
    form's fields (`<role>s_<organisation id>`)."""

    def __init__(self, problems: dict[tuple[int, str], str]) -> None:
        self.problems = problems
        super().__init__({f"{role}s_{organisation_id}": message
                          for (organisation_id, role), message in problems.items()},
                         _l("Some quotas are below the places already held."))


def save_quotas(session: Session, cohort: Cohort, quotas: dict[int, tuple[int, int]], *,
                actor_user_id: int) -> dict[int, tuple[int, int]]:
    """Set the mentors and mentees each organisation may nominate, all at once or not at all.

    `quotas` maps organisation id -> (mentors, mentees). A quota cannot go below the places its
    organisation's people already hold. Returns what changed. CohortQuota is tenant-owned: its rows are
    written in club scope with their organisation set.
    """
    if cohort.state not in QUOTA_EDITABLE_STATES:
        raise OperationRefused(_l("quotas can be changed only while the cohort is a draft or takes nominations"))
    held = holding_places(session, cohort.id)
    problems: dict[tuple[int, str], str] = {}
    for organisation_id, (mentors, mentees) in quotas.items():
        for role, wanted in ((ParticipationRole.MENTOR, mentors), (ParticipationRole.MENTEE, mentees)):
            taken = held.get(organisation_id, {}).get(role, 0)
            if wanted < taken:
                problems[(organisation_id, role)] = lazy_ngettext(
                    "%(num)d person already holds a place: the quota cannot be lower.",
                    "%(num)d people already hold a place: the quota cannot be lower.", taken)
    if problems:
        raise QuotaProblems(problems)
    changed: dict[int, tuple[int, int]] = {}
    with club_scope(session):
        existing = {q.organisation_id: q for q in session.scalars(
            sa.select(CohortQuota).where(CohortQuota.cohort_id == cohort.id))}
        for organisation_id, (mentors, mentees) in quotas.items():
            row = existing.get(organisation_id)
            if row is None:
                if mentors == 0 and mentees == 0:
                    continue
                session.add(CohortQuota(cohort_id=cohort.id, organisation_id=organisation_id, mentors=mentors,
                                        mentees=mentees))
            elif (row.mentors, row.mentees) == (mentors, mentees):
                continue
            else:
                row.mentors, row.mentees = mentors, mentees
            changed[organisation_id] = (mentors, mentees)
        if changed:
            audit.record(session, "cohort.quotas_changed", actor_user_id=actor_user_id, organisation_id=None,
                         target_type="cohort", target_id=cohort.id,
                         details={"quotas": {str(k): {"mentors": v[0], "mentees": v[1]}
                                             for k, v in sorted(changed.items())}})
        session.flush()
    return changed
