"""What the workbench shows for a cohort's current run, read in a fixed number of queries.

The pairs of the run (not ended) with both people, their organisations, score, status and explanation in the
reader's language; the active people without a partner and why; the mentors' capacity and load; the
figures of the pairs as they are now, next to those the run stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.audit_models import AuditEvent
from tandem.platform.board.models import Topic
from tandem.platform.cohorts.models import Cohort, Participation, ParticipationRole, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.matching import explanation_topic_ids
from tandem.platform.matching.vocabulary import MENTEE, MENTOR
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench import wording
from tandem.platform.workbench.models import MatchingRun, Pair, PairStatus
from tandem.platform.workbench.runs.queries import (
    PROGRAMME_OVER_STATES,
    PUBLISHED_PAIRING_STATES,
    current_run,
    published_run,
)
from tandem.tenants.models import Organisation

SORTS = ("score", "-score", "mentor", "mentee", "organisation")
FILTERS = ("all", "locked", "by_hand", "below")


@dataclass(frozen=True)
class Person:
    participation_id: int
    name: str
    role: str
    status: str
    organisation_id: int
    organisation: str
    capacity: int

    @property
    def taking_part(self) -> bool:
        return self.status == ParticipationStatus.ACTIVE


@dataclass(frozen=True)
class PairRow:
    id: int
    mentor: Person
    mentee: Person
    score: float | None
    status: str
    by_hand: bool
    lines: list[wording.ExplainedCriterion]
    below_threshold: bool
    completed: bool = False  # ran to the end of the programme

    @property
    def locked(self) -> bool:
        return self.status == PairStatus.LOCKED

    @property
    def percent(self) -> int:
        return round((self.score or 0) * 100)

    @property
    def poor(self) -> list[wording.ExplainedCriterion]:
        return [line for line in self.lines if line.poor]


@dataclass(frozen=True)
class UnmatchedRow:
    person: Person
    code: str
    reason: str


@dataclass(frozen=True)
class MentorLoad:
    person: Person
    load: int

    @property
    def free(self) -> int:
        return max(0, self.person.capacity - self.load)


@dataclass(frozen=True)
class LiveFigures:
    """The figures of the pairs as they are now (the engine's names, so they sit next to the run's)."""

    pairs: int
    locked_pairs: int
    by_hand: int
    possible_pairs: int
    share_matched: float
    lowest_score: float | None
    mean_score: float | None
    below_threshold: int
    threshold: float
    unmatched_mentors: int
    unmatched_mentees: int


@dataclass
class Workbench:
    cohort: Cohort
    run: MatchingRun | None
    published: bool
    pairs: list[PairRow] = field(default_factory=list)
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    mentors: list[MentorLoad] = field(default_factory=list)
    figures: LiveFigures | None = None
    run_figures: dict[str, Any] = field(default_factory=dict)
    over: bool = False  # published, and the programme is over: the tandems as they were

    @property
    def unmatched_mentees(self) -> list[UnmatchedRow]:
        return [row for row in self.unmatched if row.person.role == MENTEE]

    @property
    def unmatched_mentors(self) -> list[UnmatchedRow]:
        return [row for row in self.unmatched if row.person.role == MENTOR]

    @property
    def mentors_with_room(self) -> list[MentorLoad]:
        return [m for m in self.mentors if m.free > 0]


def load_workbench(session: Session, cohort: Cohort, language: str) -> Workbench:
    """Everything the page shows for the cohort's current (or published) run: at most seven queries.

    Once published: the run's tandems, active or ended with the programme; a tandem ended after an accepted
    rematch request is not listed, its two people are without a partner unless paired anew.
    """
    with club_scope(session):
        run = published_run(session, cohort.id)
        published = run is not None
        run = run or current_run(session, cohort.id)
        if run is None:
            return Workbench(cohort=cohort, run=None, published=False)
        people = _people(session, cohort.id)
        rematched = sa.exists().where(RematchRequest.pair_id == Pair.id,
                                      RematchRequest.status == RematchStatus.ACCEPTED)
        every = session.execute(
            sa.select(Pair.id, Pair.mentor_participation_id, Pair.mentee_participation_id, Pair.score, Pair.status,
                      Pair.by_hand, Pair.explanation,
                      sa.and_(Pair.status == PairStatus.ENDED, rematched).label("rematched"))
            .where(Pair.matching_run_id == run.id)
            .order_by(Pair.id)
        ).all()
        pairs = [pair for pair in every if not pair.rematched and (published or pair.status != PairStatus.ENDED)]
        topic_ids = set().union(*(explanation_topic_ids(pair.explanation) for pair in pairs))
        labels = wording.topic_labels(session.scalars(sa.select(Topic).where(Topic.id.in_(topic_ids))), language)
        undone = _undone(session, run.id)
        ended = set() if not published else {pid for pair in every if pair.rematched
                                             for pid in (pair.mentor_participation_id, pair.mentee_participation_id)}

    threshold = cohort.matching_threshold
    over = published and cohort.state in PROGRAMME_OVER_STATES
    rows = []
    for pair in pairs:
        mentor, mentee = people[pair.mentor_participation_id], people[pair.mentee_participation_id]
        rows.append(PairRow(
            id=pair.id, mentor=mentor, mentee=mentee, score=pair.score, status=pair.status, by_hand=pair.by_hand,
            lines=wording.explain(pair.explanation, labels, mentor=mentor.name, mentee=mentee.name),
            below_threshold=pair.score is not None and pair.score < threshold,
            completed=pair.status == PairStatus.ENDED or (over and pair.status == PairStatus.ACTIVE)))

    load = Counter(pair.mentor_participation_id for pair in pairs)
    paired_mentees = {pair.mentee_participation_id for pair in pairs}
    active = [p for p in people.values() if p.taking_part]
    mentors = [MentorLoad(person=p, load=load[p.participation_id]) for p in active if p.role == MENTOR]
    mentors.sort(key=lambda m: (m.person.name.casefold(), m.person.participation_id))
    final = published and cohort.state not in PUBLISHED_PAIRING_STATES
    unmatched = _unmatched(run, active, load, paired_mentees, undone, ended, people, final=final)
    return Workbench(cohort=cohort, run=run, published=published, pairs=rows, unmatched=unmatched, mentors=mentors,
                     figures=_figures(rows, active, unmatched, threshold), run_figures=dict(run.figures or {}),
                     over=over)


def _people(session: Session, cohort_id: int) -> dict[int, Person]:
    """Everyone of the cohort (any status: pairs may hold someone who withdrew since), with names."""
    return {row.id: Person(participation_id=row.id, name=row.display_name, role=row.role, status=row.status,
                           organisation_id=row.organisation_id, organisation=row.organisation_name,
                           capacity=row.mentor_capacity if row.role == ParticipationRole.MENTOR else 1)
            for row in session.execute(
                sa.select(Participation.id, Participation.role, Participation.status, Participation.mentor_capacity,
                          Participation.organisation_id, User.display_name,
                          Organisation.name.label("organisation_name"))
                .join(User, User.id == Participation.user_id)
                .join(Organisation, Organisation.id == Participation.organisation_id)
                .where(Participation.cohort_id == cohort_id))}


def _undone(session: Session, run_id: int) -> set[int]:
    """People whose pair of the run the board removed (from the audit trail)."""
    people: set[int] = set()
    for details in session.scalars(
        sa.select(AuditEvent.details).where(AuditEvent.action == "matching.pair_removed",
                                            AuditEvent.target_type == "matching_run",
                                            AuditEvent.target_id == run_id)):
        for key in ("mentor_participation_id", "mentee_participation_id"):
            if isinstance(details.get(key), int):
                people.add(details[key])
    return people


def _unmatched(run: MatchingRun, active: list[Person], load: Counter[int], paired_mentees: set[int],
               undone: set[int], ended: set[int], people: dict[int, Person], *,
               final: bool = False) -> list[UnmatchedRow]:
    """Who has no partner, and why. `final`: nobody can be paired any more (the words say what was, not what
    to do)."""
    stored = {entry.get("id"): entry for entry in (run.unmatched or []) if isinstance(entry, dict)}
    organisations = {p.organisation_id: p.organisation for p in people.values()}
    names = {p.participation_id: p.name for p in people.values()}
    rows = []
    for person in active:
        partnered = (load[person.participation_id] > 0 if person.role == MENTOR
                     else person.participation_id in paired_mentees)
        if partnered:
            continue
        entry = stored.get(person.participation_id)
        params: dict[str, Any]
        if person.participation_id in ended:
            code, params = (wording.PAIR_ENDED_FINAL if final else wording.PAIR_ENDED), {}
        elif person.participation_id in undone:
            code, params = wording.UNPAIRED, {}
        elif entry is not None:
            code, params = str(entry.get("code", "")), dict(entry.get("params") or {})
        else:
            code, params = (wording.NOT_IN_RUN_FINAL if final else wording.NOT_IN_RUN), {}
        rows.append(UnmatchedRow(person=person, code=code, reason=wording.unmatched_sentence(
            code, person.role, params, name=person.name, organisations=organisations, people=names)))
    rows.sort(key=lambda row: (row.person.role != MENTEE, row.person.name.casefold(), row.person.participation_id))
    return rows


def _figures(rows: list[PairRow], active: list[Person], unmatched: list[UnmatchedRow],
             threshold: float) -> LiveFigures:
    scores = [row.score for row in rows if row.score is not None]
    mentees = sum(1 for p in active if p.role == MENTEE)
    places = sum(p.capacity for p in active if p.role == MENTOR)
    possible = min(mentees, places)
    return LiveFigures(
        pairs=len(rows),
        locked_pairs=sum(1 for row in rows if row.locked),
        by_hand=sum(1 for row in rows if row.by_hand),
        possible_pairs=possible,
        share_matched=round(len(rows) / possible, 4) if possible else 1.0,
        lowest_score=min(scores) if scores else None,
        mean_score=round(sum(scores) / len(scores), 4) if scores else None,
        below_threshold=sum(1 for s in scores if s < threshold),
        threshold=threshold,
        unmatched_mentors=sum(1 for row in unmatched if row.person.role == MENTOR),
        unmatched_mentees=sum(1 for row in unmatched if row.person.role == MENTEE),
    )


# -- sorting and filtering (on the loaded rows: no further queries) -----------------------------------------


def select_pairs(rows: list[PairRow], *, sort: str = "score", show: str = "all", text: str = "") -> list[PairRow]:
    """The pairs to show: filtered by status (all / locked / by_hand / below) and free text, then sorted."""
    if show == "locked":
        rows = [row for row in rows if row.locked]
    elif show == "by_hand":
        rows = [row for row in rows if row.by_hand]
    elif show == "below":
        rows = [row for row in rows if row.below_threshold]
    needle = " ".join(text.split()).casefold()
    if needle:
        rows = [row for row in rows if any(needle in value.casefold() for value in (
            row.mentor.name, row.mentee.name, row.mentor.organisation, row.mentee.organisation))]
    keys = {
        "score": lambda row: (row.score if row.score is not None else -1, row.id),
        "-score": lambda row: (-(row.score if row.score is not None else -1), row.id),
        "mentor": lambda row: (row.mentor.name.casefold(), row.mentee.name.casefold(), row.id),
        "mentee": lambda row: (row.mentee.name.casefold(), row.mentor.name.casefold(), row.id),
        "organisation": lambda row: (row.mentor.organisation.casefold(), row.mentee.organisation.casefold(),
                                     row.mentor.name.casefold(), row.id),
    }
    return sorted(rows, key=keys.get(sort, keys["score"]))


def explanation_labels(session: Session, explanations: list[dict[str, Any] | None], language: str) -> dict[int, str]:
    """Topic labels for some explanations (one query): for warnings about pairs not yet stored."""
    topic_ids = set().union(*(explanation_topic_ids(explanation) for explanation in explanations))
    with club_scope(session):
        return wording.topic_labels(session.scalars(sa.select(Topic).where(Topic.id.in_(topic_ids))), language)


def names_of(session: Session, participation_ids: list[int]) -> dict[int, str]:
    """Participation id -> display name (one query)."""
    with club_scope(session):
        return {pid: name for pid, name in session.execute(
            sa.select(Participation.id, User.display_name).join(User, User.id == Participation.user_id)
            .where(Participation.id.in_(participation_ids)))}
