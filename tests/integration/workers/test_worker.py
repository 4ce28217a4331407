"""A job enqueued by a request is run by a real `rq worker --burst` process against real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tandem import create_app
from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.mail.models import OutboxMessage, OutboxStatus
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import use_club_scope
from tests.factories import make_cohort, make_org_admin, make_organisation, make_participation, make_user
from tests.fixtures.services import config_for_tests, fresh_database

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.redis


def test_an_invitation_request_is_sent_by_a_real_rq_worker(redis_url, smtp_server, sign_in):
    with fresh_database("worker") as database_url:
        config = config_for_tests(database_url, REDIS_URL=redis_url, SMTP_URL=smtp_server.url)
        app = create_app(config)
        engine = app.extensions["tandem.db"].engine
        upgrade(engine)
        try:
            with app.app_context():
                session = app.extensions["tandem.db"].session()
                use_club_scope(session)
                organisation = make_organisation(session, "rhein-energie")
                admin = make_org_admin(session, organisation)
                nominee = make_user(session, organisation, preferred_language="fr")
                participation = make_participation(session, nominee, make_cohort(session), role="mentee")
                session.commit()
                ids = (admin.id, participation.id)
                app.extensions["tandem.db"].session.remove()

            client = sign_in(app.test_client(), admin)
            response = client.post(f"/o/rhein-energie/participations/{ids[1]}/invite")
            assert response.status_code == 302

            queue = app.extensions["tandem.jobs"].queue("high")
            assert queue.count == 1, "the request enqueued the send job after its commit"
            assert smtp_server.messages == [], "nothing is sent before a worker runs"

            environment = {**os.environ, "TANDEM_ENV": "test", "DATABASE_URL": database_url,
                           "REDIS_URL": redis_url, "SMTP_URL": smtp_server.url,
                           "SECRET_KEY": config["SECRET_KEY"], "PYTHONPATH": str(ROOT)}
            worker = subprocess.run(
                [str(Path(sys.executable).with_name("rq")), "worker", "--burst", "--url", redis_url,
                 "--worker-class", "tandem.workers.worker.AppWorker", "high", "default", "low"],
                cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
            )
            assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]
            assert queue.count == 0

            with app.app_context():
                session = app.extensions["tandem.db"].session()
                use_club_scope(session)
                message = session.scalar(sa.select(OutboxMessage))
                assert message.status == OutboxStatus.SENT and message.attempts == 1
                assert session.get(Participation, ids[1]).status == ParticipationStatus.INVITED
                assert session.scalar(sa.select(AuditEvent.action)) == "participation.invited"
                app.extensions["tandem.db"].session.remove()
            received = smtp_server.wait_for(1)
            assert len(received) == 1
            assert received[0]["To"] == nominee.email
            assert received[0]["Content-Language"] == "fr"
        finally:
            app.extensions["tandem.db"].dispose()
