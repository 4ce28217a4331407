"""The invitee's pages (their events, one event, the answer, the .ics, the calendar feed's page), the
organisation admin's view of the programme, the public feed URL, and the next events on the participant's
home page. An event a person is not invited to does not exist for them; an organisation admin sees only their
own people."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar

from tandem.platform.clock import set_clock
from tandem.platform.database import as_utc
from tandem.platform.identity.models import User
from tandem.platform.programme.models import Answer, Audience, ProgrammeEvent
from tandem.platform.programme.operations import cancel_event, create_event, publish_event
from tandem.platform.tenancy import club_scope
from tests.fixtures.jobs import run_queued_jobs
from tests.fixtures.programme import NOW, build_club, event_input, invitations, outbox, zurich
from tests.fixtures.signing_in import run_sign_in_jobs

EN = {"Accept-Language": "en"}
LINK = re.compile(r"http://[^\s]+/sign-in/link/([A-Za-z0-9_\-]+)")
FEED = re.compile(r"http://localhost/calendar/([A-Za-z0-9_\-]+)\.ics")


@pytest.fixture()
def club(db, clock):
    club = build_club(db)
    # The pages are read in English: the people who use them here prefer it.
    with club_scope(db):
        for name in ("mentor_b", "mentee_b"):
            db.get(User, club.people[name].id).preferred_language = "en"
        db.commit()
    return club


def published(app, db, club, **changes) -> ProgrammeEvent:
    """An event made and published by the board through the operations (its mails are sent at commit)."""
    with app.app_context():
        with club_scope(db):
            event = create_event(db, club.cohort, event_input(**changes), club.people["board"].id)
            publish_event(db, event, club.people["board"].id)
        db.commit()
    return event


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def answer(client, event_id: int, wanted: str):
    return client.post(f"/me/events/{event_id}/answer", data={"answer": wanted}, headers=EN)


def answer_of(db, event_id: int, person: User) -> str:
    return invitations(db, event_id)[person.id].answer


# ------------------------------------------------------------------------------------------ the invitee


def test_an_invited_mentor_sees_the_event_and_answers_yes_then_no(app, db, client, sign_in, club):
    alpha = club.organisations["alpha"]
    event = published(app, db, club, online_url="https://meet.example/feedback?room=4",
                      host_organisation_id=alpha.id, capacity=20)
    mentor = club.people["mentor_a"]
    sign_in(client, mentor)

    listing = text_of(page(client, "/me/events"))
    assert "Feedback workshop" in listing and "Not answered yet" in listing and "Upcoming events" in listing
    assert "Past events" not in listing

    html = page(client, f"/me/events/{event.id}")
    text = text_of(html)
    assert "Feedback workshop" in text and "Giving and taking feedback." in text
    assert "Tuesday, April 20, 2027, 6:00 PM – 8:00 PM" in text.replace("\u202f", " ")
    assert '<time datetime="2027-04-20T16:00:00+00:00">' in html
    assert "Europe/Zurich" in text and "Central European Summer Time" in text
    assert "Room: Room 4" in text and "Bahnhofstrasse 1, Zürich" in text and "Hosted by Alpha Bank" in text
    assert '<a class="event-facts__link" href="https://meet.example/feedback?room=4" rel="noopener">' in html
    assert "20 places left of 20" in text
    assert 'name="answer"' in html and "checked" not in html
    assert f'href="/me/events/{event.id}/event.ics"' in html and 'href="/me/calendar"' in html

    response = answer(client, event.id, "yes")
    assert response.status_code == 302 and response.headers["Location"] == f"/me/events/{event.id}"
    assert answer_of(db, event.id, mentor) == Answer.YES
    after = page(client, f"/me/events/{event.id}")
    assert "Thank you: your answer is saved." in after
    assert re.search(r'value="yes"[^>]*checked|checked[^>]*value="yes"', after)
    assert "19 places left of 20" in text_of(after)

    assert answer(client, event.id, "no").status_code == 302
    assert answer_of(db, event.id, mentor) == Answer.NO
    assert "No, I cannot come" in text_of(page(client, "/me/events"))


def test_an_answer_that_is_not_a_choice_is_refused_beside_the_field(app, db, client, sign_in, club):
    event = published(app, db, club)
    mentor = club.people["mentor_a"]
    sign_in(client, mentor)
    for wrong in ("waiting", "", "<script>alert(1)</script>"):
        response = answer(client, event.id, wrong)
        assert response.status_code == 400, wrong
        html = response.get_data(as_text=True)
        assert 'class="field__error" id="answer-error-1"' in html
        assert "<script>alert(1)</script>" not in html
        assert answer_of(db, event.id, mentor) == Answer.NONE


def test_a_full_event_puts_the_second_yes_on_the_waiting_list_and_a_no_moves_them_up(app, db, sign_in, club):
    event = published(app, db, club, capacity=1, audience=(Audience.MENTORS,))
    first, second = club.people["mentor_a"], club.people["mentor_b"]
    first_client, second_client = app.test_client(), app.test_client()
    sign_in(first_client, first)
    sign_in(second_client, second)

    assert answer(first_client, event.id, "yes").status_code == 302
    assert "1 place left of 1" not in text_of(page(first_client, f"/me/events/{event.id}"))
    assert answer(second_client, event.id, "yes").status_code == 302
    assert answer_of(db, event.id, second) == Answer.WAITING
    text = text_of(page(second_client, f"/me/events/{event.id}"))
    assert "The event is full: you are on the waiting list. You will get an e-mail if a place becomes free." in text
    assert "You are number 1 on the waiting list." in text and "Full: the one place is taken." in text
    assert "On the waiting list" in text_of(page(second_client, "/me/events"))
    assert outbox(db, "programme_place_free") == []

    assert answer(first_client, event.id, "no").status_code == 302
    assert answer_of(db, event.id, first) == Answer.NO
    assert answer_of(db, event.id, second) == Answer.YES
    [mail] = outbox(db, "programme_place_free")
    assert mail.recipient == second.email
    text = text_of(page(second_client, f"/me/events/{event.id}"))
    assert "waiting list" not in text and "Yes, I will come" in text


def test_a_person_not_invited_gets_404_for_the_event_its_answer_and_its_file(app, db, client, sign_in, club):
    event = published(app, db, club, audience=(Audience.MENTEES,))
    with app.app_context():
        with club_scope(db):
            draft = create_event(db, club.cohort, event_input(titles={"en": "Still a draft"}),
                                 club.people["board"].id)
        db.commit()
    # Not invited: a mentor (mentees only), the mentor of another cohort, an admin, the board.
    for name in ("mentor_a", "other_cohort_a", "admin_a", "board"):
        sign_in(client, club.people[name])
        for path in (f"/me/events/{event.id}", f"/me/events/{event.id}/event.ics", f"/me/events/{draft.id}",
                     "/me/events/999999"):
            assert client.get(path, headers=EN).status_code == 404, (name, path)
        assert answer(client, event.id, "yes").status_code == 404, name
        assert "Feedback workshop" not in page(client, "/me/events")
    assert Answer.YES not in {row.answer for row in invitations(db, event.id).values()}
    # The mentee who is invited sees it; the draft stays hidden from them too.
    sign_in(client, club.people["mentee_b"])
    assert "Feedback workshop" in page(client, f"/me/events/{event.id}")
    assert client.get(f"/me/events/{draft.id}", headers=EN).status_code == 404


def test_the_event_file_is_a_calendar_with_the_events_uid(app, db, client, sign_in, club):
    event = published(app, db, club)
    sign_in(client, club.people["mentor_a"])
    response = client.get(f"/me/events/{event.id}/event.ics", headers=EN)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{event.id}.ics"'
    calendar = Calendar.from_ical(response.data)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == event.uid
    assert str(vevent["summary"]) == "Feedback workshop"
    assert vevent.decoded("dtstart") == zurich(2027, 4, 20, 18)
    assert calendar.walk("VTIMEZONE")


def test_answers_close_when_the_event_starts_or_is_cancelled(app, db, client, sign_in, club):
    event = published(app, db, club)
    mentor = club.people["mentor_a"]
    sign_in(client, mentor)

    set_clock(app, as_utc(event.starts_at) + timedelta(minutes=5))
    html = page(client, f"/me/events/{event.id}")
    assert 'name="answer"' not in html and "This event has started: answers are closed." in html
    response = answer(client, event.id, "yes")
    assert response.status_code == 302 and response.headers["Location"] == f"/me/events/{event.id}"
    assert "This event has started: answers are closed." in page(client, f"/me/events/{event.id}")
    assert answer_of(db, event.id, mentor) == Answer.NONE
    set_clock(app, as_utc(event.ends_at) + timedelta(days=1))
    listing = text_of(page(client, "/me/events"))
    assert "Past events" in listing and "No upcoming events" in listing and "Feedback workshop" in listing

    set_clock(app, NOW)
    with app.app_context():
        with club_scope(db):
            cancel_event(db, db.get(ProgrammeEvent, event.id), club.people["board"].id)
        db.commit()
    html = page(client, f"/me/events/{event.id}")
    assert 'name="answer"' not in html and "This event is cancelled" in html
    assert "Cancelled" in text_of(page(client, "/me/events"))
    assert answer(client, event.id, "yes").status_code == 302
    assert answer_of(db, event.id, mentor) == Answer.NONE


def test_the_mails_link_leads_through_sign_in_back_to_the_event(app, db, client, club):
    event = published(app, db, club)
    run_queued_jobs(app)  # with Redis, the invitations are mailed by a queued job
    mentor = club.people["mentor_a"]
    [invitation] = [m for m in outbox(db, "programme_invitation") if m.recipient == mentor.email]
    assert f"http://localhost/me/events/{event.id}" in invitation.body_text

    response = client.get(f"/me/events/{event.id}", headers=EN)
    assert response.status_code == 401 and 'href="/sign-in"' in response.get_data(as_text=True)
    assert client.post("/sign-in", data={"email": mentor.email, "continue_": "1"}).status_code == 302
    run_sign_in_jobs(app)  # the link is made by a job, after the answer (queued in Redis when REDIS_URL is set)
    [mail] = [m for m in outbox(db, "sign_in_link") if m.recipient == mentor.email]
    token = LINK.search(mail.body_text).group(1)
    response = client.post(f"/sign-in/link/{token}")
    assert response.status_code == 302 and response.headers["Location"] == f"/me/events/{event.id}"
    assert "Feedback workshop" in page(client, f"/me/events/{event.id}")


# ---------------------------------------------------------------------------------------- the feed


def test_the_calendar_feed_is_made_shown_once_renewed_and_revoked(app, db, client, sign_in, club):
    event = published(app, db, club)
    sign_in(client, club.people["mentor_a"])
    html = page(client, "/me/calendar")
    assert "You have no calendar address yet." in html
    for words in ("Subscribe from web", "From URL", "New Calendar Subscription", "Anyone who has the address",
                  "independently of signing in", "stop working"):
        assert words in html, words

    response = client.post("/me/calendar/renew", headers=EN)
    assert response.status_code == 302 and response.headers["Location"] == "/me/calendar"
    assert "calendar/" not in response.headers["Location"].removeprefix("/me/")
    html = page(client, "/me/calendar")
    assert "Your calendar address is ready." in html and "Copy this address now" in html
    token = FEED.search(html).group(1)
    assert f"webcal://localhost/calendar/{token}.ics" in html
    again = page(client, "/me/calendar")
    assert token not in again and "You have a calendar address, created on" in again  # shown once

    reader = app.test_client()  # a calendar program: no cookie, no session
    response = reader.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers
    etag = response.headers["ETag"]
    assert {str(v["uid"]) for v in Calendar.from_ical(response.data).walk("VEVENT")} == {event.uid}
    assert reader.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag}).status_code == 304

    assert client.post("/me/calendar/renew", headers=EN).status_code == 302
    html = page(client, "/me/calendar")
    assert "The old address no longer works" in html
    renewed = FEED.search(html).group(1)
    assert renewed != token
    gone = reader.get(f"/calendar/{token}.ics")
    assert gone.status_code == 404 and "Set-Cookie" not in gone.headers
    assert reader.get(f"/calendar/{renewed}.ics").status_code == 200

    assert client.post("/me/calendar/revoke", headers=EN).status_code == 302
    assert "Your calendar address is switched off" in page(client, "/me/calendar")
    assert reader.get(f"/calendar/{renewed}.ics").status_code == 404
    assert client.post("/me/calendar/revoke", headers=EN).status_code == 302
    assert "You had no calendar address to switch off." in page(client, "/me/calendar")


def test_the_feed_works_after_signing_out(app, db, client, sign_in, club):
    published(app, db, club)
    sign_in(client, club.people["mentor_a"])
    client.post("/me/calendar/renew")
    token = FEED.search(page(client, "/me/calendar")).group(1)
    client.post("/sign-out")
    assert client.get("/me/calendar").status_code == 401
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and b"Feedback workshop" in response.data


def test_the_new_address_is_shown_only_to_the_person_who_made_it(app, db, client, sign_in, club):
    sign_in(client, club.people["mentor_a"])
    client.post("/me/calendar/renew")
    # Someone else signs in on the same browser before the page was shown: they do not see it.
    sign_in(client, club.people["mentor_b"])
    html = page(client, "/me/calendar")
    assert not FEED.search(html) and "You have no calendar address yet." in html


# --------------------------------------------------------------------------------- organisation admins


def test_an_organisation_admin_sees_their_own_peoples_answers_only(app, db, client, sign_in, club):
    event = published(app, db, club)
    alpha, beta, gamma = (club.organisations[name] for name in ("alpha", "beta", "gamma"))
    other_client = app.test_client()
    sign_in(other_client, club.people["mentor_b"])
    assert answer(other_client, event.id, "yes").status_code == 302

    sign_in(client, club.people["admin_b"])
    assert f'href="/o/{beta.slug}/programme">Programme</a>' in page(client, f"/o/{beta.slug}/")
    listing = text_of(page(client, f"/o/{beta.slug}/programme"))
    assert "Feedback workshop" in listing and "Coming 1" in listing and "Not answered yet 1" in listing
    html = page(client, f"/o/{beta.slug}/programme/{event.id}")
    text = text_of(html)
    mentor_b, mentee_b = club.people["mentor_b"], club.people["mentee_b"]
    assert f"Berta Graf {mentor_b.email} Mentor Coming" in text
    assert f"Bernard Favre {mentee_b.email} Mentee Not answered yet" in text
    assert "Anna Keller" not in text and club.people["mentor_a"].email not in text  # alpha's mentor

    sign_in(client, club.people["admin_a"])
    text = text_of(page(client, f"/o/{alpha.slug}/programme/{event.id}"))
    assert "Anna Keller" in text and "Berta Graf" not in text

    # Gamma takes no part in the cohort: the event does not exist in its area; beta's area is not theirs.
    sign_in(client, club.people["admin_g"])
    assert "Feedback workshop" not in page(client, f"/o/{gamma.slug}/programme")
    assert client.get(f"/o/{gamma.slug}/programme/{event.id}", headers=EN).status_code == 404
    assert client.get(f"/o/{beta.slug}/programme/{event.id}", headers=EN).status_code == 404
    assert client.get(f"/o/{beta.slug}/programme", headers=EN).status_code == 404

    # The board may look into an organisation's area too.
    sign_in(client, club.people["board"])
    assert "Berta Graf" in page(client, f"/o/{beta.slug}/programme/{event.id}")


def test_an_event_of_another_cohort_is_not_in_an_organisations_area(app, db, client, sign_in, club):
    with app.app_context():
        with club_scope(db):
            other = create_event(db, club.other_cohort, event_input(titles={"en": "Other cohort's evening"}),
                                 club.people["board"].id)
            publish_event(db, other, club.people["board"].id)
        db.commit()
    beta = club.organisations["beta"]
    sign_in(client, club.people["admin_b"])
    assert "Other cohort" not in page(client, f"/o/{beta.slug}/programme")
    assert client.get(f"/o/{beta.slug}/programme/{other.id}", headers=EN).status_code == 404


# ------------------------------------------------------------------------------- the participant's home


def test_the_participant_home_shows_the_next_events(app, db, client, sign_in, club, count_queries):
    mentor = club.people["mentor_a"]
    sign_in(client, mentor)
    assert "No upcoming events yet." in page(client, "/me/")

    event = published(app, db, club)
    html = page(client, "/me/")
    text = text_of(html)
    assert "Your next events" in text and "Feedback workshop" in text and "Not answered yet" in text
    assert f'href="/me/events/{event.id}"' in html and 'href="/me/calendar"' in html
    assert "Subscribe to your calendar" in text
    with count_queries() as one:
        page(client, "/me/")

    for day in (21, 22, 23, 24):
        published(app, db, club, titles={"en": f"Session on the {day}th"},
                  starts_at=zurich(2027, 4, day, 18), ends_at=zurich(2027, 4, day, 20))
    with count_queries() as five:
        text = text_of(page(client, "/me/"))
    assert five.count == one.count, (one.statements, five.statements)
    assert "Session on the 22th" in text and "Session on the 23th" not in text  # the next three only
