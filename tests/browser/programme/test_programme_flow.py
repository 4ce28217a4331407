"""The programme in the browser: the board makes the kick-off from the cohort's dates and publishes it; a
mentee answers yes, downloads the event, subscribes to her private calendar feed (fetched without cookies,
as a calendar program would); the board moves the kick-off and she gets exactly one update, which her feed
shows. Mail goes through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import urllib.request
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from email.message import Message
from time import monotonic, sleep
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import expect

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.programme.models import EventInvitation, EventKind, EventStatus, ProgrammeEvent
from tests.factories import make_board_member, make_cohort, make_organisation, make_participation, make_user
from tests.fixtures.signing_in import sign_in_by_link

pytestmark = pytest.mark.browser

BOARD_EMAIL = "regula.widmer@alpenbank.example"
MENTEE_EMAIL = "monika.wyss@rhein.example"
ZURICH = ZoneInfo("Europe/Zurich")


@pytest.fixture()
def mailing_live_server(live_server, smtp_server):
    """The live app, delivering its mail to the test's own SMTP server (both on 127.0.0.1)."""
    settings = live_server.app.config["TANDEM"]
    live_server.app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield live_server
    finally:
        live_server.app.config["TANDEM"] = settings


@pytest.fixture()
def running_cohort(mailing_live_server):
    """A running cohort whose kick-off is six weeks ahead (the real clock: sessions and links use it too)."""
    kickoff = date.today() + timedelta(weeks=6)
    session = mailing_live_server.session()
    try:
        alpha = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        beta = make_organisation(session, "rhein", name="Rhein Energie")
        make_board_member(session, alpha, email=BOARD_EMAIL, display_name="Regula Widmer", preferred_language="en")
        cohort = make_cohort(session, CohortState.RUNNING, name="Cohort 2027", languages=["en"], kickoff_on=kickoff)
        mentor = make_user(session, alpha, display_name="Lara Meier", preferred_language="en")
        mentee = make_user(session, beta, email=MENTEE_EMAIL, display_name="Monika Wyss", preferred_language="en")
        make_participation(session, mentor, cohort, role="mentor", status=ParticipationStatus.ACTIVE)
        make_participation(session, mentee, cohort, role="mentee", status=ParticipationStatus.ACTIVE)
        session.commit()
        return {"cohort": cohort.id, "kickoff": kickoff, "mentee": mentee.id}
    finally:
        session.close()


def to_mentee(smtp_server) -> list[Message]:
    return [m for m in smtp_server.messages if m["To"] == MENTEE_EMAIL]


def programme_mails(messages: list[Message]) -> list[Message]:
    """The mails that carry a calendar entry (the programme's), not the sign-in links."""
    return [m for m in messages if any(p.get_content_type() == "text/calendar" for p in m.walk())]


def wait_for_programme_mails(smtp_server, count: int, timeout: float = 10.0) -> list[Message]:
    """Wait until the mentee has `count` programme mails, then a little longer to be sure no more come."""
    deadline = monotonic() + timeout
    while len(programme_mails(to_mentee(smtp_server))) < count and monotonic() < deadline:
        sleep(0.05)
    sleep(0.5)
    return programme_mails(to_mentee(smtp_server))


def only_event(content: bytes):
    calendar = Calendar.from_ical(content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1, content.decode()
    return events[0]


def fetch_feed(url: str) -> bytes:
    """A plain GET without cookies or a session, as a calendar program makes it."""
    assert url.startswith("http://127.0.0.1:"), url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a loopback URL, checked above
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert "Set-Cookie" not in response.headers
        return response.read()


def test_the_kickoff_reaches_a_mentee_and_its_change_follows(mailing_live_server, smtp_server, page, browser,
                                                             running_cohort):
    server, cohort_id, kickoff = mailing_live_server, running_cohort["cohort"], running_cohort["kickoff"]

    # The board: the Programme tab, the kick-off from the cohort's dates in one click, published.
    sign_in_by_link(page, server, BOARD_EMAIL)
    page.goto(f"{server.url}/board/cohorts/{cohort_id}")
    page.get_by_role("link", name="Programme", exact=True).click()
    page.wait_for_url(f"{server.url}/board/cohorts/{cohort_id}/programme")
    page.get_by_role("button", name="Create kick-off, closing and symposium from the cohort's dates").click()
    # The same address after the POST: wait for the new page's message, not for the address.
    expect(page.locator("main")).to_contain_text("Created as drafts")
    page.get_by_role("link", name="Kick-off", exact=True).click()
    page.wait_for_url(f"{server.url}/board/cohorts/{cohort_id}/programme/*")
    event_url = page.url
    page.locator("#publish-summary").click()
    page.get_by_role("button", name="Publish and invite").click()
    expect(page.locator("main")).to_contain_text("The event is published: 2 people are invited")
    assert page.url == event_url

    session = server.session()
    try:
        kickoff_event = session.scalars(sa.select(ProgrammeEvent).where(
            ProgrammeEvent.cohort_id == cohort_id, ProgrammeEvent.kind == EventKind.KICKOFF)).one()
        assert kickoff_event.status == EventStatus.PUBLISHED
        event_id, uid = kickoff_event.id, kickoff_event.uid
    finally:
        session.close()
    assert event_url == f"{server.url}/board/cohorts/{cohort_id}/programme/{event_id}"
    first_start = datetime.combine(kickoff, time(17, 0), ZURICH)
    invitation = wait_for_programme_mails(smtp_server, 1)
    assert [m["Subject"] for m in invitation] == ["Invitation: Kick-off"]

    # The mentee, in a browser of her own: her events, her answer, the event's file, her feed.
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    try:
        context.set_default_timeout(15_000)
        mentee = context.new_page()
        sign_in_by_link(mentee, server, MENTEE_EMAIL)
        mentee.goto(server.url + "/me/")
        mentee.get_by_role("link", name="My events", exact=True).first.click()
        mentee.wait_for_url(server.url + "/me/events")
        mentee.get_by_role("link", name="Kick-off", exact=True).click()
        mentee.wait_for_url(f"{server.url}/me/events/{event_id}")
        mentee.get_by_label("Yes, I will come").check()
        mentee.get_by_role("button", name="Save my answer").click()
        expect(mentee.locator("main")).to_contain_text("Thank you: your answer is saved.")
        expect(mentee.locator("main")).to_contain_text("You answered: Yes, I will come.")
        assert mentee.url == f"{server.url}/me/events/{event_id}"

        with mentee.expect_download() as download_info:
            mentee.get_by_role("link", name="Download this event (.ics)").click()
        download = download_info.value
        assert download.suggested_filename == f"event-{event_id}.ics"
        with open(download.path(), "rb") as file:
            downloaded = only_event(file.read())
        assert str(downloaded["UID"]) == uid
        assert downloaded.decoded("DTSTART") == first_start

        mentee.goto(server.url + "/me/events")
        mentee.get_by_role("link", name="Subscribe to your calendar").first.click()
        mentee.wait_for_url(server.url + "/me/calendar")
        mentee.get_by_role("button", name="Create my calendar address").click()
        expect(mentee.locator("main")).to_contain_text("Your calendar address is ready.")
        feed_url = mentee.locator("#calendar-url").inner_text().strip()
        assert feed_url.startswith(f"{server.url}/calendar/") and feed_url.endswith(".ics")
    finally:
        context.close()

    listed = only_event(fetch_feed(feed_url))
    assert str(listed["UID"]) == uid
    assert listed.decoded("DTSTART") == first_start

    session = server.session()
    try:
        answer = session.scalar(sa.select(EventInvitation.answer).where(
            EventInvitation.event_id == event_id, EventInvitation.user_id == running_cohort["mentee"]))
    finally:
        session.close()
    assert answer == "yes"

    # The board moves the kick-off an hour later: the mentee gets one update, and her feed shows it.
    page.goto(event_url)
    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_url(f"{event_url}/edit")
    page.get_by_label("Starts").fill(f"{kickoff.isoformat()}T18:00")
    page.get_by_role("button", name="Save the event").click()
    expect(page.locator("main")).to_contain_text("Every invitee is told of the change by e-mail")
    assert page.url == event_url

    mails = wait_for_programme_mails(smtp_server, 2)
    assert [m["Subject"] for m in mails] == ["Invitation: Kick-off", "Changed: Kick-off"]
    assert len(to_mentee(smtp_server)) == 3  # and her one sign-in link
    new_start = datetime.combine(kickoff, time(18, 0), ZURICH)
    attached = next(p for p in mails[1].walk() if p.get_content_type() == "text/calendar")
    updated = only_event(attached.get_payload(decode=True))
    assert str(updated["UID"]) == uid and updated.decoded("DTSTART") == new_start

    listed = only_event(fetch_feed(feed_url))
    assert str(listed["UID"]) == uid
    assert listed.decoded("DTSTART") == new_start
    assert int(listed["SEQUENCE"]) == 1
