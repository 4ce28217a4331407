"""Compose and systemd stop Tandem's processes the way Kubernetes does: the web app gets gunicorn's graceful
timeout, a worker the time to finish its job (and only the worker is told to stop, not its work horse), and
the three agree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.deploy import DEPLOY, compose, gunicorn_settings, one, rendered, seconds, systemd_unit

UNITS = ("tandem-web.service", "tandem-worker@.service", "tandem-cron.service", "tandem-migrate.service")


def test_compose_gives_gunicorn_its_graceful_timeout_and_workers_their_job_time():
    graceful = gunicorn_settings()["graceful_timeout"]
    services = compose()["services"]
    # Docker's default is 10 s, then SIGKILL: requests still running would be cut off.
    assert seconds(services["web"]["stop_grace_period"]) >= graceful + 5
    worker = one(rendered("deploy/kubernetes"), "Deployment", "tandem-worker")["spec"]["template"]["spec"]
    assert seconds(services["worker"]["stop_grace_period"]) == worker["terminationGracePeriodSeconds"]
    assert services["web"]["environment"]["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-1}"
    assert services["web"]["ports"] == ["127.0.0.1:${TANDEM_PORT:-8000}:8000"], "only the host's proxy reaches it"


def test_systemd_units_stop_like_the_containers():
    graceful = gunicorn_settings()["graceful_timeout"]
    web = systemd_unit("tandem-web.service")["Service"]
    assert int(web["TimeoutStopSec"]) >= graceful + 5
    assert web["ExecStart"].startswith("/opt/tandem/bin/gunicorn -c /etc/tandem/gunicorn.conf.py ")
    assert web["Environment"] == "GUNICORN_BIND=127.0.0.1:8000"
    worker = systemd_unit("tandem-worker@.service")["Service"]
    containers = one(rendered("deploy/kubernetes"), "Deployment", "tandem-worker")["spec"]["template"]["spec"]
    assert int(worker["TimeoutStopSec"]) == containers["terminationGracePeriodSeconds"]
    assert worker["ExecStart"] == "/opt/tandem/bin/tandem worker"
    assert systemd_unit("tandem-cron.service")["Service"]["ExecStart"] == "/opt/tandem/bin/tandem cron"
    for name in UNITS:
        service = systemd_unit(name)["Service"]
        assert service["User"] == "tandem" and service["EnvironmentFile"] == "/etc/tandem/tandem.env", name
        if name != "tandem-migrate.service":
            # SIGTERM to the main process only: gunicorn's arbiter, RQ's worker (whose horse then finishes).
            assert service["KillMode"] == "mixed", name
    migrate = systemd_unit("tandem-migrate.service")["Service"]
    assert 'DATABASE_URL="$MIGRATE_DATABASE_URL"' in migrate["ExecStart"], "migrations run as the owner"


def test_systemd_accepts_the_units(tmp_path: Path):
    """`systemd-analyze verify` on the units, with the virtualenv's own gunicorn and tandem in /opt/tandem/bin's
    place (it checks that the commands exist)."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed (Debian's package systemd)")
    bin_directory = Path(sys.executable).parent
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text().replace("/opt/tandem/bin/", f"{bin_directory}/")
        (tmp_path / name.replace("@.", "@1.")).write_text(text)
    units = sorted(str(path) for path in tmp_path.iterdir())
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True, timeout=60)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and "/etc/tandem/tandem.env" not in line]
    assert result.returncode == 0 and not problems, problems
