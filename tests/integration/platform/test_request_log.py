"""Logs: one line per request and per job, tied by a request id (X-Request-ID, or a new one), with the
organisation, the user id, status and duration, and no personal data beyond ids."""

from __future__ import annotations

import json
import logging
import re

import pytest

from tests.factories import make_organisation, make_user
from tests.fixtures.apps import app_on_test_connection

NEW_ID = re.compile(r"[0-9a-f]{32}")


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/").headers.get("X-Request-ID")
    second = client.get("/").headers.get("X-Request-ID")
    assert first and NEW_ID.fullmatch(first) and second and first != second


def test_a_valid_request_id_is_kept(client):
    for given in ("3f2b1c0e-8d7a-4e5f-9a0b-1c2d3e4f5a6b", "abc123", "Root=1-67891233-abcdef012345678912345678"):
        assert client.get("/", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given


@pytest.mark.parametrize("absurd", ["x" * 201, "two words", "quote\"d", "<script>", "é", "a;b", "tab\there", ""])
def test_an_absurd_request_id_is_replaced(client, absurd):
    returned = client.get("/", headers={"X-Request-ID": absurd}).headers["X-Request-ID"]
    assert NEW_ID.fullmatch(returned)


def test_a_request_writes_one_json_line_with_ids_and_no_personal_data(db, sign_in, capsys):
    organisation = make_organisation(db)
    person = make_user(db, organisation, email="lea.keller@stadtwerke.example", display_name="Lea Keller")
    db.commit()
    with app_on_test_connection(db, LOG_FORMAT="json") as app:
        browser = sign_in(app.test_client(), person)
        capsys.readouterr()
        response = browser.get("/me/", headers={"X-Request-ID": "req-0001"})
        assert response.headers["X-Request-ID"] == "req-0001"
    output = capsys.readouterr().err
    lines = json_lines(output)
    (line,) = [entry for entry in lines if entry.get("logger") == "tandem.request"]
    assert line["request_id"] == "req-0001"
    assert line["method"] == "GET" and line["path"] == "/me/"
    assert line["status"] == response.status_code
    assert line["user_id"] == person.id and line["organisation_id"] == organisation.id
    assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert all("time" in entry and "level" in entry for entry in lines)
    assert "lea.keller" not in output and "Lea Keller" not in output


def test_a_job_enqueued_during_a_request_logs_the_same_request_id(db, capsys):
    person = make_user(db, make_organisation(db), email="max.huber@alpenbank.example")
    db.commit()
    with app_on_test_connection(db, LOG_FORMAT="json", REDIS_URL="") as app:  # in-process jobs
        capsys.readouterr()
        response = app.test_client().post("/sign-in", data={"email": person.email, "continue_": "1"},
                                          headers={"X-Request-ID": "req-job-1"})
        assert response.status_code == 302
    output = capsys.readouterr().err
    lines = json_lines(output)
    jobs = [entry for entry in lines if entry.get("logger") == "tandem.job"]
    assert "tandem.platform.mail.jobs.send_outbox_message" in [job["job"] for job in jobs]
    # Every job it led to (a job that enqueues another passes the id on) logs the request's id.
    assert all(job["request_id"] == "req-job-1" and job["status"] == "ok" for job in jobs)
    assert all(isinstance(job["duration_ms"], (int, float)) for job in jobs)
    (request_line,) = [entry for entry in lines if entry.get("logger") == "tandem.request"]
    assert request_line["request_id"] == "req-job-1" and request_line["status"] == 302
    assert "max.huber" not in output, "the address the person typed is not logged"


def test_the_apps_info_records_reach_the_output_with_a_time(app, capsys):
    with app.app_context():  # the suite's app: TANDEM_ENV=test, plain text
        logging.getLogger("tandem.platform.anything").info("an info record of the app")
    (line,) = [text for text in capsys.readouterr().err.splitlines() if "an info record of the app" in text]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO ", line)


@pytest.mark.redis
def test_a_job_run_by_a_worker_from_redis_logs_the_request_id(db, capsys):
    from tandem.workers.running import InProcessAppWorker
    from tests.fixtures.services import require_redis

    url = require_redis()
    person = make_user(db, make_organisation(db))
    db.commit()
    with app_on_test_connection(db, LOG_FORMAT="json", REDIS_URL=url) as app:
        queues = app.extensions["tandem.jobs"]
        queues.connection.flushdb()
        try:
            response = app.test_client().post("/sign-in", data={"email": person.email, "continue_": "1"},
                                              headers={"X-Request-ID": "req-redis-1"})
            assert response.status_code == 302
            queued = [job for name in ("high", "default", "low") for job in queues.queue(name).get_jobs()]
            assert queued and all(job.meta.get("request_id") == "req-redis-1" for job in queued)
            capsys.readouterr()
            worker = InProcessAppWorker([queues.queue(n) for n in ("high", "default", "low")],
                                        connection=queues.connection, app=app)
            worker.work(burst=True)
        finally:
            queues.connection.flushdb()
    jobs = [entry for entry in json_lines(capsys.readouterr().err) if entry.get("logger") == "tandem.job"]
    assert "tandem.platform.mail.jobs.send_outbox_message" in [job["job"] for job in jobs]
    assert all(job["request_id"] == "req-redis-1" and job["status"] == "ok" and job["job_id"] for job in jobs)
