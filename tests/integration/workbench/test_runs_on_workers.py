"""Matching runs on real RQ workers (separate processes) against real Redis and PostgreSQL.

One worker is killed in the middle of a run; the board retries the run and another worker finishes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from tandem import create_app
from tandem.platform.cohorts.models import CohortState
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import use_club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_organisation,
    make_participation,
    make_user,
)
from tests.fixtures.processes import descendants
from tests.fixtures.services import config_for_tests, fresh_database

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.redis
ENGLISH = {"Accept-Language": "en"}


@contextmanager
def matching_app(redis_url: str) -> Iterator[tuple[object, dict[str, object], dict[str, int]]]:
    """A fresh PostgreSQL database with a cohort in its matching step, and an app using it and Redis."""
    with fresh_database("matching_worker", kind="postgresql") as database_url:
        config = config_for_tests(database_url, REDIS_URL=redis_url)
        app = create_app(config)
        upgrade(app.extensions["tandem.db"].engine)
        with app.app_context():
            session = app.extensions["tandem.db"].session()
            use_club_scope(session)
            organisations = [make_organisation(session) for _ in range(3)]
            topics = [make_catalogue_topic(session) for _ in range(4)]
            cohort = make_cohort(session, CohortState.MATCHING)
            for index, organisation in enumerate(organisations):
                for role in ("mentor", "mentee"):
                    participation = make_participation(session, make_user(session, organisation), cohort,
                                                       role=role, status="active")
                    make_complete_profile(session, participation, topics[index:index + 3])
            board = make_board_member(session, organisations[0])
            session.commit()
            ids = {"cohort": cohort.id, "board": board.id}
            app.extensions["tandem.db"].session.remove()
        environment = {**os.environ, "TANDEM_ENV": "test", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                       "SECRET_KEY": config["SECRET_KEY"], "PYTHONPATH": str(ROOT)}
        try:
            yield app, environment, ids
        finally:
            app.extensions["tandem.db"].engine.dispose()




def worker_command(redis_url: str, *, burst: bool) -> list[str]:
    command = [str(Path(sys.executable).with_name("rq")), "worker", "--url", redis_url,
               "--worker-class", "tandem.workers.worker.AppWorker", "high", "default", "low"]
    return command + (["--burst"] if burst else [])


def run_row(app, run_id: int) -> tuple[str, int, int]:
    with app.extensions["tandem.db"].engine.connect() as connection:
        row = connection.execute(sa.select(MatchingRun.status, MatchingRun.attempt, MatchingRun.progress)
                                 .where(MatchingRun.id == run_id)).one()
    return row.status, row.attempt, row.progress


def run_page(client, cohort_id: int, run_id: int) -> str:
    return client.get(f"/board/cohorts/{cohort_id}/matching/runs/{run_id}", headers=ENGLISH).get_data(as_text=True)


def signed_in_board(app, sign_in, board_id: int):
    with app.app_context():
        session = app.extensions["tandem.db"].session()
        use_club_scope(session)
        from tandem.platform.identity.models import User

        board = session.get(User, board_id)
        client = sign_in(app.test_client(), board)
        app.extensions["tandem.db"].session.remove()
    return client


def test_a_killed_worker_leaves_a_run_the_board_retries_on_another_worker(redis_url, sign_in):
    with matching_app(redis_url) as (app, environment, ids):
        client = signed_in_board(app, sign_in, ids["board"])
        response = client.post(f"/board/cohorts/{ids['cohort']}/matching/runs")
        assert response.status_code == 302
        run_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
        assert app.extensions["tandem.jobs"].queue("default").count == 1
        assert run_row(app, run_id)[0] == MatchingRunStatus.QUEUED

        # Hold the profiles table so the worker, once it has claimed the run, waits inside the job.
        engine = app.extensions["tandem.db"].engine
        blocker = engine.connect()
        blocking = blocker.begin()
        blocker.exec_driver_sql("LOCK TABLE profiles IN ACCESS EXCLUSIVE MODE")
        worker = subprocess.Popen(worker_command(redis_url, burst=False), cwd=ROOT, env=environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while run_row(app, run_id)[0] != MatchingRunStatus.RUNNING:
                assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
                assert time.monotonic() < deadline, "the worker never claimed the run"
                time.sleep(0.1)
            for pid in [*descendants(worker.pid), worker.pid]:  # the work horse (own session) and the worker
                os.kill(pid, signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            blocking.rollback()
            blocker.close()
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)

        status, attempt, progress = run_row(app, run_id)
        assert (status, attempt) == (MatchingRunStatus.RUNNING, 1) and progress < 100
        page = run_page(client, ids["cohort"], run_id)
        assert "Retry the run" not in page  # it reported a moment ago: not yet taken for dead

        # Time passes without a sign of life (the stale limit is minutes; move the heartbeat back instead).
        with engine.begin() as connection:
            connection.execute(sa.update(MatchingRun).where(MatchingRun.id == run_id).values(
                heartbeat_at=sa.func.now() - sa.text("interval '10 minutes'"),
                started_at=sa.func.now() - sa.text("interval '10 minutes'")))
        page = run_page(client, ids["cohort"], run_id)
        assert "stopped giving signs of life" in page and "Retry the run" in page, page[page.find("<main"):][:3000]
        assert client.post(f"/board/cohorts/{ids['cohort']}/matching/runs/{run_id}/retry").status_code == 302
        assert run_row(app, run_id)[:2] == (MatchingRunStatus.QUEUED, 2)

        finished = subprocess.run(worker_command(redis_url, burst=True), cwd=ROOT, env=environment,
                                  capture_output=True, text=True, timeout=120)
        assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
        status, attempt, progress = run_row(app, run_id)
        assert (status, attempt, progress) == (MatchingRunStatus.SUCCEEDED, 2, 100)
        with engine.connect() as connection:
            assert connection.scalar(sa.select(sa.func.count()).select_from(Pair)
                                     .where(Pair.matching_run_id == run_id)) == 3
        page = run_page(client, ids["cohort"], run_id)
        assert "Open the proposals" in page and 'value="100"' in page
