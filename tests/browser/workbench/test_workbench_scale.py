"""The workbench of a cohort of 2,000 pairs in the browser: one page of pairs, small enough (HTML and
elements), paged and filtered by links and forms, a pair locked without script, back on the same page and
filter with the pair shown locked."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.workbench_scale import TARGET_BYTES, TARGET_ELEMENTS, ScaleClub, build_scale_club
from tandem.platform.workbench.proposals.queries import PAIRS_PER_PAGE
from tests.fixtures.signing_in import sign_in_by_link

pytestmark = [pytest.mark.browser]
PAIRS = 2000


@pytest.fixture()
def club(live_server) -> ScaleClub:
    session = live_server.session()
    try:
        return build_scale_club(session, PAIRS)
    finally:
        session.close()


def pair_ids(page) -> list[int]:
    return [int(row.get_attribute("id").split("-")[1]) for row in page.locator("#pairs tbody tr").all()]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_the_workbench_of_2000_pairs_is_one_page_at_a_time_and_works_without_script(live_server, browser, club):
    workbench = f"{live_server.url}/board/cohorts/{club.cohort_id}/matching"

    # With script (as most people): the page's size and its number of elements.
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        sign_in_by_link(page, live_server, club.board_email)
        response = page.goto(workbench)
        assert response.status == 200
        assert len(response.body()) < TARGET_BYTES
        elements = page.evaluate("document.querySelectorAll('*').length")
        assert 1000 < elements < TARGET_ELEMENTS, elements
        assert len(pair_ids(page)) == PAIRS_PER_PAGE
        assert re.search(r"\b2,?000 pairs\b", page.locator("#pairs caption").inner_text())
        assert page.locator("#figure-pairs dd").first.inner_text() == "2000"  # the figures cover the cohort
    finally:
        context.close()

    # Without script: paging, filtering and locking are links and forms.
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        sign_in_by_link(page, live_server, club.board_email)
        page.goto(workbench)
        first = pair_ids(page)
        pages = page.get_by_role("navigation", name="Pages of the pairs")
        assert pages.locator('[aria-current="page"]').inner_text().strip().endswith("1")
        pages.get_by_role("link", name=re.compile(r"^Next")).click()
        page.wait_for_load_state()
        assert query_of(page.url)["page"] == ["2"]
        second = pair_ids(page)
        assert len(second) == PAIRS_PER_PAGE and not set(first) & set(second)
        pages = page.get_by_role("navigation", name="Pages of the pairs")
        assert pages.locator('[aria-current="page"]').inner_text().strip().endswith("2")

        # Filter by a mentors' organisation: about 2000/39 pairs, so two pages; the links keep the filter.
        organisation = club.organisation_names[5]
        page.get_by_label("Name or organisation").fill(organisation)
        page.get_by_role("button", name="Show the pairs").click()
        page.wait_for_load_state()
        assert query_of(page.url)["q"] == [organisation] and "page" not in query_of(page.url)
        caption = page.locator("#pairs caption").inner_text()
        counted = re.search(r"(\d+) of 2,?000 pairs", caption)
        assert counted, caption
        found = int(counted.group(1))
        assert PAIRS_PER_PAGE < found < 2 * PAIRS_PER_PAGE
        rows = page.locator("#pairs tbody tr")
        assert all(organisation in text for text in rows.all_inner_texts())
        page.get_by_role("navigation", name="Pages of the pairs").get_by_role("link", name=re.compile(r"^Next")).click()
        page.wait_for_load_state()
        assert query_of(page.url)["q"] == [organisation] and query_of(page.url)["page"] == ["2"]
        shown = pair_ids(page)
        assert len(shown) == found - PAIRS_PER_PAGE

        # Lock a proposed pair of this page: back on the same page and filter, at the pair, shown locked.
        row = page.locator("#pairs tbody tr:not(.workbench-pair--locked)").first
        pair_id = int(row.get_attribute("id").split("-")[1])
        row.get_by_role("button", name=re.compile(r"^Lock\b")).click()
        page.wait_for_load_state()
        assert urlsplit(page.url).fragment == f"pair-{pair_id}"
        assert query_of(page.url)["q"] == [organisation] and query_of(page.url)["page"] == ["2"]
        assert "are locked: a new run keeps them together" in page.locator("main").inner_text()
        locked = page.locator(f"#pair-{pair_id}")
        assert "workbench-pair--locked" in locked.get_attribute("class")
        assert "locked" in locked.locator(".badge--locked").inner_text()
        assert locked.get_by_role("button", name=re.compile(r"^Unlock\b")).is_visible()
        assert pair_ids(page) == shown  # the same page of the same filter
        figure = page.locator("#figure-pairs dd").first.inner_text()
        assert figure == "2000"
        assert f"{club.locked + 1} pairs are locked" in page.locator(".workbench-figures").inner_text()
    finally:
        context.close()
