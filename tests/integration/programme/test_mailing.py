"""The programme's mails through a real SMTP server, counted exactly: one invitation per invitee with the
event as a calendar file, updates and cancellations with the next SEQUENCE, nothing twice when a job runs
again or after a worker died half-way, reminders to those who may come, each in the person's language."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email.message import Message

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar

from tandem.platform.clock import set_clock
from tandem.platform.database import as_utc
from tandem.platform.programme import mailing
from tandem.platform.programme.jobs import remind_upcoming_events, send_event_mails, sweep_event_mails
from tandem.platform.programme.models import Answer, Audience, EventInvitation, ProgrammeEvent
from tandem.platform.programme.operations import (
    answer_invitation,
    cancel_event,
    create_event,
    publish_event,
    update_event,
)
from tandem.platform.tenancy import club_scope, tenant_scope
from tandem.workers.schedule import PERIODIC_JOBS
from tests.fixtures.programme import ZURICH, build_club, event_input, invitations, outbox, zurich

INVITEES = ("mentor_a", "mentee_b", "mentor_b")  # en, fr, de


@pytest.fixture()
def mail_app(app, smtp_server, app_context, clock):
    """The suite's app, sending to the test's own SMTP server."""
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


@pytest.fixture()
def club(db, mail_app):
    return build_club(db)


def exactly(smtp_server, count: int) -> list[Message]:
    """Wait for `count` messages, then make sure no more arrive."""
    received = smtp_server.wait_for(count)
    received = smtp_server.wait_for(count + 1, timeout=0.5)
    assert len(received) == count, [m["Subject"] for m in received]
    return list(received)


def leaf_parts(message: Message) -> dict[str, Message]:
    """The message's parts that are not containers, by content type (one of each expected)."""
    parts: dict[str, Message] = {}
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            continue
        assert part.get_content_type() not in parts, f"two {part.get_content_type()} parts"
        parts[part.get_content_type()] = part
    return parts


def text_of(part: Message) -> str:
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def calendar_of(message: Message) -> tuple[Calendar, Message]:
    part = leaf_parts(message)["text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True)), part


def by_recipient(messages: list[Message]) -> dict[str, Message]:
    recipients = [m["To"] for m in messages]
    assert len(set(recipients)) == len(recipients), f"someone got two: {recipients}"
    return {m["To"]: m for m in messages}


def publish(db, club, run_jobs, **changes) -> ProgrammeEvent:
    with club_scope(db):
        event = create_event(db, club.cohort, event_input(**changes), club.people["board"].id)
        db.commit()
        publish_event(db, event, club.people["board"].id)
        db.commit()
    run_jobs()
    return event


def test_publishing_mails_each_invitee_once_with_the_event_as_a_calendar_file(db, club, smtp_server, run_jobs):
    event = publish(db, club, run_jobs)
    received = by_recipient(exactly(smtp_server, 3))
    assert set(received) == {club.people[name].email for name in INVITEES}
    for message in received.values():
        assert message.get_content_type() == "multipart/mixed"
        parts = leaf_parts(message)
        assert set(parts) == {"text/plain", "text/html", "text/calendar"}
        assert "Bahnhofstrasse 1" in text_of(parts["text/plain"])
        assert "/me/events/" in text_of(parts["text/html"])
        calendar, part = calendar_of(message)
        assert part.get_param("method") == "REQUEST"
        assert part.get_filename() == "event.ics"
        assert str(calendar["method"]) == "REQUEST"
        [vevent] = calendar.walk("VEVENT")
        assert str(vevent["uid"]) == event.uid
        assert int(vevent["sequence"]) == 0
        assert vevent["dtstart"].params["TZID"] == "Europe/Zurich"
        assert vevent.decoded("dtstart") == zurich(2027, 4, 20, 18)
        assert list(calendar.walk("VTIMEZONE"))
    # The job again: nobody is mailed twice.
    assert send_event_mails(event.id) == 0
    run_jobs()
    exactly(smtp_server, 3)


def test_changing_the_time_mails_exactly_one_update_each_and_cancelling_one_cancellation(
        db, club, smtp_server, run_jobs):
    event = publish(db, club, run_jobs)
    exactly(smtp_server, 3)
    smtp_server.messages.clear()

    with club_scope(db):
        assert update_event(db, event, event_input(starts_at=zurich(2027, 4, 27, 9),
                                                   ends_at=zurich(2027, 4, 27, 11)), None) is True
        db.commit()
    run_jobs()
    updates = by_recipient(exactly(smtp_server, 3))
    assert set(updates) == {club.people[name].email for name in INVITEES}
    for message in updates.values():
        calendar, part = calendar_of(message)
        assert part.get_param("method") == "REQUEST"
        [vevent] = calendar.walk("VEVENT")
        assert (str(vevent["uid"]), int(vevent["sequence"])) == (event.uid, 1)
        assert vevent.decoded("dtstart") == zurich(2027, 4, 27, 9)
    assert send_event_mails(event.id) == 0
    smtp_server.messages.clear()

    with club_scope(db):
        assert cancel_event(db, event, None) is True
        db.commit()
    run_jobs()
    cancellations = by_recipient(exactly(smtp_server, 3))
    assert set(cancellations) == {club.people[name].email for name in INVITEES}
    for message in cancellations.values():
        calendar, part = calendar_of(message)
        assert part.get_param("method") == "CANCEL"
        assert str(calendar["method"]) == "CANCEL"
        [vevent] = calendar.walk("VEVENT")
        assert (str(vevent["uid"]), int(vevent["sequence"]), str(vevent["status"])) == \
            (event.uid, 2, "CANCELLED")
    assert send_event_mails(event.id) == 0
    assert sweep_event_mails() == 0
    exactly(smtp_server, 3)


def test_a_worker_killed_after_the_first_invitee_leaves_the_rest_to_the_sweep(
        db, club, smtp_server, run_jobs, monkeypatch):
    assert sweep_event_mails in [job.func for job in PERIODIC_JOBS]
    real_queue_mail = mailing.queue_mail
    calls = []

    def dies_after_the_first(*args, **kwargs):
        calls.append(kwargs["recipient"])
        if len(calls) > 1:
            raise RuntimeError("the worker was killed")
        return real_queue_mail(*args, **kwargs)

    monkeypatch.setattr(mailing, "queue_mail", dies_after_the_first)
    event = publish(db, club, run_jobs)  # the job after commit mails one invitee, then dies
    first = exactly(smtp_server, 1)
    told = {row.user_id for row in invitations(db, event.id).values() if row.mailed_sequence == 0}
    assert len(told) == 1, "the first invitee's claim was committed with their mail; the second rolled back"
    monkeypatch.setattr(mailing, "queue_mail", real_queue_mail)

    assert sweep_event_mails() == 1  # the event still has invitees to tell: its job is enqueued again
    run_jobs()
    received = by_recipient(exactly(smtp_server, 3))
    assert set(received) == {club.people[name].email for name in INVITEES}
    assert first[0]["To"] in received
    assert all(row.mailed_sequence == 0 for row in invitations(db, event.id).values())
    assert sweep_event_mails() == 0
    assert send_event_mails(event.id) == 0
    exactly(smtp_server, 3)


def test_reminders_go_to_those_who_said_yes_or_have_not_answered_once(db, club, app, smtp_server, run_jobs):
    audience = (Audience.MENTORS, Audience.MENTEES, Audience.ORG_ADMINS)
    soon = publish(db, club, run_jobs, audience=audience)  # 2027-04-20 18:00 in Zurich, 16:00 UTC
    later = publish(db, club, run_jobs, audience=audience, titles={"en": "Later"},
                    starts_at=zurich(2027, 4, 20, 19, 30), ends_at=zurich(2027, 4, 20, 21))
    invited = ("mentor_a", "mentee_b", "mentor_b", "admin_a", "admin_b")
    exactly(smtp_server, 2 * len(invited))
    smtp_server.messages.clear()
    for name, wanted in (("mentor_a", Answer.YES), ("mentee_b", Answer.NO), ("mentor_b", Answer.MAYBE)):
        person = club.people[name]
        with tenant_scope(db, person.organisation_id):
            for event in (soon, later):
                invitation = db.query(EventInvitation).filter_by(event_id=event.id, user_id=person.id).one()
                answer_invitation(db, invitation, wanted)
            db.commit()
    run_jobs()

    moment = as_utc(soon.starts_at) - timedelta(hours=47)  # `later` starts 48.5 hours after: not yet due
    set_clock(app, moment)
    try:
        # The moment in the club's zone (as a person would write it) means the same instant.
        assert remind_upcoming_events(moment=moment.astimezone(ZURICH).isoformat()) == 3
        run_jobs()
        reminders = by_recipient(exactly(smtp_server, 3))
        assert set(reminders) == {club.people[name].email for name in ("mentor_a", "admin_a", "admin_b")}
        for message in reminders.values():
            calendar, _ = calendar_of(message)
            assert str(calendar.walk("VEVENT")[0]["uid"]) == soon.uid
        assert remind_upcoming_events(moment=moment.isoformat()) == 0
        run_jobs()
        exactly(smtp_server, 3)
        assert len(outbox(db, "programme_reminder")) == 3
    finally:
        set_clock(app, None)


def test_mail_is_written_in_each_invitees_language(db, club, smtp_server, run_jobs):
    publish(db, club, run_jobs)
    received = by_recipient(exactly(smtp_server, 3))
    titles = {"en": "Feedback workshop", "fr": "Atelier feedback", "de": "Feedback-Workshop"}
    for name, language in (("mentor_a", "en"), ("mentee_b", "fr"), ("mentor_b", "de")):
        message = received[club.people[name].email]
        assert message["Content-Language"] == language
        with force_locale(language):
            expected = gettext("Invitation: %(title)s", title=titles[language])
        assert str(message["Subject"]) == expected
        calendar, _ = calendar_of(message)
        assert str(calendar.walk("VEVENT")[0]["summary"]) == titles[language]
    # The German and French mails are not the English text.
    english = text_of(leaf_parts(received[club.people["mentor_a"].email])["text/plain"])
    french = text_of(leaf_parts(received[club.people["mentee_b"].email])["text/plain"])
    assert "Atelier feedback" in french and "Atelier feedback" not in english


def test_markup_in_an_event_is_escaped_in_the_html_mail(db, club, smtp_server, run_jobs):
    publish(db, club, run_jobs, titles={"en": "<script>alert(1)</script> & more"}, venue_name="<b>Hall</b>",
            audience=(Audience.MENTORS,))
    received = by_recipient(exactly(smtp_server, 2))
    html = text_of(leaf_parts(received[club.people["mentor_a"].email])["text/html"])
    assert "<script>" not in html and "<b>Hall</b>" not in html
    assert "&lt;script&gt;" in html
