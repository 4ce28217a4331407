"""Visiting a role's pages by following its links, and checking each page with axe-core (WCAG 2.2 A and AA) and
for sideways scrolling at 320 and 640 px wide (a phone; 200% zoom): the machinery of test_axe_crawl.py.

Links are followed breadth-first from the role's start page: same-origin `<a href>` GET links only, without
downloads, the sign-in handover to an organisation's provider, static files and the site's machine pages.
Addresses are counted by route: numbers and long tokens in a path become a placeholder, and so does the
organisation's or cohort's slug, so that a route is visited at most `MAX_PER_ROUTE` times (the first ones the
crawl meets, reading each page from its end) and a role at most `MAX_PAGES` pages. Links are GET requests, which
change nothing in this app (every change is a POST form), so following them leaves the demo's data as it was.
"""

from __future__ import annotations

import re
import time
import tomllib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Error as PlaywrightError

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
MAX_PER_ROUTE = 2
MAX_PAGES = 150
# A phone held upright (WCAG 1.4.10: 320 CSS px) and a 1280 px screen zoomed to 200%: no sideways scrolling.
NARROW = ({"width": 320, "height": 640}, {"width": 640, "height": 450})
WIDE = {"width": 1280, "height": 900}
# Not pages: files to download, pictures, the machine-readable pages.
SKIPPED_SUFFIXES = (".csv", ".xlsx", ".ics", ".zip", ".json", ".jpg", ".jpeg", ".png", ".svg", ".webp", ".txt",
                    ".xml", ".pdf")
# The handover to an organisation's OpenID provider (it leaves the site and starts a sign-in), sign-out, files.
SKIPPED_PATHS = re.compile(r"^/(static/|healthz$|sign-out|o/[^/]+/sso/|organisations/[^/]+/logo$|calendar/)")

AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                          summary: (n.failureSummary || '').slice(0, 300)})),
    count: v.nodes.length,
  }));
}"""

# What sticks out of a narrow page: to the right, the outermost elements wider than the page (the page scrolls);
# to the left, elements beyond the page's left edge outside any frame that clips or scrolls (they cannot be reached
# at all, and the page's width does not show them).
OVERFLOW = """() => {
  const page = document.documentElement;
  const limit = page.clientWidth;
  const found = [];
  const name = element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
    + (element.className && typeof element.className === 'string'
       ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
  const framed = element => {
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') { return true; }
    }
    return false;
  };
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    const parent = element.parentElement;
    if (page.scrollWidth > limit && box.right > limit + 1
        && (!parent || parent.getBoundingClientRect().right <= limit + 1)) {
      found.push(name(element) + ' (' + Math.round(box.right) + ' px)');
    } else if (box.width > 1 && box.left < -1 && !framed(element)) {
      found.push(name(element) + ' (from ' + Math.round(box.left) + ' px)');
    }
    if (found.length >= 5) { break; }
  }
  return {scrollWidth: page.scrollWidth, clientWidth: limit, culprits: found};
}"""

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)"""


@dataclass(frozen=True)
class Allowance:
    rule: str
    url: re.Pattern[str]
    reason: str


def load_allowances(path: Path) -> list[Allowance]:
    """The reviewed allowance file: `[[allowance]]` tables of `rule` (an axe rule id), `url` (a regular expression
    searched in the page's path) and `reason`, all three required."""
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("allowance", [])
    allowances = []
    for entry in entries:
        missing = {"rule", "url", "reason"} - set(entry)
        assert not missing, f"{path.name}: an allowance lacks {sorted(missing)}: {entry}"
        assert entry["reason"].strip(), f"{path.name}: an allowance without a reason: {entry}"
        allowances.append(Allowance(entry["rule"], re.compile(entry["url"]), entry["reason"]))
    return allowances


@dataclass
class Problem:
    url: str
    rule: str
    impact: str
    text: str

    def __str__(self) -> str:
        return f"{self.url}: [{self.impact}] {self.rule}: {self.text}"


@dataclass
class CrawlResult:
    pages: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    allowed: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def route_of(path_and_query: str) -> str:
    """The route an address belongs to: ids, tokens and slugs replaced by placeholders, query values dropped."""
    parts = urlsplit(path_and_query)
    path = re.sub(r"^/o/[^/]+", "/o/<org>", parts.path)
    path = re.sub(r"^/showcase/[^/]+/", "/showcase/<cohort>/", path)
    path = "/".join("<id>" if re.fullmatch(r"\d+|[A-Za-z0-9_-]{24,}", segment) else segment
                    for segment in path.split("/"))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def page_address(url: str, origin: str) -> str | None:
    """The path and query of a link worth visiting, or None (another site, a file, a handover)."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or parts.scheme not in ("http", "https"):
        return None
    path = parts.path or "/"
    if path.lower().endswith(SKIPPED_SUFFIXES) or SKIPPED_PATHS.match(path):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


class Checker:
    """Checks the page a browser page shows: axe-core's WCAG 2.2 A and AA rules, then no horizontal scrolling
    at 320 and 640 px. Problems matched by an allowance are kept apart, and the allowances used are remembered."""

    def __init__(self, axe_url: str, allowances: list[Allowance]) -> None:
        self.axe_url = axe_url
        self.allowances = allowances
        self.used: set[int] = set()

    def check(self, page: Any, address: str, result: CrawlResult) -> None:
        page.add_script_tag(url=self.axe_url)
        for violation in page.evaluate(AXE_RUN, AXE_TAGS):
            if violation["impact"] not in FAILING_IMPACTS:
                continue
            nodes = "; ".join(f"{node['target']} {node['html']!r} ({node['summary']})" for node in violation["nodes"])
            self._report(Problem(address, violation["id"], violation["impact"],
                                 f"{violation['help']} - {violation['count']} element(s): {nodes}"), result)
        try:
            for size in NARROW:
                page.set_viewport_size(size)
                overflow = page.evaluate(OVERFLOW)
                if overflow["scrollWidth"] > overflow["clientWidth"] or overflow["culprits"]:
                    self._report(Problem(
                        address, f"reflow-{size['width']}px", "serious",
                        f"content beyond the page's edges at {size['width']} px ({overflow['scrollWidth']} px wide "
                        f"for {overflow['clientWidth']}): {', '.join(overflow['culprits'])}"), result)
        finally:
            page.set_viewport_size(WIDE)

    def _report(self, problem: Problem, result: CrawlResult) -> None:
        """A problem fails the crawl unless an allowance names its rule and matches the page's path."""
        for index, allowance in enumerate(self.allowances):
            if allowance.rule == problem.rule and allowance.url.search(urlsplit(problem.url).path):
                self.used.add(index)
                result.allowed.append(problem)
                return
        result.problems.append(problem)


def crawl(page: Any, origin: str, start: str, checker: Checker, result: CrawlResult,
          skip: re.Pattern[str] | None = None) -> None:
    """Breadth-first from `start` over the role's links, checking every page visited (see the module's notes);
    links whose path matches `skip` are not followed."""
    began = time.monotonic()
    queue: deque[str] = deque([start])
    queued = {start}
    per_route: dict[str, int] = {route_of(start): 1}
    visited: set[str] = set()
    while queue and len(result.pages) < MAX_PAGES:
        address = queue.popleft()
        response = page.goto(origin + address, wait_until="load")
        landed = page_address(page.url, origin) or address
        if landed in visited:
            continue
        visited.add(landed)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status >= 400 and response.status != 401:  # 401: a page for people signed in, to the public
            result.problems.append(Problem(address, "broken-link", "serious",
                                           f"a link leads to an error page ({response.status})"))
        result.pages.append(landed)
        try:
            checker.check(page, landed, result)
        except PlaywrightError:  # the page went on by itself (a refresh) while it was checked: once more
            page.goto(origin + landed, wait_until="load")
            checker.check(page, landed, result)
        # From the page's end: lists show the newest first, and the older items (a running or archived cohort,
        # a held meeting) have the most to show when only two of a route are visited.
        for link in reversed(page.evaluate(LINKS)):
            found = page_address(link.split("#", 1)[0], origin)
            if found is None or found in queued or (skip is not None and skip.match(found)):
                continue
            route = route_of(found)
            if per_route.get(route, 0) >= MAX_PER_ROUTE:
                continue
            per_route[route] = per_route.get(route, 0) + 1
            queued.add(found)
            queue.append(found)
    result.seconds += time.monotonic() - began
