"""The board matches the demo's winter cohort in the browser: runs the engine on a real RQ worker and watches
its progress, locks a pair, runs again (the lock holds), publishes; a mentee signs in and meets her partner."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import Cohort, Participation
from tandem.platform.demo.seed import seed_demo
from tandem.platform.identity.models import User
from tandem.platform.workbench.models import MatchingRun, Pair, PairStatus
from tests.fixtures.signing_in import sign_in_by_link

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.browser, pytest.mark.redis]
BOARD_EMAIL = "regula.widmer@alpenbank.example"


def start_worker(server) -> subprocess.Popen:
    """A real `rq worker --burst` process: it works off what is queued, then stops."""
    environment = {**os.environ, "TANDEM_ENV": "test", "DATABASE_URL": server.database_url,
                   "REDIS_URL": server.redis_url, "PYTHONPATH": str(ROOT)}
    environment.pop("SMTP_URL", None)
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("rq")), "worker", "--burst", "--url", server.redis_url,
         "--worker-class", "tandem.workers.worker.AppWorker", "high", "default", "low"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def sign_in(page, server, address: str) -> None:
    sign_in_by_link(page, server, address)
    page.get_by_role("button", name="English", exact=True).click()  # the demo people prefer German or French
    page.wait_for_load_state()


def watch_run_to_its_end(page, server) -> None:
    """On the run's page: queued (no worker yet), then a worker runs it and the page follows by itself."""
    page.wait_for_url(re.compile(r".*/matching/runs/\d+$"))
    assert page.locator("[data-run-status]").inner_text() == "Queued"
    assert page.locator("#run-progress").get_attribute("value") == "0"
    worker = start_worker(server)
    try:
        # No reload by the test: the page's script polls the run and shows the outcome when it has finished.
        page.get_by_role("link", name="Open the proposals").wait_for(timeout=60_000)
    finally:
        output = worker.communicate(timeout=120)[0].decode(errors="replace")
    assert worker.returncode == 0, output[-3000:]
    assert page.locator("#run-progress").get_attribute("value") == "100"
    assert page.locator("[data-run-status]").inner_text() == "Finished"


def test_the_board_matches_a_cohort_and_a_mentee_meets_her_partner(live_server_with_redis, page, browser):
    server = live_server_with_redis
    session = server.session()
    try:
        with server.app.app_context():  # the seed runs inside the app, as `tandem seed-demo` does
            seed_demo(session)
            # The seed's own mail jobs (hundreds, kept in the outbox) are not this test's: the worker it starts
            # below is to find the matching run, not a backlog of demo mail.
            queues = server.app.extensions["tandem.jobs"]
            for name in ("high", "default", "low"):
                queues.queue(name).empty()
        winter = session.scalars(sa.select(Cohort).where(Cohort.slug == "winter-2027")).one()
        cohort_id = winter.id
    finally:
        session.close()

    sign_in(page, server, BOARD_EMAIL)
    page.goto(server.url + "/board/cohorts/")
    page.get_by_role("link", name="Winter 2027").click()
    page.get_by_role("link", name="Matching", exact=True).click()
    page.wait_for_url(f"{server.url}/board/cohorts/{cohort_id}/matching")
    page.get_by_role("button", name="Run matching").click()
    watch_run_to_its_end(page, server)

    page.get_by_role("link", name="Open the proposals").click()
    page.wait_for_url(f"{server.url}/board/cohorts/{cohort_id}/matching")
    rows = page.locator("#pairs tbody tr")
    assert rows.count() == 8  # eight mentors, nine mentees: one mentee waits, with her reason
    assert "All 5 compatible mentors are paired with others" in page.locator("main").inner_text()

    first = rows.first
    pair_id = int(first.get_attribute("id").removeprefix("pair-"))
    first.get_by_role("button", name=re.compile("^Lock")).click()
    page.wait_for_load_state()
    assert "workbench-pair--locked" in page.locator(f"#pair-{pair_id}").get_attribute("class")

    session = server.session()
    try:
        locked = session.get(Pair, pair_id)
        mentor = session.get(Participation, locked.mentor_participation_id).user
        mentee = session.get(Participation, locked.mentee_participation_id).user
        names = (mentor.display_name, mentee.display_name, mentee.email)
        mentor_organisation = mentor.organisation.name
        first_run = locked.matching_run_id
    finally:
        session.close()

    page.get_by_role("button", name="Run matching again").click()
    watch_run_to_its_end(page, server)
    page.get_by_role("link", name="Open the proposals").click()
    locked_rows = page.locator("#pairs tbody tr.workbench-pair--locked")
    assert locked_rows.count() == 1
    assert names[0] in locked_rows.first.inner_text() and names[1] in locked_rows.first.inner_text()

    page.get_by_label(re.compile("I have checked the pairs")).check()
    page.get_by_role("button", name="Publish the pairs").click()
    page.wait_for_load_state()
    assert "The pairs were published" in page.locator("main").inner_text()

    session = server.session()
    try:
        runs = session.scalars(sa.select(MatchingRun).where(MatchingRun.cohort_id == cohort_id)
                               .order_by(MatchingRun.id)).all()
        assert [r.id for r in runs][0] == first_run and runs[-1].published_at is not None
        statuses = set(session.scalars(sa.select(Pair.status).where(Pair.matching_run_id == runs[-1].id)))
        assert statuses == {PairStatus.ACTIVE}
        assert session.scalar(sa.select(User.email).where(User.email == names[2])) == names[2]
    finally:
        session.close()

    # The mentee of the locked pair signs in (in a browser of her own) and meets her partner.
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    try:
        mentee_page = context.new_page()
        sign_in(mentee_page, server, names[2])
        mentee_page.goto(server.url + "/me/")
        partner = mentee_page.locator("main").inner_text()
        assert "Your tandem partner" in partner and names[0] in partner and mentor_organisation in partner
        assert "Why you two" in partner
        assert mentee_page.get_by_role("link", name=f"Write to {names[0]}").get_attribute("href").startswith(
            "mailto:")
        width = mentee_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "no horizontal scrolling on a phone"
    finally:
        context.close()
