"""What the shared layout promises beyond axe-core's rules, checked in the browser on the demo club: the skip link
comes first and moves the focus to the main content; every control shows where the focus is; targets are at least
24 by 24 px (or spaced as WCAG 2.5.8 allows) on a phone; nothing moves when reduced motion is asked for; charts
have a text alternative; states are said in words, not by colour alone. (No sideways scrolling at 320 px and at
200% zoom is checked on every page by the crawl, test_axe_crawl.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.accessibility.conftest import AXE_PATH, demo_visitors, open_as

pytestmark = [pytest.mark.browser]

VISITORS = {visitor.name: visitor for visitor in demo_visitors()}
PHONE = {"width": 320, "height": 640}


@pytest.fixture()
def visit(browser, sign_ins) -> Iterator[Any]:
    """`visit(name, **context options)`: a page signed in as one of the demo's visitors (closed afterwards)."""
    pages: list[Any] = []

    def open_page(name: str, **options: Any) -> Any:
        page = open_as(browser, sign_ins, VISITORS[name], **options)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.context.close()


def _pair_path(page: Any, origin: str) -> str:
    page.goto(origin + "/me/")
    return page.locator("main a[href^='/me/pairs/']").first.get_attribute("href")


# ---------------------------------------------------------------------------------------------- skip link


@pytest.mark.parametrize(("name", "path"), [("anonymous", "/"), ("anonymous", "/showcase/"), ("board", "/board/")])
def test_the_skip_link_comes_first_shows_and_moves_the_focus_to_the_main_content(visit, demo_site, name, path):
    page = visit(name)
    page.goto(demo_site.url + path)
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement; const box = e.getBoundingClientRect();
        return {href: e.getAttribute('href'), text: e.textContent.trim(), top: box.top, height: box.height,
                left: box.left, width: box.width}; }""")
    assert focused["href"] == "#main", focused
    assert focused["text"], "the skip link has a name"
    assert focused["top"] >= 0 and focused["height"] >= 24 and focused["width"] >= 24, (
        f"the focused skip link is on screen and large enough: {focused}")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes on from the main content, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


# ---------------------------------------------------------------------------------------------- focus


FOCUS_STYLE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) { return null; }
  const style = getComputedStyle(e);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow !== 'none';
  const box = e.getBoundingClientRect();
  return {name: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || e.value || '')
            .trim().slice(0, 40), visible: outline || ring, onScreen: box.width > 0 && box.height > 0};
}"""


@pytest.mark.parametrize(("name", "where"), [("anonymous", "/"), ("anonymous", "/sign-in"), ("mentor", "pair"),
                                             ("board", "/board/cohorts/")])
def test_every_control_shows_the_keyboard_focus(visit, demo_site, name, where):
    page = visit(name)
    path = _pair_path(page, demo_site.url) if where == "pair" else where
    page.goto(demo_site.url + path)
    seen: list[str] = []
    hidden: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state is None or state["name"] in seen:
            break
        seen.append(state["name"])
        if not (state["visible"] and state["onScreen"]):
            hidden.append(state["name"])
    assert len(seen) >= 5, f"the keyboard reaches the page's controls: {seen}"
    assert not hidden, f"focus without a visible outline on {path}: {hidden}"


# ---------------------------------------------------------------------------------------------- targets


TARGET_SIZE = """async () => {
  const results = await axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}});
  return {checked: results.passes.reduce((n, rule) => n + rule.nodes.length, 0),
          failing: results.violations.flatMap(rule => rule.nodes.map(node => node.target.join(' ') + ' '
                                                                    + node.html.slice(0, 120)))};
}"""


@pytest.mark.parametrize(("name", "paths"), [
    ("anonymous", ("/", "/sign-in", "/showcase/")),
    ("mentor", ("/me/", "pair", "/me/events")),
    ("admin", ("/o/alpenbank-zuerich/", "/o/alpenbank-zuerich/nominations/")),
    ("board", ("/board/", "/board/cohorts/", "/board/organisations")),
])
def test_targets_are_at_least_24_px_on_a_phone(visit, demo_site, axe_script, name, paths):
    """axe-core's target-size rule (WCAG 2.5.8: 24 by 24 CSS px, or a 24 px circle around each that touches no
    other target; links inside sentences are exempt) at 320 px, with the menu open so that its links count."""
    page = visit(name, viewport=PHONE)
    for path in paths:
        path = _pair_path(page, demo_site.url) if path == "pair" else path
        page.goto(demo_site.url + path)
        menu = page.locator("details.nav-menu")
        if menu.count():
            page.locator("details.nav-menu > summary").click()
        page.add_script_tag(url=demo_site.url + AXE_PATH)
        outcome = page.evaluate(TARGET_SIZE)
        assert outcome["checked"] >= 5, f"{path}: axe found targets to measure ({outcome})"
        assert not outcome["failing"], f"{path}: targets smaller than 24 px at 320 px wide: {outcome['failing']}"


# ---------------------------------------------------------------------------------------------- motion


MOVING = """() => {
  const moving = document.getAnimations().map(a => 'animation on ' + (a.effect && a.effect.target
                                                                      ? a.effect.target.tagName : '?'));
  for (const element of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(element, pseudo);
      const durations = (style.transitionDuration + ',' + style.animationDuration).split(',')
        .map(value => parseFloat(value) || 0);
      if (durations.some(value => value > 0) && (style.transitionProperty !== 'none'
                                                 || style.animationName !== 'none')) {
        moving.push(element.tagName.toLowerCase() + (pseudo || '') + '.' + element.className);
      }
    }
  }
  return moving;
}"""


def test_nothing_moves_when_reduced_motion_is_asked_for(visit, demo_site):
    page = visit("board", viewport=PHONE)
    page.goto(demo_site.url + "/board/")
    assert page.evaluate(MOVING), "without the preference, buttons and the menu's icon have transitions"

    page.emulate_media(reduced_motion="reduce")
    for path in ("/board/", "/board/cohorts/", "/"):
        page.goto(demo_site.url + path)
        page.locator("details.nav-menu > summary").click()  # the menu's icon turns into a cross
        assert page.evaluate(MOVING) == [], f"{path}: something moves although reduced motion was asked for"
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"


# ---------------------------------------------------------------------------------------------- charts, colour


CHARTS = """() => Array.from(document.querySelectorAll('main svg')).map(svg => {
  const named = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
    .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim()
    || (svg.getAttribute('aria-label') || '').trim();
  const figure = svg.closest('figure, section');
  return {role: svg.getAttribute('role'), hidden: svg.getAttribute('aria-hidden') === 'true', named,
          table: !!(figure && figure.querySelector('table caption'))};
})"""


def test_charts_have_a_text_alternative_and_their_figures_as_a_table(visit, demo_site):
    """The reports' charts (outcomes/_charts.html) and the board's pair health chart: each is an image with a
    name and a description, and its figures are in a table with a caption beside it."""
    page = visit("board")
    page.goto(demo_site.url + "/board/cohorts/")
    page.locator("main a", has_text="Pilot 2025").first.click()
    cohort_path = page.url.removeprefix(demo_site.url)
    charts = []
    for path in (cohort_path + "/report", "/board/reports", cohort_path + "/pairs"):
        page.goto(demo_site.url + path)
        charts += [(path, chart) for chart in page.evaluate(CHARTS)]
    assert len(charts) >= 3, f"the reports draw charts: {charts}"
    for path, chart in charts:
        if chart["hidden"]:
            continue
        assert chart["role"] == "img" and chart["named"], f"{path}: a chart without a text alternative: {chart}"
        assert chart["table"], f"{path}: a chart without its figures as a table: {chart}"


def test_states_are_said_in_words_not_by_colour_alone(visit, demo_site):
    """Badges (states, roles, flags) carry their words; the lifecycle stepper says which steps are done."""
    page = visit("board")
    page.goto(demo_site.url + "/board/cohorts/")
    badges = page.evaluate("() => Array.from(document.querySelectorAll('.badge')).map(b => b.textContent.trim())")
    assert badges and all(badges), f"every badge has words: {badges}"
    page.locator("main a", has_text="Cohort 2026").first.click()
    steps = page.evaluate("""() => Array.from(document.querySelectorAll('.stepper__item')).map(item =>
        [item.className, item.textContent.replace(/\\s+/g, ' ').trim()])""")
    assert steps, "the cohort's page shows its lifecycle"
    for classes, words in steps:
        if "--done" in classes or "--current" in classes:
            assert "(" in words, f"a step's state is in its words, not only its colour: {words}"
