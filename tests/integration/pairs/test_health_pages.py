"""Pair health as the board and the organisations' admins read it: the cohort's pairs with their figures and
flags, filters and sorting, the chart of meetings per month, the board's page of one pair, an admin's pairs;
and what none of these pages ever shows (the pairs' texts, the mentor's message to admins, the partner
organisation's person's e-mail).

The world (`seed`): the pair club (tests/fixtures/pairs.py) lived until 2027-05-20. Pair one (Anna Keller of
alpha with Bernard Favre of beta) met in March, April and May, with a poor last meeting (check-ins 1 and 2):
low check-ins. Pair two (Berta Graf of beta with Greta Hof of gamma) met once, on 5 March, and the mentor asked
the board for help: silent and help asked.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from tandem.platform.clock import set_clock
from tandem.platform.pairs.models import (
    GoalStatus,
    HelpRequest,
    MeetingFormat,
    MeetingNote,
    MeetingStatus,
    PairAgreement,
    PairCheckIn,
    PairGoal,
    PairMeeting,
)
from tandem.platform.tenancy import club_scope
from tests.fixtures.pairs import PairClub, build_pair_club, zurich

EN = {"Accept-Language": "en"}
LATER = datetime(2027, 5, 20, 7, 0, tzinfo=UTC)  # 09:00 in Zurich, eleven weeks into the programme
SECRETS = {
    "summary": "SECRET-SUMMARY-7f3e",
    "note": "SECRET-NOTE-9a1c",
    "comment": "SECRET-COMMENT-2b8d",
    "agreement": "SECRET-AGREEMENT-5c4a",
    "goal": "SECRET-GOAL-6d2f",
    "topic_place": "SECRET-PLACE-0e9b",
}
HELP_TEXT = "We-keep-missing-each-other-4e7a"


def seed(db, club: PairClub) -> None:
    """Meetings, notes, check-ins, agreements, goals and a request for help, as the pairs would have made them."""
    one, two = club.pairs["one"], club.pairs["two"]
    part = {name: p.id for name, p in club.participations.items()}
    with club_scope(db):
        meetings: dict[str, list[PairMeeting]] = {"one": [], "two": []}
        for number, mentor, moments in (
            ("one", part["mentor_one"], [zurich(2027, 3, 15), zurich(2027, 4, 12), zurich(2027, 5, 10)]),
            ("two", part["mentor_two"], [zurich(2027, 3, 5)]),
        ):
            for moment in moments:
                meeting = PairMeeting(
                    pair_id=club.pairs[number].id, uid=f"{uuid.uuid4()}@health.test", status=MeetingStatus.HELD,
                    starts_at=moment.astimezone(UTC), duration_minutes=75, format=MeetingFormat.IN_PERSON,
                    place=SECRETS["topic_place"], summary=f"{SECRETS['summary']} <script>alert(1)</script>",
                    planned_by_participation_id=mentor, logged_by_participation_id=mentor,
                    logged_at=moment.astimezone(UTC))
                db.add(meeting)
                meetings[number].append(meeting)
        db.flush()
        for number, mentor, mentee in (("one", "mentor_one", "mentee_one"), ("two", "mentor_two", "mentee_two")):
            for position, meeting in enumerate(meetings[number]):
                db.add(MeetingNote(meeting_id=meeting.id, author_participation_id=part[mentor],
                                   text=SECRETS["note"]))
                last = position == len(meetings[number]) - 1
                answers = ((1, 2) if last else (3, 4)) if number == "one" else (4, 4)
                for who, usefulness in zip((mentor, mentee), answers, strict=True):
                    db.add(PairCheckIn(meeting_id=meeting.id, pair_id=club.pairs[number].id,
                                       participation_id=part[who], usefulness=usefulness,
                                       comment=SECRETS["comment"]))
        moment = zurich(2027, 3, 15, 20)
        db.add(PairAgreement(pair_id=one.id, text=SECRETS["agreement"], mentor_confirmed_at=moment,
                             mentee_confirmed_at=moment))
        db.add(PairAgreement(pair_id=two.id, text=SECRETS["agreement"], mentor_confirmed_at=moment))
        db.add_all([
            PairGoal(pair_id=one.id, position=1, text=SECRETS["goal"], status=GoalStatus.DONE),
            PairGoal(pair_id=one.id, position=2, text=SECRETS["goal"], status=GoalStatus.PROGRESSING),
            PairGoal(pair_id=two.id, position=1, text=SECRETS["goal"], status=GoalStatus.OPEN),
        ])
        db.add(HelpRequest(pair_id=two.id, participation_id=part["mentor_two"], message=HELP_TEXT,
                           created_at=zurich(2027, 5, 1, 10).astimezone(UTC)))
        db.flush()
    db.commit()


@pytest.fixture()
def lived(app, db, clock):
    """The lived club, built without holding an app context open: with one open (the `app_context` fixture that
    `pair_club` takes), every request of the test shares it, and with it `g` and the first request's roles."""
    club = build_pair_club(db)
    seed(db, club)
    set_clock(app, LATER)
    return club


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def rows_of(html: str) -> dict[int, str]:
    """pair id -> the row's HTML, in the page's order."""
    return {int(pair_id): body for pair_id, body in
            re.findall(r'<tr id="pair-(\d+)"[^>]*>(.*?)</tr>', html, re.S)}


def flags_of(html: str) -> dict[int, set[str]]:
    return {int(pair_id): set(flags.split()) for pair_id, flags in
            re.findall(r'<tr id="pair-(\d+)" data-flags="([^"]*)"', html)}


def health_path(club: PairClub, query: str = "") -> str:
    return f"/board/cohorts/{club.cohort.id}/pairs{query}"


def pair_path(club: PairClub, number: str) -> str:
    return f"/board/cohorts/{club.cohort.id}/pairs/{club.pairs[number].id}"


def assert_no_secrets(html: str) -> None:
    for name, secret in SECRETS.items():
        assert secret not in html, f"the {name} shows"


@pytest.fixture()
def board(client, sign_in, lived):
    return sign_in(client, lived.people["board"])


# --------------------------------------------------------------------------------------------- the board


def test_the_health_page_shows_each_pair_with_its_figures_and_flags(board, lived):
    html = page(board, health_path(lived))
    one, two = lived.pairs["one"].id, lived.pairs["two"].id
    rows = rows_of(html)
    assert list(rows) == [two, one]  # flagged first: two has two flags, one has one
    assert flags_of(html) == {one: {"low_check_ins"}, two: {"silent", "help_asked"}}
    first = text_of(rows[one])
    assert "Anna Keller" in first and "Alpha Bank" in first and "Bernard Favre" in first and "Beta Energie" in first
    assert "3 held of 3 expected by now" in first
    assert "May 10, 2027" in first  # the last meeting
    assert "2.8 of 4" in first and "(6 answers)" in first  # (3+4+3+4+1+2)/6
    assert "1 of 2" in first  # goals done of all
    assert "Low check-ins" in first and "Active" in first
    second = text_of(rows[two])
    assert "1 held of 3 expected by now" in second and "behind" in second
    assert "Silent" in second and "Mentor asked for help" in second
    assert "4.0 of 4" in second and "0 of 1" in second
    summary = text_of(re.search(r'<dl class="figures[^"]*" id="health-summary">(.*?)</dl>', html, re.S).group(1))
    assert summary == "Pairs 2 Flagged 2 Overdue 0 Silent 1 Help asked 1"


def test_filters_work_as_a_get_form(board, lived):
    one, two = lived.pairs["one"].id, lived.pairs["two"].id
    alpha, beta = lived.organisations["alpha"].id, lived.organisations["beta"].id
    assert list(rows_of(page(board, health_path(lived, "?flag=silent")))) == [two]
    assert list(rows_of(page(board, health_path(lived, "?flag=low_check_ins")))) == [one]
    assert list(rows_of(page(board, health_path(lived, f"?organisation={alpha}")))) == [one]
    assert set(rows_of(page(board, health_path(lived, f"?organisation={beta}")))) == {one, two}
    assert set(rows_of(page(board, health_path(lived, "?status=active")))) == {one, two}
    html = page(board, health_path(lived, "?status=ended_early"))
    assert rows_of(html) == {} and "No pair matches these filters." in html
    assert "2 of 2 pairs" not in html
    # Values that are not among the choices filter nothing (and break nothing).
    junk = "?flag=%3Cscript%3E&organisation=99999999999999999999&status=x&sort=%00&dir=up"
    assert set(rows_of(page(board, health_path(lived, junk)))) == {one, two}
    shown = page(board, health_path(lived, f"?flag=silent&organisation={beta}"))
    assert "1 of 2 pairs" in text_of(shown)
    assert '<option value="silent" selected>' in shown
    assert f'<option value="{beta}" selected>' in shown


def test_each_column_sorts_both_ways(board, lived):
    one, two = lived.pairs["one"].id, lived.pairs["two"].id
    html = page(board, health_path(lived, "?sort=mentor&dir=asc"))
    assert list(rows_of(html)) == [one, two]  # Anna before Berta
    header = re.search(r'<th scope="col"([^>]*)>\s*<a href="([^"]+)" id="sort-mentor"', html)
    assert 'aria-sort="ascending"' in header.group(1)
    assert "dir=desc" in header.group(2)
    assert html.count("aria-sort=") == 1
    assert list(rows_of(page(board, health_path(lived, "?sort=mentor&dir=desc")))) == [two, one]
    assert list(rows_of(page(board, health_path(lived, "?sort=meetings&dir=asc")))) == [two, one]
    assert list(rows_of(page(board, health_path(lived, "?sort=last&dir=desc")))) == [one, two]
    assert list(rows_of(page(board, health_path(lived, "?sort=check_ins&dir=asc")))) == [one, two]
    assert list(rows_of(page(board, health_path(lived, "?sort=goals&dir=desc")))) == [one, two]
    for key in ("mentee", "next", "rematch", "flags", "status"):
        html = page(board, health_path(lived, f"?sort={key}&dir=desc"))
        assert set(rows_of(html)) == {one, two}
        assert re.search(rf'aria-sort="descending">\s*<a href="[^"]+" id="sort-{key}"', html)
    # Sorting keeps the filters.
    html = page(board, health_path(lived, "?flag=silent&sort=mentor"))
    link = re.search(r'<a href="([^"]+)" id="sort-mentee"', html).group(1)
    assert "flag=silent" in link and "sort=mentee" in link


def test_the_chart_counts_meetings_held_per_month(board, lived):
    html = page(board, health_path(lived))
    table = dict(re.findall(r'<tr data-month="([\d-]+)"><th scope="row">[^<]+</th><td>(\d+)</td></tr>', html))
    assert table == {"2027-03": "2", "2027-04": "1", "2027-05": "1", "2027-06": "0", "2027-07": "0",
                     "2027-08": "0"}
    bars = dict(re.findall(r'data-key="([\d-]+)" data-value="(\d+)"', html))
    assert bars == table
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="meetings-chart-title meetings-chart-desc"' in svg
    assert '<title id="meetings-chart-title">Meetings held per month in Spring Cohort</title>' in html
    assert ">Mar 2027</text>" in html


def test_the_boards_pair_page_shows_metadata_and_the_help_request(board, lived):
    html = page(board, pair_path(lived, "two"))
    text = text_of(html)
    assert "Berta Graf and Greta Hof" in text
    assert HELP_TEXT in text and "Mark as dealt with" in text
    assert "Not yet confirmed by both" in text
    assert "75 minutes" in text and "In person" in text and "Held" in text
    assert "Mar 5, 2027, 6:00\u202fPM" in text or "Mar 5, 2027, 6:00 PM" in text  # the club's time zone
    assert "0 of 1" in text
    one = text_of(page(board, pair_path(lived, "one")))
    assert "Confirmed by both" in one and HELP_TEXT not in one
    assert "The mentor has not asked the board for help." in one


def test_no_board_or_admin_page_shows_the_pairs_texts(app, sign_in, lived):
    board = sign_in(app.test_client(), lived.people["board"])
    for path in (health_path(lived), pair_path(lived, "one"), pair_path(lived, "two"),
                 health_path(lived, "?sort=check_ins&dir=desc")):
        assert_no_secrets(page(board, path))
    for name in ("alpha", "beta", "gamma", "delta"):
        admin = sign_in(app.test_client(), lived.people[f"admin_{name}"])
        html = page(admin, f"/o/{lived.organisations[name].slug}/pairs")
        assert f"Tandems of {lived.organisations[name].name}" in html
        assert_no_secrets(html)
        assert HELP_TEXT not in html


def test_a_pair_of_another_cohort_is_not_found(board, lived, db):
    from tandem.platform.cohorts.models import CohortState
    from tests.factories import make_cohort

    other = make_cohort(db, CohortState.RUNNING, name="Other cohort")
    db.commit()
    page(board, f"/board/cohorts/{other.id}/pairs/{lived.pairs['one'].id}", 404)
    page(board, f"/board/cohorts/{lived.cohort.id}/pairs/999999", 404)
    assert "No tandems yet" in page(board, f"/board/cohorts/{other.id}/pairs")


def test_the_cohorts_navigation_leads_to_pair_health(board, lived):
    html = page(board, f"/board/cohorts/{lived.cohort.id}")
    assert f'href="/board/cohorts/{lived.cohort.id}/pairs"' in html
    health = page(board, health_path(lived))
    assert re.search(rf'href="/board/cohorts/{lived.cohort.id}/pairs"\s*aria-current="page"', health)


# --------------------------------------------------------------------------------- organisation admins


def test_an_admin_sees_the_pairs_of_their_people_with_flags_but_not_help(client, sign_in, lived):
    one, two = lived.pairs["one"].id, lived.pairs["two"].id
    admin = sign_in(client, lived.people["admin_beta"])
    html = page(admin, f"/o/{lived.organisations['beta'].slug}/pairs")
    assert flags_of(html) == {one: {"low_check_ins"}, two: {"silent"}}  # never help_asked
    assert "Mentor asked for help" not in html
    rows = rows_of(html)
    first, second = text_of(rows[one]), text_of(rows[two])
    assert "Bernard Favre" in first and "Mentee" in first and "Anna Keller" in first and "Alpha Bank" in first
    assert "Berta Graf" in second and "Mentor" in second and "Greta Hof" in second and "Gamma Kliniken" in second
    assert "3 held of 3 expected by now" in first and "1 held of 3 expected by now" in second
    # The partner organisations' people: name and organisation only.
    for name in ("mentor_one", "mentee_two"):
        assert lived.people[name].email not in html
    assert 'href="/o/beta/pairs"' in html or f'href="/o/{lived.organisations["beta"].slug}/pairs"' in html


def test_an_admin_of_an_organisation_without_pairs_sees_none(app, sign_in, lived):
    admin = sign_in(app.test_client(), lived.people["admin_delta"])
    html = page(admin, f"/o/{lived.organisations['delta'].slug}/pairs")
    assert rows_of(html) == {} and "No tandems to show" in html
    alpha = sign_in(app.test_client(), lived.people["admin_alpha"])
    assert list(rows_of(page(alpha, f"/o/{lived.organisations['alpha'].slug}/pairs"))) == [lived.pairs["one"].id]
    # Another organisation's page does not exist for an admin.
    page(alpha, f"/o/{lived.organisations['beta'].slug}/pairs", 404)


def test_the_board_may_read_an_organisations_pairs(board, lived):
    html = page(board, f"/o/{lived.organisations['gamma'].slug}/pairs")
    assert list(rows_of(html)) == [lived.pairs["two"].id]


def test_a_big_cohort_is_shown_a_page_at_a_time_in_the_chosen_order(board, lived, monkeypatch):
    from tandem.platform.pairs.health import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    one, two = lived.pairs["one"].id, lived.pairs["two"].id
    first = page(board, health_path(lived))
    assert list(rows_of(first)) == [two]  # flagged first, one a page
    assert "Page 1 of 2" in text_of(first) and "1 to 1 shown" in text_of(first)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = page(board, health_path(lived, "?page=2"))
    assert list(rows_of(second)) == [one]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # Beyond the last page: the last one; nonsense: the first. The summary counts every pair.
    assert list(rows_of(page(board, health_path(lived, "?page=999")))) == [one]
    for nonsense in ("page=0", "page=-3", "page=abc", "page=" + "9" * 40):
        assert list(rows_of(page(board, health_path(lived, "?" + nonsense)))) == [two]
    assert "Page 2 of 2" in text_of(page(board, health_path(lived, "?sort=mentor&dir=desc&page=2")))
