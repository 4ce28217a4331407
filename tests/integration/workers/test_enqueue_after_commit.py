"""Jobs asked for in a transaction are enqueued when it commits, not when a savepoint inside it is released,
and an in-process job does not close the session of the request or command that ran it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem import create_app
from tandem.platform.database import db_session
from tandem.platform.tenancy import club_scope
from tandem.workers.job import club_job
from tandem.workers.queues import enqueue_after_commit
from tests.fixtures.services import config_for_tests

RAN: list[int] = []


@pytest.fixture()
def in_process_app(database_url):
    """Jobs run in-process (the embedded default), whatever REDIS_URL the suite runs with: these tests are
    about the moment jobs start, which in-process mode makes visible."""
    app = create_app(config_for_tests(database_url, REDIS_URL=""))
    with app.app_context():
        yield app
    app.extensions["tandem.db"].dispose()


@club_job
def note(value: int) -> int:
    RAN.append(value)
    return value


def test_a_released_savepoint_does_not_enqueue_the_transactions_jobs(in_process_app):
    RAN.clear()
    session = db_session()
    with club_scope(session):
        session.execute(sa.text("SELECT 1"))
        enqueue_after_commit(session, note, 1)
        with session.begin_nested():
            enqueue_after_commit(session, note, 2)
        assert RAN == []  # in-process jobs would have run here, before the real commit
        try:
            with session.begin_nested():
                raise ValueError("a savepoint rolls back")
        except ValueError:
            pass
        session.commit()
    assert RAN == [1, 2]


def test_an_in_process_job_leaves_the_callers_session_open(in_process_app):
    RAN.clear()
    session = db_session()
    with club_scope(session):
        session.execute(sa.text("SELECT 1"))
        enqueue_after_commit(session, note, 3)
        session.commit()
        assert RAN == [3]
        assert db_session() is session  # the caller's session was not removed by the job's teardown
