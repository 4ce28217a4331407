"""Every page of the demo club, as each role, passes axe-core's WCAG 2.2 A and AA rules without a serious or
critical violation (unless allowed, with its reason, in allowances.toml) and does not scroll sideways at 320 px
nor at 640 px (a 1280 px screen zoomed to 200%).

The pages are found by following links (crawl.py), so a new page is checked without editing a list. Each role
also renders an error page and a form sent with mistakes. How many pages each role checked is printed at the
end of the test run and written to axe-crawl.json in pytest's temporary folder.
"""

from __future__ import annotations

import json
import os
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.accessibility import conftest as shared
from tests.browser.accessibility.conftest import AXE_PATH, HERE, SignIns, Visitor, demo_visitors, open_as
from tests.browser.accessibility.crawl import Allowance, Checker, CrawlResult, crawl, load_allowances
from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS
from tests.fixtures.services import unavailable

pytestmark = [pytest.mark.browser]

ALLOWANCES = HERE / "allowances.toml"


Check = Callable[[str], None]


def _send_with_mistake(page: Any, form_selector: str, field_selector: str, value: str) -> None:
    """Send the form matching `form_selector` with `value` in its field `field_selector`."""
    form = page.locator(form_selector).first
    form.locator(field_selector).first.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    assert page.locator("[aria-invalid=true]").count() > 0, "the form came back with its fields' errors"


def _visit(page: Any, origin: str, path: str, status: int, check: Check) -> None:
    response = page.goto(origin + path)
    assert response.status == status, f"{path}: {response.status}"
    check(f"{path} ({status})")


def _public_extras(page: Any, origin: str, check: Check) -> None:
    """A page that does not exist, a page that needs signing in, the sign-in form with a wrong address."""
    _visit(page, origin, "/no-such-page", 404, check)
    _visit(page, origin, "/board/cohorts/999999", 401, check)
    page.goto(origin + "/sign-in")
    _send_with_mistake(page, "main form[method=post]", "input[name=email]", "not an address")
    check("/sign-in (with errors)")


def _participant_extras(page: Any, origin: str, check: Check) -> None:
    """The board's pages refuse a participant (403); another pair's space does not exist for her (404)."""
    _visit(page, origin, "/board/", 403, check)
    _visit(page, origin, "/me/pairs/999999", 404, check)


def _board_extras(page: Any, origin: str, check: Check) -> None:
    """A new cohort sent without its name."""
    page.goto(origin + "/board/cohorts/new")
    _send_with_mistake(page, "main form.cohort-form", "input[name=name]", "")
    check("/board/cohorts/new (with errors)")


EXTRAS: dict[str, Callable[[Any, str, Check], None]] = {
    "anonymous": _public_extras, "mentee": _participant_extras, "board": _board_extras}


# Signed-in people do not follow links to the public pages: the public's crawl checks those (only the header
# differs, and it is checked on every other page).
PUBLIC_PAGES = re.compile(r"^/(showcase/|privacy$|imprint$|sign-in)")
# Two browsers at once: the crawl is mostly axe-core at work in Chromium, and the machines have two cores.
BROWSERS = 2


def crawl_as(playwright_browser: Any, sign_ins: SignIns, visitor: Visitor, allowances: list[Allowance]
             ) -> tuple[CrawlResult, list[Allowance]]:
    """The visitor's pages from the start page on, then the visitor's error pages and forms with mistakes."""
    server = sign_ins.server
    checker = Checker(server.url + AXE_PATH, allowances)
    result = CrawlResult()
    page = open_as(playwright_browser, sign_ins, visitor)

    def check(label: str) -> None:
        result.pages.append(label)
        checker.check(page, label, result)

    try:
        crawl(page, server.url, visitor.start, checker, result,
              skip=None if visitor.email is None else PUBLIC_PAGES)
        extra = EXTRAS.get(visitor.name)
        if extra is not None:
            extra(page, server.url, check)
    finally:
        page.context.close()
    return result, [allowances[index] for index in sorted(checker.used)]


def test_every_page_passes_axe_as_every_role(demo_site, sign_ins, axe_script, tmp_path_factory) -> None:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} is missing: `make test` installs Debian's chromium when run as root")
    allowances = load_allowances(ALLOWANCES)
    waiting: queue.Queue[Visitor] = queue.Queue()
    for visitor in demo_visitors():
        waiting.put(visitor)
    results: dict[str, tuple[CrawlResult, list[Allowance]]] = {}
    failures: dict[str, BaseException] = {}

    def work() -> None:
        """One browser (Playwright's API wants one instance per thread) taking the next visitor while any wait."""
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                while True:
                    try:
                        visitor = waiting.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        results[visitor.name] = crawl_as(instance, sign_ins, visitor, allowances)
                    except BaseException as error:  # reported below, with the others' results
                        failures[visitor.name] = error
            finally:
                instance.close()

    began = time.monotonic()
    workers = [threading.Thread(target=work, name=f"axe-crawl-{number}") for number in range(BROWSERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - began

    for visitor in demo_visitors():
        if visitor.name in results:
            shared.record_crawl(visitor, *results[visitor.name])
    shared.CRAWL_SUMMARY["seconds"] = round(elapsed, 1)
    path = tmp_path_factory.getbasetemp() / "axe-crawl.json"
    path.write_text(json.dumps(shared.CRAWL_SUMMARY, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\naxe crawl in {elapsed:.1f} s: {shared.CRAWL_SUMMARY.get('pages_per_role')} (details: {path})")

    for name, error in failures.items():
        raise AssertionError(f"the crawl as {name} stopped") from error
    report = []
    for name, (result, _) in results.items():
        assert len(result.pages) >= 3, f"the crawl as {name} found hardly any pages: {result.pages}"
        report += [f"as {name}: {problem}" for problem in result.problems]
    unused = [f"{allowance.rule} at {allowance.url.pattern}" for allowance in allowances
              if not any(allowance in used for _, used in results.values())]
    assert not report, f"{len(report)} problem(s):\n" + "\n".join(report)
    assert not unused, f"allowances no page needed any more (remove them from {ALLOWANCES.name}): {unused}"
