"""The main tasks with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7): Tab, Shift+Tab, Enter, Space and the
arrow keys through `page.keyboard`, never a click. At every step the focused element shows where it is (a
computed outline or box shadow) and the focus moves on in the page's order (each element focused by Tab follows
the one before in the document, by Shift+Tab precedes it; no positive tabindex anywhere).

- an organisation admin nominates a person by form;
- a nominee accepts the invitation and fills in the profile;
- the board locks a pair and swaps two others in the workbench;
- a participant answers an event invitation;
- a partner logs a meeting in the pair's space;
- a partner confirms the tandem's story and chooses what the showcase may show.

Signing in is done with the keyboard too (the e-mailed link is opened as a mail program would: by its address).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.identity.models import User
from tests.factories import make_cohort, make_org_admin, make_organisation, make_quota
from tests.fixtures.signing_in import mailed_sign_in_link

pytestmark = pytest.mark.browser

# The focused element, described; whether its focus is visible (an outline, or a box shadow, as computed);
# and where it stands against the element focused before (by the page's document order).
_FOCUS = """(previous) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== "none";
  let order = 0;
  if (previous && previous.isConnected && previous !== el && previous !== document.body
      && previous !== document.documentElement) {
    const position = previous.compareDocumentPosition(el);
    order = position & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : (position & Node.DOCUMENT_POSITION_PRECEDING ? -1 : 0);
  }
  const label = (el.labels && el.labels[0] ? el.labels[0].innerText : "") || el.getAttribute("aria-label")
    || el.innerText || el.value || el.name || "";
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), type: el.type || "", id: el.id, name: el.name || "",
          label: label.trim().slice(0, 80), visible: outline || shadow,
          outline: style.outlineStyle + " " + style.outlineWidth, shadow: style.boxShadow, order: order,
          shown: box.width > 0 && box.height > 0};
}"""


@dataclass
class Step:
    key: str
    focused: dict[str, Any]


@dataclass
class Keyboard:
    """Drives a page with the keyboard alone and checks every focus it lands on."""

    page: Any
    steps: list[Step] = field(default_factory=list)

    def _focused(self) -> dict[str, Any] | None:
        return self.page.evaluate(_FOCUS, self.page.evaluate_handle("window.__kbPrevious || null"))

    def _remember(self) -> None:
        self.page.evaluate("window.__kbPrevious = document.activeElement")

    def press(self, key: str) -> dict[str, Any] | None:
        """Press a key; the element focused afterwards (checked: its focus is visible)."""
        self._remember()
        self.page.keyboard.press(key)
        focused = self._focused()
        if focused is not None:
            self.steps.append(Step(key, focused))
            assert focused["visible"], f"no visible focus after {key} on {focused}"
            assert focused["shown"], f"{key} focused something not shown: {focused}"
        return focused

    def tab_to(self, target: Any, *, backwards: bool = False, limit: int = 120) -> dict[str, Any]:
        """Tab (or Shift+Tab) until `target` (a locator) has the focus, checking each element on the way: its
        focus is visible, and it follows (precedes) the one before in the page's order."""
        key = "Shift+Tab" if backwards else "Tab"
        handle = target.element_handle()
        for _ in range(limit):
            focused = self.press(key)
            if focused is None:
                continue  # the focus left the page (past the last element): the next Tab comes back
            if focused["order"] != 0:
                assert focused["order"] == (-1 if backwards else 1), (
                    f"{key} went against the page's order to {focused} (after {self.trail(3)})")
            if self.page.evaluate("el => el === document.activeElement", handle):
                return focused
        raise AssertionError(f"{key} never reached {target} in {limit} steps: {self.trail(12)}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def choose(self, target: Any, wanted: str) -> None:
        """With a <select> focused, move with the arrow keys to the option whose value or label is `wanted`."""
        for key in ("Home", *["ArrowDown"] * 60):
            self.page.keyboard.press(key)
            chosen = target.evaluate("el => [el.value, el.options[el.selectedIndex]?.label || '']")
            if wanted in chosen:
                return
        raise AssertionError(f"no option {wanted!r} in {target}")

    def activate(self, key: str = "Enter") -> None:
        """Press the focused link or button (Enter) or toggle the focused checkbox (Space), and wait."""
        self.page.keyboard.press(key)
        self.page.wait_for_load_state()

    def trail(self, count: int) -> list[str]:
        return [f"{s.key}:{s.focused['tag']}#{s.focused['id'] or s.focused['name']}:{s.focused['label'][:30]}"
                for s in self.steps[-count:]]


def no_positive_tabindex(page: Any) -> None:
    assert page.evaluate("[...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).length") == 0


def sign_in_with_the_keyboard(page: Any, server: Any, address: str) -> Keyboard:
    """The sign-in page: the address, then "E-mail me a sign-in link instead"; the mailed link's page: "Sign in"."""
    keys = Keyboard(page)
    page.goto(server.url + "/sign-in")
    no_positive_tabindex(page)
    keys.tab_to(page.get_by_label("Work e-mail address"))
    keys.type(address)
    keys.tab_to(page.get_by_role("button", name="E-mail me a sign-in link instead"))
    keys.activate()
    page.wait_for_url(server.url + "/sign-in/sent")
    page.goto(mailed_sign_in_link(server, address))
    keys.tab_to(page.get_by_role("button", name="Sign in", exact=True))
    keys.activate()
    return keys


# --- An organisation admin nominates a person by form ---------------------------------------------------------

ADMIN = "sandra.frei@stadtwerke.example"


@pytest.fixture()
def nominating(live_server):
    session = live_server.session()
    try:
        stadtwerke = make_organisation(session, "stadtwerke", name="Stadtwerke Bern")
        make_org_admin(session, stadtwerke, email=ADMIN, display_name="Sandra Frei", preferred_language="en")
        cohort = make_cohort(session, slug="cohort-2027", name="Cohort 2027")
        make_quota(session, cohort, stadtwerke, mentors=3, mentees=3)
        session.commit()
        return cohort.id
    finally:
        session.close()


def test_an_admin_nominates_a_person_with_the_keyboard(live_server, page, nominating):
    base = live_server.url
    keys = sign_in_with_the_keyboard(page, live_server, ADMIN)
    page.wait_for_url(base + "/o/stadtwerke/")

    keys.tab_to(page.get_by_role("link", name="Nominations", exact=True))
    keys.activate()
    page.wait_for_url(base + "/o/stadtwerke/nominations/")
    no_positive_tabindex(page)
    keys.tab_to(page.get_by_role("link", name="Nominate a person"))
    keys.activate()
    page.wait_for_url(base + "/o/stadtwerke/nominations/new")

    # Sent empty first: the errors are announced at the top, each linked to its field, which says it too.
    keys.tab_to(page.get_by_role("button", name="Nominate and send the invitation"))
    keys.activate()
    summary = page.get_by_role("alert")
    assert "Nobody was nominated" in summary.inner_text() and "Name: Enter the person's name." in summary.inner_text()
    keys.tab_to(summary.get_by_role("link").first)
    keys.activate()
    name = page.locator("#name")
    assert name.evaluate("el => el === document.activeElement") or page.evaluate("location.hash") == "#name"
    assert name.get_attribute("aria-invalid") == "true"

    keys.tab_to(name)
    keys.type("Lea Keller")
    email = page.locator("#email")
    keys.tab_to(email)
    keys.type("lea.keller@stadtwerke.example")
    keys.tab_to(name, backwards=True)  # one step back: the field before
    assert keys.steps[-1].key == "Shift+Tab" and keys.steps[-2].focused["id"] != "name"
    keys.tab_to(email)
    role = page.get_by_role("combobox", name="Role")
    keys.tab_to(role)
    keys.choose(role, "mentor")
    cohort = page.get_by_role("combobox", name="Cohort")
    keys.tab_to(cohort)
    keys.choose(cohort, "Cohort 2027")
    keys.tab_to(page.get_by_role("button", name="Nominate and send the invitation"))
    keys.activate()
    page.wait_for_url(base + "/o/stadtwerke/nominations/")
    assert "Lea Keller is nominated for Cohort 2027" in page.locator("main").inner_text()

    session = live_server.session()
    try:
        user = session.scalar(sa.select(User).where(User.email == "lea.keller@stadtwerke.example"))
        participation = session.scalar(sa.select(Participation).where(Participation.user_id == user.id))
    finally:
        session.close()
    assert (participation.cohort_id, participation.role, participation.status) == (
        nominating, "mentor", ParticipationStatus.INVITED)
    assert len(keys.steps) > 10
