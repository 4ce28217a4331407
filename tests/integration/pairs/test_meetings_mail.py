"""The meetings' mails through a real SMTP server, counted exactly: the partner of whoever plans a meeting
gets one invitation with the meeting as a calendar REQUEST, one update (same UID, next SEQUENCE) when it
changes, one cancellation (METHOD:CANCEL, STATUS:CANCELLED); a job run again sends nothing; a worker killed
after the claim loses no mail and doubles none (the sweep); each partner's feed lists the pair's meetings."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email.message import Message

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tandem.platform.clock import set_clock
from tandem.platform.identity.models import User
from tandem.platform.pairs.loading import Membership, membership_of
from tandem.platform.pairs.meetings import mailing
from tandem.platform.pairs.meetings.jobs import send_meeting_mail, sweep_meeting_mails
from tandem.platform.pairs.meetings.operations import (
    HeldInput,
    MeetingInput,
    cancel_meeting,
    change_meeting,
    log_planned,
    mark_not_held,
    plan_meeting,
)
from tandem.platform.pairs.models import PairMeeting
from tandem.platform.programme.feeds import feed_calendar, open_feed
from tandem.platform.tenancy import club_scope, tenant_scope
from tandem.workers.schedule import PERIODIC_JOBS
from tests.fixtures.pairs import NOW, outbox, zurich


@pytest.fixture()
def mail_app(app, smtp_server, app_context, clock):
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


@pytest.fixture()
def club(mail_app, pair_club):
    return pair_club


def exactly(smtp_server, count: int) -> list[Message]:
    received = smtp_server.wait_for(count)
    received = smtp_server.wait_for(count + 1, timeout=0.5)
    assert len(received) == count, [m["Subject"] for m in received]
    return list(received)


def calendar_of(message: Message) -> tuple[Calendar, Message]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True)), part


def text_of(message: Message) -> str:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def member(db, club, name: str) -> Membership:
    person = club.people[name]
    with tenant_scope(db, person.organisation_id):
        found = membership_of(db, person.id, club.pairs["one"].id)
    assert found is not None
    return found


def meeting_input(**changes) -> MeetingInput:
    values = {"starts_at": zurich(2027, 3, 10, 18), "duration_minutes": 60, "format": "in_person",
              "place": "Café Odeon", "online_url": None}
    values.update(changes)
    return MeetingInput(**values)  # type: ignore[arg-type]


def plan(db, club, run_jobs, name: str = "mentor_one", **changes) -> PairMeeting:
    with club_scope(db):
        meeting = plan_meeting(db, member(db, club, name), meeting_input(**changes))
        db.commit()
    run_jobs()
    return meeting


def fresh(db, meeting_id: int) -> PairMeeting:
    with club_scope(db):
        db.expire_all()
        found = db.get(PairMeeting, meeting_id)
    assert found is not None
    return found


def test_planning_mails_the_partner_once_with_a_calendar_request(db, club, smtp_server, run_jobs):
    meeting = plan(db, club, run_jobs)
    [message] = exactly(smtp_server, 1)
    assert message["To"] == club.people["mentee_one"].email  # the partner of the mentor who planned it
    assert "Anna Keller" in message["Subject"]
    text = text_of(message)
    assert "Café Odeon" in text and f"/me/pairs/{club.pairs['one'].id}/meetings/{meeting.id}" in text
    calendar, part = calendar_of(message)
    assert part.get_param("method") == "REQUEST" and str(calendar["method"]) == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert (str(vevent["uid"]), int(vevent["sequence"])) == (meeting.uid, 0)
    assert vevent.decoded("dtstart") == zurich(2027, 3, 10, 18)
    assert vevent["dtstart"].params["TZID"] == "Europe/Zurich"
    assert "Anna Keller" in str(vevent["summary"])
    assert [m.kind for m in outbox(db)] == ["pair_meeting_planned"]
    # the job again, and the sweep: nothing more
    assert send_meeting_mail(meeting.id) == 0
    assert sweep_meeting_mails() == 0
    run_jobs()
    exactly(smtp_server, 1)


def test_a_change_mails_one_update_and_a_cancellation_one_cancellation(db, club, smtp_server, run_jobs):
    meeting = plan(db, club, run_jobs)
    exactly(smtp_server, 1)
    smtp_server.messages.clear()
    # the mentee changes it: the mentor is told
    with club_scope(db):
        changed = change_meeting(db, member(db, club, "mentee_one"), fresh(db, meeting.id),
                                 meeting_input(starts_at=zurich(2027, 3, 11, 7, 30), format="online",
                                               place=None, online_url="https://meet.example.org/t"))
        db.commit()
    assert changed
    run_jobs()
    [update] = exactly(smtp_server, 1)
    assert update["To"] == club.people["mentor_one"].email
    calendar, part = calendar_of(update)
    assert part.get_param("method") == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert (str(vevent["uid"]), int(vevent["sequence"])) == (meeting.uid, 1)
    assert vevent.decoded("dtstart") == zurich(2027, 3, 11, 7, 30)
    assert str(vevent["location"]) == "https://meet.example.org/t"
    assert send_meeting_mail(meeting.id) == 0
    smtp_server.messages.clear()

    with club_scope(db):
        cancel_meeting(db, member(db, club, "mentor_one"), fresh(db, meeting.id))
        db.commit()
    run_jobs()
    [cancellation] = exactly(smtp_server, 1)
    assert cancellation["To"] == club.people["mentee_one"].email
    calendar, part = calendar_of(cancellation)
    assert part.get_param("method") == "CANCEL" and str(calendar["method"]) == "CANCEL"
    [vevent] = calendar.walk("VEVENT")
    assert (str(vevent["uid"]), int(vevent["sequence"]), str(vevent["status"])) == (meeting.uid, 2, "CANCELLED")
    assert send_meeting_mail(meeting.id) == 0
    assert sweep_meeting_mails() == 0
    exactly(smtp_server, 1)
    assert [m.kind for m in outbox(db)] == ["pair_meeting_planned", "pair_meeting_changed",
                                             "pair_meeting_cancelled"]


def test_a_meeting_cancelled_before_anyone_was_told_mails_nothing(db, club, smtp_server, run_jobs, monkeypatch):
    monkeypatch.setattr(mailing, "queue_mail", lambda *a, **k: pytest.fail("no mail expected"))
    with club_scope(db):
        meeting = plan_meeting(db, member(db, club, "mentor_one"), meeting_input())
        db.flush()
        cancel_meeting(db, member(db, club, "mentor_one"), meeting)
        db.commit()
    run_jobs()
    assert fresh(db, meeting.id).partner_mailed_sequence == 1
    assert sweep_meeting_mails() == 0


def test_a_worker_killed_after_the_claim_loses_no_mail_and_doubles_none(db, club, smtp_server, run_jobs,
                                                                       monkeypatch):
    assert sweep_meeting_mails in [job.func for job in PERIODIC_JOBS]
    real_queue_mail = mailing.queue_mail

    def killed(*args, **kwargs):
        raise RuntimeError("the worker was killed")

    monkeypatch.setattr(mailing, "queue_mail", killed)
    with club_scope(db):
        meeting = plan_meeting(db, member(db, club, "mentor_one"), meeting_input())
        db.commit()
    with pytest.raises(RuntimeError):
        send_meeting_mail(meeting.id)  # the claim rolled back with the mail
    run_jobs()
    assert fresh(db, meeting.id).partner_mailed_sequence == -1
    assert outbox(db, "pair_meeting_planned") == []
    monkeypatch.setattr(mailing, "queue_mail", real_queue_mail)

    assert sweep_meeting_mails() == 1
    run_jobs()
    [message] = exactly(smtp_server, 1)
    assert message["To"] == club.people["mentee_one"].email
    assert fresh(db, meeting.id).partner_mailed_sequence == 0
    assert sweep_meeting_mails() == 0
    assert send_meeting_mail(meeting.id) == 0
    exactly(smtp_server, 1)


def test_logging_and_not_held_mail_nobody(db, club, app, smtp_server, run_jobs):
    first = plan(db, club, run_jobs, starts_at=zurich(2027, 3, 2, 10))
    second = plan(db, club, run_jobs, starts_at=zurich(2027, 3, 2, 11))
    exactly(smtp_server, 2)
    set_clock(app, NOW + timedelta(days=1))
    with club_scope(db):
        log_planned(db, member(db, club, "mentee_one"), fresh(db, first.id),
                    HeldInput(meeting_input(starts_at=zurich(2027, 3, 2, 10)), [], "Good talk", None))
        mark_not_held(db, member(db, club, "mentee_one"), fresh(db, second.id))
        db.commit()
    run_jobs()
    assert sweep_meeting_mails() == 0
    exactly(smtp_server, 2)


def feed_of(db, person: User) -> Calendar:
    with tenant_scope(db, person.organisation_id):
        open_feed(db, person)
        db.commit()
    with club_scope(db):
        db.expire_all()
        return Calendar.from_ical(feed_calendar(db, db.get(User, person.id)))


def test_both_partners_feeds_list_the_pairs_meetings(db, club, app, run_jobs, smtp_server):
    kept = plan(db, club, run_jobs)
    called_off = plan(db, club, run_jobs, starts_at=zurich(2027, 3, 20, 18))
    with club_scope(db):
        cancel_meeting(db, member(db, club, "mentee_one"), fresh(db, called_off.id))
        db.commit()
    for name, partner in (("mentor_one", "Bernard Favre"), ("mentee_one", "Anna Keller")):
        calendar = feed_of(db, club.people[name])
        events = {str(v["uid"]): v for v in calendar.walk("VEVENT")}
        assert set(events) == {kept.uid, called_off.uid}, name
        assert str(events[kept.uid]["status"]) == "CONFIRMED"
        assert partner in str(events[kept.uid]["summary"])
        assert (str(events[called_off.uid]["status"]), int(events[called_off.uid]["sequence"])) == \
            ("CANCELLED", 1)
    # the other pair's people do not see them
    other = feed_of(db, club.people["mentor_two"])
    assert {str(v["uid"]) for v in other.walk("VEVENT")} & {kept.uid, called_off.uid} == set()


def test_the_feed_reads_a_fixed_number_of_statements(db, club, run_jobs, count_queries, smtp_server):
    person = club.people["mentor_one"]
    with tenant_scope(db, person.organisation_id):
        open_feed(db, person)
        db.commit()
    plan(db, club, run_jobs)
    with club_scope(db):
        user = db.get(User, person.id)
        with count_queries() as few:
            feed_calendar(db, user)
    for day in range(11, 20):
        plan(db, club, run_jobs, starts_at=zurich(2027, 3, day, 18))
    with club_scope(db):
        db.expire_all()
        user = db.get(User, person.id)
        with count_queries() as many:
            feed_calendar(db, user)
        assert db.scalar(sa.select(sa.func.count(PairMeeting.id))) == 10
    def reads(counter) -> int:  # PostgreSQL's scope settings are not reads of the feed
        return len([sql for sql in counter.statements if "set_config(" not in sql])

    assert reads(many) == reads(few) <= 6
