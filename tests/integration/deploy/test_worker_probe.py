"""The worker pods' probe (deploy/worker-alive.py) against real Redis and a real `rq worker` process: it fails
while no worker of this host is registered, passes while one runs, and passes when Redis cannot be reached
(restarting the worker would not help)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.services import config_for_tests, fresh_database

ROOT = Path(__file__).resolve().parents[3]
PROBE = ROOT / "deploy" / "worker-alive.py"
pytestmark = pytest.mark.redis


def probe(redis_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PROBE)], env={**os.environ, "REDIS_URL": redis_url},
                          capture_output=True, text=True, timeout=30)


def test_the_worker_probe_tells_a_registered_worker_from_none(redis_url):
    nobody = probe(redis_url)
    assert nobody.returncode == 1 and "no RQ worker of" in nobody.stdout, nobody.stdout + nobody.stderr

    unreachable = probe("redis://127.0.0.1:1/0")
    assert unreachable.returncode == 0 and "cannot be reached" in unreachable.stdout, unreachable.stderr

    with fresh_database("worker_probe", kind="sqlite") as database_url:  # an idle worker never opens it
        config = config_for_tests(database_url, REDIS_URL=redis_url)
        environment = {**os.environ, "TANDEM_ENV": "test", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                       "SECRET_KEY": str(config["SECRET_KEY"]), "PYTHONPATH": str(ROOT)}
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("rq")), "worker", "--url", redis_url,
             "--worker-class", "tandem.workers.worker.AppWorker", "high", "default", "low"],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while (result := probe(redis_url)).returncode != 0:
                assert worker.poll() is None, "the worker stopped"
                assert time.monotonic() < deadline, result.stdout + result.stderr
                time.sleep(0.5)
            assert "reported" in result.stdout
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
        # A worker that stops cleanly takes its registration with it.
        gone = probe(redis_url)
        assert gone.returncode == 1, gone.stdout
