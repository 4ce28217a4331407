"""The showcase in the browser: a pair writes its story and both confirm it, each choosing what may be public;
the board chooses it and publishes the showcase; an anonymous visitor reads it on a phone; the mentee withdraws
consent for her name and the page no longer shows it.

Each person has a browser of their own; the mentee browses without JavaScript (the pages claim to work
without it). Mail goes through a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tandem.platform.cohorts.models import Cohort, CohortState, ParticipationStatus
from tandem.platform.programme.models import EventKind
from tandem.platform.showcase.models import Story, StoryConsent
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_kickoff,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)
from tests.fixtures.jobs import run_queued_jobs
from tests.fixtures.signing_in import sign_in_by_link

pytestmark = pytest.mark.browser

ZURICH = ZoneInfo("Europe/Zurich")
BOARD = "regula.widmer@alpenbank.example"
MENTOR = "lara.meier@alpenbank.example"
MENTEE = "monika.wyss@rhein.example"
MENTOR_NAME, MENTEE_NAME = "Lara Meier", "Monika Wyss"
TITLE = "A week without meetings"
TIP = "Try one ritual for a month, then ask the team what to keep."
MENTEE_QUOTE = "I learned more about my own team than from any survey."
DESCRIPTION = "Head of communications at an energy company in Basel"
PHONE = {"width": 375, "height": 740}


@pytest.fixture()
def showcase_server(mailing_live_server: Any) -> Any:
    return mailing_live_server


@dataclass(frozen=True)
class Club:
    cohort_id: int
    slug: str
    pair_id: int


@pytest.fixture()
def club(showcase_server: Any) -> Club:
    """A closing cohort with its symposium in the programme, a board member and one pair (Lara, alpenbank,
    mentor of Monika, rhein) across two organisations."""
    today = datetime.now(ZURICH).date()
    session = showcase_server.session()
    try:
        alpen = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        rhein = make_organisation(session, "rhein", name="Rhein Energie")
        make_board_member(session, alpen, email=BOARD, display_name="Regula Widmer", preferred_language="en")
        cohort = make_cohort(session, CohortState.CLOSING, name="Cohort Autumn", slug="cohort-autumn",
                             languages=["en"], kickoff_on=today - timedelta(weeks=26),
                             closing_on=today - timedelta(days=2), symposium_on=today + timedelta(days=12))
        make_kickoff(session, cohort, kind=EventKind.SYMPOSIUM, venue="Kursaal Bern")
        make_catalogue_topic(session, "Hybrid leadership")
        mentor = make_user(session, alpen, email=MENTOR, display_name=MENTOR_NAME, preferred_language="en")
        mentee = make_user(session, rhein, email=MENTEE, display_name=MENTEE_NAME, preferred_language="en")
        pair = make_pair(session,
                         make_participation(session, mentor, cohort, role="mentor", status=ParticipationStatus.ACTIVE),
                         make_participation(session, mentee, cohort, role="mentee", status=ParticipationStatus.ACTIVE))
        with club_scope(session):
            pair.activated_at = datetime.combine(today - timedelta(weeks=27), time(10), UTC)
            session.flush()
        session.commit()
        return Club(cohort_id=cohort.id, slug=cohort.slug, pair_id=pair.id)
    finally:
        session.close()


def new_person(browser: Any, failures: list[str], *, javascript: bool = True, phone: bool = False) -> Any:
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript,
                                  viewport=PHONE if phone else {"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.on("response", lambda response: failures.append(f"{response.status} {response.url}")
               if response.status >= 500 else None)
    return context


def story_row(server: Any, club: Club) -> tuple[Story, list[StoryConsent]]:
    session = server.session()
    try:
        with club_scope(session):
            story = session.scalar(sa.select(Story).where(Story.pair_id == club.pair_id))
            assert story is not None
            consents = list(session.scalars(sa.select(StoryConsent).where(StoryConsent.story_id == story.id)))
        return story, consents
    finally:
        session.close()


def test_a_pair_tells_its_story_the_board_publishes_it_and_a_withdrawn_name_is_gone_at_once(
        showcase_server, smtp_server, browser, club):
    server = showcase_server
    failures: list[str] = []
    story_url = f"{server.url}/me/pairs/{club.pair_id}/story"

    # The mentor drafts the story, confirms it and lets everything of her be shown.
    lara = new_person(browser, failures).new_page()
    sign_in_by_link(lara, server, MENTOR)
    lara.goto(f"{server.url}/me/pairs/{club.pair_id}")
    lara.locator(f"a[href='/me/pairs/{club.pair_id}/story']").first.click()
    lara.wait_for_url(story_url)
    lara.goto(f"{story_url}/edit")
    lara.get_by_label("Title").fill(TITLE)
    lara.locator("textarea[name=mentee_learned]").fill("How a team plans a week in writing.")
    lara.locator("textarea[name=mentor_learned]").fill("How a leadership team decides.")
    lara.locator("textarea[name=tip]").fill("Start small.")
    lara.locator("textarea[name=mentor_quote]").fill("Monika tried every idea the week after.")
    lara.get_by_label("Hybrid leadership").check()
    lara.get_by_role("button", name="Save the story").click()
    lara.wait_for_url(f"{story_url}*")
    lara.get_by_role("button", name="I confirm version 1 of our story").click()
    lara.goto(f"{story_url}/consent")
    for item in ("My name", "My organisation", "The photo", "My quote"):
        lara.get_by_label(item, exact=True).check()
    lara.get_by_role("button", name="Save my choices").click()
    lara.wait_for_load_state()

    # The mentee (no JavaScript) changes the tip and adds her quote: the mentor's confirmation no longer holds.
    monika = new_person(browser, failures, javascript=False).new_page()
    sign_in_by_link(monika, server, MENTEE)
    monika.goto(f"{story_url}/edit")
    expect(monika.get_by_label("Title")).to_have_value(TITLE)
    monika.locator("textarea[name=tip]").fill(TIP)
    monika.locator("textarea[name=mentee_quote]").fill(MENTEE_QUOTE)
    monika.get_by_role("button", name="Save the story").click()
    monika.wait_for_url(f"{story_url}*")
    expect(monika.locator("main")).to_contain_text(MENTEE_NAME)  # the history names who changed it
    monika.get_by_role("button", name="I confirm version 2 of our story").click()
    monika.goto(f"{story_url}/consent")
    for item in ("My name", "My organisation", "My quote"):
        monika.get_by_label(item, exact=True).check()
    monika.get_by_label("The photo", exact=True).uncheck()
    monika.locator("input[name=description]").fill(DESCRIPTION)
    monika.get_by_role("button", name="Save my choices").click()
    monika.wait_for_load_state()
    story, _ = story_row(server, club)
    assert (story.version, story.mentor_confirmed_version, story.mentee_confirmed_version) == (2, 1, 2)

    # The mentor reads the change and confirms again.
    lara.goto(story_url)
    expect(lara.locator("main")).to_contain_text(TIP)
    lara.get_by_role("button", name="I confirm version 2 of our story").click()
    lara.wait_for_load_state()
    story, consents = story_row(server, club)
    assert story.confirmed_by_both and len(consents) == 2

    # The board chooses the story and publishes the showcase.
    board = new_person(browser, failures).new_page()
    sign_in_by_link(board, server, BOARD)
    board.goto(f"{server.url}/board/cohorts/{club.cohort_id}/showcase")
    board.locator(f"#chosen-{story.id}").check()
    board.get_by_role("button", name="Save the choice").click()
    board.wait_for_load_state()
    board.goto(f"{server.url}/board/cohorts/{club.cohort_id}?confirm=publish_showcase")
    board.locator("input[name=confirmed]").check()
    board.get_by_role("button", name="Publish the showcase").click()
    board.wait_for_load_state()
    run_queued_jobs(server.app)
    session = server.session()
    try:
        with club_scope(session):
            assert session.scalar(sa.select(Cohort.state).where(Cohort.id == club.cohort_id)) == \
                CohortState.SHOWCASE_PUBLISHED
    finally:
        session.close()

    # An anonymous visitor reads it on a phone: the cohort's page, then the story's; nothing is wider than
    # the screen.
    visitor = new_person(browser, failures, phone=True).new_page()
    visitor.goto(f"{server.url}/showcase/")
    visitor.get_by_role("link", name="Cohort Autumn").first.click()
    visitor.wait_for_url(f"{server.url}/showcase/{club.slug}/*")
    visitor.get_by_role("link", name=TITLE).first.click()
    visitor.wait_for_url(f"{server.url}/showcase/{club.slug}/stories/{story.id}*")
    main = visitor.locator("main")
    for shown in (TITLE, TIP, MENTEE_QUOTE, MENTEE_NAME, MENTOR_NAME, "Rhein Energie"):
        expect(main).to_contain_text(shown)
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(visitor.locator("[lang=en]").first).to_be_visible()

    # The mentee withdraws consent for her name: the very next visit shows her description instead.
    monika.goto(f"{story_url}/consent")
    monika.get_by_label("My name", exact=True).uncheck()
    monika.get_by_role("button", name="Save my choices").click()
    monika.wait_for_load_state()
    visitor.reload()
    expect(main).not_to_contain_text(MENTEE_NAME)
    expect(main).to_contain_text(DESCRIPTION)
    expect(main).to_contain_text(MENTOR_NAME)
    visitor.goto(f"{server.url}/showcase/{club.slug}/")
    expect(visitor.locator("body")).not_to_contain_text(MENTEE_NAME)
    assert MENTEE_NAME not in visitor.content()

    assert failures == []
