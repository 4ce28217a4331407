"""The cohort lifecycle: the one place where its transitions are defined and checked.

draft -> nominations_open -> matching -> running -> closing -> showcase_published -> archived,
and matching -> nominations_open (reopening nominations).

Each transition has a name, a label and a precondition that returns the list of problems (empty: allowed).
The preconditions are pure functions of `CohortFacts` and today's date, tested on their own; `cohort_facts`
reads those facts from the database with a fixed number of queries, `available_transitions` offers the
transitions from the cohort's current state and `apply_transition` makes one, audited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
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
from tandem.platform.database import matched_rows
from tandem.platform.refusals import OperationRefused
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


Problems = list[str]


@dataclass(frozen=True)
class Transition:
    name: str
    source: CohortState
    target: CohortState
    label: str
    check: Callable[[CohortFacts, date], Problems]
    primary: bool = True  # the way forward (False: a step back, shown as a secondary button)


@dataclass(frozen=True)
class TransitionOption:
    """A transition offered from the cohort's current state, allowed or not (then with the problems)."""

    name: str
    label: str
    allowed: bool
    problems: tuple[str, ...]
    target: str
    primary: bool = True


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
    return []


def _nothing(facts: CohortFacts, today: date) -> Problems:
    return []


TRANSITIONS: tuple[Transition, ...] = (
    Transition("open_nominations", CohortState.DRAFT, CohortState.NOMINATIONS_OPEN,
               _l("Open nominations"), _opening_problems),
    Transition("close_nominations", CohortState.NOMINATIONS_OPEN, CohortState.MATCHING,
               _l("Close nominations and start matching"), _closing_nominations_problems),
    Transition("reopen_nominations", CohortState.MATCHING, CohortState.NOMINATIONS_OPEN,
               _l("Reopen nominations"), _reopening_problems, primary=False),
    Transition("start_programme", CohortState.MATCHING, CohortState.RUNNING,
               _l("Start the programme"), _starting_problems),
    Transition("begin_closing", CohortState.RUNNING, CohortState.CLOSING,
               _l("Begin closing"), _nothing),
    Transition("publish_showcase", CohortState.CLOSING, CohortState.SHOWCASE_PUBLISHED,
               _l("Publish the showcase"), _nothing),
    Transition("archive", CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED,
               _l("Archive the cohort"), _nothing),
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
                                        primary=transition.primary))
    return options


def problems_for(name: str, facts: CohortFacts, today: date) -> Problems:
    """Pure: why the transition `name` may not happen now (empty: it may)."""
    transition = BY_NAME.get(name)
    if transition is None:
        return [_l("This is not a step of the cohort lifecycle.")]
    if transition.source != facts.state:
        return [_l("This step is not possible from the cohort's current state.")]
    return transition.check(facts, today)


# ---------------------------------------------------------------------------------------- database


def cohort_facts(session: Session, cohort: Cohort) -> CohortFacts:
    """The facts the preconditions need: four queries, whatever the size of the cohort."""
    with club_scope(session):
        quotas = session.scalar(
            sa.select(sa.func.count(CohortQuota.id))
            .join(Organisation, Organisation.id == CohortQuota.organisation_id)
            .where(CohortQuota.cohort_id == cohort.id, (CohortQuota.mentors + CohortQuota.mentees) > 0,
                   Organisation.status == OrganisationStatus.ACTIVE)
        ) or 0
        holding = dict(session.execute(
            sa.select(Participation.role, sa.func.count(Participation.id))
            .where(Participation.cohort_id == cohort.id, Participation.status.in_(OCCUPYING_STATUSES))
            .group_by(Participation.role)
        ).all())
        pairs = session.scalar(
            sa.select(sa.func.count(Pair.id)).where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE)
        ) or 0
        running = session.scalar(sa.select(sa.exists().where(
            MatchingRun.cohort_id == cohort.id, MatchingRun.status.in_(ACTIVE_RUN_STATUSES))))
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
    )


def available_transitions(session: Session, cohort: Cohort, *, today: date | None = None) -> list[TransitionOption]:
    """The transitions from the cohort's current state, each allowed or with the reasons it is not."""
    return options_for(cohort_facts(session, cohort), today or date.today())


def apply_transition(session: Session, cohort: Cohort, name: str, actor_user_id: int | None, *,
                     today: date | None = None) -> Cohort:
    """Make the transition `name`, or raise TransitionRefused with the problems. The caller commits.

    The state changes with a conditional UPDATE, so two board members pressing the same button at once
    move the cohort once: the second is refused.
    """
    facts = cohort_facts(session, cohort)
    problems = problems_for(name, facts, today or date.today())
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
    audit.record(session, "cohort.state_changed", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="cohort", target_id=cohort.id,
                 details={"transition": name, "from": str(transition.source), "to": str(transition.target)})
    session.flush()
    return cohort
