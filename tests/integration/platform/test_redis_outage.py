"""Rate limits are counted in Redis. When Redis is down, sign-in still answers: the limits fall back to
the process's memory (still enforced there) and a warning says so."""

from __future__ import annotations

import logging
import shutil
import subprocess
import time

import pytest
import redis

from tests.fixtures.apps import app_on_test_connection, closed_port, free_port
from tests.fixtures.services import unavailable

FALLBACK_WARNING = "falling back to in-memory storage"


def ask_for_link(client, email: str = "someone@nowhere.example"):
    return client.post("/sign-in", data={"email": email, "continue_": "1"})


def test_sign_in_answers_when_redis_cannot_be_reached(db, caplog, capsys):
    down = f"redis://127.0.0.1:{closed_port()}/0"
    with app_on_test_connection(db, REDIS_URL=down, RATELIMIT_STORAGE_URL=down) as app:
        client = app.test_client()
        with caplog.at_level(logging.INFO):
            assert client.get("/sign-in").status_code == 200
            assert ask_for_link(client).status_code == 302
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING and FALLBACK_WARNING in r.getMessage()]
        assert len(warnings) == 1
        assert FALLBACK_WARNING in capsys.readouterr().err, "the warning reaches the log output"
        # Still limited, in memory: five links per address and quarter of an hour.
        assert [ask_for_link(client, "lea@nowhere.example").status_code for _ in range(6)] == [302] * 5 + [429]


@pytest.fixture()
def own_redis():
    """A redis-server of the test's own on a free loopback port, stopped afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_connect_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)


def test_sign_in_answers_when_redis_stops_while_the_app_runs(db, own_redis, caplog):
    url, server = own_redis
    with app_on_test_connection(db, RATELIMIT_STORAGE_URL=url, REDIS_URL="") as app:
        client = app.test_client()
        assert ask_for_link(client, "lea@nowhere.example").status_code == 302
        assert redis.Redis.from_url(url).keys("*tandem-ratelimit*"), "counted in Redis while it runs"
        server.terminate()
        server.wait(timeout=10)
        with caplog.at_level(logging.WARNING):
            statuses = [ask_for_link(client, "lea@nowhere.example").status_code for _ in range(6)]
        assert statuses == [302] * 5 + [429], "answers, and still limits, from memory"
        assert any(FALLBACK_WARNING in r.getMessage() for r in caplog.records)
