"""Mail goes through the outbox, in the caller's transaction, and each message is sent once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from tandem.platform.database import Database
from tandem.platform.mail.jobs import send_outbox_message
from tandem.platform.mail.models import OutboxMessage, OutboxStatus
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_organisation, make_participation, make_user


@pytest.fixture()
def mail_app(app: Flask, smtp_server, app_context):
    """The suite's app, sending to the test's own SMTP server."""
    settings = app.config["TANDEM"]
    from dataclasses import replace

    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


def _invitation(db, language="fr"):
    organisation = make_organisation(db)
    person = make_user(db, organisation, preferred_language=language)
    cohort = make_cohort(db)
    participation = make_participation(db, person, cohort)
    return dict(template="invitation", recipient=person.email, language=language, kind="invitation",
                organisation_id=organisation.id, recipient_user_id=person.id, person=person,
                participation=participation, cohort=cohort, organisation=organisation)


def test_a_rolled_back_transaction_sends_nothing(mail_app, db, smtp_server, run_jobs):
    with club_scope(db):
        arguments = _invitation(db)
        queue_mail(db, **arguments)
        db.rollback()
    run_jobs()
    assert smtp_server.wait_for(1, timeout=1.0) == []
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_a_committed_message_is_sent_once_even_when_the_job_runs_twice(mail_app, db, smtp_server, run_jobs):
    with club_scope(db):
        message = queue_mail(db, **_invitation(db, language="de"))
        db.commit()
        run_jobs()
        assert smtp_server.wait_for(1)
        assert send_outbox_message(message.id) == "skipped"
        assert send_outbox_message(message.id) == "skipped"
        db.expire_all()
        stored = db.get(OutboxMessage, message.id)
        assert stored.status == OutboxStatus.SENT
        assert stored.attempts == 1
    received = smtp_server.wait_for(2, timeout=1.0)
    assert len(received) == 1
    assert received[0]["Message-ID"] == stored.message_id
    assert received[0]["To"] == stored.recipient
    assert received[0]["Content-Language"] == "de"


def test_mail_is_written_in_the_recipients_language(mail_app, db, smtp_server, run_jobs):
    with club_scope(db):
        french = queue_mail(db, **_invitation(db, language="fr"))
        german = queue_mail(db, **_invitation(db, language="de"))
        db.commit()
    run_jobs()
    assert french.subject != german.subject
    assert len(smtp_server.wait_for(2)) == 2


def test_an_unreachable_smtp_server_leaves_the_message_pending_for_a_retry(app, db, app_context):
    from dataclasses import replace

    from tandem.platform.mail.smtp import MailTransportError

    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url="smtp://127.0.0.1:9")
    try:
        with club_scope(db):
            message = queue_mail(db, **_invitation(db))
            db.flush()
            db.commit()
            # In-process mode the job ran at commit and failed; with Redis it is queued. Run it here.
            with pytest.raises(MailTransportError):
                send_outbox_message(message.id)
            db.expire_all()
            stored = db.get(OutboxMessage, message.id)
            assert stored.status == OutboxStatus.PENDING
            assert "Connection" in (stored.last_error or "") or stored.last_error
    finally:
        app.config["TANDEM"] = settings


def test_two_workers_claiming_the_same_message_send_it_once(mail_app, db, smtp_server):
    """The claim is a conditional UPDATE: the second claimant finds nothing to do."""
    with club_scope(db):
        message = OutboxMessage(message_id="<claim@test>", recipient="a@b.example", language="en",
                                kind="test", subject="Claim", body_text="x")
        db.add(message)
        db.flush()
        first = db.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id,
                                                          OutboxMessage.status == "pending")
                           .values(status="sending")).rowcount
        second = db.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id,
                                                           OutboxMessage.status == "pending")
                            .values(status="sending")).rowcount
    assert (first, second) == (1, 0)


__all__ = ["Database"]


def test_the_periodic_sweep_sends_mail_whose_job_was_lost(mail_app, db, smtp_server, run_jobs):
    from datetime import timedelta

    from tandem.platform.database import utcnow
    from tandem.platform.mail.jobs import flush_outbox
    from tandem.workers.schedule import PERIODIC_JOBS

    assert flush_outbox in [job.func for job in PERIODIC_JOBS]
    with club_scope(db):
        lost = OutboxMessage(message_id="<lost@test>", recipient="lost@b.example", language="en",
                             kind="test", subject="Lost", body_text="found again",
                             created_at=utcnow() - timedelta(minutes=5))
        db.add(lost)
        db.commit()  # added without queue_mail: no job was ever enqueued for it
    assert flush_outbox() == 1
    run_jobs()
    received = smtp_server.wait_for(1)
    assert [m["Subject"] for m in received] == ["Lost"]
    assert flush_outbox() == 0


def test_mail_claimed_by_a_worker_that_died_is_swept_again(mail_app, db, smtp_server, run_jobs):
    from datetime import timedelta

    from tandem.platform.database import utcnow
    from tandem.platform.mail.jobs import flush_outbox

    with club_scope(db):
        stuck = OutboxMessage(message_id="<stuck@test>", recipient="stuck@b.example", language="en",
                              kind="test", subject="Stuck", body_text="x", status=OutboxStatus.SENDING,
                              attempts=1, claimed_at=utcnow() - timedelta(minutes=30),
                              created_at=utcnow() - timedelta(minutes=31))
        fresh_claim = OutboxMessage(message_id="<busy@test>", recipient="busy@b.example", language="en",
                                    kind="test", subject="Busy", body_text="x", status=OutboxStatus.SENDING,
                                    attempts=1, claimed_at=utcnow(), created_at=utcnow() - timedelta(minutes=2))
        db.add_all([stuck, fresh_claim])
        db.commit()
    assert flush_outbox() == 1
    run_jobs()
    assert [m["Subject"] for m in smtp_server.wait_for(1)] == ["Stuck"]


def test_a_request_succeeds_and_mail_waits_when_redis_is_down(database_url, db, sign_in):
    """Enqueue after commit must not turn a saved change into an error page; the sweep sends it later."""
    from tandem import create_app
    from tests.factories import make_org_admin
    from tests.fixtures.services import config_for_tests

    application = create_app(config_for_tests(database_url, REDIS_URL="redis://127.0.0.1:1/0"))
    database = application.extensions["tandem.db"]
    database.sessionmaker.configure(bind=db.get_bind(), join_transaction_mode="create_savepoint")
    try:
        with club_scope(db):
            organisation = make_organisation(db, "redis-down")
            admin = make_org_admin(db, organisation)
            nominee = make_user(db, organisation)
            participation = make_participation(db, nominee, make_cohort(db))
            db.commit()
        client = sign_in(application.test_client(), admin)
        response = client.post(f"/o/redis-down/participations/{participation.id}/invite")
        assert response.status_code == 302
        with club_scope(db):
            db.expire_all()
            message = db.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == nominee.email))
            assert message is not None and message.status == OutboxStatus.PENDING
    finally:
        database.dispose()
