"""The outcome reports for a cohort of 5,000 participants: the club's report of the cohort, the club's report
across cohorts and an organisation's report, each rendered in under a second with a fixed number of SQL
statements.

Run from the repository root:

    .venv/bin/python -m bench.outcome_reports
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python -m bench.outcome_reports

In a database of its own (a temporary SQLite file, or a new PostgreSQL database when `DATABASE_URL` names
one: see bench/query_counts.py) migrated with Alembic, it bulk-inserts an archived cohort of `--pairs` pairs
(default 2,500: 5,000 participants) between people of 50 organisations, each with an admin, and a board
member; every pair held six meetings (one a month), each partner checked in after each, every pair set two
goals (one done), nine in ten completed, one in ten ended early; the final survey (the default mentee and
mentor questions with their keys: scales, a multiple choice, texts, a tenth of them shared) was answered by
four in five of the invited, and a third of the mentees shared learnings. Then, signed in (test client, no
network), it renders each page three times and prints the best time and the statements of the last.

Exit status: 1 when a page's best time is a second or more, or when a page is not 200; 0 otherwise.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench.query_counts import bench_database
from tandem import create_app
from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationStatus
from tandem.platform.database import Database
from tandem.platform.identity.models import User
from tandem.platform.migrate import upgrade
from tandem.platform.outcomes.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.pairs.models import (
    ClosureOutcome,
    GoalStatus,
    MeetingFormat,
    MeetingStatus,
    PairCheckIn,
    PairClosure,
    PairGoal,
    PairMeeting,
)
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import Organisation, OrganisationAdmin
from tests.fixtures.services import sign_in_client

ORGANISATIONS = 50
MONTHS = 6
LIMIT_SECONDS = 1.0
QUESTIONS = [  # key, audience, kind, scale
    ("mentee_goals", "mentee", "scale", (1, 5)), ("mentee_useful", "mentee", "scale", (1, 5)),
    ("mentee_changed", "mentee", "text", None), ("mentee_recommend", "mentee", "scale", (0, 10)),
    ("mentee_open", "mentee", "text", None), ("mentor_goals", "mentor", "scale", (1, 5)),
    ("mentor_useful", "mentor", "scale", (1, 5)), ("mentor_gained", "mentor", "multiple", None),
    ("mentor_recommend", "mentor", "scale", (0, 10)), ("mentor_open", "mentor", "text", None),
]


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> list[list[dict[str, Any]]]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def _insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        session.execute(sa.insert(model), chunk)


def build(app: Flask, pairs: int) -> dict[str, int]:
    """The club: organisations, people, the cohort, its pairs' lives and the final survey. Returns ids."""
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        with club_scope(session):
            _insert(session, Organisation, [{"slug": f"org-{n}", "name": f"Organisation {n}"}
                                            for n in range(ORGANISATIONS)])
            orgs = list(session.scalars(sa.select(Organisation.id).order_by(Organisation.id)))
            cohort = Cohort(slug="cohort-2027", name="Cohort 2027", state=CohortState.ARCHIVED,
                            nomination_deadline=date(2027, 1, 31), kickoff_on=date(2027, 3, 1),
                            closing_on=date(2027, 8, 30), symposium_on=date(2027, 9, 16))
            session.add(cohort)
            session.flush()
            people = [{"organisation_id": orgs[n % ORGANISATIONS], "email": f"person{n}@bench.example",
                       "display_name": f"Person {n}", "preferred_language": "en"} for n in range(2 * pairs)]
            staff = [{"organisation_id": orgs[n % ORGANISATIONS], "email": f"staff{n}@bench.example",
                      "display_name": f"Staff {n}", "preferred_language": "en"} for n in range(ORGANISATIONS + 1)]
            _insert(session, User, people + staff)
            users = {email: (user_id, org) for email, user_id, org in session.execute(
                sa.select(User.email, User.id, User.organisation_id))}
            _insert(session, OrganisationAdmin, [{"organisation_id": users[f"staff{n}@bench.example"][1],
                                                  "user_id": users[f"staff{n}@bench.example"][0]}
                                                 for n in range(ORGANISATIONS)])
            board_user = users[f"staff{ORGANISATIONS}@bench.example"][0]
            session.add(BoardMember(user_id=board_user))
            _insert(session, Participation, [
                {"organisation_id": users[f"person{n}@bench.example"][1],
                 "user_id": users[f"person{n}@bench.example"][0], "cohort_id": cohort.id,
                 "role": "mentor" if n % 2 == 0 else "mentee", "status": ParticipationStatus.ACTIVE}
                for n in range(2 * pairs)])
            participation = {user_id: (pid, org, role) for user_id, pid, org, role in session.execute(
                sa.select(Participation.user_id, Participation.id, Participation.organisation_id, Participation.role))}
            people_ids = [participation[users[f"person{n}@bench.example"][0]] for n in range(2 * pairs)]
            _insert(session, Pair, [
                {"cohort_id": cohort.id, "status": PairStatus.ENDED, "activated_at": datetime(2027, 2, 20, tzinfo=UTC),
                 "mentor_participation_id": people_ids[2 * n][0], "mentee_participation_id": people_ids[2 * n + 1][0]}
                for n in range(pairs)])
            pair_rows = session.execute(sa.select(Pair.id, Pair.mentor_participation_id,
                                                  Pair.mentee_participation_id).order_by(Pair.id)).all()
            _insert(session, PairClosure, [
                {"pair_id": pair_id, "outcome": ClosureOutcome.ENDED_EARLY if i % 10 == 0 else ClosureOutcome.COMPLETED}
                for i, (pair_id, _a, _b) in enumerate(pair_rows)])
            _insert(session, PairGoal, [
                {"pair_id": pair_id, "position": p, "text": "A goal", "status": GoalStatus.DONE if p == 1 else
                 GoalStatus.OPEN} for pair_id, _a, _b in pair_rows for p in (1, 2)])
            _insert(session, PairMeeting, [
                {"pair_id": pair_id, "uid": f"bench-{pair_id}-{m}@tandem.test", "status": MeetingStatus.HELD,
                 "starts_at": datetime(2027, 3 + m, 10, 16, tzinfo=UTC), "duration_minutes": 60,
                 "format": MeetingFormat.ONLINE} for pair_id, _a, _b in pair_rows for m in range(MONTHS)])
            meetings = session.execute(sa.select(PairMeeting.id, PairMeeting.pair_id)).all()
            partners = {pair_id: (a, b) for pair_id, a, b in pair_rows}
            _insert(session, PairCheckIn, [
                {"meeting_id": meeting_id, "pair_id": pair_id, "participation_id": who,
                 "usefulness": 1 + (meeting_id + who) % 4}
                for meeting_id, pair_id in meetings for who in partners[pair_id]])

            survey = Survey(cohort_id=cohort.id, kind="final", opens_on=date(2027, 8, 30),
                            closes_on=date(2027, 9, 15), opened_at=datetime(2027, 8, 30, tzinfo=UTC),
                            closed_at=datetime(2027, 9, 16, tzinfo=UTC))
            session.add(survey)
            session.flush()
            questions = []
            for position, (key, audience, kind, scale) in enumerate(QUESTIONS, start=1):
                question = SurveyQuestion(survey_id=survey.id, position=position, key=key, audience=audience,
                                          kind=kind, text_en=f"The question {key}",
                                          scale_min=scale[0] if scale else None, scale_max=scale[1] if scale else None,
                                          options=[{"en": f"Option {i}"} for i in range(5)] if kind == "multiple"
                                          else None)
                session.add(question)
                questions.append(question)
            session.flush()
            everyone = [pid for pid, _o, _r in participation.values()]
            by_id = {pid: (org, role) for pid, org, role in participation.values()}
            _insert(session, SurveyInvitation, [
                {"organisation_id": by_id[pid][0], "survey_id": survey.id, "participation_id": pid,
                 "invited_at": datetime(2027, 8, 30, tzinfo=UTC),
                 "answered_at": datetime(2027, 9, 1, tzinfo=UTC) if pid % 5 else None} for pid in everyone])
            responses, answers, learnings = [], [], []
            for pid in everyone:
                if not pid % 5:
                    continue
                org, role = by_id[pid]
                response_id = secrets.token_hex(16)
                responses.append({"id": response_id, "survey_id": survey.id, "role": role, "organisation_id": org,
                                  "share_learnings": role == "mentee" and pid % 3 == 0})
                for question in questions:
                    if question.audience != role:
                        continue
                    row: dict[str, Any] = {"response_id": response_id, "question_id": question.id,
                                           "scale_value": None, "choices": None, "text": None, "share_text": False}
                    if question.kind == "scale":
                        low, high = question.scale_min or 0, question.scale_max or 0
                        row["scale_value"] = low + pid % (high - low + 1)
                    elif question.kind == "multiple":
                        row["choices"] = sorted({pid % 5, (pid // 5) % 5})
                    else:
                        row["text"], row["share_text"] = f"An answer {pid}", pid % 10 == 1
                    answers.append(row)
                if role == "mentee" and pid % 3 == 0:
                    learnings.append({"response_id": response_id, "position": 1, "text": f"A learning {pid}"})
            _insert(session, SurveyResponse, responses)
            _insert(session, SurveyAnswer, answers)
            _insert(session, SurveyLearning, learnings)
            session.commit()
            sizes = {model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (PairMeeting, PairCheckIn, SurveyResponse, SurveyAnswer, SurveyLearning)}
            print("rows: " + ", ".join(f"{name} {number}" for name, number in sizes.items()))
            admin = users["staff0@bench.example"][0]
            org_slug = session.scalar(sa.select(Organisation.slug).where(Organisation.id == orgs[0]))
        database.session.remove()
    return {"cohort": cohort.id, "board": board_user, "admin": admin, "org_slug": org_slug}  # type: ignore[dict-item]


def _analyze(app: Flask) -> bool:
    """PostgreSQL's planner statistics for the bulk-inserted tables, as autovacuum gathers them soon after such
    inserts in production. Without them the planner takes the new tables for nearly empty and joins the meetings
    in nested loops under row-level security: about 0.8 s for the meetings' statement alone."""
    engine = app.extensions["tandem.db"].engine
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return True


def measure(app: Flask, user_id: int, path: str) -> tuple[float, int, int]:
    client = sign_in_client(app.test_client(), user_id)
    engine = app.extensions["tandem.db"].engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    timings, status = [], 0
    for _ in range(3):
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(path, headers={"Accept-Language": "en"})
        timings.append(time.perf_counter() - started)
        sa.event.remove(engine, "before_cursor_execute", count)
        status = response.status_code
    return min(timings), len(statements), status


def run(pairs: int) -> int:
    with bench_database() as url:
        engine = Database(url).engine
        upgrade(engine)
        engine.dispose()
        app = create_app({"TANDEM_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "x" * 40,
                          "WTF_CSRF_ENABLED": False, "REDIS_URL": "", "SMTP_URL": "", "DEFAULT_LANGUAGE": "en"})
        try:
            started = time.perf_counter()
            ids = build(app, pairs)
            analyzed = _analyze(app)
            print(f"database: {sa.make_url(url).get_backend_name()}; {pairs} pairs, {2 * pairs} participants, "
                  f"{ORGANISATIONS} organisations, built in {time.perf_counter() - started:.1f} s"
                  + (" (then ANALYZE, as autovacuum would)" if analyzed else ""))
            pages = [("board", f"/board/cohorts/{ids['cohort']}/report", "the club's report of the cohort"),
                     ("board", "/board/reports", "the club's report across cohorts"),
                     ("admin", f"/o/{ids['org_slug']}/reports/{ids['cohort']}", "an organisation's report"),
                     ("board", f"/board/cohorts/{ids['cohort']}/report.xlsx", "the cohort's report as XLSX")]
            failed = []
            for who, path, label in pages:
                best, statements, status = measure(app, ids[who], path)
                print(f"{label:36} {best * 1000:7.0f} ms  {statements:3d} statements  ({path}, {status})")
                if status != 200:
                    failed.append(f"{path} answered {status}")
                if best >= LIMIT_SECONDS:
                    failed.append(f"{label} took {best:.2f} s")
            for problem in failed:
                print(f"FAIL: {problem}", file=sys.stderr)
            if not failed:
                print(f"OK: every report under {LIMIT_SECONDS:.0f} s for {2 * pairs} participants.")
            return 1 if failed else 0
        finally:
            app.extensions["tandem.db"].dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.outcome_reports", description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2500, help="pairs in the cohort (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.pairs < 10:
        parser.error("--pairs needs 10 or more")
    return run(args.pairs)


if __name__ == "__main__":
    sys.exit(main())
