"""Erasure in the browser: a participant downloads her data, asks for erasure; her organisation's admin confirms;
she can no longer sign in, and the public showcase no longer shows her tandem's story.

Each person has a browser of their own; mail goes through a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.showcase.models import StoryConsent
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_cohort,
    make_org_admin,
    make_organisation,
    make_pair,
    make_participation,
    make_story,
    make_user,
)
from tests.fixtures.jobs import run_queued_jobs
from tests.fixtures.signing_in import run_sign_in_jobs, sign_in_by_link

pytestmark = pytest.mark.browser

ZURICH = ZoneInfo("Europe/Zurich")
ADMIN = "ada.admin@rhein.example"
MENTOR = "lara.meier@alpenbank.example"
MENTEE = "monika.wyss@rhein.example"
MENTEE_NAME = "Monika Wyss"
TITLE = "A week without meetings"


@pytest.fixture()
def server(mailing_live_server: Any) -> Any:
    return mailing_live_server


@pytest.fixture()
def slug(server: Any) -> str:
    """A published showcase with the story of Lara (alpenbank, mentor) and Monika (rhein, mentee), both names
    shown; Monika's organisation has an admin."""
    today = datetime.now(ZURICH).date()
    session = server.session()
    try:
        alpen = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        rhein = make_organisation(session, "rhein", name="Rhein Energie")
        make_org_admin(session, rhein, email=ADMIN, display_name="Ada Admin", preferred_language="en")
        cohort = make_cohort(session, CohortState.SHOWCASE_PUBLISHED, name="Cohort Autumn", slug="cohort-autumn",
                             languages=["en"], kickoff_on=today - timedelta(weeks=30),
                             closing_on=today - timedelta(weeks=4), symposium_on=today - timedelta(weeks=2))
        mentor = make_user(session, alpen, email=MENTOR, display_name="Lara Meier", preferred_language="en")
        mentee = make_user(session, rhein, email=MENTEE, display_name=MENTEE_NAME, preferred_language="en")
        mentor_part = make_participation(session, mentor, cohort, role="mentor", status=ParticipationStatus.ACTIVE)
        mentee_part = make_participation(session, mentee, cohort, role="mentee", status=ParticipationStatus.ACTIVE)
        pair = make_pair(session, mentor_part, mentee_part)
        story = make_story(session, pair, chosen=True, title=TITLE)
        with club_scope(session):
            pair.activated_at = datetime.combine(today - timedelta(weeks=31), time(10), UTC)
            for part in (mentor_part, mentee_part):
                session.add(StoryConsent(story_id=story.id, participation_id=part.id, show_name=True,
                                         show_organisation=True, story_version=story.version,
                                         decided_at=datetime.now(UTC)))
            session.flush()
        session.commit()
        return cohort.slug
    finally:
        session.close()


def new_context(browser: Any, failures: list[str]) -> Any:
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    context.set_default_timeout(15_000)
    context.on("response", lambda response: failures.append(f"{response.status} {response.url}")
               if response.status >= 500 else None)
    return context


def test_a_participant_exports_asks_for_erasure_and_is_gone(browser: Any, server: Any, slug: str) -> None:
    failures: list[str] = []
    visitor = new_context(browser, failures).new_page()
    visitor.goto(f"{server.url}/showcase/{slug}/")
    expect(visitor.get_by_text(TITLE).first).to_be_visible()
    expect(visitor.get_by_text(MENTEE_NAME).first).to_be_visible()

    # Monika downloads her data
    monika = new_context(browser, failures).new_page()
    sign_in_by_link(monika, server, MENTEE)
    monika.goto(f"{server.url}/me/data")
    monika.get_by_role("button", name="Prepare a file of my data").click()
    monika.wait_for_url("**/me/data/exports/*")  # the status page (it refreshes itself while the file is made)
    status_url = monika.url
    run_queued_jobs(server.app)
    monika.goto(status_url)  # a navigation of our own, not a reload racing the page's own refresh
    with monika.expect_download() as download_info:
        monika.get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert MENTEE_NAME in json.dumps(data, ensure_ascii=False)

    # ... and asks for erasure
    monika.goto(f"{server.url}/me/data/erasure")
    monika.get_by_label("I understand").check()
    monika.get_by_role("button", name="Ask for erasure").click()
    expect(monika.get_by_text("Your request is received")).to_be_visible()
    run_queued_jobs(server.app)

    # her organisation's admin confirms
    ada = new_context(browser, failures).new_page()
    sign_in_by_link(ada, server, ADMIN)
    ada.goto(f"{server.url}/o/rhein/privacy")
    expect(ada.get_by_role("cell", name=MENTEE).first).to_be_visible()
    ada.get_by_role("button", name="Confirm: erase now").click()
    expect(ada.get_by_text("The request is confirmed")).to_be_visible()
    run_queued_jobs(server.app)

    # Monika is signed out and can no longer sign in: no link is mailed to her address
    monika.goto(f"{server.url}/me/data/erasure")
    expect(monika.get_by_role("heading", name="Please sign in")).to_be_visible()
    session = server.session()
    try:
        assert session.scalar(sa.select(User).where(User.email == MENTEE)) is None
        before = session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.recipient == MENTEE))
    finally:
        session.close()
    monika.goto(server.url + "/sign-in")
    monika.get_by_label("Work e-mail address").fill(MENTEE)
    monika.get_by_role("button", name="E-mail me a sign-in link instead").click()
    run_sign_in_jobs(server.app)
    session = server.session()
    try:
        assert before == 0  # her mails went with her
        assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.recipient == MENTEE)) == 0
    finally:
        session.close()

    # the public showcase no longer shows her, nor her tandem's story
    visitor.goto(f"{server.url}/showcase/{slug}/")
    expect(visitor.get_by_text(MENTEE_NAME)).to_have_count(0)
    expect(visitor.get_by_text(TITLE)).to_have_count(0)
    assert failures == []
