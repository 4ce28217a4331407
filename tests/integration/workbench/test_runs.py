"""Matching runs as jobs: start, progress, stored proposals, failure, one active run per cohort, retry."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts.models import CohortState
from tandem.platform.database import utcnow
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair, PairStatus
from tandem.platform.workbench.runs.execution import execute_run
from tandem.platform.workbench.runs.operations import RunRefused, start_run
from tandem.platform.workbench.runs.queries import current_run
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_matching_run,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)


@pytest.fixture(autouse=True)
def _english_browser(client):
    """Pages in English unless the person chose a language (the club's default is German)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture()
def matching_cohort(db):
    """A cohort in its matching step: three organisations, three mentors and three mentees who accepted."""
    alpha, beta, gamma = (make_organisation(db) for _ in range(3))
    topics = [make_catalogue_topic(db) for _ in range(4)]
    cohort = make_cohort(db, CohortState.MATCHING)
    mentors, mentees = [], []
    for index, organisation in enumerate((alpha, beta, gamma)):
        mentor = make_participation(db, make_user(db, organisation), cohort, role="mentor", status="active")
        mentee = make_participation(db, make_user(db, organisation), cohort, role="mentee", status="active")
        make_complete_profile(db, mentor, topics[index:index + 3], career_band="0-2")
        make_complete_profile(db, mentee, topics[index + 1:index + 4], career_band="21+")
        mentors.append(mentor)
        mentees.append(mentee)
    board = make_board_member(db, alpha)
    db.commit()
    return {"cohort": cohort, "mentors": mentors, "mentees": mentees, "board": board, "orgs": (alpha, beta, gamma)}


def pairs_of(db, run_id):
    with club_scope(db):
        return db.scalars(sa.select(Pair).where(Pair.matching_run_id == run_id).order_by(Pair.id)).all()


def fetch_run(db, run_id):
    with club_scope(db):
        db.expire_all()
        return db.get(MatchingRun, run_id)


def test_the_board_starts_a_run_and_sees_its_outcome(client, db, sign_in, run_jobs, matching_cohort):
    cohort = matching_cohort["cohort"]
    sign_in(client, matching_cohort["board"])

    response = client.post(f"/board/cohorts/{cohort.id}/matching/runs")
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    run_jobs()

    run = fetch_run(db, run_id)
    assert run.status == MatchingRunStatus.SUCCEEDED and run.progress == 100 and run.attempt == 1
    assert run.started_at is not None and run.finished_at is not None and run.heartbeat_at is not None
    assert run.figures["pairs"] == 3 and run.figures["share_matched"] == 1.0 and run.unmatched == []
    # The engine's certificate of optimality is kept with the run's figures and shown on its page.
    certificate = run.figures["certificate"]
    assert certificate["pairs"] == 3 and certificate["largest_violation"] == 0 and certificate["duality_gap"] == 0
    assert run.parameters["weights"] == {"topics": 0.4, "format": 0.25, "weekdays": 0.15, "career_gap": 0.2}
    pairs = pairs_of(db, run_id)
    assert len(pairs) == 3 and all(p.status == PairStatus.PROPOSED and p.explanation and p.score for p in pairs)
    mentor_org = {m.id: m.organisation_id for m in matching_cohort["mentors"]}
    mentee_org = {m.id: m.organisation_id for m in matching_cohort["mentees"]}
    assert all(mentor_org[p.mentor_participation_id] != mentee_org[p.mentee_participation_id] for p in pairs)

    page = client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="100"' in html and "Open the proposals" in html and "data-run-status-url" not in html
    # The figures on the scale from 0 to 100 that the workbench uses, not the stored fraction.
    lowest = round(run.figures["lowest_score"] * 100)
    assert re.search(rf"<dt>Lowest score</dt><dd>{lowest}</dd>", html), html
    assert "<dt>Share of possible pairs formed</dt><dd>100%</dd>" in html
    assert "<dt>Optimality</dt><dd>Proven: no other choice of pairs" in html
    status = client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run_id}/status")
    assert status.json == {"id": run_id, "status": "succeeded", "progress": 100, "finished": True,
                           "stale": False, "error": None}
    assert status.headers["Cache-Control"] == "no-store"
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "matching.run_started", AuditEvent.target_id == run_id)) == 1


def test_progress_is_committed_while_the_engine_works(app, db, matching_cohort):
    """Each progress report is an UPDATE committed on its own, so the board's page sees it during the run."""
    from tandem.workers.queues import PENDING_KEY

    cohort = matching_cohort["cohort"]
    engine = app.extensions["tandem.db"].engine
    events: list[object] = []

    def _statement(_conn, _cursor, statement, params, _context, _many):  # noqa: ANN001
        if statement.lstrip().upper().startswith("UPDATE MATCHING_RUNS") and "progress" in statement:
            values = params if isinstance(params, dict) else {}
            progress = next((v for k, v in values.items() if k.startswith("progress")), None)
            events.append(("progress", progress if progress is not None else list(params)[0]))

    def _commit(_session):  # noqa: ANN001
        events.append("commit")

    with app.test_request_context():
        run = start_run(db, cohort, None)
        db.info.pop(PENDING_KEY, None)  # run it here, by hand, instead of through the queue
        db.commit()
        sa.event.listen(engine, "before_cursor_execute", _statement)
        sa.event.listen(db, "after_commit", _commit)
        try:
            assert execute_run(db, run.id, 1) == "succeeded"
        finally:
            sa.event.remove(engine, "before_cursor_execute", _statement)
            sa.event.remove(db, "after_commit", _commit)
    reports = [i for i, event in enumerate(events) if isinstance(event, tuple)]
    assert len(reports) >= 4  # claimed, several reports, finished
    for index in reports:  # every progress UPDATE is followed by its commit before the next one
        assert events[index + 1] == "commit"
    assert fetch_run(db, run.id).progress == 100


def test_the_running_page_polls_and_falls_back_to_refresh(client, db, sign_in, matching_cohort):
    cohort = matching_cohort["cohort"]
    run = make_matching_run(db, cohort, status=MatchingRunStatus.RUNNING, progress=40, heartbeat_at=utcnow())
    db.commit()
    sign_in(client, matching_cohort["board"])
    html = client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}").get_data(as_text=True)
    assert f'data-run-status-url="/board/cohorts/{cohort.id}/matching/runs/{run.id}/status"' in html
    assert 'value="40"' in html and 'http-equiv="refresh"' in html and "js/run-progress.js" in html
    assert "Retry the run" not in html
    assert client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}/status").json["progress"] == 40


def test_one_active_run_per_cohort(client, db, sign_in, matching_cohort):
    cohort = matching_cohort["cohort"]
    make_matching_run(db, cohort, status=MatchingRunStatus.QUEUED)
    db.commit()
    sign_in(client, matching_cohort["board"])
    response = client.post(f"/board/cohorts/{cohort.id}/matching/runs", follow_redirects=True)
    assert "already queued or running" in response.get_data(as_text=True)
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(MatchingRun)
                         .where(MatchingRun.cohort_id == cohort.id)) == 1

    # The database itself refuses a second active run, whatever the application checks.
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(sa.insert(MatchingRun).values(cohort_id=cohort.id, number=99, status="running", progress=0,
                                                 parameters={}, attempt=1, created_at=utcnow()))


def test_a_failed_run_shows_its_error_and_leaves_earlier_proposals(client, db, sign_in, run_jobs, matching_cohort):
    cohort = matching_cohort["cohort"]
    mentors, mentees = matching_cohort["mentors"], matching_cohort["mentees"]
    earlier = make_matching_run(db, cohort)
    kept = make_pair(db, mentors[0], mentees[1], status="proposed", run=earlier, score=0.7)
    # A locked pair of two people of the same organisation (the data changed under it): the engine refuses.
    make_pair(db, mentors[2], mentees[2], status="locked", run=earlier, score=0.5)
    db.commit()
    sign_in(client, matching_cohort["board"])

    response = client.post(f"/board/cohorts/{cohort.id}/matching/runs")
    run_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    run_jobs()
    run = fetch_run(db, run_id)
    assert run.status == MatchingRunStatus.FAILED and "breaks a rule: same organisation" in run.error
    assert run.parameters["based_on_run_id"] == earlier.id
    assert pairs_of(db, run_id) == []
    assert current_run(db, cohort.id).id == earlier.id
    assert [p.id for p in pairs_of(db, earlier.id)][0] == kept.id

    html = client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run_id}").get_data(as_text=True)
    assert "The run failed" in html and "same organisation" in html and "The earlier proposals are unchanged" in html
    assert client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run_id}/status").json["finished"] is True


def test_a_run_keeps_the_locked_pairs_of_the_run_it_is_based_on(app, db, run_jobs, matching_cohort):
    cohort = matching_cohort["cohort"]
    mentors, mentees = matching_cohort["mentors"], matching_cohort["mentees"]
    earlier = make_matching_run(db, cohort)
    make_pair(db, mentors[0], mentees[2], status="locked", run=earlier, score=0.6)
    older = make_matching_run(db, cohort, status=MatchingRunStatus.FAILED)
    make_pair(db, mentors[1], mentees[0], status="locked", run=older)  # not the current run: ignored
    db.commit()
    with app.test_request_context():
        run = start_run(db, cohort, None)
        db.commit()
    run_jobs()
    pairs = {(p.mentor_participation_id, p.mentee_participation_id): p.status for p in pairs_of(db, run.id)}
    assert pairs[(mentors[0].id, mentees[2].id)] == PairStatus.LOCKED
    assert len(pairs) == 3 and fetch_run(db, run.id).figures["locked_pairs"] == 1


def test_runs_only_in_the_matching_step(app, db, matching_cohort):
    cohort = make_cohort(db, CohortState.NOMINATIONS_OPEN)
    english = {"Accept-Language": "en"}
    with app.test_request_context(headers=english), pytest.raises(RunRefused, match="matching step"):
        start_run(db, cohort, None)


def test_a_stale_run_can_be_retried_and_the_old_attempt_changes_nothing(client, db, sign_in, run_jobs,
                                                                         matching_cohort):
    cohort = matching_cohort["cohort"]
    long_ago = utcnow() - timedelta(minutes=30)
    # A worker claimed the run, reported 30 % and was killed.
    run = make_matching_run(db, cohort, status=MatchingRunStatus.RUNNING, progress=30, created_at=long_ago,
                            started_at=long_ago, heartbeat_at=long_ago)
    db.commit()
    sign_in(client, matching_cohort["board"])
    html = client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}").get_data(as_text=True)
    assert "stopped giving signs of life" in html and "Retry the run" in html
    assert client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}/status").json["stale"] is True

    client.post(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}/retry")
    run_jobs()
    retried = fetch_run(db, run.id)
    assert retried.status == MatchingRunStatus.SUCCEEDED and retried.attempt == 2 and len(pairs_of(db, run.id)) == 3

    # The killed worker's attempt, were it to wake up, finds its run taken over and changes nothing.
    with client.application.app_context():
        assert execute_run(db, run.id, 1) == "skipped"
    assert len(pairs_of(db, run.id)) == 3


def test_a_run_that_still_reports_cannot_be_retried(client, db, sign_in, matching_cohort):
    cohort = matching_cohort["cohort"]
    run = make_matching_run(db, cohort, status=MatchingRunStatus.RUNNING, progress=30, heartbeat_at=utcnow())
    db.commit()
    sign_in(client, matching_cohort["board"])
    response = client.post(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}/retry", follow_redirects=True)
    assert "Only a run that has stopped giving signs of life can be retried" in response.get_data(as_text=True)
    assert fetch_run(db, run.id).attempt == 1


def test_another_cohorts_run_is_not_found(client, db, sign_in, matching_cohort):
    other = make_cohort(db, CohortState.MATCHING)
    run = make_matching_run(db, other)
    db.commit()
    sign_in(client, matching_cohort["board"])
    cohort = matching_cohort["cohort"]
    assert client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}").status_code == 404
    assert client.get(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}/status").status_code == 404
    assert client.post(f"/board/cohorts/{cohort.id}/matching/runs/{run.id}/retry").status_code == 404
