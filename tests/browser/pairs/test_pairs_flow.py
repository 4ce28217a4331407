"""The pairs' space in the browser: the pair plans a meeting, logs it, both check in; another pair goes silent,
the clock moves, the board sees it flagged and writes to it.

Each person has a browser of their own; the mentee of pair one browses without JavaScript (the pages claim
to work without it). Mail goes through a real SMTP server on 127.0.0.1. The app's clock is moved
(`set_clock`); sign-in sessions keep the system's. Set REDIS_URL to run the same flow with jobs queued in
Redis (they are then run from the queues at each step, as a worker would).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import Message
from time import monotonic, sleep
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.pairs.models import BoardMessage, MeetingStatus, PairCheckIn, PairMeeting
from tandem.platform.pairs.nudges.jobs import nudge_pairs
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)
from tests.fixtures.jobs import run_queued_jobs
from tests.fixtures.signing_in import sign_in_by_link

pytestmark = pytest.mark.browser

ZURICH = ZoneInfo("Europe/Zurich")
COHORT = "Cohort Autumn"
BOARD = "regula.widmer@alpenbank.example"
MENTOR_ONE = "lara.meier@alpenbank.example"
MENTEE_ONE = "monika.wyss@rhein.example"
MENTOR_TWO = "beat.graf@rhein.example"
MENTEE_TWO = "greta.hof@klinik.example"
NAMES = {MENTOR_ONE: "Lara Meier", MENTEE_ONE: "Monika Wyss", MENTOR_TWO: "Beat Graf", MENTEE_TWO: "Greta Hof"}
TOPIC = "Negotiation"
ONLINE_LINK = "https://meet.example/lara-monika"
SUMMARY = "We rehearsed the budget talk with Monika's team lead, step by step."
PRIVATE_NOTE = "Monika seems unsure about the reorganisation."
COMMENT = "Lara's questions helped me prepare."
BOARD_WORDS = "We have not seen a meeting of yours for a while: how can the board help you two?"
CALENDAR = "text/calendar"
SIGN_IN_SUBJECT = re.compile(r"^Your sign-in link")


@pytest.fixture()
def pairs_server(mailing_live_server: Any) -> Any:
    return mailing_live_server


@dataclass(frozen=True)
class Club:
    cohort_id: int
    kickoff: date
    pair_one: int
    pair_two: int


def zurich(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZURICH)


def club_today() -> date:
    """Today in the club's zone by the real clock (the test's own reference; the app reads its clock)."""
    return datetime.now(ZURICH).date()


@pytest.fixture()
def club(pairs_server: Any) -> Club:
    """A running cohort whose kick-off was three weeks ago (meetings every 3 to 4 weeks), a board member, and
    two published pairs across three organisations: one (Lara, alpenbank, mentor of Monika, rhein) and two
    (Beat, rhein, mentor of Greta, klinik), both published ten days before the kick-off."""
    kickoff = club_today() - timedelta(weeks=3)
    session = pairs_server.session()
    try:
        alpen = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        rhein = make_organisation(session, "rhein", name="Rhein Energie")
        klinik = make_organisation(session, "klinik", name="Klinik Seefeld")
        make_board_member(session, alpen, email=BOARD, display_name="Regula Widmer", preferred_language="en")
        cohort = make_cohort(session, CohortState.RUNNING, name=COHORT, languages=["en"], kickoff_on=kickoff,
                             closing_on=kickoff + timedelta(weeks=26), symposium_on=kickoff + timedelta(weeks=28),
                             meeting_every_min_weeks=3, meeting_every_max_weeks=4)
        make_catalogue_topic(session, TOPIC)
        make_catalogue_topic(session, "Leadership")
        participations = {}
        for address, organisation, role in ((MENTOR_ONE, alpen, "mentor"), (MENTEE_ONE, rhein, "mentee"),
                                            (MENTOR_TWO, rhein, "mentor"), (MENTEE_TWO, klinik, "mentee")):
            user = make_user(session, organisation, email=address, display_name=NAMES[address],
                             preferred_language="en")
            participations[address] = make_participation(session, user, cohort, role=role,
                                                          status=ParticipationStatus.ACTIVE)
        published = zurich(kickoff - timedelta(days=10), 10).astimezone(UTC)
        pairs = []
        for mentor, mentee in ((MENTOR_ONE, MENTEE_ONE), (MENTOR_TWO, MENTEE_TWO)):
            pair = make_pair(session, participations[mentor], participations[mentee])
            with club_scope(session):
                pair.activated_at = published
                session.flush()
            pairs.append(pair.id)
        session.commit()
        return Club(cohort_id=cohort.id, kickoff=kickoff, pair_one=pairs[0], pair_two=pairs[1])
    finally:
        session.close()


# ------------------------------------------------------------------------------------------------ helpers


def settle(server: Any) -> None:
    """With Redis, run what the last request queued (mail among it), as a worker would; in-process, the jobs
    ran at commit already."""
    run_queued_jobs(server.app)


def mails_to(smtp_server: Any, address: str) -> list[Message]:
    """What `address` received, sign-in links left out."""
    return [m for m in smtp_server.messages
            if m["To"] == address and not SIGN_IN_SUBJECT.match(str(m["Subject"] or ""))]


def wait_for_mails(smtp_server: Any, address: str, count: int, timeout: float = 10.0) -> list[Message]:
    """Wait until `address` has `count` mails (sign-in links aside), then a little longer to be sure no more
    come."""
    deadline = monotonic() + timeout
    while len(mails_to(smtp_server, address)) < count and monotonic() < deadline:
        sleep(0.05)
    sleep(0.5)
    return mails_to(smtp_server, address)


def text_of(message: Message) -> str:
    parts = [part.get_payload(decode=True) for part in message.walk() if part.get_content_type() == "text/plain"]
    return "\n".join(part.decode("utf-8") for part in parts if isinstance(part, bytes))


def has_calendar(message: Message) -> bool:
    return any(part.get_content_type() == CALENDAR for part in message.walk())


def watch(context: Any, failures: list[str]) -> Any:
    """Note every answer of the server that is an error of its own (5xx) or a client error (4xx)."""
    context.on("response", lambda response: failures.append(f"{response.status} {response.url}")
               if response.status >= 400 else None)
    return context


def new_person(browser: Any, failures: list[str], *, javascript: bool = True) -> Any:
    """A browser of the person's own (their own cookies), with or without JavaScript."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900},
                                  java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    return watch(context, failures)


def local_input(moment: datetime) -> str:
    """A moment as a datetime-local field takes it (the club's zone)."""
    return moment.astimezone(ZURICH).strftime("%Y-%m-%dT%H:%M")


def row(page: Any, pair_id: int) -> Any:
    return page.locator(f"#pair-{pair_id}")


# --------------------------------------------------------------------------------------------------- test


def test_a_pair_meets_and_checks_in_while_the_board_writes_to_a_silent_one(pairs_server, smtp_server, page,
                                                                          browser, club):
    server = pairs_server
    pair_url = f"{server.url}/me/pairs/{club.pair_one}"
    first_meeting = zurich(club_today() + timedelta(days=3), 18)
    next_meeting = zurich(club_today() + timedelta(days=45), 17, 30)
    silent_moment = zurich(club.kickoff + timedelta(weeks=9), 9)  # pair two: nine weeks without a meeting

    failures: list[str] = []  # no page of the flow answers with an error
    watch(page.context, failures)

    # Pair one's mentor: from her programme page to the pair's space, where she plans an online meeting.
    mentor_context = new_person(browser, failures)
    mentee_context = new_person(browser, failures, javascript=False)
    try:
        mentor = mentor_context.new_page()
        sign_in_by_link(mentor, server, MENTOR_ONE)
        mentor.goto(server.url + "/me/")
        mentor.get_by_role("link", name="Our pair's space").click()
        mentor.wait_for_url(pair_url)
        expect(mentor.locator("h1")).to_contain_text("Our tandem: Lara Meier and Monika Wyss")
        mentor.locator("#meetings").get_by_role("link", name="Plan a meeting", exact=True).click()
        mentor.wait_for_url(f"{pair_url}/meetings/new")
        mentor.get_by_label("Date and time").fill(local_input(first_meeting))
        mentor.get_by_label("Duration in minutes").fill("60")
        mentor.get_by_label("Online", exact=True).check()
        mentor.get_by_label("Online link").fill(ONLINE_LINK)
        mentor.get_by_role("button", name="Plan the meeting").click()
        expect(mentor.locator("main")).to_contain_text("The meeting is planned. Your partner receives it by e-mail")
        assert re.fullmatch(rf"{re.escape(pair_url)}/meetings/\d+", mentor.url), mentor.url
        meeting_url = mentor.url
        expect(mentor.get_by_role("link", name=ONLINE_LINK)).to_have_attribute("href", ONLINE_LINK)

        session = server.session()
        try:
            meeting = session.scalars(sa.select(PairMeeting).where(PairMeeting.pair_id == club.pair_one)).one()
            meeting_id, uid = meeting.id, meeting.uid
            assert meeting.status == MeetingStatus.PLANNED
            assert meeting.starts_at.replace(tzinfo=UTC) == first_meeting.astimezone(UTC)
        finally:
            session.close()
        assert meeting_url == f"{pair_url}/meetings/{meeting_id}"

        # The mentee is mailed once, with the calendar entry; the mentor (who planned it) is not.
        settle(server)
        planned = wait_for_mails(smtp_server, MENTEE_ONE, 1)
        assert len(planned) == 1, [m["Subject"] for m in planned]
        assert planned[0]["Subject"].startswith("Lara Meier planned a tandem meeting")
        assert has_calendar(planned[0])
        entry = next(p for p in planned[0].walk() if p.get_content_type() == CALENDAR)
        content = entry.get_payload(decode=True)
        assert isinstance(content, bytes) and uid in content.decode()
        assert mails_to(smtp_server, MENTOR_ONE) == []

        # The meeting's hour has passed: the mentor logs it as held, from the pair's page, and checks in.
        set_clock(server.app, first_meeting + timedelta(hours=1, minutes=30))
        mentor.goto(pair_url)
        awaiting = mentor.get_by_role("region", name="Did these meetings take place?")
        awaiting.get_by_role("link", name="Yes: log it").click()
        mentor.wait_for_url(f"{meeting_url}/log")
        expect(mentor.get_by_label("Date and time")).to_have_value(local_input(first_meeting))
        mentor.get_by_label(TOPIC, exact=True).check()
        mentor.get_by_label("Summary").fill(SUMMARY)
        mentor.get_by_label("Private note").fill(PRIVATE_NOTE)
        mentor.get_by_role("button", name="Log the meeting").click()
        expect(mentor.locator("main")).to_contain_text("The meeting is logged. Thank you!")
        assert mentor.url.startswith(meeting_url)
        expect(mentor.locator("#summary")).to_contain_text(SUMMARY)
        expect(mentor.locator("#summary")).to_contain_text(TOPIC)
        mentor.get_by_label("Very useful", exact=True).check()
        mentor.get_by_role("button", name="Send my check-in").click()
        expect(mentor.locator("main")).to_contain_text("Thank you for checking in.")
        expect(mentor.locator("#check-in")).to_contain_text("You answered: Very useful.")
        expect(mentor.locator("#check-in")).to_contain_text("Monika Wyss has not checked in yet")

        # The mentee, without JavaScript: her programme page, the pair's space, the meeting, her check-in.
        mentee = mentee_context.new_page()
        sign_in_by_link(mentee, server, MENTEE_ONE)
        mentee.goto(server.url + "/me/")
        mentee.get_by_role("link", name="Our pair's space").click()
        mentee.wait_for_url(pair_url)
        held = mentee.locator("#meetings")
        expect(held).to_contain_text(SUMMARY)
        expect(held).to_contain_text("Your partner checked in")
        expect(mentee.locator("main")).not_to_contain_text(PRIVATE_NOTE)  # the mentor's alone
        held.get_by_role("link", name="Check in: how useful was it?").click()
        mentee.wait_for_url(f"{meeting_url}#check-in")
        expect(mentee.locator("#note")).not_to_contain_text(PRIVATE_NOTE)
        mentee.get_by_label("Useful", exact=True).check()
        mentee.get_by_label("Comment (optional)").fill(COMMENT)
        mentee.get_by_role("button", name="Send my check-in").click()
        expect(mentee.locator("main")).to_contain_text("Thank you for checking in.")
        expect(mentee.locator("#check-in")).to_contain_text("You answered: Useful.")
        expect(mentee.locator("#check-in")).to_contain_text("Lara Meier checked in")
        assert mentee.url.startswith(meeting_url)

        # Still without JavaScript, she plans the next meeting (in person): the mentor is mailed this time.
        mentee.goto(pair_url)
        mentee.locator("#meetings").get_by_role("link", name="Plan a meeting", exact=True).click()
        mentee.wait_for_url(f"{pair_url}/meetings/new")
        mentee.get_by_label("Date and time").fill(local_input(next_meeting))
        mentee.get_by_label("In person", exact=True).check()
        mentee.get_by_label("Place").fill("Café Sprüngli, Paradeplatz")
        mentee.get_by_role("button", name="Plan the meeting").click()
        expect(mentee.locator("main")).to_contain_text("The meeting is planned.")
        settle(server)
        to_mentor = wait_for_mails(smtp_server, MENTOR_ONE, 1)
        assert len(to_mentor) == 1, [m["Subject"] for m in to_mentor]
        assert to_mentor[0]["Subject"].startswith("Monika Wyss planned a tandem meeting")
        assert has_calendar(to_mentor[0])
        assert len(mails_to(smtp_server, MENTEE_ONE)) == 1  # logging and the check-ins mail nobody

        # The mentor's page shows the meeting held, both check-ins, and the next meeting.
        mentor.goto(pair_url)
        meetings = mentor.locator("#meetings")
        expect(meetings.locator(".meeting-list--held")).to_contain_text(SUMMARY)
        expect(meetings).to_contain_text("You checked in")
        expect(meetings).to_contain_text("Your partner checked in")
        expect(mentor.locator("#meetings-held-title")).to_contain_text("(1)")
        expect(meetings).to_contain_text("Café Sprüngli, Paradeplatz")
        # The mentee's comment is her own: her partner does not read it.
        expect(mentor.locator("main")).not_to_contain_text(COMMENT)
        mentor.goto(meeting_url)
        expect(mentor.locator("#check-in")).to_contain_text("Monika Wyss checked in")
        expect(mentor.locator("main")).not_to_contain_text(COMMENT)
    finally:
        mentee_context.close()
        mentor_context.close()

    session = server.session()
    try:
        meetings_held = session.scalars(sa.select(PairMeeting).where(PairMeeting.id == meeting_id)).one()
        assert meetings_held.status == MeetingStatus.HELD and meetings_held.summary == SUMMARY
        answers = sorted(session.scalars(sa.select(PairCheckIn.usefulness)
                                         .where(PairCheckIn.meeting_id == meeting_id)))
        assert answers == [3, 4]
    finally:
        session.close()

    # Nine weeks after kick-off: pair two never met. The nudge job flags it to the board.
    set_clock(server.app, silent_moment)
    with server.app.app_context():
        done = nudge_pairs()
    settle(server)
    assert done["steps"] >= 1, done
    flag_mails = wait_for_mails(smtp_server, BOARD, 1)
    assert len(flag_mails) == 1, [m["Subject"] for m in flag_mails]
    flag_text = text_of(flag_mails[0])
    assert "Beat Graf" in flag_text and "Greta Hof" in flag_text, flag_text
    assert "Lara Meier" not in flag_text and SUMMARY not in flag_text

    # The board's pair health: pair two flagged silent, pair one not flagged; no text of the pair.
    sign_in_by_link(page, server, BOARD)
    health_url = f"{server.url}/board/cohorts/{club.cohort_id}/pairs"
    page.goto(health_url)
    expect(page.locator("h1")).to_contain_text("Pair health")
    expect(row(page, club.pair_two)).to_have_attribute("data-flags", re.compile(r"\bsilent\b"))
    expect(row(page, club.pair_two).locator(".pair-flag--silent")).to_have_text("Silent")
    expect(row(page, club.pair_one)).to_have_attribute("data-flags", "")
    expect(row(page, club.pair_one)).not_to_contain_text("Silent")
    expect(row(page, club.pair_one)).to_contain_text("3.5 of 4")
    expect(page.locator("#summary-silent dd")).to_have_text("1")
    main = page.locator("main").inner_text()
    for secret in (SUMMARY, PRIVATE_NOTE, COMMENT, ONLINE_LINK):
        assert secret not in main, secret
        assert secret not in page.content(), secret

    # Pair one's page for the board: dates and figures, no summary, topic, note or comment.
    page.goto(f"{health_url}/{club.pair_one}")
    expect(page.locator("#meetings")).to_contain_text("Held")
    content = page.content()
    for secret in (SUMMARY, PRIVATE_NOTE, COMMENT, TOPIC, ONLINE_LINK, "Sprüngli"):
        assert secret not in content, secret

    # The board opens pair two from the table and writes to it.
    page.goto(health_url)
    row(page, club.pair_two).get_by_role("link", name="Beat Graf").click()
    page.wait_for_url(f"{health_url}/{club.pair_two}")
    expect(page.locator("#pair-facts")).to_contain_text("Silent")
    page.get_by_label("Message to the pair").fill(BOARD_WORDS)
    page.get_by_role("button", name="Send to both partners").click()
    expect(page.locator("main")).to_contain_text("Your message is sent to both partners")
    assert page.url.startswith(f"{health_url}/{club.pair_two}")
    expect(page.locator("#messages")).to_contain_text(BOARD_WORDS)

    session = server.session()
    try:
        bodies = session.scalars(sa.select(BoardMessage.body).where(BoardMessage.pair_id == club.pair_two)).all()
        assert list(bodies) == [BOARD_WORDS]
        assert session.scalar(sa.select(sa.func.count()).select_from(BoardMessage)
                              .where(BoardMessage.pair_id == club.pair_one)) == 0
    finally:
        session.close()

    # Both partners of pair two got exactly one mail (the board's message: the flag went to the board only),
    # and find the message on their pair's page.
    settle(server)
    for address in (MENTOR_TWO, MENTEE_TWO):
        received = wait_for_mails(smtp_server, address, 1)
        assert [m["Subject"] for m in received] == [
            f"A message from the club board about your tandem in {COHORT}"], address
        assert BOARD_WORDS in " ".join(text_of(received[0]).split()), text_of(received[0])
    assert len(mails_to(smtp_server, MENTOR_ONE)) == 1 and len(mails_to(smtp_server, MENTEE_ONE)) == 1

    for address in (MENTEE_TWO, MENTOR_TWO):
        context = new_person(browser, failures)
        try:
            partner = context.new_page()
            sign_in_by_link(partner, server, address)
            partner.goto(server.url + "/me/")
            partner.get_by_role("link", name="Our pair's space").click()
            partner.wait_for_url(f"{server.url}/me/pairs/{club.pair_two}")
            expect(partner.locator(".pair-messages")).to_contain_text(BOARD_WORDS)
            expect(partner.locator("main")).not_to_contain_text(SUMMARY)
        finally:
            context.close()
    assert failures == []
