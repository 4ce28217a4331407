"""The demo club on a live server, once for the accessibility tests of this folder, and a browser page signed in
as each of the roles they visit the site as."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tandem.platform.demo import data
from tests.fixtures.browser import LiveServer, serve
from tests.fixtures.services import unavailable
from tests.fixtures.signing_in import sign_in_by_link

HERE = Path(__file__).resolve().parent
# axe-core from npm, pinned exactly in package.json and package-lock.json beside this file (`make axe-deps`).
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Visitor:
    """Someone the tests visit the site as: `role` is what the summary counts by; `email` None is anonymous."""

    role: str
    name: str
    email: str | None
    start: str  # the path the crawl starts from


def _email(key: str) -> str:
    return data.email_of(data.person(key))


def demo_visitors() -> tuple[Visitor, ...]:
    """The roles of the demo: the public; a mentor and a mentee of a pair of the running cohort (Mia Vogt was in
    the pilot too, whose stories are published; Sophie Dubois, her partner, has an open survey) and a leader
    invited to the open cohort (the invitation, its consent and the profile); an organisation admin; the board."""
    admin = data.ADMINS[0]
    return (  # the one with the most pages first: the crawl shares them out among its browsers in this order
        Visitor("board", "board", data.email_of(data.BOARD[0]), "/board/"),
        Visitor("organisation admin", "admin", data.email_of(admin), f"/o/{admin.org}/"),
        Visitor("participant", "mentor", _email("mia.vogt"), "/me/"),
        Visitor("participant", "mentee", _email("sophie.dubois"), "/me/"),
        Visitor("participant", "invited", _email("beat.zimmermann"), "/me/"),
        Visitor("public", "anonymous", None, "/"),
    )


@pytest.fixture(scope="package")
def demo_site() -> Iterator[LiveServer]:
    """The app on a fresh database holding the demo club (`tandem seed-demo`'s data), jobs in-process."""
    from tandem.platform.demo.seed import seed_demo

    with serve() as server:
        session = server.session()
        try:
            with server.app.app_context():  # the seed runs inside the app, as `tandem seed-demo` does
                seed_demo(session)
        finally:
            session.close()
        yield server


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE_SCRIPT.exists():
        unavailable(f"{AXE_SCRIPT} is missing: `make axe-deps` (part of `make test`) installs it with npm ci")
    return AXE_SCRIPT


# Where the pages find axe-core: an address of the site under test, answered by the browser context from the file
# (the app has no such route), so that the site's Content-Security-Policy (script-src 'self') stays as it is.
AXE_PATH = "/__tests__/axe-core/axe.min.js"


class SignIns:
    """Who has signed in already: the cookies of each visitor's session, kept for the package's tests. Signing in
    again for every test would meet the sign-in form's limit (5 links per address in 15 minutes)."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self._states: dict[str, Any] = {}
        self._lock = threading.Lock()

    def state(self, browser: Any, visitor: Visitor) -> Any:
        with self._lock:
            known = self._states.get(visitor.name)
        if known is not None or visitor.email is None:
            return known
        context = browser.new_context(locale="en-GB")
        context.set_default_timeout(15_000)
        try:
            sign_in_by_link(context.new_page(), self.server, visitor.email)
            state = context.storage_state()
        finally:
            context.close()
        with self._lock:
            self._states[visitor.name] = state
        return state


@pytest.fixture(scope="package")
def sign_ins(demo_site: LiveServer) -> SignIns:
    return SignIns(demo_site)


def open_as(browser: Any, sign_ins: SignIns, visitor: Visitor, **context_options: Any) -> Any:
    """A page of a context of its own, signed in as `visitor` unless anonymous, which can load axe-core from
    `server.url + AXE_PATH`. The caller closes `page.context`."""
    server = sign_ins.server
    options = {"locale": "en-GB", "viewport": {"width": 1280, "height": 900},
               "storage_state": sign_ins.state(browser, visitor), **context_options}
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    if AXE_SCRIPT.exists():
        script = AXE_SCRIPT.read_bytes()
        context.route(server.url + AXE_PATH, lambda route: route.fulfill(
            body=script, content_type="text/javascript; charset=utf-8", headers={"Cache-Control": "max-age=3600"}))
    return context.new_page()


# What the crawl checked, by role and person: printed at the end of the run and written to axe-crawl.json.
CRAWL_SUMMARY: dict[str, Any] = {}


def record_crawl(visitor: Visitor, result: Any, allowances_used: list[Any]) -> None:
    roles = CRAWL_SUMMARY.setdefault("pages_per_role", {})
    roles[visitor.role] = roles.get(visitor.role, 0) + len(result.pages)
    CRAWL_SUMMARY.setdefault("visitors", {})[visitor.name] = {
        "role": visitor.role, "pages": len(result.pages), "seconds": round(result.seconds, 1),
        "problems": len(result.problems), "allowed": len(result.allowed), "addresses": result.pages}
    used = CRAWL_SUMMARY.setdefault("allowances_used", [])
    for allowance in allowances_used:
        if allowance.rule + " " + allowance.url.pattern not in used:
            used.append(allowance.rule + " " + allowance.url.pattern)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not CRAWL_SUMMARY:
        return
    counts = CRAWL_SUMMARY["pages_per_role"]
    listed = ", ".join(f"{role} {counts[role]}" for role in ("public", "participant", "organisation admin", "board")
                       if role in counts)
    terminalreporter.write_line(f"accessibility crawl (axe-core WCAG 2.2 A/AA; no sideways scrolling at 320 and "
                                f"640 px): pages checked per role: {listed}; "
                                f"{CRAWL_SUMMARY.get('seconds', 0):.0f} s")
