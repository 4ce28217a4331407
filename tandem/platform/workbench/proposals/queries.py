"""What the workbench shows for a cohort's current run, read in a fixed number of queries.

The pairs of the run (not ended) with both people, their organisations, score, status and explanation in the
reader's language; the active people without a partner and why; the mentors' capacity and load; the
figures of the pairs as they are now, next to those the run stored. The lists are chosen in SQL a page at a
time (sorted, filtered, OFFSET and LIMIT), so that a cohort of thousands of pairs reads and renders only what
is shown; figures and counts come from aggregate queries over the whole cohort.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.audit_models import AuditEvent
from tandem.platform.board.models import Topic
from tandem.platform.cohorts.models import Cohort, Participation, ParticipationRole, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.matching import explanation_topic_ids
from tandem.platform.matching.vocabulary import MENTEE, MENTOR
from tandem.platform.pagination import MAX_PAGE, Page, paginate
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench import wording
from tandem.platform.workbench.models import MatchingRun, Pair, PairStatus
from tandem.platform.workbench.runs.queries import (
    PROGRAMME_OVER_STATES,
    PUBLISHED_PAIRING_STATES,
    CohortRuns,
    cohort_runs,
)
from tandem.tenants.models import Organisation

SORTS = ("score", "-score", "mentor", "mentee", "organisation")
FILTERS = ("all", "locked", "by_hand", "below", "warnings")
PAIRS_PER_PAGE = 50
PEOPLE_PER_PAGE = 25


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


@dataclass(frozen=True)
class Listing:
    """What the board asked to see (the page's GET parameters, checked): the pairs' sort, filter, search and
    page, and the pages of the people without a partner and of the mentors' places."""

    sort: str = "score"
    show: str = "all"
    text: str = ""
    page: int = 1
    unmatched_page: int = 1
    mentors_page: int = 1


@dataclass
class Workbench:
    """The workbench of a cohort's current (or published) run. `pairs`, `unmatched` and `mentors` are the rows
    of the pages shown; the figures and counts are over the whole cohort."""

    cohort: Cohort
    run: MatchingRun | None
    published: bool
    pairs: list[PairRow] = field(default_factory=list)
    pairs_page: Page = field(default_factory=lambda: paginate(0, 1, PAIRS_PER_PAGE))
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    unmatched_page: Page = field(default_factory=lambda: paginate(0, 1, PEOPLE_PER_PAGE))
    mentors: list[MentorLoad] = field(default_factory=list)
    mentors_page: Page = field(default_factory=lambda: paginate(0, 1, PEOPLE_PER_PAGE))
    figures: LiveFigures | None = None
    run_figures: dict[str, Any] = field(default_factory=dict)
    over: bool = False  # published, and the programme is over: the tandems as they were
    unlocked_pairs: int = 0  # pairs that are not locked, in the whole cohort (a swap needs two)
    room_organisations: frozenset[int] = frozenset()  # organisations of mentors with a free place
    waiting_mentee_organisations: frozenset[int] = frozenset()  # organisations of mentees without a mentor

    @property
    def total_pairs(self) -> int:
        return self.figures.pairs if self.figures else 0

    @property
    def total_unmatched(self) -> int:
        return (self.figures.unmatched_mentors + self.figures.unmatched_mentees) if self.figures else 0

    def mentor_with_room_elsewhere(self, organisation_id: int) -> bool:
        """Whether a mentor of another organisation than `organisation_id` has a free place."""
        return any(other != organisation_id for other in self.room_organisations)

    def mentee_waiting_elsewhere(self, organisation_id: int) -> bool:
        """Whether a mentee of another organisation than `organisation_id` has no mentor."""
        return any(other != organisation_id for other in self.waiting_mentee_organisations)


@dataclass(frozen=True)
class HandChoices:
    """Whom the page "pair by hand" offers: every mentor with a free place, every mentee without a mentor."""

    mentors_with_room: list[MentorLoad]
    unmatched_mentees: list[Person]


def shown_run(runs: CohortRuns) -> tuple[MatchingRun | None, bool]:
    """The run the workbench shows (the published one, else the current one) and whether it is published."""
    published = runs.published
    return (published, True) if published is not None else (runs.current, False)


# -- the pairs, the people and their places of the shown run, in SQL --------------------------------------


def _visible(run_id: int, published: bool) -> list[sa.ColumnElement[bool]]:
    """The pairs the workbench lists: the run's, not ended (before publishing); once published, its tandems,
    active or ended with the programme, but not one ended after an accepted rematch request."""
    if not published:
        return [Pair.matching_run_id == run_id, Pair.status != PairStatus.ENDED]
    rematched = sa.exists().where(RematchRequest.pair_id == Pair.id, RematchRequest.status == RematchStatus.ACCEPTED)
    return [Pair.matching_run_id == run_id, ~sa.and_(Pair.status == PairStatus.ENDED, rematched)]


def _in_a_pair(run_id: int, published: bool) -> sa.ColumnElement[bool]:
    """The participation (of the outer query) has a partner in the listed pairs. IN over the sets of the run's
    mentors and mentees (each read once), not a correlated EXISTS per person: SQLite's planner may answer that
    with a scan of the run's pairs for every person."""
    return sa.or_(
        Participation.id.in_(sa.select(Pair.mentor_participation_id).where(*_visible(run_id, published))),
        Participation.id.in_(sa.select(Pair.mentee_participation_id).where(*_visible(run_id, published))))


def _person(row: Any, prefix: str = "") -> Person:
    role = getattr(row, prefix + "role")
    return Person(participation_id=getattr(row, prefix + "id"), name=getattr(row, prefix + "name"), role=role,
                  status=getattr(row, prefix + "status"), organisation_id=getattr(row, prefix + "organisation_id"),
                  organisation=getattr(row, prefix + "organisation"),
                  capacity=getattr(row, prefix + "capacity") if role == ParticipationRole.MENTOR else 1)


def _person_columns() -> list[Any]:
    return [Participation.id, Participation.role, Participation.status,
            Participation.mentor_capacity.label("capacity"), Participation.organisation_id,
            User.display_name.label("name"), Organisation.name.label("organisation")]


def _people_query() -> sa.Select[Any]:
    return (sa.select(*_person_columns())
            .join(User, User.id == Participation.user_id)
            .join(Organisation, Organisation.id == Participation.organisation_id))


def _folded(column: Any) -> Any:
    return sa.func.lower(column)


def _pairs_query(run_id: int, published: bool, threshold: float, show: str, text: str) -> tuple[sa.Select[Any], Any]:
    """The listed pairs with both people, filtered (not sorted); and the columns to sort by."""
    mentor, mentee = aliased(Participation, name="mentor"), aliased(Participation, name="mentee")
    mentor_user, mentee_user = aliased(User, name="mentor_user"), aliased(User, name="mentee_user")
    mentor_org, mentee_org = aliased(Organisation, name="mentor_org"), aliased(Organisation, name="mentee_org")
    query = (
        sa.select(
            Pair.id, Pair.score, Pair.status, Pair.by_hand, Pair.explanation,
            mentor.id.label("mentor_id"), mentor.role.label("mentor_role"), mentor.status.label("mentor_status"),
            mentor.mentor_capacity.label("mentor_capacity"), mentor.organisation_id.label("mentor_organisation_id"),
            mentor_user.display_name.label("mentor_name"), mentor_org.name.label("mentor_organisation"),
            mentee.id.label("mentee_id"), mentee.role.label("mentee_role"), mentee.status.label("mentee_status"),
            mentee.mentor_capacity.label("mentee_capacity"), mentee.organisation_id.label("mentee_organisation_id"),
            mentee_user.display_name.label("mentee_name"), mentee_org.name.label("mentee_organisation"))
        .select_from(Pair)
        .join(mentor, mentor.id == Pair.mentor_participation_id)
        .join(mentee, mentee.id == Pair.mentee_participation_id)
        .join(mentor_user, mentor_user.id == mentor.user_id)
        .join(mentee_user, mentee_user.id == mentee.user_id)
        .join(mentor_org, mentor_org.id == mentor.organisation_id)
        .join(mentee_org, mentee_org.id == mentee.organisation_id)
        .where(*_visible(run_id, published))
    )
    below = sa.and_(Pair.score.is_not(None), Pair.score < threshold)
    if show == "locked":
        query = query.where(Pair.status == PairStatus.LOCKED)
    elif show == "by_hand":
        query = query.where(Pair.by_hand.is_(True))
    elif show == "below":
        query = query.where(below)
    elif show == "warnings":  # below the threshold, or someone no longer takes part
        query = query.where(sa.or_(below, mentor.status != ParticipationStatus.ACTIVE,
                                   mentee.status != ParticipationStatus.ACTIVE))
    needle = " ".join(text.split()).casefold()
    if needle:
        query = query.where(sa.or_(*(_folded(column).contains(needle, autoescape=True) for column in (
            mentor_user.display_name, mentee_user.display_name, mentor_org.name, mentee_org.name))))
    score = sa.func.coalesce(Pair.score, -1)
    orders = {
        "score": (score, Pair.id),
        "-score": (score.desc(), Pair.id),
        "mentor": (_folded(mentor_user.display_name), _folded(mentee_user.display_name), Pair.id),
        "mentee": (_folded(mentee_user.display_name), _folded(mentor_user.display_name), Pair.id),
        "organisation": (_folded(mentor_org.name), _folded(mentee_org.name), _folded(mentor_user.display_name),
                         Pair.id),
    }
    return query, orders


def _count(session: Session, query: sa.Select[Any]) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0)


def load_workbench(session: Session, cohort: Cohort, language: str, runs: CohortRuns | None = None,
                   listing: Listing | None = None) -> Workbench:
    """The page of the workbench for the cohort's current (or published) run, as `listing` asks: the pairs,
    people without a partner and mentors of the pages shown (the explanations worded for those pairs only), the
    figures and counts over the whole cohort by aggregate queries. A fixed number of queries (eleven with the
    cohort's runs read already; one more for a search, names in the reasons or once published), whatever the
    size of the cohort.

    Once published: the run's tandems, active or ended with the programme; a tandem ended after an accepted
    rematch request is not listed, its two people are without a partner unless paired anew.
    """
    listing = listing or Listing()
    with club_scope(session):
        runs = runs if runs is not None else cohort_runs(session, cohort.id)
        run, published = shown_run(runs)
        if run is None:
            return Workbench(cohort=cohort, run=None, published=False)
        threshold = cohort.matching_threshold
        over = published and cohort.state in PROGRAMME_OVER_STATES
        figures, unlocked = _pair_figures(session, run.id, published, threshold)
        people = _people_figures(session, cohort.id)
        unmatched_counts: dict[str, int] = {role: int(count) for role, count in session.execute(
            sa.select(Participation.role, sa.func.count(Participation.id))
            .where(Participation.cohort_id == cohort.id, Participation.status == ParticipationStatus.ACTIVE,
                   ~_in_a_pair(run.id, published))
            .group_by(Participation.role))}

        query, orders = _pairs_query(run.id, published, threshold, listing.show, listing.text)
        # The filters' counts are among the figures; a search (or the warnings) is counted by the page's own
        # query (COUNT(*) OVER ()), and by a query of its own only when the page asked is beyond the last.
        counted = {"all": "pairs", "locked": "locked", "by_hand": "by_hand", "below": "below"}.get(listing.show)
        ordered = query.order_by(*orders.get(listing.sort, orders["score"]))
        if counted and not listing.text:
            pairs_page = paginate(figures[counted], listing.page, PAIRS_PER_PAGE)
            rows = session.execute(ordered.offset(pairs_page.offset).limit(pairs_page.size)).all()
        else:
            asked = paginate(MAX_PAGE * PAIRS_PER_PAGE, listing.page, PAIRS_PER_PAGE)
            rows = session.execute(ordered.add_columns(sa.func.count().over().label("found"))
                                   .offset(asked.offset).limit(asked.size)).all()
            pairs_page = paginate(rows[0].found if rows else _count(session, query), listing.page, PAIRS_PER_PAGE)
            if not rows and pairs_page.total:  # beyond the last page: the last
                rows = session.execute(ordered.offset(pairs_page.offset).limit(pairs_page.size)).all()
        topic_ids = set().union(*(explanation_topic_ids(row.explanation) for row in rows))
        labels = wording.topic_labels(session.scalars(sa.select(Topic).where(Topic.id.in_(topic_ids))), language)

        unmatched_total = sum(unmatched_counts.values())
        unmatched_page = paginate(unmatched_total, listing.unmatched_page, PEOPLE_PER_PAGE)
        unmatched = _unmatched(session, cohort, run, published, unmatched_page)

        mentors_page = paginate(people["mentors"], listing.mentors_page, PEOPLE_PER_PAGE)
        mentors = _mentor_loads(session, cohort.id, run.id, published, mentors_page)
        room, waiting = _organisations_to_pair(session, cohort.id, run.id, published)

    pairs = [PairRow(
        id=row.id, mentor=_person(row, "mentor_"), mentee=_person(row, "mentee_"), score=row.score, status=row.status,
        by_hand=row.by_hand,
        lines=wording.explain(row.explanation, labels, mentor=row.mentor_name, mentee=row.mentee_name),
        below_threshold=row.score is not None and row.score < threshold,
        completed=row.status == PairStatus.ENDED or (over and row.status == PairStatus.ACTIVE)) for row in rows]
    possible = min(people["mentees"], people["places"])
    live = LiveFigures(
        pairs=figures["pairs"], locked_pairs=figures["locked"], by_hand=figures["by_hand"], possible_pairs=possible,
        share_matched=round(figures["pairs"] / possible, 4) if possible else 1.0,
        lowest_score=figures["lowest"], mean_score=round(figures["mean"], 4) if figures["mean"] is not None else None,
        below_threshold=figures["below"], threshold=threshold,
        unmatched_mentors=int(unmatched_counts.get(MENTOR, 0)), unmatched_mentees=int(unmatched_counts.get(MENTEE, 0)))
    return Workbench(cohort=cohort, run=run, published=published, pairs=pairs, pairs_page=pairs_page,
                     unmatched=unmatched, unmatched_page=unmatched_page, mentors=mentors, mentors_page=mentors_page,
                     figures=live, run_figures=dict(run.figures or {}), over=over, unlocked_pairs=unlocked,
                     room_organisations=room, waiting_mentee_organisations=waiting)


def _pair_figures(session: Session, run_id: int, published: bool, threshold: float) -> tuple[dict[str, Any], int]:
    """Counts and scores of the listed pairs: one aggregate query."""
    def flag(condition: sa.ColumnElement[bool]) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = session.execute(
        sa.select(sa.func.count(Pair.id), flag(Pair.status == PairStatus.LOCKED), flag(Pair.by_hand.is_(True)),
                  sa.func.min(Pair.score), sa.func.avg(Pair.score),
                  flag(sa.and_(Pair.score.is_not(None), Pair.score < threshold)))
        .where(*_visible(run_id, published))).one()
    pairs, locked = int(row[0] or 0), int(row[1] or 0)
    return ({"pairs": pairs, "locked": locked, "by_hand": int(row[2] or 0),
             "lowest": float(row[3]) if row[3] is not None else None,
             "mean": float(row[4]) if row[4] is not None else None, "below": int(row[5] or 0)}, pairs - locked)


def _people_figures(session: Session, cohort_id: int) -> dict[str, int]:
    """The active mentors, their places, and the active mentees: one aggregate query."""
    counts = {"mentors": 0, "places": 0, "mentees": 0}
    for role, count, places in session.execute(
            sa.select(Participation.role, sa.func.count(Participation.id), sa.func.sum(Participation.mentor_capacity))
            .where(Participation.cohort_id == cohort_id, Participation.status == ParticipationStatus.ACTIVE)
            .group_by(Participation.role)):
        if role == MENTOR:
            counts["mentors"], counts["places"] = int(count), int(places or 0)
        elif role == MENTEE:
            counts["mentees"] = int(count)
    return counts


def _has_room(run_id: int, published: bool) -> sa.ColumnElement[bool]:
    """The mentor (of the outer query) has a free place: fewer listed pairs than places. A capacity is 1 or 2
    (the database's rule), so: not in a pair, or with two places and not in two pairs. Sets, not a count per
    mentor."""
    mentors = sa.select(Pair.mentor_participation_id).where(*_visible(run_id, published))
    full_at_two = mentors.group_by(Pair.mentor_participation_id).having(sa.func.count(Pair.id) >= 2)
    return sa.or_(sa.and_(Participation.mentor_capacity <= 1, Participation.id.not_in(mentors)),
                  sa.and_(Participation.mentor_capacity >= 2, Participation.id.not_in(full_at_two)))


def _mentor_loads(session: Session, cohort_id: int, run_id: int, published: bool, page: Page | None,
                  *, with_room_only: bool = False) -> list[MentorLoad]:
    """The active mentors (by name) of `page` (all without one) with their load: two queries (the load counted
    for the mentors shown only)."""
    query = (_people_query()
             .where(Participation.cohort_id == cohort_id, Participation.status == ParticipationStatus.ACTIVE,
                    Participation.role == MENTOR)
             .order_by(_folded(User.display_name), Participation.id))
    if with_room_only:
        query = query.where(_has_room(run_id, published))
    if page is not None:
        query = query.offset(page.offset).limit(page.size)
    people = [_person(row) for row in session.execute(query)]
    ids = [person.participation_id for person in people]
    loads: dict[int, int] = {mentor_id: int(count) for mentor_id, count in session.execute(
        sa.select(Pair.mentor_participation_id, sa.func.count(Pair.id))
        .where(*_visible(run_id, published), Pair.mentor_participation_id.in_(ids))
        .group_by(Pair.mentor_participation_id))}
    return [MentorLoad(person=person, load=loads.get(person.participation_id, 0)) for person in people]


def _organisations_to_pair(session: Session, cohort_id: int, run_id: int,
                           published: bool) -> tuple[frozenset[int], frozenset[int]]:
    """The organisations of mentors with a free place, and of mentees without a mentor: one query (at most one
    row per organisation and role)."""
    room = sa.and_(Participation.role == MENTOR, _has_room(run_id, published))
    waiting = sa.and_(Participation.role == MENTEE, ~_in_a_pair(run_id, published))
    rows = session.execute(
        sa.select(Participation.organisation_id, Participation.role).distinct()
        .where(Participation.cohort_id == cohort_id, Participation.status == ParticipationStatus.ACTIVE,
               sa.or_(room, waiting))).all()
    return (frozenset(org for org, role in rows if role == MENTOR),
            frozenset(org for org, role in rows if role == MENTEE))


def _unmatched(session: Session, cohort: Cohort, run: MatchingRun, published: bool,
               page: Page | None) -> list[UnmatchedRow]:
    """Who has no partner (mentees first, by name), on `page` (everyone without one), and why: two queries, and
    one more for names when a reason shown names other organisations or people, one more once published."""
    query = (_people_query()
             .where(Participation.cohort_id == cohort.id, Participation.status == ParticipationStatus.ACTIVE,
                    ~_in_a_pair(run.id, published))
             .order_by(sa.case((Participation.role == MENTEE, 0), else_=1), _folded(User.display_name),
                       Participation.id))
    if page is not None:
        query = query.offset(page.offset).limit(page.size)
    people = [_person(row) for row in session.execute(query)]
    ids = [person.participation_id for person in people]
    undone = _undone(session, run.id)
    ended: set[int] = set()
    if published:
        rematched = sa.exists().where(RematchRequest.pair_id == Pair.id,
                                      RematchRequest.status == RematchStatus.ACCEPTED)
        for mentor_id, mentee_id in session.execute(
                sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id)
                .where(Pair.matching_run_id == run.id, Pair.status == PairStatus.ENDED, rematched,
                       sa.or_(Pair.mentor_participation_id.in_(ids), Pair.mentee_participation_id.in_(ids)))):
            ended.update((mentor_id, mentee_id))
    stored = {entry.get("id"): entry for entry in (run.unmatched or []) if isinstance(entry, dict)}
    shown = [stored[pid] for pid in ids if pid in stored]
    organisation_ids = {i for entry in shown for i in (entry.get("params") or {}).get("organisation_ids", ())
                        if isinstance(i, int)}
    people_ids = {i for entry in shown for i in (entry.get("params") or {}).get("ids", ()) if isinstance(i, int)}
    # names for the ids the reasons of the people shown name (excluded organisations, people kept apart)
    organisations: dict[int, str] = {org_id: name for org_id, name in session.execute(
        sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids)))
    } if organisation_ids else {}
    names: dict[int, str] = {pid: name for pid, name in session.execute(
        sa.select(Participation.id, User.display_name).join(User, User.id == Participation.user_id)
        .where(Participation.id.in_(people_ids)))} if people_ids else {}
    final = published and cohort.state not in PUBLISHED_PAIRING_STATES
    rows = []
    for person in people:
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
    return rows


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


def hand_choices(session: Session, cohort: Cohort, runs: CohortRuns | None = None) -> HandChoices:
    """Every mentor with a free place (by name) and every mentee without a mentor (by name): two queries."""
    with club_scope(session):
        runs = runs if runs is not None else cohort_runs(session, cohort.id)
        run, published = shown_run(runs)
        if run is None:
            return HandChoices(mentors_with_room=[], unmatched_mentees=[])
        mentors = _mentor_loads(session, cohort.id, run.id, published, None, with_room_only=True)
        mentees = [_person(row) for row in session.execute(
            _people_query()
            .where(Participation.cohort_id == cohort.id, Participation.status == ParticipationStatus.ACTIVE,
                   Participation.role == MENTEE, ~_in_a_pair(run.id, published))
            .order_by(_folded(User.display_name), Participation.id))]
    return HandChoices(mentors_with_room=mentors, unmatched_mentees=mentees)


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
