"""The demo club (`data.py`), set up through the real operations, as its people would have done it.

The first board member joins (and brings her organisation), then as the club's president she creates the
member organisations, appoints their admins, records the exclusions and the topics. For each cohort the
board creates it, gives the quotas and opens nominations; the organisations' admins nominate (a CSV import)
and invite; the people accept or decline and fill in their profiles; the board closes the nominations, runs
the matching engine, publishes the pairs, plans the programme (creates and publishes its events, which its
people answer) and moves the cohort through its lifecycle; its people answer its surveys (surveys.py). Mail
the operations queue goes to the outbox (in the demo it is kept and shown at /dev/mail); the matching run and
the surveys' job commit as they go.

Idempotent: everything is found by its natural key first (slug, e-mail address, cohort and person,
cohort and organisation, ...) and made only when missing, so a second run makes nothing. A run on a club
seeded before only completes it: it never moves an existing cohort through its lifecycle, never changes what
someone changed while trying the demo, and writes no audit rows (nobody did anything). What went missing is
put back through the operation where the cohort's state still allows it, and written as the operation would
have left it where it no longer does (a participation of a running cohort, the profile of an archived one).
A programme event is there when the cohort has as many events of its kind (whatever became of them); a
missing one is put back through the operations while the programme can change, and an archived cohort's
programme is left as it is.

Operations stamp the present; the demo's history happened earlier. What the seed makes is dated to the
day of its story, relative to `today` (so the running cohort is always running): participations, runs, pairs,
cohorts and their audit rows. The programme's operations read the app's clock (and refuse an answer once an
event has started), so the seed fixes the clock at each moment of that story and gives it back afterwards.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from dataclasses import replace as dataclass_replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from tandem.platform import clock
from tandem.platform.audit_models import AuditEvent
from tandem.platform.board.models import BoardMember, OrganisationExclusion, Topic
from tandem.platform.board.operations import (
    add_board_member,
    add_exclusion,
    create_organisation,
    create_topic,
    set_organisation_status,
    update_organisation,
)
from tandem.platform.clock import today as clock_today
from tandem.platform.cohorts.lifecycle import apply_transition
from tandem.platform.cohorts.matching_input import load_matching_input
from tandem.platform.cohorts.models import Cohort, CohortQuota, CohortState, Participation, ParticipationStatus
from tandem.platform.cohorts.operations import QUOTA_EDITABLE_STATES, create_cohort, save_quotas
from tandem.platform.demo import data
from tandem.platform.demo.data import CohortSpec, Nomination, PersonSpec, ascii_email_part, email_of
from tandem.platform.demo.pair_lives import PairLives
from tandem.platform.demo.stories import Stories
from tandem.platform.demo.surveys import Surveys
from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.matching import MatchingError, evaluate_pair
from tandem.platform.outcomes.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyKind,
    SurveyLearning,
    SurveyResponse,
)
from tandem.platform.pairs.models import ClosureOutcome, PairClosure
from tandem.platform.pairs.nudges.jobs import nudge_pairs
from tandem.platform.participant import operations as participant
from tandem.platform.participant.consent import CONSENT_VERSION
from tandem.platform.participant.models import PROFILE_LANGUAGES, WEEKDAYS, Profile, ProfileTopic
from tandem.platform.participant.operations import ProfileInput
from tandem.platform.programme.models import DATED_KINDS, EventInvitation, EventKind, ProgrammeEvent
from tandem.platform.programme.operations import EventInput, answer_invitation, create_event, publish_event
from tandem.platform.refusals import OperationRefused
from tandem.platform.showcase.models import Story
from tandem.platform.tenancy import club_scope, tenant_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair, PairStatus
from tandem.platform.workbench.proposals.operations import lock_pair, pair_by_hand, unpair
from tandem.platform.workbench.publishing.operations import publish_run
from tandem.platform.workbench.rules.operations import save_matching_settings
from tandem.platform.workbench.runs.execution import execute_run
from tandem.platform.workbench.runs.operations import start_run
from tandem.platform.workbench.runs.queries import cohort_weights, published_run
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationDomain, OrganisationStatus
from tandem.tenants.nominations.csv_import import COLUMNS
from tandem.tenants.nominations.operations import import_file
from tandem.tenants.operations import grant_org_admin, queue_invitation

__all__ = ["SeedReport", "ascii_email_part", "seed_demo"]

log = logging.getLogger(__name__)

LIFECYCLE = (CohortState.DRAFT, CohortState.NOMINATIONS_OPEN, CohortState.MATCHING, CohortState.RUNNING,
             CohortState.CLOSING, CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED)
# The steps after matching, each with the state it leads to.
LATER_STEPS = (("start_programme", CohortState.RUNNING), ("begin_closing", CohortState.CLOSING),
               ("publish_showcase", CohortState.SHOWCASE_PUBLISHED), ("archive", CohortState.ARCHIVED))


# ------------------------------------------------------------------------------------------- report

COUNTED: dict[str, Any] = {
    "organisations": Organisation, "domains": OrganisationDomain, "users": User,
    "organisation_admins": OrganisationAdmin, "board_members": BoardMember, "topics": Topic, "cohorts": Cohort,
    "participations": Participation, "exclusions": OrganisationExclusion, "matching_runs": MatchingRun,
    "pairs": Pair, "audit_events": AuditEvent, "quotas": CohortQuota, "profiles": Profile,
    "profile_topics": ProfileTopic,
}
# Reported beside the club's rows: the programme, the stories and the mail the operations queued.
PROGRAMME_COUNTED: dict[str, Any] = {
    "programme_events": ProgrammeEvent, "event_invitations": EventInvitation, "stories": Story,
    "mails": OutboxMessage,
}
# Reported beside them: the surveys, who was asked, the answers and the mentees' learnings.
OUTCOMES_COUNTED: dict[str, Any] = {
    "surveys": Survey, "survey_invitations": SurveyInvitation, "survey_responses": SurveyResponse,
    "survey_answers": SurveyAnswer, "survey_learnings": SurveyLearning,
}


@dataclass
class SeedReport:
    """How many rows of each kind this run added (zero everywhere when the club was complete)."""

    organisations: int = 0
    domains: int = 0
    users: int = 0
    organisation_admins: int = 0
    board_members: int = 0
    topics: int = 0
    cohorts: int = 0
    participations: int = 0
    exclusions: int = 0
    matching_runs: int = 0
    pairs: int = 0
    audit_events: int = 0
    quotas: int = 0
    profiles: int = 0
    profile_topics: int = 0
    programme_events: int = 0
    event_invitations: int = 0
    stories: int = 0
    mails: int = 0
    surveys: int = 0
    survey_invitations: int = 0
    survey_responses: int = 0
    survey_answers: int = 0
    survey_learnings: int = 0

    @property
    def created(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def counts(self) -> dict[str, int]:
        """The club's rows (`COUNTED`)."""
        return {name: getattr(self, name) for name in COUNTED}

    def programme_counts(self) -> dict[str, int]:
        """The programme's events and invitations, the stories, and the mails queued (`PROGRAMME_COUNTED`)."""
        return {name: getattr(self, name) for name in PROGRAMME_COUNTED}

    def outcomes_counts(self) -> dict[str, int]:
        """The surveys, their invitations, responses, answers and learnings (`OUTCOMES_COUNTED`)."""
        return {name: getattr(self, name) for name in OUTCOMES_COUNTED}

    def describe(self) -> str:
        if not self.created:
            return "The demo club is already complete; nothing was created."
        made = ", ".join(f"{count} {name.replace('_', ' ')}"
                         for name, count in (self.counts() | self.programme_counts() | self.outcomes_counts()).items()
                         if count)
        return f"Demo club seeded: {made}."


def _counts(session: Session) -> dict[str, int]:
    return {name: session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
            for name, model in (COUNTED | PROGRAMME_COUNTED | OUTCOMES_COUNTED).items()}


# ------------------------------------------------------------------------------------------ history


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def cohort_dates(spec: CohortSpec, today: date) -> dict[str, date | None]:
    """nomination_deadline <= kickoff_on < closing_on <= symposium_on, relative to today (the kick-off moved to
    the nearest `KICKOFF_WEEKDAY`).

    A cohort is named after the year of its symposium; with today in spring 2026 the names and dates agree.
    """
    near = today + timedelta(days=spec.kickoff_in_days)
    kickoff = near + timedelta(days=(data.KICKOFF_WEEKDAY - near.weekday() + 3) % 7 - 3)  # nearest such weekday
    closing = kickoff + timedelta(days=data.PROGRAMME_DAYS)
    if spec.tentative:
        return {"nomination_deadline": None, "kickoff_on": kickoff, "closing_on": closing, "symposium_on": None}
    deadline = (today + timedelta(days=spec.deadline_in_days) if spec.deadline_in_days is not None
                else kickoff - timedelta(days=data.DEADLINE_DAYS_BEFORE_KICKOFF))
    return {"nomination_deadline": deadline, "kickoff_on": kickoff, "closing_on": closing,
            "symposium_on": closing + timedelta(days=data.SYMPOSIUM_DAYS_AFTER_CLOSING)}


@dataclass(frozen=True)
class Answer:
    nominated: datetime
    invited: datetime
    answered: datetime  # accepted (with consent) or declined


@dataclass(frozen=True)
class History:
    """When the story of a cohort happened: around its own dates, or (while it takes nominations) lately."""

    spec: CohortSpec
    dates: dict[str, date | None]
    today: date

    @property
    def _deadline(self) -> date:
        return self.dates["nomination_deadline"] or self.dates["kickoff_on"] or self.today

    @property
    def created(self) -> datetime:
        if self.spec.tentative:
            return _at(self.today - timedelta(days=14))
        return _at(self._deadline - timedelta(days=90))

    @property
    def opened(self) -> datetime:
        return _at(self._deadline - timedelta(days=60))

    def nomination(self, index: int) -> Answer:
        """The `index`th nomination: five weeks before the deadline, or over the last four weeks while open."""
        if self.spec.state == CohortState.NOMINATIONS_OPEN:
            day = self.today - timedelta(days=28 - 2 * index)
            return Answer(_at(day, 10), _at(day + timedelta(days=2), 11), _at(day + timedelta(days=3), 16))
        day = self._deadline - timedelta(days=35 - index)
        return Answer(_at(day), _at(day + timedelta(days=2), 11),
                      _at(day + timedelta(days=4 + index % 3), 8 + index % 9))

    @property
    def closed(self) -> datetime:
        return _at(self._deadline + timedelta(days=1))

    @property
    def requested(self) -> datetime:
        return _at(self._deadline + timedelta(days=10), 14)

    @property
    def finished(self) -> datetime:
        return self.requested + timedelta(seconds=3)

    @property
    def published(self) -> datetime:
        return self.finished + timedelta(days=2)

    def step(self, name: str) -> datetime:
        kickoff, closing = self.dates["kickoff_on"], self.dates["closing_on"]
        symposium = self.dates["symposium_on"] or closing
        assert kickoff is not None and closing is not None and symposium is not None
        return {"start_programme": _at(kickoff), "begin_closing": _at(closing),
                "publish_showcase": _at(symposium), "archive": _at(symposium + timedelta(days=28))}[name]

    @property
    def pairs_ended(self) -> datetime:
        closing = self.dates["closing_on"]
        assert closing is not None
        return _at(closing, 17)


def _dates_of(cohort: Cohort) -> dict[str, date | None]:
    return {"nomination_deadline": cohort.nomination_deadline, "kickoff_on": cohort.kickoff_on,
            "closing_on": cohort.closing_on, "symposium_on": cohort.symposium_on}


def _reaches(spec: CohortSpec, state: str) -> bool:
    return LIFECYCLE.index(CohortState(spec.state)) >= LIFECYCLE.index(CohortState(state))


# --------------------------------------------------------------------------------------------- seed


def seed_demo(session: Session, *, today: date | None = None) -> SeedReport:
    """Create (or complete) the demo club and commit. Running it again creates nothing.

    Runs inside the app (the CLI's `tandem seed-demo`, or a test's app context): the operations render mail
    and hand their jobs over at commit.
    """
    if not has_app_context():
        raise RuntimeError("seed_demo runs inside the app: use `tandem seed-demo`")
    day = today or clock_today()
    report = _seed(session, day)
    session.commit()  # end the counting's read: the job below writes through a session of its own
    if not report.created:
        return report  # a complete club: seeding again adds nothing, not even the day's nudges
    # The rhythm's job as the scheduler runs it, on the story's morning: the quiet pairs are reminded or
    # flagged (once: the ledger).
    done = nudge_pairs(datetime.combine(day, time(8, 0), clock.club_zone()).isoformat())
    return dataclass_replace(report, mails=report.mails + int(done["mails"]))


def _seed(session: Session, today: date) -> SeedReport:
    with club_scope(session):
        before = _counts(session)
        club = _Club(session, today)
        event.listen(session, "before_flush", club.date_audit_rows)
        try:
            club.build()
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            event.remove(session, "before_flush", club.date_audit_rows)
        after = _counts(session)
    return SeedReport(**{name: after[name] - before[name] for name in after})


class DemoDataError(ValueError):
    """The demo data breaks a rule of the operations; the message names the cohort and what is wrong."""


class _Club:
    """One seeding: the people and organisations found or made so far, and the moment of the story."""

    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.language = current_app.config["TANDEM"].default_language
        self.moment: datetime | None = None  # when what the operations do now happened
        everyone = (*data.BOARD, *data.ADMINS, *data.PEOPLE)
        emails = {email_of(p): p for p in everyone}
        if len(emails) != len(everyone):
            raise DemoDataError("demo data: two people share an e-mail address")
        self.users: dict[str, User] = {emails[u.email].key: u for u in session.scalars(
            sa.select(User).where(User.email.in_(list(emails))))}
        board = set(session.scalars(sa.select(BoardMember.user_id)))
        president = self.users.get(data.BOARD[0].key)
        self.completing = president is not None and president.id in board
        self.board = board
        self.known_organisations = set(session.scalars(sa.select(Organisation.slug)))
        self.organisations: dict[str, Organisation] = {}
        self.admins: dict[str, User] = {}  # by organisation slug
        self.topic_ids: dict[str, int] = {}

    def date_audit_rows(self, session: Session, _context: Any, _instances: Any) -> None:
        """Before each flush: the audit rows the operations added carry the moment of the story, or, when
        the seed only completes the club, are left out."""
        for obj in list(session.new):
            if isinstance(obj, AuditEvent):
                if self.completing:
                    session.expunge(obj)
                elif self.moment is not None:
                    obj.occurred_at = self.moment

    # ------------------------------------------------------------------------------------ the club

    def build(self) -> None:
        self.moment = min(History(spec, cohort_dates(spec, self.today), self.today).created
                          for spec in data.COHORTS) - timedelta(days=30)
        self._president()
        self._organisations()
        self._board()
        self._admins()
        self._exclusions()
        self._topics()
        for spec in data.COHORTS:
            self._cohort(spec)
        self._statuses()
        self.session.flush()

    def _known(self, spec: PersonSpec, user: User) -> User:
        """Remember a person; someone new chooses their language (in the header; there is no operation)."""
        if spec.key not in self.users:
            user.preferred_language = spec.language
            self.users[spec.key] = user
            self.session.flush()  # in club scope: the next operation may flush in a tenant's
        return user

    def _president(self) -> None:
        spec = data.BOARD[0]
        user = self.users.get(spec.key)
        if user is None or user.id not in self.board:
            organisation = data.org_spec(spec.org)
            user = add_board_member(self.session, email=email_of(spec), display_name=spec.display_name,
                                    organisation_slug=organisation.slug, organisation_name=organisation.name)
            self.board.add(user.id)
        self.president = self._known(spec, user)

    def _organisations(self) -> None:
        existing = {o.slug: o for o in self.session.scalars(sa.select(Organisation))}
        claimed = set(self.session.scalars(sa.select(OrganisationDomain.domain)))
        for spec in data.ORGANISATIONS:
            organisation = existing.get(spec.slug)
            if organisation is None:
                organisation = create_organisation(self.session, slug=spec.slug, name=spec.name,
                                                   domains=list(spec.domains), actor_user_id=self.president.id)
            else:
                have = [d.domain for d in organisation.domains]
                missing = [d for d in spec.domains if d not in claimed]
                if missing:
                    update_organisation(self.session, organisation, name=organisation.name, domains=have + missing,
                                        actor_user_id=self.president.id)
            self.organisations[spec.slug] = organisation

    def _board(self) -> None:
        for spec in data.BOARD[1:]:
            user = self.users.get(spec.key)
            if user is None or user.id not in self.board:
                user = add_board_member(self.session, email=email_of(spec), display_name=spec.display_name,
                                        organisation_slug=spec.org, actor_user_id=self.president.id)
                self.board.add(user.id)
            self._known(spec, user)

    def _admins(self) -> None:
        granted = set(self.session.execute(sa.select(OrganisationAdmin.organisation_id, OrganisationAdmin.user_id)))
        for spec in data.ADMINS:
            organisation = self.organisations[spec.org]
            user = self.users.get(spec.key)
            if user is None or (organisation.id, user.id) not in granted:
                user = grant_org_admin(self.session, organisation, email=email_of(spec),
                                       display_name=spec.display_name, actor_user_id=self.president.id,
                                       language=spec.language)
            self.admins[spec.org] = self._known(spec, user)

    def _exclusions(self) -> None:
        existing = set(self.session.execute(
            sa.select(OrganisationExclusion.organisation_a_id, OrganisationExclusion.organisation_b_id)))
        for slug_a, slug_b, reason in data.EXCLUSIONS:
            low, high = sorted((self.organisations[slug_a].id, self.organisations[slug_b].id))
            if (low, high) not in existing:
                add_exclusion(self.session, low, high, reason=reason, actor_user_id=self.president.id)

    def _topics(self) -> None:
        known = set(self.session.scalars(sa.select(Topic.slug)))
        for slug, label_de, label_fr, label_it, label_en in data.TOPICS:
            if slug not in known:
                create_topic(self.session, slug=slug, label_de=label_de, label_fr=label_fr, label_it=label_it,
                             label_en=label_en, actor_user_id=self.president.id)
        # Profiles take the topics still offered.
        self.topic_ids = {slug: topic_id for slug, topic_id in self.session.execute(
            sa.select(Topic.slug, Topic.id).where(Topic.is_active.is_(True)))}

    def _statuses(self) -> None:
        """Organisations this run created get their status (the suspended one took part in the pilot first)."""
        for spec in data.ORGANISATIONS:
            organisation = self.organisations[spec.slug]
            if spec.slug not in self.known_organisations and organisation.status != spec.status:
                self.moment = _at(self.today - timedelta(days=60))
                set_organisation_status(self.session, organisation, OrganisationStatus(spec.status),
                                        actor_user_id=self.president.id,
                                        actor_organisation_id=self.president.organisation_id)

    # ---------------------------------------------------------------------------------- a cohort

    def _cohort(self, spec: CohortSpec) -> None:
        cohort = self.session.scalar(sa.select(Cohort).where(Cohort.slug == spec.slug))
        made = cohort is None
        if cohort is None:
            dates = cohort_dates(spec, self.today)
            history = History(spec, dates, self.today)
            self.moment = history.created
            cohort = create_cohort(self.session, slug=spec.slug, actor_user_id=self.president.id, name=spec.name,
                                   symposium_venue=spec.venue, languages=list(spec.languages),
                                   meeting_every_min_weeks=3, meeting_every_max_weeks=4, **dates)
            cohort.created_at = history.created
        history = History(spec, _dates_of(cohort), self.today)
        try:
            if made or spec.quotas_kept:
                self._quotas(cohort, spec, history)
            if made and _reaches(spec, CohortState.NOMINATIONS_OPEN):
                self.moment = history.opened
                apply_transition(self.session, cohort, "open_nominations", self.president.id,
                                 today=history.opened.date())
            taking_part = self._participations(cohort, spec, history)
            self._profiles(cohort, spec, history, taking_part)
            if made:
                self._move_on(cohort, spec, history, taking_part)
            else:
                self._restore_pairs(cohort, spec, history, taking_part)
                self._programme(cohort, spec, strict=False)
            PairLives(self.session, self.users, self.topic_ids, self.today, self._then).live(
                cohort, data.PAIR_LIVES_BY_COHORT.get(spec.slug, ()))
            if cohort.state == CohortState.RUNNING and spec.slug in data.STORIES_BY_COHORT:
                # the pairs have begun their stories, a few days ago
                self._stories().write(cohort, data.STORIES_BY_COHORT[spec.slug],
                                      datetime.combine(self.today - timedelta(days=3), time(19, 0),
                                                       clock.club_zone()))
            if cohort.state == CohortState.RUNNING:  # its surveys so far (an archived cohort's are left as they are)
                self._surveys(cohort, spec, tuple(SurveyKind))
        except OperationRefused as refusal:
            raise DemoDataError(f"demo data of {spec.slug}: {refusal.reason}") from refusal

    def _quotas(self, cohort: Cohort, spec: CohortSpec, history: History) -> None:
        """The quotas, by organisation; one that exists is never changed."""
        have = set(self.session.scalars(sa.select(CohortQuota.organisation_id)
                                        .where(CohortQuota.cohort_id == cohort.id)))
        missing = {self.organisations[slug].id: (mentors, mentees) for slug, mentors, mentees in spec.quotas
                   if self.organisations[slug].id not in have}
        if not missing:
            return
        if cohort.state in QUOTA_EDITABLE_STATES:
            self.moment = history.opened
            save_quotas(self.session, cohort, missing, actor_user_id=self.president.id)
            return
        for organisation_id, (mentors, mentees) in missing.items():  # past its planning: put back as it was
            self.session.add(CohortQuota(cohort_id=cohort.id, organisation_id=organisation_id, mentors=mentors,
                                         mentees=mentees))
        self.session.flush()

    def _participations(self, cohort: Cohort, spec: CohortSpec, history: History) -> dict[str, Participation]:
        """Everyone nominated for the cohort, by person key; the missing ones nominated (or put back)."""
        existing = {p.user_id: p for p in self.session.scalars(
            sa.select(Participation).where(Participation.cohort_id == cohort.id))}
        found: dict[str, Participation] = {}
        missing: list[tuple[int, Nomination]] = []
        for index, nomination in enumerate(spec.nominations):
            user = self.users.get(nomination.person)
            participation = existing.get(user.id) if user is not None else None
            if participation is None:
                missing.append((index, nomination))
            else:
                found[nomination.person] = participation
        if not missing:
            return found
        if cohort.state == CohortState.NOMINATIONS_OPEN:
            made = self._nominate(cohort, history, missing)
        else:
            made = self._put_back_participations(cohort, history, missing)
        for index, nomination in missing:
            _date_answer(made[nomination.person], history.nomination(index))
        self.session.flush()
        return found | made

    def _nominate(self, cohort: Cohort, history: History,
                  missing: list[tuple[int, Nomination]]) -> dict[str, Participation]:
        """Each organisation's admin imports its nominations (one file each), then invites them; the people
        answer."""
        made: dict[str, Participation] = {}
        by_organisation: dict[str, list[tuple[int, Nomination]]] = defaultdict(list)
        for row in missing:
            by_organisation[data.person(row[1].person).org].append(row)
        for slug, batch in by_organisation.items():
            organisation = self.organisations[slug]
            self.moment = history.nomination(batch[0][0]).nominated
            try:
                with tenant_scope(self.session, organisation.id):
                    created = import_file(self.session, organisation, _nominations_file(cohort, batch),
                                          actor_user_id=self.admins[slug].id, default_language=self.language,
                                          invite=False)
            except OperationRefused as refusal:  # NominationProblems, with the problems of each row
                problems = [(p.line, p.column, p.code) for p in getattr(refusal, "problems", [])]
                raise DemoDataError(f"demo data of {cohort.slug}: nominations of {slug} refused: "
                                    f"{problems or refusal.reason}") from refusal
            by_email = {p.user.email: p for p in created}
            for _index, nomination in batch:
                person = data.person(nomination.person)
                participation = by_email[email_of(person)]
                self._known(person, participation.user)
                made[nomination.person] = participation
        self.session.flush()  # the new people's languages, before their invitations are written
        for index, nomination in missing:
            participation, answer = made[nomination.person], history.nomination(index)
            if nomination.status == ParticipationStatus.NOMINATED:
                continue
            self.moment = answer.invited
            queue_invitation(self.session, participation, default_language=self.language,
                             actor_user_id=self.admins[data.person(nomination.person).org].id)
            self.session.flush()
            self.moment = answer.answered
            if nomination.status == ParticipationStatus.ACTIVE:
                participant.accept_invitation(self.session, participation.id, user_id=participation.user_id)
            elif nomination.status == ParticipationStatus.DECLINED:
                participant.decline_invitation(self.session, participation.id, user_id=participation.user_id,
                                               default_language=self.language)
        return made

    def _put_back_participations(self, cohort: Cohort, history: History,
                                 missing: list[tuple[int, Nomination]]) -> dict[str, Participation]:
        """The cohort no longer takes nominations: participations put back as the operations left them."""
        made: dict[str, Participation] = {}
        for index, nomination in missing:
            person = data.person(nomination.person)
            user = self.users.get(person.key)
            if user is None:
                user = User(organisation_id=self.organisations[person.org].id, email=email_of(person),
                            display_name=person.display_name)
                self.session.add(user)
                self._known(person, user)
            self.session.flush()
            active = nomination.status == ParticipationStatus.ACTIVE
            participation = Participation(
                organisation_id=user.organisation_id, user_id=user.id, cohort_id=cohort.id, role=person.role,
                status=nomination.status, note=nomination.note, nominated_by_user_id=self.admins[person.org].id,
                consent_version=CONSENT_VERSION if active else None,
            )
            _date_answer(participation, history.nomination(index))
            self.session.add(participation)
            made[person.key] = participation
        self.session.flush()
        return made

    def _profiles(self, cohort: Cohort, spec: CohortSpec, history: History,
                  taking_part: dict[str, Participation]) -> None:
        """Profiles and ranked topics of everyone who accepted (unless data.py leaves theirs out). A profile
        that exists is left alone; a missing topic is put back, with its rank unless that rank is taken."""
        order = {n.person: index for index, n in enumerate(spec.nominations)}
        keys = sorted(n.person for n in spec.nominations if n.status == ParticipationStatus.ACTIVE
                      and data.INCOMPLETE_PROFILES.get(n.person, ()) is not None
                      and taking_part[n.person].status == ParticipationStatus.ACTIVE)
        every = sorted(n.person for n in spec.nominations if n.status == ParticipationStatus.ACTIVE)
        wanted = {key: self._profile(data.person(key), every.index(key), data.INCOMPLETE_PROFILES.get(key) or ())
                  for key in keys}
        ids = [taking_part[key].id for key in keys]
        with_profile = set(self.session.scalars(sa.select(Profile.participation_id)
                                                .where(Profile.participation_id.in_(ids))))
        for key in keys:
            participation, profile = taking_part[key], wanted[key]
            if participation.id in with_profile:
                continue
            if cohort.state in participant.PROFILE_EDITABLE_STATES:
                self.moment = history.nomination(order[key]).answered + timedelta(days=1)
                participant.save_profile(self.session, participation, profile, user_id=participation.user_id)
                continue
            self.session.add(Profile(  # past its matching: put back as save_profile left it
                participation_id=participation.id, organisation_id=participation.organisation_id,
                languages=list(profile.languages), format=profile.format, city=profile.city,
                weekdays=list(profile.weekdays), career_band=profile.career_band, bio=profile.bio, aims=profile.aims,
            ))
        self.session.flush()
        chosen: dict[int, dict[int, int | None]] = defaultdict(dict)
        for participation_id, topic_id, rank in self.session.execute(
            sa.select(ProfileTopic.participation_id, ProfileTopic.topic_id, ProfileTopic.rank)
            .where(ProfileTopic.participation_id.in_(ids))
        ):
            chosen[participation_id][topic_id] = rank
        for key in keys:
            participation, mine = taking_part[key], chosen[taking_part[key].id]
            for topic_id, rank in wanted[key].topics.items():
                if topic_id in mine:
                    continue
                kept = None if rank in mine.values() else rank
                self.session.add(ProfileTopic(participation_id=participation.id, topic_id=topic_id, rank=kept,
                                              organisation_id=participation.organisation_id))
                mine[topic_id] = kept
        self.session.flush()

    def _profile(self, person: PersonSpec, index: int,
                 left_out: tuple[str, ...]) -> ProfileInput:
        """What the person enters, by their place in their cohort (sorted by key)."""
        organisation = data.org_spec(person.org)
        remote = organisation.city in data.REMOTE_CITIES
        labels = {slug: (de, fr, it, en) for slug, de, fr, it, en in data.TOPICS}
        named = [labels[slug] for slug in person.topics]
        language = person.language if person.language in data.BIOS else "en"
        role = person.role
        assert role is not None, f"demo data: {person.key} has no role"
        values: dict[str, Any] = {
            "languages": [lang for lang in PROFILE_LANGUAGES if lang in person.speaks],
            "format": "remote" if remote else data.FORMATS[index % len(data.FORMATS)],
            "city": None if remote else organisation.city,
            "weekdays": [WEEKDAYS[index % 5], WEEKDAYS[(index + 2) % 5]],
            "career_band": (data.MENTOR_CAREER_BANDS if role == data.MENTOR
                            else data.MENTEE_CAREER_BANDS)[index % 2],
            "bio": data.BIOS[language].format(
                role=data.ROLE_WORDS[(language, role)], org=organisation.name, city=organisation.city,
                topics_de="Themen: " + ", ".join(t[0] for t in named) + ".",
                topics_fr="Thèmes : " + ", ".join(t[1] for t in named) + ".",
                topics_it="Temi: " + ", ".join(t[2].lower() for t in named) + ".",
                topics_en="Topics: " + ", ".join(t[3].lower() for t in named) + "."),
            "aims": data.AIMS[(language, role)],
        }
        for part in left_out:
            if part in values:
                values[part] = [] if isinstance(values[part], list) else None
        chosen = list(person.topics)  # a top three: topics from the fallbacks when they named only two
        for slug in data.FALLBACK_TOPICS:
            if len(chosen) >= 3:
                break
            if slug not in chosen:
                chosen.append(slug)
        topics = {self.topic_ids[slug]: None if "ranks" in left_out or position >= 3 else position + 1
                  for position, slug in enumerate(chosen) if slug in self.topic_ids}
        return ProfileInput(topics=topics, **values)

    def _move_on(self, cohort: Cohort, spec: CohortSpec, history: History,
                 taking_part: dict[str, Participation]) -> None:
        """A cohort this run created: through its lifecycle to where the demo leaves it."""
        if _reaches(spec, CohortState.MATCHING):
            self.moment = history.closed
            apply_transition(self.session, cohort, "close_nominations", self.president.id)
        if spec.pairs:
            self._match(cohort, spec, history, taking_part)
        self._programme(cohort, spec, strict=True)  # the kick-off is published before the programme starts
        for name, state in LATER_STEPS:
            if _reaches(spec, state):
                moment = history.step(name)
                if name == "begin_closing":  # the pairs' six months, while the programme runs
                    PairLives(self.session, self.users, self.topic_ids, self.today, self._then).live(
                        cohort, data.PAIR_LIVES_BY_COHORT.get(spec.slug, ()))
                    self._surveys(cohort, spec, (SurveyKind.MIDPOINT,))
                if name == "publish_showcase":
                    self._surveys(cohort, spec, (SurveyKind.FINAL,))  # from the closing day to the symposium's eve
                    self._showcase(cohort, spec, history)
                with self._then(moment):
                    apply_transition(self.session, cohort, name, self.president.id, today=moment.date())
        if cohort.state == CohortState.ARCHIVED:
            # Nothing ends the pairs of a programme that has closed: its tandems end here, on its closing day.
            self.session.execute(sa.update(Pair).where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE)
                                 .values(status=PairStatus.ENDED, ended_at=history.pairs_ended))
            # Both partners confirmed at closing that they completed their tandem (as pairs/space does), so the
            # reports count the pilot's pairs as completed.
            closed = set(self.session.scalars(sa.select(PairClosure.pair_id).join(Pair, Pair.id == PairClosure.pair_id)
                                              .where(Pair.cohort_id == cohort.id)))
            for pair_id in self.session.scalars(sa.select(Pair.id).where(Pair.cohort_id == cohort.id,
                                                                         Pair.status == PairStatus.ENDED)):
                if pair_id not in closed:
                    self.session.add(PairClosure(
                        pair_id=pair_id, outcome=ClosureOutcome.COMPLETED, ended_at=history.pairs_ended,
                        mentor_confirmed_at=history.pairs_ended, mentee_confirmed_at=history.pairs_ended))
        if not spec.quotas_kept:
            self.session.execute(sa.delete(CohortQuota).where(CohortQuota.cohort_id == cohort.id))
        self.session.flush()

    def _surveys(self, cohort: Cohort, spec: CohortSpec, kinds: tuple[str, ...]) -> None:
        """The cohort's surveys of `kinds` as data.py tells them (those not opened yet)."""
        stories = tuple(story for story in data.SURVEYS_BY_COHORT.get(spec.slug, ()) if story.kind in kinds)
        Surveys(self.session, self.users, self.today, self._then).tell(cohort, stories)

    def _stories(self) -> Stories:
        return Stories(self.session, self.users, self.topic_ids, self.organisations, self.admins, self.president,
                       self.today, self._then)

    def _showcase(self, cohort: Cohort, spec: CohortSpec, history: History) -> None:
        """Between "Begin closing" and the symposium: the pairs write their stories, the organisations that ask to
        approve them do, the board chooses them and builds the symposium's programme."""
        stories = self._stories()
        closing = history.step("begin_closing")
        stories.settings(closing)
        written = stories.write(cohort, data.STORIES_BY_COHORT.get(spec.slug, ()), closing + timedelta(days=2))
        stories.review(written, closing + timedelta(days=6))
        stories.curate(cohort, data.STORIES_BY_COHORT.get(spec.slug, ()), closing + timedelta(days=8))
        stories.programme(cohort, closing + timedelta(days=9))

    # ---------------------------------------------------------------------------------- the programme

    @contextmanager
    def _then(self, moment: datetime) -> Iterator[None]:
        """What the operations do inside happens at `moment`: the app's clock is fixed there (the programme's
        operations stamp it and check against it) and the audit rows are dated to it. Flushed inside; the
        clock is given back (to the system's time, unless something had fixed it before) whatever happens."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        before = app.extensions[clock.EXTENSION].fixed
        self.moment = moment
        clock.set_clock(app, moment)
        try:
            yield
            self.session.flush()
        finally:
            clock.set_clock(app, before)

    def _programme(self, cohort: Cohort, spec: CohortSpec, *, strict: bool) -> None:
        """The cohort's events from data.py that it does not have: the `n`th event of a kind is there when the
        cohort has `n` events of that kind, whatever became of them (changed, cancelled). An archived cohort's
        programme can no longer change and is left as it is. `strict`: the data must fit (a cohort this run
        made); otherwise a person no longer invited simply does not answer."""
        if not spec.programme or cohort.state == CohortState.ARCHIVED:
            return
        have = Counter(self.session.scalars(sa.select(ProgrammeEvent.kind)
                                            .where(ProgrammeEvent.cohort_id == cohort.id)))
        wanted: Counter[str] = Counter()
        for event_spec in spec.programme:
            wanted[event_spec.kind] += 1
            if have[event_spec.kind] < wanted[event_spec.kind]:
                self._event(cohort, event_spec, strict=strict)

    def _event(self, cohort: Cohort, spec: data.EventSpec, *, strict: bool) -> None:
        """The board creates the event two days before it publishes it (which invites its audience, mailed
        after commit); then its invitees answer, one after the other, before it starts (and before today)."""
        if (spec.kind in DATED_KINDS) != (spec.day is None):
            raise DemoDataError(f"demo data of {cohort.slug}: a kick-off, closing or symposium falls on the "
                                f"cohort's date, any other event on its own day (a {spec.kind} has day={spec.day})")
        day = (getattr(cohort, DATED_KINDS[EventKind(spec.kind)]) if spec.day is None
               else cohort.kickoff_on + timedelta(days=spec.day) if cohort.kickoff_on else None)
        if day is None:
            return  # the cohort has no such date (any more): nothing to put on it
        zone = clock.club_zone()
        starts, ends = datetime.combine(day, spec.starts, zone), datetime.combine(day, spec.ends, zone)
        present = datetime.combine(self.today, time(8, 0), zone)  # the story's now: nobody answers later
        published = min(datetime.combine(day - timedelta(days=spec.published_days_before), time(10, 0), zone),
                        present - timedelta(hours=1))
        languages = list(cohort.languages or ())
        titles = {lang: text for lang, text in spec.titles.items() if lang in languages} or dict(spec.titles)
        venue = cohort.symposium_venue if spec.venue is None and spec.kind == EventKind.SYMPOSIUM else spec.venue
        given = EventInput(
            kind=spec.kind, titles=titles, starts_at=starts, ends_at=ends,
            descriptions={lang: text for lang, text in spec.descriptions.items() if lang in titles},
            venue_name=venue, venue_address=spec.address, venue_room=spec.room,
            host_organisation_id=self.organisations[spec.host].id if spec.host else None,
            online_url=spec.online_url, audience=spec.audience, capacity=spec.capacity,
        )
        with self._then(published - timedelta(days=2)):
            event = create_event(self.session, cohort, given, self.president.id)
        with self._then(published):
            publish_event(self.session, event, self.president.id)
        self._answers(cohort, event, spec, after=published, until=min(starts - timedelta(hours=1), present),
                      strict=strict)

    def _answers(self, cohort: Cohort, event: ProgrammeEvent, spec: data.EventSpec, *, after: datetime,
                 until: datetime, strict: bool) -> None:
        """The invitees answer through the operation, evenly spread between `after` and `until`: those that
        data.py names in its order, then everyone else invited (`others`). A yes beyond the capacity goes on
        the waiting list, as the operation decides."""
        invitations = {row.user_id: row for row in self.session.scalars(
            sa.select(EventInvitation).where(EventInvitation.event_id == event.id).order_by(EventInvitation.id))}
        given: list[tuple[EventInvitation, str]] = []
        for key, answer in spec.answers:
            user = self.users.get(key)
            invitation = invitations.pop(user.id, None) if user is not None else None
            if invitation is None:
                if strict:
                    raise DemoDataError(f"demo data of {cohort.slug}: {key} is not invited to its {spec.kind}")
                continue
            given.append((invitation, answer))
        if spec.others is not None:
            given += [(invitation, spec.others) for invitation in invitations.values()]
        given = [(invitation, answer) for invitation, answer in given if answer != data.SILENT]
        if not given or until <= after:
            return
        step = (until - after) / (len(given) + 1)
        for number, (invitation, answer) in enumerate(given, start=1):
            with self._then(after + number * step), tenant_scope(self.session, invitation.organisation_id):
                answer_invitation(self.session, invitation, answer)

    def _match(self, cohort: Cohort, spec: CohortSpec, history: History,
               taking_part: dict[str, Participation]) -> None:
        """The board runs the engine (here, at once), checks its pairs against data.py and publishes them."""
        self.moment = history.requested
        if spec.weights:
            save_matching_settings(self.session, cohort, dict(spec.weights), cohort.matching_threshold,
                                   self.president.id)
        # Committed first: start_run releases a savepoint, and the session's after-commit hook then hands the
        # mail queued so far to the in-process queue, whose jobs would wait for this open transaction.
        self.session.commit()
        run = start_run(self.session, cohort, self.president.id)
        execute_run(self.session, run.id, run.attempt)  # commits as it goes; its queued job then finds it done
        self.session.refresh(run)
        if run.status != MatchingRunStatus.SUCCEEDED:
            raise DemoDataError(f"demo data of {spec.slug}: the matching run failed: {run.error}")
        self._fix_pairs(cohort, spec, run, taking_part)
        self.moment = history.published
        publish_run(self.session, cohort, self.president.id, expected_run_id=run.id)
        self.session.execute(sa.update(MatchingRun).where(MatchingRun.id == run.id).values(
            created_at=history.requested, started_at=history.requested + timedelta(seconds=1),
            heartbeat_at=history.finished, finished_at=history.finished, published_at=history.published))
        self.session.execute(sa.update(Pair).where(Pair.matching_run_id == run.id).values(
            created_at=history.finished, activated_at=history.published))

    def _fix_pairs(self, cohort: Cohort, spec: CohortSpec, run: MatchingRun,
                   taking_part: dict[str, Participation]) -> None:
        """Where the engine pairs otherwise than data.py (the engine or the data changed), the board unpairs
        its proposals, pairs the demo's people by hand and locks those pairs."""
        wanted = {(taking_part[mentor].id, taking_part[mentee].id) for mentor, mentee in spec.pairs}
        proposed = {(a, b): pair_id for pair_id, a, b in self.session.execute(
            sa.select(Pair.id, Pair.mentor_participation_id, Pair.mentee_participation_id)
            .where(Pair.matching_run_id == run.id))}
        if set(proposed) == wanted:
            return
        log.warning("demo data of %s: the engine makes %d of its pairs otherwise than data.py; the board pairs "
                    "them by hand", spec.slug, len(wanted - set(proposed)))
        for pair, pair_id in proposed.items():
            if pair not in wanted:
                unpair(self.session, cohort, pair_id, self.president.id)
        for mentor_id, mentee_id in sorted(wanted - set(proposed)):
            made = pair_by_hand(self.session, cohort, mentor_id, mentee_id, self.president.id, confirmed=True)
            assert made.pair is not None
            lock_pair(self.session, cohort, made.pair.id, self.president.id)

    def _restore_pairs(self, cohort: Cohort, spec: CohortSpec, history: History,
                       taking_part: dict[str, Participation]) -> None:
        """A published pair that went missing (with a participation put back) is put back into its run, scored
        and explained by the engine as the run did."""
        run = published_run(self.session, cohort.id) if spec.pairs else None
        if run is None:
            return
        paired = set(self.session.scalars(sa.select(Pair.mentee_participation_id)
                                          .where(Pair.matching_run_id == run.id)))
        missing = [(mentor, mentee) for mentor, mentee in spec.pairs if taking_part[mentee].id not in paired]
        if not missing:
            return
        given = load_matching_input(self.session, cohort.id)
        mentors = {c.id: c for c in given.mentors}
        mentees = {c.id: c for c in given.mentees}
        ended = cohort.state == CohortState.ARCHIVED
        for mentor_key, mentee_key in missing:
            mentor, mentee = mentors.get(taking_part[mentor_key].id), mentees.get(taking_part[mentee_key].id)
            if mentor is None or mentee is None:
                continue  # one of them no longer takes part
            try:
                proposed = evaluate_pair(mentor, mentee, given.rules, cohort_weights(cohort))
            except MatchingError as error:
                raise DemoDataError(f"demo data of {spec.slug}: {mentor_key} and {mentee_key}: {error}") from error
            self.session.add(Pair(
                cohort_id=cohort.id, matching_run_id=run.id, mentor_participation_id=mentor.id,
                mentee_participation_id=mentee.id, status=PairStatus.ENDED if ended else PairStatus.ACTIVE,
                score=proposed.score, explanation=proposed.explanation(), by_hand=False,
                created_at=run.finished_at, activated_at=run.published_at,
                ended_at=history.pairs_ended if ended else None,
            ))
        self.session.flush()


def _date_answer(participation: Participation, answer: Answer) -> None:
    """A nomination, its invitation and its answer, dated to the story (by the status they led to)."""
    participation.nominated_at = answer.nominated
    if participation.status != ParticipationStatus.NOMINATED:
        participation.invited_at = answer.invited
    if participation.status == ParticipationStatus.ACTIVE:
        participation.consent_at = answer.answered
    if participation.status in (ParticipationStatus.ACTIVE, ParticipationStatus.DECLINED):
        participation.answered_at = answer.answered


def _nominations_file(cohort: Cohort, rows: list[tuple[int, Nomination]]) -> str:
    """The CSV file an organisation's admin uploads (tandem/tenants/nominations/csv_import.py)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for _index, nomination in rows:
        person = data.person(nomination.person)
        writer.writerow([person.display_name, email_of(person), str(person.role), cohort.slug, nomination.note or ""])
    return out.getvalue()
