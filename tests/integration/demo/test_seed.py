"""The demo club: complete, believable, within every database rule, and idempotent."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

import tandem.models  # noqa: F401  (every table in Base.metadata)
from tandem import create_app
from tandem.platform.audit_models import AuditEvent
from tandem.platform.board.models import BoardMember, OrganisationExclusion, Topic
from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import (
    OCCUPYING_STATUSES,
    Cohort,
    CohortQuota,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.database import Base, Database, as_utc
from tandem.platform.demo import data
from tandem.platform.demo.seed import SeedReport, ascii_email_part, cohort_dates, seed_demo
from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.outcomes.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyKind,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.participant.completeness import profile_completeness
from tandem.platform.participant.models import Profile, ProfileTopic
from tandem.platform.programme.models import Answer, Audience, EventInvitation, EventKind, EventStatus, ProgrammeEvent
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair, PairStatus
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationDomain, OrganisationStatus

TODAY = date(2026, 5, 4)
# The secret every demo app of these tests shares, as a deployment keeps its own: the survey answers of the
# running cohort stay linked to their authors (respondent_key) from the seeding app to the reading one.
SECRET_KEY = "demo-tests-secret-" + "x" * 32
COUNTED = (Organisation, OrganisationDomain, User, OrganisationAdmin, BoardMember, Topic, Cohort, Participation,
           OrganisationExclusion, MatchingRun, Pair, AuditEvent, CohortQuota, Profile, ProfileTopic)


@pytest.fixture
def demo_app(tmp_path: Path) -> Iterator[Flask]:
    """A demo app of its own on a fresh SQLite file (the seed runs inside the app, as `tandem seed-demo`)."""
    app = create_app({"TANDEM_ENV": "demo", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
                      "REDIS_URL": "", "SMTP_URL": "",
                      "SECRET_KEY": SECRET_KEY})
    database: Database = app.extensions["tandem.db"]
    Base.metadata.create_all(database.engine)
    yield app
    database.dispose()


@pytest.fixture
def database(demo_app: Flask) -> Iterator[Database]:
    database: Database = demo_app.extensions["tandem.db"]
    with demo_app.app_context():
        yield database


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.sessionmaker() as session:
        yield session


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo club seeded once (on TODAY) for the tests that only read it: each reads a copy of the file."""
    path = tmp_path_factory.mktemp("seeded") / "demo.db"
    app = create_app({"TANDEM_ENV": "demo", "DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": "", "SMTP_URL": "",
                      "SECRET_KEY": SECRET_KEY})
    database: Database = app.extensions["tandem.db"]
    Base.metadata.create_all(database.engine)
    with app.app_context(), database.sessionmaker() as session:
        seed_demo(session, today=TODAY)
    database.dispose()
    return path


@pytest.fixture
def seeded(seeded_file: Path, tmp_path: Path) -> Iterator[Session]:
    """A session on a copy of the seeded club, inside a demo app of its own."""
    copy = tmp_path / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{seeded_file}{suffix}").exists():
            shutil.copyfile(f"{seeded_file}{suffix}", f"{copy}{suffix}")
    app = create_app({"TANDEM_ENV": "demo", "DATABASE_URL": f"sqlite:///{copy}", "REDIS_URL": "", "SMTP_URL": "",
                      "SECRET_KEY": SECRET_KEY})
    database: Database = app.extensions["tandem.db"]
    with app.app_context(), database.sessionmaker() as session:
        yield session
    database.dispose()


def counts(session: Session) -> dict[str, int]:
    with club_scope(session):
        return {
            model.__name__: session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
            for model in COUNTED
        }


def test_seeding_twice_creates_nothing_the_second_time(database: Database) -> None:
    with database.sessionmaker() as first:
        report = seed_demo(first, today=TODAY)
        after_first = counts(first)
    assert report.created
    assert report.organisations == 9 and report.pairs > 0
    assert {k: v for k, v in report.counts().items() if k != "domains"} == {
        "organisations": after_first["Organisation"], "users": after_first["User"],
        "organisation_admins": after_first["OrganisationAdmin"], "board_members": after_first["BoardMember"],
        "topics": after_first["Topic"], "cohorts": after_first["Cohort"],
        "participations": after_first["Participation"], "exclusions": after_first["OrganisationExclusion"],
        "matching_runs": after_first["MatchingRun"], "pairs": after_first["Pair"],
        "audit_events": after_first["AuditEvent"], "quotas": after_first["CohortQuota"],
        "profiles": after_first["Profile"], "profile_topics": after_first["ProfileTopic"],
    }
    assert after_first["CohortQuota"] > 0 and after_first["Profile"] > 0 and after_first["ProfileTopic"] > 0

    assert report.outcomes_counts() == {"surveys": 4, "survey_invitations": 22 + 22 + 20,
                                        "survey_responses": 22 + 22 + 11, "survey_answers": 5 * (22 + 22 + 11),
                                        "survey_learnings": 21}
    assert "survey responses" in report.describe()

    # Another session, another day: still nothing new.
    with database.sessionmaker() as second:
        again = seed_demo(second, today=date(2026, 9, 30))
        assert counts(second) == after_first
    assert again == SeedReport()
    assert not again.created
    assert "nothing was created" in again.describe()


def test_a_partly_seeded_database_is_completed_without_duplicates(session: Session) -> None:
    seed_demo(session, today=TODAY)
    full = counts(session)
    with club_scope(session):
        running = session.scalars(sa.select(Cohort).where(Cohort.slug == "cohort-2026")).one()
        one_pair = session.scalars(sa.select(Pair).where(Pair.cohort_id == running.id).limit(1)).one()
        mentee = session.get(Participation, one_pair.mentee_participation_id)
        session.delete(mentee)  # takes its pair, profile and profile topics with it
        sustainability = session.scalars(sa.select(Topic).where(Topic.slug == "sustainability")).one()
        session.execute(sa.delete(ProfileTopic).where(ProfileTopic.topic_id == sustainability.id))
        session.delete(sustainability)
        session.delete(session.scalars(sa.select(CohortQuota).limit(1)).one())
        session.delete(session.scalars(sa.select(Profile).where(Profile.participation_id != mentee.id)
                                       .order_by(Profile.id).limit(1)).one())
        session.delete(session.scalars(sa.select(Cohort).where(Cohort.slug == "cohort-2028")).one())
        session.commit()
    assert counts(session)["Pair"] == full["Pair"] - 1

    report = seed_demo(session, today=TODAY)

    assert (report.participations, report.pairs, report.topics, report.cohorts) == (1, 1, 1, 1)
    assert (report.users, report.organisations, report.matching_runs) == (0, 0, 0)
    assert report.quotas == 1 and report.profiles == 2 and report.profile_topics > 0
    assert counts(session) == full


def test_the_club_looks_like_the_brief(seeded: Session) -> None:
    session = seeded
    with club_scope(session):
        orgs = session.scalars(sa.select(Organisation)).all()
        assert 8 <= len(orgs) <= 10
        assert {o.status for o in orgs} == {OrganisationStatus.ACTIVE, OrganisationStatus.SUSPENDED}
        assert all(o.domains and all(d.domain.endswith(".example") for d in o.domains) for o in orgs)
        assert any(o.slug == "lemanis-assurances" for o in orgs)

        admins = session.scalars(sa.select(OrganisationAdmin)).all()
        assert sorted(a.organisation_id for a in admins) == sorted(o.id for o in orgs)
        assert session.scalar(sa.select(sa.func.count()).select_from(BoardMember)) == 3

        topics = {t.slug for t in session.scalars(sa.select(Topic))}
        assert len(topics) == 10 and {"artificial-intelligence", "feedback-culture"} <= topics

        participations = session.scalars(sa.select(Participation)).all()
        assert len(participations) >= 40
        people = {p.user_id for p in participations}
        assert len(people) >= 38
        roles = [p.role for p in participations]
        assert 0.4 <= roles.count(ParticipationRole.MENTOR) / len(roles) <= 0.6
        per_org = {o.id: sum(1 for p in participations if p.organisation_id == o.id) for o in orgs}
        assert len(set(per_org.values())) > 1  # spread unevenly

        for user in session.scalars(sa.select(User)):
            local, domain = user.email.split("@")
            assert user.email.isascii() and user.email == user.email.lower()
            assert domain in {d.domain for d in user.organisation.domains}
            first, *_rest = user.display_name.split(" ")
            assert local.startswith(ascii_email_part(first) + ".")
        languages = {u.preferred_language for u in session.scalars(sa.select(User))}
        assert languages == {"de", "fr", "it", "en"}


def test_emails_transliterate_umlauts() -> None:
    assert ascii_email_part("Hansjörg") == "hansjoerg"
    assert ascii_email_part("Claußen") == "claussen"
    assert ascii_email_part("Chloé") == "chloe"
    assert ascii_email_part("Maier-Hoch") == "maier-hoch"


def test_cohorts_cover_the_lifecycle_relative_to_today(seeded: Session) -> None:
    session = seeded
    with club_scope(session):
        cohorts = {c.slug: c for c in session.scalars(sa.select(Cohort))}
        by_state = {c.state: c for c in cohorts.values()}
        assert set(by_state) >= {CohortState.ARCHIVED, CohortState.RUNNING, CohortState.NOMINATIONS_OPEN,
                                 CohortState.DRAFT}

        pilot, running = by_state[CohortState.ARCHIVED], by_state[CohortState.RUNNING]
        open_, draft = by_state[CohortState.NOMINATIONS_OPEN], by_state[CohortState.DRAFT]
        assert pilot.symposium_on < TODAY
        assert running.kickoff_on < TODAY < running.closing_on < running.symposium_on
        assert running.symposium_venue == "Kursaal Bern"
        assert TODAY < open_.nomination_deadline <= open_.kickoff_on
        for cohort in cohorts.values():
            assert (cohort.meeting_every_min_weeks, cohort.meeting_every_max_weeks) == (3, 4)

        def statuses(cohort: Cohort) -> set[str]:
            return set(session.scalars(sa.select(Participation.status).where(Participation.cohort_id == cohort.id)))

        assert statuses(pilot) == statuses(running) == {ParticipationStatus.ACTIVE}
        assert statuses(open_) == {ParticipationStatus.NOMINATED, ParticipationStatus.INVITED,
                                   ParticipationStatus.ACTIVE, ParticipationStatus.DECLINED}
        assert statuses(draft) == set()
        winter = by_state[CohortState.MATCHING]
        assert winter.nomination_deadline < TODAY < winter.kickoff_on
        assert statuses(winter) == {ParticipationStatus.ACTIVE}
        for p in session.scalars(sa.select(Participation)):
            assert (p.consent_at is None) == (p.consent_version is None)
            assert (p.consent_at is not None) == (p.status == ParticipationStatus.ACTIVE)
            assert p.organisation_id == p.user.organisation_id


def test_pairs_keep_the_hard_constraints(seeded: Session) -> None:
    session = seeded
    with club_scope(session):
        excluded = {frozenset((e.organisation_a_id, e.organisation_b_id))
                    for e in session.scalars(sa.select(OrganisationExclusion))}
        assert excluded
        cohorts = {c.id: c for c in session.scalars(sa.select(Cohort))}
        pairs = session.scalars(sa.select(Pair)).all()
        assert {cohorts[p.cohort_id].state for p in pairs} == {CohortState.RUNNING, CohortState.ARCHIVED}
        for pair in pairs:
            mentor = session.get(Participation, pair.mentor_participation_id)
            mentee = session.get(Participation, pair.mentee_participation_id)
            assert mentor.cohort_id == mentee.cohort_id == pair.cohort_id
            assert (mentor.role, mentee.role) == (ParticipationRole.MENTOR, ParticipationRole.MENTEE)
            assert mentor.organisation_id != mentee.organisation_id
            assert frozenset((mentor.organisation_id, mentee.organisation_id)) not in excluded
            assert 0 < pair.score <= 1
            assert set(pair.explanation) == {"topics", "format", "weekdays", "career_gap"}  # the engine's
            assert pair.activated_at is not None
            expected = PairStatus.ACTIVE if cohorts[pair.cohort_id].state == CohortState.RUNNING else PairStatus.ENDED
            assert pair.status == expected
        for cohort in cohorts.values():
            in_pairs = [p for p in pairs if p.cohort_id == cohort.id]
            people = [p.mentor_participation_id for p in in_pairs] + [p.mentee_participation_id for p in in_pairs]
            assert len(people) == len(set(people))  # nobody paired twice in a cohort

        runs = session.scalars(sa.select(MatchingRun)).all()
        assert {r.status for r in runs} == {MatchingRunStatus.SUCCEEDED}
        assert all(r.published_at is not None for r in runs)
        for run in runs:
            scores = [p.score for p in pairs if p.matching_run_id == run.id]
            assert run.figures["lowest_score"] == min(scores)
            assert run.figures["share_matched"] == 1.0


def test_quotas_cover_the_open_and_running_cohorts(seeded: Session) -> None:
    session = seeded
    with club_scope(session):
        cohorts = {c.slug: c for c in session.scalars(sa.select(Cohort))}
        orgs = {o.id: o for o in session.scalars(sa.select(Organisation))}
        quotas = session.scalars(sa.select(CohortQuota)).all()
        assert {q.cohort_id for q in quotas} == {
            cohorts["cohort-2026"].id, cohorts["cohort-2027"].id, cohorts["winter-2027"].id}
        for cohort in (cohorts["cohort-2026"], cohorts["cohort-2027"], cohorts["winter-2027"]):
            given = {q.organisation_id: q for q in quotas if q.cohort_id == cohort.id}
            assert len(given) >= 2
            assert all(orgs[oid].status == OrganisationStatus.ACTIVE for oid in given)
            holding = session.execute(
                sa.select(Participation.organisation_id, Participation.role, sa.func.count())
                .where(Participation.cohort_id == cohort.id, Participation.status.in_(OCCUPYING_STATUSES))
                .group_by(Participation.organisation_id, Participation.role)
            ).all()
            for organisation_id, role, count in holding:
                quota = given[organisation_id]
                assert count <= (quota.mentors if role == ParticipationRole.MENTOR else quota.mentees)
        running = [q for q in quotas if q.cohort_id == cohorts["cohort-2026"].id]
        assert sum(q.mentors for q in running) == sum(q.mentees for q in running) == 10  # its ten pairs

        assert cohorts["cohort-2027"].languages == ["de", "fr", "it", "en"]
        assert cohorts["cohort-2026"].languages == ["de", "fr", "it", "en"]
        assert cohorts["cohort-2028"].languages == []  # the draft: not decided yet


def test_most_people_taking_part_have_complete_profiles(seeded: Session) -> None:
    session = seeded
    with club_scope(session):
        cohorts = {c.slug: c.id for c in session.scalars(sa.select(Cohort))}
        taking_part = session.scalars(sa.select(Participation).where(
            Participation.cohort_id.in_([cohorts["cohort-2026"], cohorts["cohort-2027"]]),
            Participation.status == ParticipationStatus.ACTIVE)).all()
        profiles = {p.participation_id: p for p in session.scalars(sa.select(Profile))}
        topics = {t.id for t in session.scalars(sa.select(Topic))}
        ranks: dict[int, list[int | None]] = {}
        for row in session.scalars(sa.select(ProfileTopic)):
            assert row.topic_id in topics
            ranks.setdefault(row.participation_id, []).append(row.rank)
        complete = [p for p in taking_part if profile_completeness(profiles.get(p.id), ranks.get(p.id, [])).complete]
        incomplete = [p for p in taking_part if p not in complete]
        assert len(complete) >= 0.8 * len(taking_part)
        assert 2 <= len(incomplete) <= 5
        assert any(p.id not in profiles for p in incomplete)  # accepted, profile not started
        assert any(p.id in profiles for p in incomplete)
        for participation in complete:
            assert sorted(r for r in ranks[participation.id] if r is not None) == [1, 2, 3]
            profile = profiles[participation.id]
            assert profile.organisation_id == participation.organisation_id
            assert set(profile.languages) <= {"de", "fr", "it", "en"} and profile.languages
        # Profiles only for people taking part.
        active_ids = {p.id for p in session.scalars(sa.select(Participation).where(
            Participation.status == ParticipationStatus.ACTIVE))}
        assert set(profiles) <= active_ids


# ------------------------------------------------------------------------------------------ the programme


def _events(session: Session, slug: str) -> list[ProgrammeEvent]:
    cohort = session.scalars(sa.select(Cohort).where(Cohort.slug == slug)).one()
    return list(session.scalars(sa.select(ProgrammeEvent).where(ProgrammeEvent.cohort_id == cohort.id)
                                .order_by(ProgrammeEvent.starts_at)))


def _answers(session: Session, event: ProgrammeEvent) -> Counter[str]:
    return Counter(session.scalars(sa.select(EventInvitation.answer).where(EventInvitation.event_id == event.id)))


def _day(moment: datetime) -> date:
    return as_utc(moment).astimezone(club_zone()).date()


def _morning() -> datetime:
    """The morning of the seed's day, in the club's time zone: the story's present."""
    return datetime.combine(TODAY, time(8, 0), club_zone())


def test_the_running_cohort_has_answered_past_events_a_full_workshop_and_its_symposium(seeded: Session) -> None:
    session = seeded
    morning = _morning()
    with club_scope(session):
        running = session.scalars(sa.select(Cohort).where(Cohort.slug == "cohort-2026")).one()
        events = {e.kind: e for e in _events(session, "cohort-2026")}
        assert set(events) >= {EventKind.KICKOFF, EventKind.TRAINING, EventKind.WORKSHOP, EventKind.SYMPOSIUM}
        assert {e.status for e in events.values()} == {EventStatus.PUBLISHED}

        kickoff = events[EventKind.KICKOFF]
        assert as_utc(kickoff.starts_at) < morning and _day(kickoff.starts_at) == running.kickoff_on
        answers = _answers(session, kickoff)
        assert answers[Answer.YES] > sum(answers.values()) / 2 and answers[Answer.NO] >= 1
        assert answers[Answer.MAYBE] == 1 and answers[Answer.WAITING] == 0

        training = events[EventKind.TRAINING]
        assert as_utc(training.starts_at) < morning and training.audience == [Audience.MENTORS]
        answers = _answers(session, training)
        assert answers[Answer.YES] > sum(answers.values()) / 2 and answers[Answer.NO] >= 1
        assert answers[Answer.MAYBE] == 1
        invited_as = set(session.scalars(sa.select(EventInvitation.invited_as)
                                         .where(EventInvitation.event_id == training.id)))
        assert invited_as == {Audience.MENTORS}

        workshop = events[EventKind.WORKSHOP]
        assert morning < as_utc(workshop.starts_at) < morning + timedelta(days=21)
        answers = _answers(session, workshop)
        assert workshop.capacity is not None and answers[Answer.YES] == workshop.capacity
        assert answers[Answer.WAITING] == 1 and answers[Answer.NONE] > answers[Answer.YES]
        waiting = session.scalars(sa.select(EventInvitation).where(EventInvitation.event_id == workshop.id,
                                                                    EventInvitation.answer == Answer.WAITING)).one()
        latest_yes = session.scalar(sa.select(sa.func.max(EventInvitation.answered_at)).where(
            EventInvitation.event_id == workshop.id, EventInvitation.answer == Answer.YES))
        assert waiting.answered_at > latest_yes  # said yes once the places were taken

        symposium = events[EventKind.SYMPOSIUM]
        assert as_utc(symposium.starts_at) > morning and _day(symposium.starts_at) == running.symposium_on
        assert symposium.venue_name == running.symposium_venue == "Kursaal Bern"
        host = session.get(Organisation, symposium.host_organisation_id)
        assert host is not None and host.slug == "berner-verkehrsbetriebe"
        assert set(symposium.audience) == set(Audience)
        assert _answers(session, symposium)[Answer.NONE] > 0

        # Stamped with the story's moments, none after the morning of the seed's day.
        for event in events.values():
            assert event.published_at is not None and as_utc(event.published_at) < morning
            assert as_utc(event.created_at) < as_utc(event.published_at)
            assert session.scalar(sa.select(sa.func.max(EventInvitation.answered_at))
                                  .where(EventInvitation.event_id == event.id)) is not None
        latest = session.scalar(sa.select(sa.func.max(EventInvitation.answered_at)))
        assert as_utc(latest) < morning
        # Every invitee was told, with the event as a calendar file.
        assert session.scalar(sa.select(sa.func.count()).select_from(EventInvitation)
                              .where(EventInvitation.mailed_sequence < 0)) == 0
        invitation = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "programme_invitation")
                                     .limit(1)).one()
        assert any(a["content_type"].startswith("text/calendar") for a in invitation.attachments)


def test_the_pilot_has_its_whole_programme_past_and_answered(seeded: Session) -> None:
    session = seeded
    morning = _morning()
    with club_scope(session):
        pilot = session.scalars(sa.select(Cohort).where(Cohort.slug == "pilot-2025")).one()
        events = _events(session, "pilot-2025")
        assert len(events) == 5
        assert [e.kind for e in events] == [EventKind.KICKOFF, EventKind.TRAINING, EventKind.WORKSHOP,
                                             EventKind.CLOSING, EventKind.SYMPOSIUM]
        assert {e.status for e in events} == {EventStatus.PUBLISHED}
        assert all(as_utc(e.ends_at) < morning for e in events)
        by_kind = {e.kind: e for e in events}
        assert _day(by_kind[EventKind.KICKOFF].starts_at) == pilot.kickoff_on
        assert _day(by_kind[EventKind.CLOSING].starts_at) == pilot.closing_on
        assert _day(by_kind[EventKind.SYMPOSIUM].starts_at) == pilot.symposium_on
        for event in events:
            answers = _answers(session, event)
            assert answers[Answer.NONE] == 0 and answers[Answer.YES] > 0
            assert set(event.titles) == set(pilot.languages)


def test_the_programme_keeps_the_cohorts_dates_on_working_days(seeded: Session) -> None:
    session = seeded
    with club_scope(session):
        for cohort in session.scalars(sa.select(Cohort)):
            spec = next(s for s in data.COHORTS if s.slug == cohort.slug)
            dates = cohort_dates(spec, TODAY)
            assert (cohort.kickoff_on, cohort.closing_on, cohort.symposium_on) == (
                dates["kickoff_on"], dates["closing_on"], dates["symposium_on"])
        for event in session.scalars(sa.select(ProgrammeEvent)):
            assert _day(event.starts_at).weekday() < 5
        # The kick-off was published before the programme started, as the lifecycle asks.
        started = {e.target_id: e.occurred_at for e in session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "cohort.state_changed")) if e.details.get("transition") == "start_programme"}
        for cohort_id, moment in started.items():
            kickoff = session.scalars(sa.select(ProgrammeEvent).where(
                ProgrammeEvent.cohort_id == cohort_id, ProgrammeEvent.kind == EventKind.KICKOFF)).one()
            assert as_utc(kickoff.published_at) < as_utc(moment)
        assert len(started) == 2


def test_a_second_seed_creates_no_event_invitation_or_mail(demo_app: Flask, database: Database) -> None:
    def rows(session: Session) -> list[int]:
        with club_scope(session):
            return [session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
                    for model in (ProgrammeEvent, EventInvitation, OutboxMessage)]

    with database.sessionmaker() as first:
        report = seed_demo(first, today=TODAY)
        after_first = rows(first)
    assert [report.programme_events, report.event_invitations, report.mails] == after_first
    assert after_first[0] == 9 and after_first[1] > 100
    assert "programme events" in report.describe()
    assert demo_app.extensions["tandem.clock"].fixed is None  # the seed gave the clock back

    for later in (TODAY, TODAY + timedelta(days=40)):
        with database.sessionmaker() as again:
            second = seed_demo(again, today=later)
            assert rows(again) == after_first
        assert second.programme_counts() == {"programme_events": 0, "event_invitations": 0, "stories": 0,
                                             "mails": 0}
        assert set(second.outcomes_counts().values()) == {0}
        assert not second.created


def test_a_missing_event_is_put_back_through_the_operations(session: Session) -> None:
    seed_demo(session, today=TODAY)
    with club_scope(session):
        workshop = next(e for e in _events(session, "cohort-2026") if e.kind == EventKind.WORKSHOP)
        invited = sum(_answers(session, workshop).values())
        session.delete(workshop)  # with its invitations
        cancelled = next(e for e in _events(session, "cohort-2026") if e.kind == EventKind.TRAINING)
        cancelled.status = EventStatus.CANCELLED  # what someone did while trying the demo: left as it is
        session.commit()

    report = seed_demo(session, today=TODAY)

    assert (report.programme_events, report.event_invitations, report.mails) == (1, invited, invited)
    assert report.audit_events == 0
    with club_scope(session):
        events = _events(session, "cohort-2026")
        assert sorted(e.kind for e in events) == sorted(
            [EventKind.KICKOFF, EventKind.TRAINING, EventKind.WORKSHOP, EventKind.SYMPOSIUM])
        workshop = next(e for e in events if e.kind == EventKind.WORKSHOP)
        assert workshop.status == EventStatus.PUBLISHED and _answers(session, workshop)[Answer.WAITING] == 1
        assert next(e for e in events if e.kind == EventKind.TRAINING).status == EventStatus.CANCELLED


def test_the_running_cohorts_pairs_have_lived_their_first_months(seeded: Session) -> None:
    """Agreements, meetings held with check-ins, one pair silent and flagged, one overdue and reminded, one
    mentor asking the board for help; the README's mentor and mentee each have a pair with history."""
    from tandem.platform.pairs.models import (
        HelpRequest,
        MeetingStatus,
        NudgeDelivery,
        NudgeStep,
        PairAgreement,
        PairCheckIn,
        PairMeeting,
        PairNudge,
    )

    session = seeded
    with club_scope(session):
        running = session.scalars(sa.select(Cohort).where(Cohort.slug == "cohort-2026")).one()
        pairs = {pair.id: pair for pair in session.scalars(sa.select(Pair).where(Pair.cohort_id == running.id))}
        held = Counter(session.scalars(sa.select(PairMeeting.pair_id).where(
            PairMeeting.pair_id.in_(list(pairs)), PairMeeting.status == MeetingStatus.HELD)))
        assert len(held) == len(pairs) == 10 and sum(held.values()) >= 30
        assert session.scalar(sa.select(sa.func.count()).select_from(PairCheckIn)) >= 50
        assert session.scalar(sa.select(sa.func.count()).select_from(PairAgreement)
                              .where(PairAgreement.pair_id.in_(list(pairs)))) == 9
        steps = Counter(session.scalars(sa.select(PairNudge.step)))
        assert steps == {NudgeStep.FLAG: 1, NudgeStep.REMINDER: 1}
        assert session.scalar(sa.select(sa.func.count()).select_from(NudgeDelivery)
                              .where(NudgeDelivery.outbox_message_id.is_not(None))) == 7
        [help_request] = session.scalars(sa.select(HelpRequest)).all()
        assert help_request.resolved_at is None
        for email in ("lara.meier@alpenbank.example", "ursula.haegeli@alpenbank.example"):
            person = session.scalars(sa.select(User).where(User.email == email)).one()
            own = session.scalars(sa.select(Participation.id).where(Participation.user_id == person.id,
                                                                     Participation.cohort_id == running.id)).all()
            [pair] = [p for p in pairs.values() if {p.mentor_participation_id, p.mentee_participation_id} & set(own)]
            assert held[pair.id] >= 3, email


def test_an_anonymous_visitor_reads_the_pilots_showcase(seeded: Session) -> None:
    """The archived pilot's showcase is public: its figures, the symposium's programme, six stories with
    photos drawn for the demo, and of each person only what they consented to; the running cohort's stories
    are drafts, on no public page."""
    from flask import current_app

    from tandem.platform.pairs.models import MeetingStatus, PairMeeting
    from tandem.platform.showcase.models import Story, SymposiumSlot

    with club_scope(seeded):
        pilot = seeded.scalars(sa.select(Cohort).where(Cohort.slug == "pilot-2025")).one()
        assert pilot.state == CohortState.ARCHIVED
        stories = seeded.scalars(sa.select(Story).where(Story.cohort_id == pilot.id)).all()
        assert len(stories) == 6 and all(s.chosen and s.confirmed_by_both for s in stories)
        assert sum(s.has_photo for s in stories) == 6
        assert seeded.scalar(sa.select(sa.func.count()).select_from(SymposiumSlot)
                             .where(SymposiumSlot.cohort_id == pilot.id)) == len(data.SYMPOSIUM_SLOTS)
        held = seeded.scalar(sa.select(sa.func.count()).select_from(PairMeeting)
                             .join(Pair, Pair.id == PairMeeting.pair_id)
                             .where(Pair.cohort_id == pilot.id, PairMeeting.status == MeetingStatus.HELD))
        drafts = seeded.scalars(sa.select(Story.title).join(Cohort, Cohort.id == Story.cohort_id)
                                .where(Cohort.slug == "cohort-2026")).all()
    assert held == 66 and len(drafts) == 2
    client = current_app.test_client()
    landing = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/showcase/"' in landing
    index = client.get("/showcase/?lang=en")
    assert index.status_code == 200 and "Pilot 2025" in index.get_data(as_text=True)
    page = client.get("/showcase/pilot-2025/?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "66" in html
    for story in stories:
        assert story.title.replace("'", "&#39;") in html
        assert client.get(f"/showcase/pilot-2025/stories/{story.id}?lang=en").status_code == 200
    for title in drafts:
        assert title not in html
    # the people who did not consent to their name are described instead
    assert "Claudia Brändle" not in html and "Leiterin Kommunikation einer Klinikgruppe am Bodensee" in html
    assert "Jana Gerber" not in html and "Junge Journalistin aus dem Aargau" in html
    assert "Peter Rüegsegger" not in html and "Noah Brunner" in html
    assert "Bodensee Kliniken" not in html.split("organisations-title")[-1]  # its logo is not shown


# -------------------------------------------------------------------------------------------- the surveys


def _surveys(session: Session, slug: str) -> dict[str, Survey]:
    cohort = session.scalars(sa.select(Cohort).where(Cohort.slug == slug)).one()
    return {s.kind: s for s in session.scalars(sa.select(Survey).where(Survey.cohort_id == cohort.id))}


def _responses(session: Session, survey: Survey) -> list[SurveyResponse]:
    return list(session.scalars(sa.select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)))


def _answers_of(session: Session, survey: Survey) -> list[tuple[SurveyQuestion, SurveyAnswer, SurveyResponse]]:
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        sa.select(SurveyQuestion, SurveyAnswer, SurveyResponse)
        .join(SurveyAnswer, SurveyAnswer.question_id == SurveyQuestion.id)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyQuestion.survey_id == survey.id))]


def test_the_pilot_answered_both_surveys_completely_and_its_mentees_named_learnings(seeded: Session) -> None:
    """Both surveys of the archived pilot: opened and closed in its past, every person asked answered every
    question (varied points, texts in German and French, most shared), closing unlinked every answer; at the
    final survey every mentee named one to three learnings, most of them shared with their organisation."""
    session = seeded
    morning = _morning()
    with club_scope(session):
        pilot = session.scalars(sa.select(Cohort).where(Cohort.slug == "pilot-2025")).one()
        surveys = _surveys(session, "pilot-2025")
        assert set(surveys) == {SurveyKind.MIDPOINT, SurveyKind.FINAL}
        midpoint, final = surveys[SurveyKind.MIDPOINT], surveys[SurveyKind.FINAL]
        assert pilot.kickoff_on < midpoint.opens_on < midpoint.closes_on < pilot.closing_on
        assert (final.opens_on, final.closes_on) == (pilot.closing_on, pilot.symposium_on - timedelta(days=1))
        for survey in surveys.values():
            assert survey.opened_at is not None and survey.closed_at is not None
            assert _day(survey.opened_at) == survey.opens_on and as_utc(survey.closed_at) < morning
            assert _day(survey.closed_at) == survey.closes_on + timedelta(days=1)
            invitations = session.scalars(sa.select(SurveyInvitation)
                                          .where(SurveyInvitation.survey_id == survey.id)).all()
            assert len(invitations) == 22 and all(i.answered_at is not None for i in invitations)
            assert {as_utc(i.invited_at) for i in invitations} == {as_utc(survey.opened_at)}
            reminded = [i for i in invitations if i.reminded_at is not None]
            assert 0 < len(reminded) < 22  # once, a week on, to those who had not answered by then
            assert all(as_utc(i.answered_at) > as_utc(i.reminded_at) for i in reminded)
            assert all(survey.opens_on <= _day(i.answered_at) <= survey.closes_on for i in invitations)
            responses = _responses(session, survey)
            assert len(responses) == 22 and all(r.respondent_key is None for r in responses)
            assert Counter(r.role for r in responses) == {ParticipationRole.MENTOR: 11, ParticipationRole.MENTEE: 11}
            answers = _answers_of(session, survey)
            assert len(answers) == 22 * 5  # every question of their role
            by_key: dict[str, list[SurveyAnswer]] = {}
            for question, answer, _response in answers:
                assert question.key is not None
                by_key.setdefault(question.key, []).append(answer)
            assert {key: len(given) for key, given in by_key.items()} == {key: 11 for key in by_key}
            for key in ("mentee_goals", "mentee_useful", "mentee_recommend", "mentor_goals", "mentor_recommend"):
                assert len({a.scale_value for a in by_key[key]}) >= 2, key  # varied
            assert all(a.choices for a in by_key["mentor_gained"])
            texts = [a for key in ("mentee_changed", "mentee_open", "mentor_open") for a in by_key[key]]
            assert all(a.text for a in texts)
            shared = sum(a.share_text for a in texts)
            assert len(texts) / 2 < shared < len(texts)  # most shared, not all
            assert any("é" in (a.text or "") or "l'" in (a.text or "") for a in texts)  # some in French
            assert len({a.text for a in by_key["mentee_changed"]}) >= 5

        learnings = session.execute(
            sa.select(SurveyResponse.id, SurveyResponse.share_learnings, sa.func.count(SurveyLearning.position))
            .join(SurveyLearning, SurveyLearning.response_id == SurveyResponse.id)
            .where(SurveyResponse.survey_id == final.id).group_by(SurveyResponse.id)).all()
        mentees = [r.id for r in _responses(session, final) if r.role == ParticipationRole.MENTEE]
        assert sorted(row[0] for row in learnings) == sorted(mentees)  # every mentee named some
        assert {row[2] for row in learnings} == {1, 2, 3}
        assert 11 / 2 < sum(row[1] for row in learnings) < 11  # most shared them
        assert session.scalar(sa.select(sa.func.count()).select_from(SurveyLearning).join(
            SurveyResponse, SurveyResponse.id == SurveyLearning.response_id)
            .where(SurveyResponse.survey_id == midpoint.id)) == 0


def test_the_running_cohorts_midpoint_survey_is_open_with_answers_from_some(seeded: Session) -> None:
    """Open since a few days: some have answered (their answers still theirs to change), so that the cohort's
    figures for each role are shown and every organisation's fall under the anonymity threshold or have none."""
    from flask import current_app

    from tandem.platform.demo.guide import guide_text as demo_guide
    from tandem.platform.outcomes.surveys.operations import respondent_key

    session = seeded
    morning = _morning()
    threshold = current_app.config["TANDEM"].report_min_group
    with club_scope(session):
        surveys = _surveys(session, "cohort-2026")
        midpoint, final = surveys[SurveyKind.MIDPOINT], surveys[SurveyKind.FINAL]
        assert final.opened_at is None  # at the closing
        assert midpoint.opened_at is not None and midpoint.closed_at is None
        assert midpoint.opens_on == TODAY - timedelta(days=data.OPENED_DAYS_AGO) < TODAY <= midpoint.closes_on
        assert as_utc(midpoint.opened_at) < morning
        invitations = session.scalars(sa.select(SurveyInvitation)
                                      .where(SurveyInvitation.survey_id == midpoint.id)).all()
        answered = [i for i in invitations if i.answered_at is not None]
        assert len(invitations) == 20 and len(answered) == 11
        assert all(as_utc(midpoint.opened_at) < as_utc(i.answered_at) < morning for i in answered)
        # The survey's job opened it and mailed everyone asked (a week has not passed: nobody reminded).
        assert all(i.invited_at is not None and i.reminded_at is None for i in invitations)
        mailed = session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == "survey_invitation"))
        assert len(list(mailed)) == 20

        responses = _responses(session, midpoint)
        participations = {p.id: p for p in session.scalars(sa.select(Participation).where(
            Participation.id.in_([i.participation_id for i in answered])))}
        keys = {respondent_key(midpoint.id, participation_id) for participation_id in participations}
        assert {r.respondent_key for r in responses} == keys  # each can still find and change their answers
        assert len(_answers_of(session, midpoint)) == 11 * 5
        by_role = Counter(r.role for r in responses)
        assert by_role[ParticipationRole.MENTOR] >= threshold and by_role[ParticipationRole.MENTEE] >= threshold
        by_organisation = Counter((r.organisation_id, r.role) for r in responses)
        assert all(0 < count < threshold for count in by_organisation.values())
        taking_part = set(session.scalars(sa.select(Participation.organisation_id)
                                          .where(Participation.cohort_id == midpoint.cohort_id)))
        silent = taking_part - {organisation_id for organisation_id, _role in by_organisation}
        assert len(silent) >= 2  # organisations with no answers at all

        # The demo guide's mentee has not answered yet (she is there to try it), its mentor has.
        guide = {u.email: u.id for u in session.scalars(sa.select(User).where(User.email.in_(
            ["ursula.haegeli@alpenbank.example", "lara.meier@alpenbank.example"])))}
        answered_users = {participations[i.participation_id].user_id for i in answered}
        assert guide["lara.meier@alpenbank.example"] in answered_users
        assert guide["ursula.haegeli@alpenbank.example"] not in answered_users
    guide_text = demo_guide(current_app._get_current_object())  # type: ignore[attr-defined]
    assert "mid-point survey is open" in guide_text and "Ursula Hägeli not yet" in guide_text


def test_the_reports_read_the_demos_surveys(seeded: Session) -> None:
    """The board's report of the pilot is full of figures; the running cohort's shows the cohort's while
    every organisation's group reads "fewer than 5 answers" or "no answers"; an organisation's admin reads her
    people against the cohort as a whole, and downloads it as XLSX."""
    import io

    from flask import current_app
    from openpyxl import load_workbook

    from tests.fixtures.services import sign_in_client

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with club_scope(seeded):
        cohorts = {c.slug: c.id for c in seeded.scalars(sa.select(Cohort))}
        readers = seeded.scalars(sa.select(User).where(User.email.in_(
            ["regula.widmer@alpenbank.example", "sandra.frei@alpenbank.example"]))).all()
        people = {u.email: u.id for u in readers}
        for reader in readers:
            reader.preferred_language = "en"  # the reports in English (questions, groups, hidden figures)
        seeded.commit()  # which ends the transaction: the sign-ins write to the same SQLite file

    def get(client: Any, url: str) -> Any:
        """A request inside this test's app context, which the request shares: its session is ended after it, as
        the app context's teardown would (another request may write to the same SQLite file)."""
        response = client.get(url)
        app.extensions["tandem.db"].session.remove()
        return response

    board = sign_in_client(app.test_client(), people["regula.widmer@alpenbank.example"])
    pilot = get(board, f"/board/cohorts/{cohorts['pilot-2025']}/report")
    html = pilot.get_data(as_text=True)
    assert pilot.status_code == 200
    assert "Mid-point survey: How far have you reached the goals you set?" in html
    assert "Final survey: What has changed in how you work?" in html
    running = get(board, f"/board/cohorts/{cohorts['cohort-2026']}/report").get_data(as_text=True)
    assert "fewer than 5 answers" in running and "no answers" in running

    admin = sign_in_client(app.test_client(), people["sandra.frei@alpenbank.example"])
    page = get(admin, f"/o/alpenbank-zuerich/reports/{cohorts['pilot-2025']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "The cohort as a whole" in html and "fewer than 5 answers" in html
    download = get(admin, f"/o/alpenbank-zuerich/reports/{cohorts['pilot-2025']}.xlsx")
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(download.data), read_only=True)
    rows = [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    whole = [row for row in rows if row and row[0] == "The cohort as a whole"]
    # Each of the two surveys' ten questions: the pilot's eleven people of its role; the check-ins: all of them.
    assert sorted(row[1] for row in whole) == [11] * 20 + [22]
    # Alpenbank's five mentees: their figures shown; its one mentor's held back.
    own = [row for row in rows if row and row[0] == "Your organisation"]
    assert [row[1] for row in own].count(5) == 10 and [row[1] for row in own].count("fewer than 5 answers") == 10
    learned = {str(cell) for row in rows for cell in row if cell is not None} & set(data.LEARNINGS["de"])
    assert len(learned) >= 2  # the learnings its mentees shared


def test_italian_speaking_people_from_ticino_and_events_in_italian(seeded: Session) -> None:
    session = seeded
    with club_scope(session):
        chiara = session.scalars(sa.select(User).where(User.email.startswith("chiara.bernasconi@"))).one()
        assert chiara.preferred_language == "it" and chiara.organisation.name == "Banca Ceresio Lugano"
        participation = session.scalars(sa.select(Participation).where(Participation.user_id == chiara.id)).one()
        profile = session.scalars(sa.select(Profile).where(Profile.participation_id == participation.id)).one()
        assert profile.bio == ("Giovane professionista presso Banca Ceresio Lugano a Lugano. "
                               "Temi: social media, intelligenza artificiale, nuovi modi di lavorare.")
        assert profile.languages == ["de", "it", "en"]
        topics = {t.slug: t.label("it") for t in session.scalars(sa.select(Topic))}
        assert topics["artificial-intelligence"] == "Intelligenza artificiale"
        running = session.scalars(sa.select(Cohort).where(Cohort.slug == "cohort-2026")).one()
        events = session.scalars(sa.select(ProgrammeEvent).where(ProgrammeEvent.cohort_id == running.id)).all()
        assert events and all(event.titles.get("it") for event in events)
        assert any(event.titles["it"] == "Simposio della coorte 2026" for event in events)
