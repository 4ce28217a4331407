"""The nudge job, one situation at a time: who is told of which step, in one mail each, in their language,
with links to the setting and to the right page; flags only to the board and the admins of the two
organisations, as a flag only; nothing twice; stale items dropped; a run that loses a race does the batch again.

The club (tests/fixtures/pairs.py): kick-off Monday 2027-03-01, meetings every 3 to 4 weeks, so a pair that
never meets is due on 2027-03-29 (a reminder), 2027-04-12 (the second) and flagged on 2027-04-26.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from email.message import Message

import pytest
import sqlalchemy as sa

from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import ParticipationStatus
from tandem.platform.pairs.models import (
    ClosureOutcome,
    MeetingFormat,
    MeetingStatus,
    NudgeDelivery,
    NudgePreference,
    PairClosure,
    PairMeeting,
    PairNudge,
)
from tandem.platform.pairs.nudges import nudging, queries
from tandem.platform.pairs.nudges.jobs import nudge_pairs
from tandem.platform.tenancy import club_scope
from tests.fixtures.pairs import in_english, outbox, zurich

KIND = "pair_nudges"


@pytest.fixture()
def mail_app(app, smtp_server, app_context, clock):
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


@pytest.fixture()
def club(db, mail_app, pair_club):
    return pair_club


def run_at(app, run_jobs, moment) -> dict[str, int]:
    set_clock(app, moment)
    done = nudge_pairs(moment.isoformat())
    run_jobs()
    return done


def exactly(smtp_server, count: int) -> list[Message]:
    received = smtp_server.wait_for(count)
    received = smtp_server.wait_for(count + 1, timeout=0.3)
    assert len(received) == count, [(m["To"], m["Subject"]) for m in received]
    return list(received)


def body_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def by_recipient(messages: list[Message]) -> dict[str, Message]:
    recipients = [m["To"] for m in messages]
    assert len(set(recipients)) == len(recipients), recipients
    return {m["To"]: m for m in messages}


def hold(db, pair, when) -> None:
    with club_scope(db):
        db.add(PairMeeting(pair_id=pair.id, uid=f"{uuid.uuid4()}@tandem.test", status=MeetingStatus.HELD,
                           starts_at=when, duration_minutes=60, format=MeetingFormat.ONLINE,
                           online_url="https://meet.example.org/x", summary="We talked about TikTok privately."))
        db.commit()


def set_digest(db, user) -> None:
    with club_scope(db):
        db.add(NudgePreference(organisation_id=user.organisation_id, user_id=user.id, weekly_digest=True))
        db.commit()


def test_a_reminder_goes_to_both_partners_once_in_their_language_with_the_links(club, db, mail_app, smtp_server,
                                                                                  run_jobs):
    hold(db, club.pairs["one"], zurich(2027, 3, 22))  # pair one is on its rhythm: due only on 2027-04-19
    assert run_at(mail_app, run_jobs, zurich(2027, 3, 28, 23)) == {
        "steps": 0, "deliveries": 0, "mails": 0, "done_without_mail": 0, "waiting": 0}
    done = run_at(mail_app, run_jobs, zurich(2027, 3, 29, 0, 5))
    assert done == {"steps": 1, "deliveries": 2, "mails": 2, "done_without_mail": 0, "waiting": 0}
    received = by_recipient(exactly(smtp_server, 2))
    berta, greta = club.people["mentor_two"], club.people["mentee_two"]
    assert set(received) == {berta.email, greta.email}
    pair_url = f"http://localhost/me/pairs/{club.pairs['two'].id}"
    english = body_of(received[greta.email])
    assert received[greta.email]["Subject"] == "Your next tandem meeting is due: plan it"
    assert "Your next meeting with Berta Graf (Beta Energie) was due on March 29, 2027." in english
    assert pair_url in english and "http://localhost/me/settings/nudges" in english
    assert "at most one such e-mail a week" in english
    german = body_of(received[berta.email])
    assert pair_url in german and "http://localhost/me/settings/nudges" in german
    assert "Greta Hof" in german
    [message] = outbox(db, KIND)[:1]
    assert message.language in ("de", "en")
    # The same moment again, and an hour later: nothing more.
    assert run_at(mail_app, run_jobs, zurich(2027, 3, 29, 0, 5))["mails"] == 0
    assert run_at(mail_app, run_jobs, zurich(2027, 3, 29, 1, 5)) == {
        "steps": 0, "deliveries": 0, "mails": 0, "done_without_mail": 0, "waiting": 0}
    exactly(smtp_server, 2)
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(PairNudge)) == 1


def test_a_pair_found_weeks_overdue_is_flagged_once_to_the_board_and_both_admins_only(club, db, mail_app,
                                                                                      smtp_server, run_jobs):
    """The first run after 28 days: only the furthest step (a flag), not three reminders at once; the
    partners are not among those told; one mail per person lists every pair that concerns them."""
    done = run_at(mail_app, run_jobs, zurich(2027, 4, 26, 9))
    assert done == {"steps": 2, "deliveries": 6, "mails": 4, "done_without_mail": 0, "waiting": 0}
    received = by_recipient(exactly(smtp_server, 4))
    people = club.people
    assert set(received) == {people[name].email for name in ("board", "admin_alpha", "admin_beta", "admin_gamma")}
    board = body_of(received[people["board"].email])
    assert received[people["board"].email]["Subject"] == "2 tandems need attention"
    assert ("The tandem of Anna Keller (Alpha Bank) and Bernard Favre (Beta Energie) in the cohort "
            '"Spring Cohort" has not met for 8 weeks.') in board
    assert "Berta Graf (Beta Energie) and Greta Hof (Gamma Kliniken)" in board
    assert f"http://localhost/board/cohorts/{club.cohort.id}/pairs" in board
    assert "TikTok" not in board
    beta = body_of(received[people["admin_beta"].email])  # beta has a person in each pair
    assert "Anna Keller" in beta and "Greta Hof" in beta
    assert "http://localhost/o/" in beta and "/pairs" in beta
    alpha = received[people["admin_alpha"].email]
    assert alpha["Subject"] == "The tandem of Anna Keller and Bernard Favre has not met for 8 weeks"
    assert "Greta Hof" not in body_of(alpha)
    assert run_at(mail_app, run_jobs, zurich(2027, 4, 26, 9))["mails"] == 0
    assert run_at(mail_app, run_jobs, zurich(2027, 5, 20, 9))["steps"] == 0  # the flag stays flagged: once
    exactly(smtp_server, 4)


def test_a_digest_person_waits_for_monday_and_a_pair_that_met_meanwhile_is_not_mailed(club, db, mail_app,
                                                                                      smtp_server, run_jobs):
    # Pair one activated on a Wednesday: due on Wednesday 2027-03-31.
    with club_scope(db):
        club.pairs["one"].activated_at = zurich(2027, 3, 3, 10)
        db.commit()
    set_digest(db, club.people["mentee_one"])
    hold(db, club.pairs["two"], zurich(2027, 3, 24))
    done = run_at(mail_app, run_jobs, zurich(2027, 3, 31, 8))
    assert done == {"steps": 1, "deliveries": 2, "mails": 1, "done_without_mail": 0, "waiting": 1}
    [anna] = exactly(smtp_server, 1)
    assert anna["To"] == club.people["mentor_one"].email
    assert run_at(mail_app, run_jobs, zurich(2027, 4, 1, 8))["waiting"] == 1
    hold(db, club.pairs["one"], zurich(2027, 4, 2, 12))  # they met on Friday
    done = run_at(mail_app, run_jobs, zurich(2027, 4, 5, 7))  # Monday: Bernard's item is no longer due
    assert done == {"steps": 0, "deliveries": 0, "mails": 0, "done_without_mail": 1, "waiting": 0}
    exactly(smtp_server, 1)
    with club_scope(db):
        bernard = db.scalars(sa.select(NudgeDelivery).where(
            NudgeDelivery.user_id == club.people["mentee_one"].id)).one()
        assert bernard.mailed_at is not None and bernard.outbox_message_id is None
    assert queries.my_setting(db, club.people["mentee_one"].id).last_mailed_at is None


def test_a_digest_person_gets_one_mail_on_monday(club, db, mail_app, smtp_server, run_jobs):
    with club_scope(db):
        club.pairs["one"].activated_at = zurich(2027, 3, 3, 10)
        db.commit()
    set_digest(db, club.people["mentee_one"])
    hold(db, club.pairs["two"], zurich(2027, 3, 24))
    run_at(mail_app, run_jobs, zurich(2027, 3, 31, 8))
    for day in (1, 2, 3, 4):
        assert run_at(mail_app, run_jobs, zurich(2027, 4, day, 8))["mails"] == 0
    assert run_at(mail_app, run_jobs, zurich(2027, 4, 5, 0, 10))["mails"] == 1
    received = exactly(smtp_server, 2)
    bernard = received[1]
    assert bernard["To"] == club.people["mentee_one"].email
    assert "/me/settings/nudges" in body_of(bernard)


@pytest.mark.parametrize("ending", ["completed", "ended_early", "withdrawn", "cohort_closing"])
def test_pairs_that_ended_leave_the_rhythm(club, db, mail_app, smtp_server, run_jobs, ending):
    with club_scope(db):
        for pair in club.pairs.values():
            if ending == "withdrawn":
                mentee = db.get(type(club.participations["mentee_one"]), pair.mentee_participation_id)
                mentee.status = ParticipationStatus.WITHDRAWN
            elif ending == "cohort_closing":
                club.cohort.state = "closing"
            else:
                db.add(PairClosure(pair_id=pair.id, outcome=ClosureOutcome(ending), reason="Moved abroad",
                                   ended_at=zurich(2027, 3, 10)))
        db.commit()
    for day in (29, 30):
        assert run_at(mail_app, run_jobs, zurich(2027, 3, day, 9))["steps"] == 0
    assert run_at(mail_app, run_jobs, zurich(2027, 4, 27, 9))["steps"] == 0
    exactly(smtp_server, 0)


def test_a_step_that_ends_before_it_is_mailed_is_dropped(club, db, mail_app, smtp_server, run_jobs):
    """The board got a flag on Monday; a second pair is flagged on Wednesday (the board waits, capped), then
    its pair is ended early by the board: the waiting flag is done without a mail."""
    with club_scope(db):
        club.pairs["one"].activated_at = zurich(2027, 3, 3, 10)  # flagged on Wednesday 2027-04-28
        db.commit()
    run_at(mail_app, run_jobs, zurich(2027, 4, 26, 9))  # pair two flagged (board, beta, gamma); pair one's second
    assert len(exactly(smtp_server, 5)) == 5              # reminder (26 days overdue) to Anna and Bernard
    done = run_at(mail_app, run_jobs, zurich(2027, 4, 28, 9))
    assert done["steps"] == 1 and done["mails"] == 1 and done["waiting"] == 2  # alpha now; board and beta wait
    with club_scope(db):
        db.add(PairClosure(pair_id=club.pairs["one"].id, outcome=ClosureOutcome.ENDED_EARLY, reason="No time"))
        db.commit()
    done = run_at(mail_app, run_jobs, zurich(2027, 5, 3, 10))
    assert done == {"steps": 0, "deliveries": 0, "mails": 0, "done_without_mail": 2, "waiting": 0}
    exactly(smtp_server, 6)


def test_a_run_that_finds_its_steps_recorded_meanwhile_does_the_batch_again(club, db, mail_app, smtp_server,
                                                                           run_jobs, monkeypatch):
    """Two runs at once: the other run's ledger rows make this run's insert fail on the unique key; the batch
    is rolled back and done again, and each step and mail happens once."""
    run_at(mail_app, run_jobs, zurich(2027, 3, 29, 9))
    with club_scope(db):
        # As if the other run had recorded the steps but not yet mailed: its deliveries wait.
        db.execute(sa.delete(NudgeDelivery))
        db.commit()
    smtp_server.messages.clear()
    blind = {"calls": 0}
    real = queries.recorded_steps

    def first_blind(session, pair_ids):
        blind["calls"] += 1
        return set() if blind["calls"] == 1 else real(session, pair_ids)

    monkeypatch.setattr(queries, "recorded_steps", first_blind)
    done = nudging.nudge_pairs(db, zurich(2027, 3, 29, 10))
    assert blind["calls"] == 2
    assert done.steps == 0 and done.mails == 0
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(PairNudge)) == 2  # one reminder per pair
    exactly(smtp_server, 0)


def test_the_job_is_on_the_schedule_hourly():
    from tandem.workers.schedule import PERIODIC_JOBS

    [job] = [job for job in PERIODIC_JOBS if job.func is nudge_pairs]
    assert (job.queue, job.every_seconds) == ("low", 3600)


def test_a_person_who_is_no_longer_active_is_not_mailed(club, db, mail_app, smtp_server, run_jobs):
    with club_scope(db):
        club.people["mentee_two"].is_active = False
        db.commit()
    hold(db, club.pairs["one"], zurich(2027, 3, 22))
    done = run_at(mail_app, run_jobs, zurich(2027, 3, 29, 9))
    assert done["mails"] == 1 and done["done_without_mail"] == 1
    [message] = exactly(smtp_server, 1)
    assert message["To"] == club.people["mentor_two"].email


def test_an_overdue_pair_that_plans_a_meeting_is_not_reminded(club, db, mail_app, smtp_server, run_jobs):
    in_english(db, *club.people.values())
    with club_scope(db):
        for pair in club.pairs.values():
            db.add(PairMeeting(pair_id=pair.id, uid=f"{uuid.uuid4()}@tandem.test", status=MeetingStatus.PLANNED,
                               starts_at=zurich(2027, 4, 2), duration_minutes=60, format=MeetingFormat.IN_PERSON,
                               place="Café"))
        db.commit()
    assert run_at(mail_app, run_jobs, zurich(2027, 3, 29, 9))["steps"] == 0
    # The planned date passes without a log: the pair is overdue again (from its due date).
    done = run_at(mail_app, run_jobs, zurich(2027, 4, 3, 9))
    assert done["steps"] == 2 and done["mails"] == 4
    exactly(smtp_server, 4)
    assert all(m["Subject"] == "Your next tandem meeting is due: plan it" for m in smtp_server.messages)
    _ = timedelta
