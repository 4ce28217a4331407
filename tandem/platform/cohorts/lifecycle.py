"""The cohort lifecycle: the one place where its transitions are defined and checked.

draft -> nominations_open -> matching -> running -> closing -> showcase_published -> archived,
and matching -> nominations_open (reopening nominations), showcase_published -> closing (unpublishing).

Each transition has a name, a label and a precondition that returns the list of problems (empty: allowed).
The preconditions are pure functions of `CohortFacts` and today's date, tested on their own; `cohort_facts`
reads those facts from the database with a fixed number of queries, `available_transitions` offers the
transitions from the cohort's current state and `apply_transition` makes one, audited.

Two more rules per transition, pure as well:
- `confirm`: whether the board must confirm the step first (the steps that cannot be undone, and closing
  nominations while invitations are unanswered); `transition_preview` reads the figures the confirmation
  states.
- `reason_rule`: when the step needs a reason (beginning to close more than `CLOSING_NOTICE_DAYS` before
  the closing date, or without one); the reason is recorded in the audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.clock import today as clock_today
from tandem.platform.cohorts.models import (
    OCCUPYING_STATUSES,
    Cohort,
    CohortQuota,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.database import matched_rows
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.programme.models import EventInvitation, EventKind, EventStatus, ProgrammeEvent
from tandem.platform.refusals import OperationRefused
from tandem.platform.showcase.readiness import publishable_count
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import ACTIVE_RUN_STATUSES, MatchingRun, Pair, PairStatus
from tandem.tenants.models import Organisation, OrganisationStatus


@dataclass(frozen=True)
class CohortFacts:
    """What the preconditions look at: the cohort's own fields and a few counts."""

    state: str
    nomination_deadline: date | None = None
    kickoff_on: date | None = None
    closing_on: date | None = None
    symposium_on: date | None = None
    languages: tuple[str, ...] = ()
    organisations_with_quota: int = 0
    mentors_holding_places: int = 0
    mentees_holding_places: int = 0
    active_pairs: int = 0
    matching_in_progress: bool = False
    unanswered_invitations: int = 0  # participations invited and not answered yet
    # The status of the cohort's kick-off event in the programme (None: it has none that is not cancelled).
    # `cohort_facts` always reads it; facts written by hand for the other steps take a published one.
    kickoff_event: str | None = EventStatus.PUBLISHED
    # Stories the board chose that are ready (confirmed by both partners, approved where an organisation asks
    # to): the showcase needs one. `cohort_facts` always reads it; facts written by hand take one.
    publishable_stories: int = 1


Problems = list[str]

# "Begin closing" is offered without a reason from this many days before the cohort's closing date.
CLOSING_NOTICE_DAYS = 7
MAX_REASON = 500


@dataclass(frozen=True)
class Transition:
    name: str
    source: CohortState
    target: CohortState
    label: str
    check: Callable[[CohortFacts, date], Problems]
    primary: bool = True  # the way forward (False: a step back, shown as a secondary button)
    # Whether the board confirms the step first, having been told what it does in figures.
    confirm: Callable[[CohortFacts], bool] = lambda facts: False
    # Why the step needs a reason now, in words (None: it does not).
    reason_rule: Callable[[CohortFacts, date], str | None] = lambda facts, today: None


@dataclass(frozen=True)
class TransitionOption:
    """A transition offered from the cohort's current state, allowed or not (then with the problems)."""

    name: str
    label: str
    allowed: bool
    problems: tuple[str, ...]
    target: str
    primary: bool = True
    confirm: bool = False  # the board confirms it on a page of its own first
    reason_needed: str | None = None  # why a reason is asked for (None: none is)


class TransitionRefused(OperationRefused):
    """The transition is not allowed now; `problems` says why (one sentence each)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def reason(self) -> str:
        return " ".join(str(p) for p in self.problems)


# ---------------------------------------------------------------------------------- preconditions


def _opening_problems(facts: CohortFacts, today: date) -> Problems:
    problems: Problems = []
    if facts.nomination_deadline is None:
        problems.append(_l("Set the nomination deadline."))
    elif facts.nomination_deadline <= today:
        problems.append(_l("The nomination deadline must be in the future."))
    if facts.kickoff_on is None:
        problems.append(_l("Set the kick-off date."))
    if facts.closing_on is None:
        problems.append(_l("Set the closing date."))
    if facts.symposium_on is None:
        problems.append(_l("Set the symposium date."))
    if facts.organisations_with_quota < 2:
        problems.append(_l("Give at least two member organisations a quota of mentors or mentees."))
    if not facts.languages:
        problems.append(_l("Choose at least one language for the meetings."))
    return problems


def _closing_nominations_problems(facts: CohortFacts, today: date) -> Problems:
    problems: Problems = []
    if facts.mentors_holding_places < 1:
        problems.append(_l("At least one mentor must hold a place (nominated, invited or taking part)."))
    if facts.mentees_holding_places < 1:
        problems.append(_l("At least one mentee must hold a place (nominated, invited or taking part)."))
    return problems


def _reopening_problems(facts: CohortFacts, today: date) -> Problems:
    if facts.matching_in_progress:
        return [_l("A matching run is in progress: wait until it has finished.")]
    return []


def _starting_problems(facts: CohortFacts, today: date) -> Problems:
    if facts.active_pairs < 1:
        return [_l("Publish the pairs first: the cohort has no active pair yet.")]
    if facts.kickoff_event is None:
        return [_l("Create and publish the kick-off in the programme: the people are invited to it there.")]
    if facts.kickoff_event != EventStatus.PUBLISHED:
        return [_l("Publish the kick-off in the programme: it is still a draft, and nobody is invited yet.")]
    return []


def _publishing_problems(facts: CohortFacts, today: date) -> Problems:
    problems: Problems = []
    if facts.symposium_on is None:
        problems.append(_l("Set the symposium's date: create the symposium in the programme."))
    if facts.publishable_stories < 1:
        problems.append(_l("Choose at least one story for the showcase that both partners confirmed (and their "
                           "organisations approved, where they ask to)."))
    return problems


def _closing_reason_rule(facts: CohortFacts, today: date) -> str | None:
    """Beginning to close is for the last days of the programme: earlier, or without a closing date, the
    board says why."""
    if facts.closing_on is None:
        return _l("The cohort has no closing date: give a reason to begin closing.")
    opens = facts.closing_on - timedelta(days=CLOSING_NOTICE_DAYS)
    if today < opens:
        return _l("Closing begins on %(date)s, %(days)d days before the closing date: give a reason to begin "
                  "earlier.", date=opens.isoformat(), days=CLOSING_NOTICE_DAYS)
    return None


def _always(facts: CohortFacts) -> bool:
    return True


def _invitations_unanswered(facts: CohortFacts) -> bool:
    return facts.unanswered_invitations > 0


def _nothing(facts: CohortFacts, today: date) -> Problems:
    return []


TRANSITIONS: tuple[Transition, ...] = (
    Transition("open_nominations", CohortState.DRAFT, CohortState.NOMINATIONS_OPEN,
               _l("Open nominations"), _opening_problems),
    Transition("close_nominations", CohortState.NOMINATIONS_OPEN, CohortState.MATCHING,
               _l("Close nominations and start matching"), _closing_nominations_problems,
               confirm=_invitations_unanswered),
    Transition("reopen_nominations", CohortState.MATCHING, CohortState.NOMINATIONS_OPEN,
               _l("Reopen nominations"), _reopening_problems, primary=False),
    Transition("start_programme", CohortState.MATCHING, CohortState.RUNNING,
               _l("Start the programme"), _starting_problems, confirm=_always),
    Transition("begin_closing", CohortState.RUNNING, CohortState.CLOSING,
               _l("Begin closing"), _nothing, confirm=_always, reason_rule=_closing_reason_rule),
    Transition("publish_showcase", CohortState.CLOSING, CohortState.SHOWCASE_PUBLISHED,
               _l("Publish the showcase"), _publishing_problems, confirm=_always),
    Transition("unpublish_showcase", CohortState.SHOWCASE_PUBLISHED, CohortState.CLOSING,
               _l("Unpublish the showcase"), _nothing, primary=False, confirm=_always),
    Transition("archive", CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED,
               _l("Archive the cohort"), _nothing, confirm=_always),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def transitions_from(state: str) -> list[Transition]:
    """The transitions that leave `state`, forward ones first."""
    return sorted((t for t in TRANSITIONS if t.source == state), key=lambda t: not t.primary)


def options_for(facts: CohortFacts, today: date) -> list[TransitionOption]:
    """Pure: the transitions from the facts' state, each with its problems."""
    options = []
    for transition in transitions_from(facts.state):
        problems = tuple(transition.check(facts, today))
        options.append(TransitionOption(name=transition.name, label=transition.label, allowed=not problems,
                                        problems=problems, target=transition.target,
                                        primary=transition.primary, confirm=transition.confirm(facts),
                                        reason_needed=transition.reason_rule(facts, today)))
    return options


def problems_for(name: str, facts: CohortFacts, today: date, reason: str | None = None) -> Problems:
    """Pure: why the transition `name` may not happen now (empty: it may), given the board's reason."""
    transition = BY_NAME.get(name)
    if transition is None:
        return [_l("This is not a step of the cohort lifecycle.")]
    if transition.source != facts.state:
        return [_l("This step is not possible from the cohort's current state.")]
    problems = transition.check(facts, today)
    given = (reason or "").strip()
    needed = transition.reason_rule(facts, today)
    if needed is not None and not given:
        problems = [*problems, needed]
    if len(given) > MAX_REASON:
        problems = [*problems, _l("The reason may have at most %(max)d characters.", max=MAX_REASON)]
    return problems


# ---------------------------------------------------------------------------------------- database


def cohort_facts(session: Session, cohort: Cohort) -> CohortFacts:
    """The facts the preconditions need: five queries (eight while closing: the stories ready for the
    showcase), whatever the size of the cohort."""
    with club_scope(session):
        quotas = session.scalar(
            sa.select(sa.func.count(CohortQuota.id))
            .join(Organisation, Organisation.id == CohortQuota.organisation_id)
            .where(CohortQuota.cohort_id == cohort.id, (CohortQuota.mentors + CohortQuota.mentees) > 0,
                   Organisation.status == OrganisationStatus.ACTIVE)
        ) or 0
        by_status = session.execute(
            sa.select(Participation.role, Participation.status, sa.func.count(Participation.id))
            .where(Participation.cohort_id == cohort.id)
            .group_by(Participation.role, Participation.status)
        ).all()
        pairs = session.scalar(
            sa.select(sa.func.count(Pair.id)).where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE)
        ) or 0
        running = session.scalar(sa.select(sa.exists().where(
            MatchingRun.cohort_id == cohort.id, MatchingRun.status.in_(ACTIVE_RUN_STATUSES))))
        # at most one kick-off that is not cancelled (a unique index of the programme)
        kickoff = session.scalar(
            sa.select(ProgrammeEvent.status)
            .where(ProgrammeEvent.cohort_id == cohort.id, ProgrammeEvent.kind == EventKind.KICKOFF,
                   ProgrammeEvent.status != EventStatus.CANCELLED)
            .limit(1))
    holding: dict[str, int] = {}
    unanswered = 0
    for role, status, count in by_status:
        if status in OCCUPYING_STATUSES:
            holding[role] = holding.get(role, 0) + count
        if status == ParticipationStatus.INVITED:
            unanswered += count
    return CohortFacts(
        state=cohort.state,
        nomination_deadline=cohort.nomination_deadline,
        kickoff_on=cohort.kickoff_on,
        closing_on=cohort.closing_on,
        symposium_on=cohort.symposium_on,
        languages=tuple(cohort.languages or ()),
        organisations_with_quota=quotas,
        mentors_holding_places=holding.get(ParticipationRole.MENTOR, 0),
        mentees_holding_places=holding.get(ParticipationRole.MENTEE, 0),
        active_pairs=pairs,
        matching_in_progress=bool(running),
        unanswered_invitations=unanswered,
        kickoff_event=kickoff,
        publishable_stories=publishable_count(session, cohort.id) if cohort.state == CohortState.CLOSING else 0,
    )


def available_transitions(session: Session, cohort: Cohort, *, today: date | None = None) -> list[TransitionOption]:
    """The transitions from the cohort's current state, each allowed or with the reasons it is not."""
    return options_for(cohort_facts(session, cohort), today or clock_today())


def apply_transition(session: Session, cohort: Cohort, name: str, actor_user_id: int | None, *,
                     today: date | None = None, reason: str | None = None) -> Cohort:
    """Make the transition `name`, or raise TransitionRefused with the problems. The caller commits.

    The state changes with a conditional UPDATE, so two board members pressing the same button at once
    move the cohort once: the second is refused. A reason, when given, is recorded in the audit event
    (a step that needs one is refused without it).
    """
    facts = cohort_facts(session, cohort)
    problems = problems_for(name, facts, today or clock_today(), reason)
    if problems:
        raise TransitionRefused(problems)
    transition = BY_NAME[name]
    changed = matched_rows(
        session,
        sa.update(Cohort)
        .where(Cohort.id == cohort.id, Cohort.state == transition.source)
        .values(state=transition.target)
        .execution_options(synchronize_session=False),
    )
    if changed != 1:
        raise TransitionRefused([_l("Someone else changed the cohort meanwhile. Please look again.")])
    session.refresh(cohort)
    details = {"transition": name, "from": str(transition.source), "to": str(transition.target)}
    if (reason or "").strip():
        details["reason"] = (reason or "").strip()
    audit.record(session, "cohort.state_changed", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="cohort", target_id=cohort.id, details=details)
    session.flush()
    return cohort


# ------------------------------------------------------------------------------------ confirmations


@dataclass(frozen=True)
class TransitionPreview:
    """What a step will do, in figures, for its confirmation page (read in a fixed number of queries)."""

    option: TransitionOption
    today: date
    closing_on: date | None
    taking_part: dict[str, int] = field(default_factory=dict)  # role -> people who accepted
    unanswered_invitations: int = 0
    not_invited: int = 0  # nominated, their invitation not sent yet
    active_tandems: int = 0
    people_in_tandems: int = 0
    kickoff: ProgrammeEvent | None = None
    kickoff_invited: int = 0
    events: int = 0  # the programme's events that are not cancelled
    stories_ready: int = 0  # the chosen stories that are ready for the showcase

    @property
    def days_to_closing(self) -> int | None:
        return (self.closing_on - self.today).days if self.closing_on else None


def transition_preview(session: Session, cohort: Cohort, name: str, *,
                       today: date | None = None) -> TransitionPreview | None:
    """The step `name` from the cohort's current state with what it will do, or None when it is not offered
    from this state."""
    day = today or clock_today()
    facts = cohort_facts(session, cohort)
    option = next((o for o in options_for(facts, day) if o.name == name), None)
    if option is None:
        return None
    with club_scope(session):
        statuses = session.execute(
            sa.select(Participation.role, Participation.status, sa.func.count(Participation.id))
            .where(Participation.cohort_id == cohort.id)
            .group_by(Participation.role, Participation.status)
        ).all()
        pairs = session.execute(
            sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id)
            .where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE)
        ).all()
        events = session.scalars(sa.select(ProgrammeEvent).where(
            ProgrammeEvent.cohort_id == cohort.id, ProgrammeEvent.status != EventStatus.CANCELLED)).all()
        kickoff = next((e for e in events if e.kind == EventKind.KICKOFF and e.status == EventStatus.PUBLISHED),
                       None)
        invited = 0
        if kickoff is not None:
            invited = session.scalar(sa.select(sa.func.count(EventInvitation.id))
                                     .where(EventInvitation.event_id == kickoff.id)) or 0
    taking_part: dict[str, int] = {ParticipationRole.MENTOR: 0, ParticipationRole.MENTEE: 0}
    unanswered = not_invited = 0
    for role, status, count in statuses:
        if status == ParticipationStatus.ACTIVE:
            taking_part[role] = taking_part.get(role, 0) + count
        elif status == ParticipationStatus.INVITED:
            unanswered += count
        elif status == ParticipationStatus.NOMINATED:
            not_invited += count
    people = {participation_id for pair in pairs for participation_id in pair}
    return TransitionPreview(option=option, today=day, closing_on=cohort.closing_on, taking_part=taking_part,
                             unanswered_invitations=unanswered, not_invited=not_invited,
                             active_tandems=len(pairs), people_in_tandems=len(people), kickoff=kickoff,
                             kickoff_invited=invited, events=len(events), stories_ready=facts.publishable_stories)
