"""The main tasks with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7): Tab, Shift+Tab, Enter, Space and the
arrow keys through `page.keyboard`, never a click. At every step the focused element shows where it is (a
computed outline or box shadow) and the focus moves on in the page's order (each element focused by Tab follows
the one before in the document, by Shift+Tab precedes it; no positive tabindex anywhere).

- an organisation admin nominates a person by form;
- a nominee accepts the invitation and fills in the profile;
- the board locks a pair and swaps two others in the workbench;
- a participant answers an event invitation;
- a partner logs a meeting in the pair's space;
- a partner confirms the tandem's story and chooses what the showcase may show;
- a visitor reports a barrier from the footer's link to the accessibility statement.

Signing in is done with the keyboard too (the e-mailed link is opened as a mail program would: by its address).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tandem.platform.accessibility.models import BarrierReport
from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import CohortState, Participation, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.pairs.models import PairMeeting
from tandem.platform.participant.consent import CONSENT_VERSION
from tandem.platform.participant.models import ProfileTopic
from tandem.platform.programme.models import EventInvitation, EventKind
from tandem.platform.showcase.models import Story, StoryConsent
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tests.factories import (
    make_catalogue_topic,
    make_cohort,
    make_kickoff,
    make_org_admin,
    make_organisation,
    make_pair,
    make_participation,
    make_quota,
    make_story,
    make_user,
)
from tests.fixtures.pairs import build_pair_club, zurich
from tests.fixtures.signing_in import mailed_sign_in_link
from tests.fixtures.workbench import proposals, setup_cohort

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
            assert focused["visible"], f"no visible focus after {key} on {focused} (after {self.trail(5)})"
            assert focused["shown"], f"{key} focused something not shown: {focused}"
        return focused

    def tab_to(self, target: Any, *, backwards: bool = False, limit: int = 120) -> dict[str, Any]:
        """Tab (or Shift+Tab) until `target` (a locator) has the focus, checking each element on the way: its
        focus is visible, and it follows (precedes) the one before in the page's order."""
        key = "Shift+Tab" if backwards else "Tab"
        target.first.wait_for()
        handles = target.element_handles()  # several: any of them (the radio buttons of a group)
        for _ in range(limit):
            focused = self.press(key)
            if focused is None:
                continue  # the focus left the page (past the last element): the next Tab comes back
            if focused["order"] != 0:
                assert focused["order"] == (-1 if backwards else 1), (
                    f"{key} went against the page's order to {focused} (after {self.trail(3)})")
            if self.page.evaluate("els => els.includes(document.activeElement)", handles):
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

    def type_date_time(self, field: Any, day: str, month: str, year: str, hour: str, minute: str) -> None:
        """Type into the focused date and time field, part by part: the day first (de, fr, en-GB), else the
        month first (the browser's interface in US English); from a part to the next with the arrow key, and
        for the second try out of the field with Shift+Tab and into it again with Tab."""
        wanted = f"{year}-{month}-{day}T{hour}:{minute}"
        for first, second in ((day, month), (month, day)):
            for part in (first, second, year):
                self.type(part)
            self.press("ArrowRight")  # a year may have more than four digits: on to the hour by hand
            self.type(hour + minute)
            if field.input_value() == wanted:
                return
            for _ in range(8):  # out of the field backwards, and in again: on its first part
                if not field.evaluate("el => el === document.activeElement"):
                    break
                self.press("Shift+Tab")
            self.press("Tab")
        raise AssertionError(f"the date and time field did not take {wanted}: {field.input_value()}")

    def radio(self, group: Any, wanted: Any) -> None:
        """Tab into a group of radio buttons (`group`: all of them), then the arrow keys to `wanted`: checked."""
        self.tab_to(group)
        for _ in range(group.count() + 1):
            if wanted.is_checked():
                assert wanted.evaluate("el => el === document.activeElement")
                return
            self.press("ArrowDown")
        raise AssertionError(f"the arrow keys never checked {wanted}")

    def check(self, box: Any) -> None:
        """Tab to a checkbox and tick it with Space."""
        self.tab_to(box)
        self.page.keyboard.press("Space")
        assert box.is_checked()

    def activate(self, key: str = "Enter", *, navigates: bool = True) -> None:
        """Press the focused link or button (Enter, or Space), and wait for the page it leads to."""
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
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
    keys.activate(navigates=False)
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


# --- A nominee accepts the invitation and fills in the profile ------------------------------------------------

NOMINEE = "lea.keller@stadtwerke.example"


@pytest.fixture()
def nominee(live_server):
    session = live_server.session()
    try:
        organisation = make_organisation(session, "stadtwerke", name="Stadtwerke Bern")
        person = make_user(session, organisation, email=NOMINEE, display_name="Lea Keller", preferred_language="en")
        cohort = make_cohort(session, name="Cohort 2027", kickoff_on=date(2027, 3, 1),
                             symposium_venue="Kursaal Bern", languages=["de", "fr"])
        participation = make_participation(session, person, cohort, role="mentor",
                                           status=ParticipationStatus.INVITED)
        topics = {label: make_catalogue_topic(session, label).id
                  for label in ("AI at work", "Social media", "Remote teams", "Data literacy")}
        session.commit()
        return participation.id, topics
    finally:
        session.close()


def test_a_nominee_accepts_and_fills_in_the_profile_with_the_keyboard(live_server, page, nominee):
    participation_id, topics = nominee
    base = live_server.url
    keys = sign_in_with_the_keyboard(page, live_server, NOMINEE)
    page.wait_for_url(base + "/me/")

    keys.tab_to(page.get_by_role("link", name="Read the invitation and answer"))
    keys.activate()
    page.wait_for_url(f"{base}/me/participations/{participation_id}")
    no_positive_tabindex(page)
    keys.tab_to(page.get_by_role("button", name="Accept and take part"))
    keys.activate()
    page.wait_for_url(f"{base}/me/participations/{participation_id}/profile")
    no_positive_tabindex(page)

    for label, rank in (("AI at work", "2"), ("Social media", "1"), ("Remote teams", "3"),
                        ("Data literacy", "chosen")):
        select = page.get_by_label(label, exact=True)
        keys.tab_to(select)
        keys.choose(select, rank)
    keys.check(page.get_by_label("German", exact=True))
    keys.check(page.get_by_label("English", exact=True))
    keys.radio(page.locator("input[name=format]"), page.get_by_label("In person", exact=True))
    keys.tab_to(page.get_by_label("City"))
    keys.type("Bern")
    keys.check(page.get_by_label("Tuesday", exact=True))
    keys.check(page.get_by_label("Thursday", exact=True))
    keys.radio(page.locator("input[name=career_band]"), page.get_by_label("3 to 5 years", exact=True))
    keys.tab_to(page.get_by_label("Short bio"))
    keys.type("I build the customer app of Stadtwerke Bern.")
    keys.tab_to(page.get_by_label("What you hope to give your mentee"))
    keys.type("A feel for how younger customers use apps.")
    keys.tab_to(page.get_by_role("button", name="Save profile"))
    keys.activate()

    assert page.url == f"{base}/me/participations/{participation_id}/profile"
    status = page.locator("main").inner_text()
    assert "Your profile is saved." in status and "Profile 100% complete" in status
    session = live_server.session()
    try:
        stored = session.get(Participation, participation_id)
        assert stored.status == ParticipationStatus.ACTIVE and stored.consent_version == CONSENT_VERSION
        ranks = dict(session.execute(sa.select(ProfileTopic.topic_id, ProfileTopic.rank)
                                     .where(ProfileTopic.participation_id == participation_id)).all())
    finally:
        session.close()
    assert ranks == {topics["AI at work"]: 2, topics["Social media"]: 1, topics["Remote teams"]: 3,
                     topics["Data literacy"]: None}


# --- The board locks a pair and swaps two others in the workbench ---------------------------------------------

@pytest.fixture()
def workbench(live_server):
    session = live_server.session()
    try:
        setup = setup_cohort(session, size=3)
        run, pairs = proposals(session, setup)
        board = setup["board"]
        session.execute(sa.update(User).where(User.id == board.id).values(preferred_language="en"))
        session.commit()
        return {"cohort": setup["cohort"].id, "board": board.email, "run": run.id,
                "pairs": [(p.id, p.mentor_participation_id, p.mentee_participation_id) for p in pairs]}
    finally:
        session.close()


def test_the_board_locks_and_swaps_pairs_with_the_keyboard(live_server, page, workbench):
    base = live_server.url
    keys = sign_in_with_the_keyboard(page, live_server, workbench["board"])
    page.goto(f"{base}/board/cohorts/{workbench['cohort']}/matching")  # the workbench, as from a bookmark
    no_positive_tabindex(page)
    names = ("Mentor A and Mentee A", "Mentor B and Mentee B", "Mentor C and Mentee C")

    keys.tab_to(page.get_by_role("button", name=f"Lock {names[0]}"))
    keys.activate()
    assert page.get_by_role("button", name=f"Unlock {names[0]}").is_visible()

    keys.check(page.get_by_label(f"Choose the pair of {names[1]} for a swap"))
    keys.check(page.get_by_label(f"Choose the pair of {names[2]} for a swap"))
    keys.tab_to(page.get_by_role("button", name="Swap the mentees of the two chosen pairs"))
    keys.activate()
    row = page.locator("tr.workbench-pair", has_text="Mentor B").inner_text()
    assert "Mentee C" in row and "Mentee B" not in row

    session = live_server.session()
    try:
        pairs = list(session.scalars(sa.select(Pair).where(Pair.matching_run_id == workbench["run"])
                                     .order_by(Pair.id)))
    finally:
        session.close()
    by_mentor = {p.mentor_participation_id: (p.mentee_participation_id, p.status) for p in pairs}
    (_a, mentor_a, mentee_a), (_b, mentor_b, mentee_b), (_c, mentor_c, mentee_c) = workbench["pairs"]
    assert by_mentor[mentor_a] == (mentee_a, PairStatus.LOCKED)
    assert by_mentor[mentor_b][0] == mentee_c and by_mentor[mentor_c][0] == mentee_b


# --- A participant answers an event invitation ----------------------------------------------------------------

MENTEE = "monika.wyss@rhein.example"


@pytest.fixture()
def invited(live_server):
    session = live_server.session()
    try:
        rhein = make_organisation(session, "rhein", name="Rhein Energie")
        cohort = make_cohort(session, CohortState.RUNNING, name="Cohort 2027", languages=["en"],
                             kickoff_on=date.today() + timedelta(weeks=6))
        mentee = make_user(session, rhein, email=MENTEE, display_name="Monika Wyss", preferred_language="en")
        make_participation(session, mentee, cohort, role="mentee", status=ParticipationStatus.ACTIVE)
        event = make_kickoff(session, cohort)
        session.add(EventInvitation(event_id=event.id, user_id=mentee.id, organisation_id=rhein.id,
                                    invited_as="mentees"))
        session.commit()
        return {"event": event.id, "mentee": mentee.id}
    finally:
        session.close()


def test_a_participant_answers_an_invitation_with_the_keyboard(live_server, page, invited):
    base = live_server.url
    keys = sign_in_with_the_keyboard(page, live_server, MENTEE)
    page.wait_for_url(base + "/me/")
    keys.tab_to(page.get_by_role("link", name="My events", exact=True).first)
    keys.activate()
    page.wait_for_url(base + "/me/events")
    no_positive_tabindex(page)
    keys.tab_to(page.get_by_role("link", name="Kickoff", exact=True))
    keys.activate()
    page.wait_for_url(f"{base}/me/events/{invited['event']}")
    no_positive_tabindex(page)

    keys.radio(page.locator("input[name=answer]"), page.get_by_label("Yes, I will come"))
    keys.tab_to(page.get_by_role("button", name="Save my answer"))
    keys.activate()
    main = page.locator("main").inner_text()
    assert "Thank you: your answer is saved." in main and "You answered: Yes, I will come." in main

    session = live_server.session()
    try:
        answer = session.scalar(sa.select(EventInvitation.answer).where(
            EventInvitation.event_id == invited["event"], EventInvitation.user_id == invited["mentee"]))
    finally:
        session.close()
    assert answer == "yes"


# --- A partner logs a meeting in the pair's space -------------------------------------------------------------

@pytest.fixture()
def pair_club(live_server):
    session = live_server.session()
    try:
        club = build_pair_club(session)
        return {"pair": club.pairs["one"].id, "mentor": club.people["mentor_one"].email,
                "participation": club.participations["mentor_one"].id}
    finally:
        session.close()


def test_a_partner_logs_a_meeting_with_the_keyboard(live_server, page, pair_club):
    base, pair_id = live_server.url, pair_club["pair"]
    keys = sign_in_with_the_keyboard(page, live_server, pair_club["mentor"])
    page.wait_for_url(base + "/me/")
    set_clock(live_server.app, zurich(2027, 3, 12, 9))  # two weeks into the tandem
    try:
        keys.tab_to(page.get_by_role("link", name="Our pair's space"))
        keys.activate()
        page.wait_for_url(f"{base}/me/pairs/{pair_id}")
        no_positive_tabindex(page)
        keys.tab_to(page.get_by_role("link", name="Log a meeting that took place"))
        keys.activate()
        no_positive_tabindex(page)

        # The date and time field is typed part by part, in the order the browser shows them.
        when = page.get_by_label("Date and time")
        keys.tab_to(when)
        keys.type_date_time(when, "10", "03", "2027", "18", "00")
        assert when.input_value() == "2027-03-10T18:00"
        keys.tab_to(page.get_by_label("Duration in minutes"))
        page.keyboard.press("Control+A")
        keys.type("75")
        keys.radio(page.locator("input[name=format]"), page.get_by_label("In person", exact=True))
        keys.tab_to(page.get_by_label("Place"))
        keys.type("Café Fédéral, Bern")
        keys.tab_to(page.get_by_label("Summary"))
        keys.type("We tried three AI assistants on a real press release.")
        keys.tab_to(page.get_by_label("Private note"))
        keys.type("Ask about the intranet next time.")
        keys.tab_to(page.get_by_role("button", name="Log the meeting"))
        keys.activate()
        assert "The meeting is logged. Thank you!" in page.locator("main").inner_text()
    finally:
        set_clock(live_server.app, None)

    session = live_server.session()
    try:
        meeting = session.scalars(sa.select(PairMeeting).where(PairMeeting.pair_id == pair_id)).one()
    finally:
        session.close()
    assert (meeting.status, meeting.duration_minutes, meeting.format, meeting.place, meeting.summary,
            meeting.logged_by_participation_id) == (
        "held", 75, "in_person", "Café Fédéral, Bern", "We tried three AI assistants on a real press release.",
        pair_club["participation"])
    assert meeting.starts_at.replace(tzinfo=None) == zurich(2027, 3, 10, 18).astimezone(UTC).replace(tzinfo=None)


# --- A partner confirms the tandem's story and chooses what may be public -------------------------------------

STORY_MENTEE = "monika.wyss@rhein.example"


@pytest.fixture()
def story(live_server):
    today = date.today()
    session = live_server.session()
    try:
        alpen = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        rhein = make_organisation(session, "rhein", name="Rhein Energie")
        cohort = make_cohort(session, CohortState.CLOSING, name="Cohort Autumn", slug="cohort-autumn",
                             languages=["en"], kickoff_on=today - timedelta(weeks=26),
                             closing_on=today - timedelta(days=2), symposium_on=today + timedelta(days=12))
        make_kickoff(session, cohort, kind=EventKind.SYMPOSIUM, venue="Kursaal Bern")
        mentor = make_user(session, alpen, display_name="Lara Meier", preferred_language="en")
        mentee = make_user(session, rhein, email=STORY_MENTEE, display_name="Monika Wyss", preferred_language="en")
        pair = make_pair(session,
                         make_participation(session, mentor, cohort, role="mentor", status=ParticipationStatus.ACTIVE),
                         make_participation(session, mentee, cohort, role="mentee", status=ParticipationStatus.ACTIVE))
        with club_scope(session):
            pair.activated_at = datetime.combine(today - timedelta(weeks=27), time(10), UTC)
            session.flush()
        written = make_story(session, pair, confirmed=False, title="A week without meetings",
                             mentee_quote="I learned more about my own team than from any survey.")
        session.commit()
        return {"pair": pair.id, "story": written.id}
    finally:
        session.close()


def test_a_partner_confirms_the_story_and_chooses_what_is_public_with_the_keyboard(live_server, page, story):
    base, pair_id = live_server.url, story["pair"]
    keys = sign_in_with_the_keyboard(page, live_server, STORY_MENTEE)
    page.wait_for_url(base + "/me/")
    keys.tab_to(page.get_by_role("link", name="Our pair's space"))
    keys.activate()
    page.wait_for_url(f"{base}/me/pairs/{pair_id}")
    keys.tab_to(page.get_by_role("link", name="Our story", exact=True))
    keys.activate()
    page.wait_for_url(f"{base}/me/pairs/{pair_id}/story")
    no_positive_tabindex(page)
    keys.tab_to(page.get_by_role("button", name="I confirm version 1 of our story"))
    keys.activate()
    assert "not confirmed yet" in page.locator("main").inner_text()  # the partner has not, yet

    keys.tab_to(page.get_by_role("link", name="Choose what may be public about me"))
    keys.activate()
    page.wait_for_url(f"{base}/me/pairs/{pair_id}/story/consent")
    no_positive_tabindex(page)
    for item in ("My name", "My organisation", "My quote"):
        keys.check(page.get_by_label(item, exact=True))
    keys.tab_to(page.get_by_role("button", name="Save my choices"))
    keys.activate()

    session = live_server.session()
    try:
        stored = session.get(Story, story["story"])
        [consent] = session.scalars(sa.select(StoryConsent).where(StoryConsent.story_id == story["story"]))
    finally:
        session.close()
    assert stored.mentee_confirmed_version == 1 and stored.mentor_confirmed_version is None
    assert (consent.show_name, consent.show_organisation, consent.show_photo, consent.show_quote,
            consent.story_version) == (True, True, False, True, 1)


# --- A visitor reports a barrier, from the footer's link ------------------------------------------------------

def test_a_visitor_reports_a_barrier_with_the_keyboard(live_server, page):
    base = live_server.url
    keys = Keyboard(page)
    page.goto(base + "/privacy")
    keys.tab_to(page.locator("footer").get_by_role("link", name="Accessibility"))
    keys.activate()
    page.wait_for_url(base + "/accessibility")
    no_positive_tabindex(page)
    assert page.locator("#page").input_value() == "/privacy"  # the page the visitor came from
    keys.tab_to(page.locator("#description"))
    keys.type("The table of the notice cannot be read with my magnifier at 400 %.")
    keys.tab_to(page.locator("#assistive_technology"))
    keys.type("ZoomText")
    keys.tab_to(page.get_by_role("button", name="Send the report to the club board"))
    assert keys.steps[-1].focused["name"] == "submit"  # the hidden field for programs was never focused
    assert all(step.focused["name"] != "website" for step in keys.steps)
    keys.activate()
    page.wait_for_url(base + "/accessibility#report")
    assert "your report has reached the club board" in page.locator("main").inner_text()

    session = live_server.session()
    try:
        [report] = session.scalars(sa.select(BarrierReport))
    finally:
        session.close()
    assert (report.page, report.assistive_technology, report.recipient) == ("/privacy", "ZoomText", None)
