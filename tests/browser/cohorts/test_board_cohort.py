"""The board watches a cohort fill up: counts and the mentors-against-mentees bars follow the nominations."""

from __future__ import annotations

import re

import pytest

from tandem.platform.cohorts.models import Cohort, ParticipationStatus
from tandem.tenants.models import Organisation
from tests.factories import (
    make_board_member,
    make_cohort,
    make_organisation,
    make_participation,
    make_quota,
    make_user,
)
from tests.fixtures.signing_in import sign_in_by_link

pytestmark = pytest.mark.browser

BOARD_EMAIL = "regula.widmer@alpenbank.example"


@pytest.fixture()
def cohort_taking_nominations(live_server):
    session = live_server.session()
    try:
        alpha = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        beta = make_organisation(session, "rhein", name="Rhein Energie")
        make_board_member(session, alpha, email=BOARD_EMAIL, display_name="Regula Widmer")
        cohort = make_cohort(session, name="Cohort 2027")
        make_quota(session, cohort, alpha, mentors=4, mentees=2)
        make_quota(session, cohort, beta, mentors=2, mentees=4)
        make_participation(session, make_user(session, alpha, display_name="Lara Meier"), cohort, role="mentor",
                           status=ParticipationStatus.ACTIVE)
        make_participation(session, make_user(session, alpha, display_name="Noah Brunner"), cohort, role="mentor",
                           status=ParticipationStatus.INVITED)
        make_participation(session, make_user(session, beta, display_name="Christine Merian"), cohort,
                           role="mentee", status=ParticipationStatus.NOMINATED)
        session.commit()
        return {"cohort": cohort.id, "alpha": alpha.id, "beta": beta.id}
    finally:
        session.close()


def sign_in_as_board(page, live_server) -> None:
    sign_in_by_link(page, live_server, BOARD_EMAIL)


def bar_width(page, kind: str) -> int:
    classes = page.locator(f"#bar-{kind} .bar__fill").get_attribute("class")
    return int(re.search(r"\bw-(\d+)\b", classes).group(1))


def cells(page, row_id: str) -> list[str]:
    return [c.strip() for c in page.locator(f"#{row_id} > th, #{row_id} > td").all_inner_texts()]


def test_the_board_watches_the_cohort_fill_up(live_server, page, cohort_taking_nominations):
    ids = cohort_taking_nominations
    sign_in_as_board(page, live_server)

    page.goto(live_server.url + "/board/cohorts/")
    page.get_by_role("link", name="Cohort 2027").click()
    page.get_by_role("link", name="Nominations", exact=True).click()
    page.wait_for_url(f"{live_server.url}/board/cohorts/{ids['cohort']}/nominations")
    assert page.get_by_role("heading", level=1).inner_text() == "Nominations"

    assert page.locator("#figure-mentors").inner_text() == "2"
    assert page.locator("#figure-mentees").inner_text() == "1"
    assert page.locator("#figure-waiting").inner_text() == "1"
    # Scaled to the largest of places held and quotas (6 each): 2 -> 35%, 1 -> 15%.
    assert (bar_width(page, "mentor"), bar_width(page, "mentee")) == (35, 15)
    assert cells(page, "total-mentee")[1] == "1 / 6"
    assert "1 more mentor than mentees." in page.locator("#balance-hint").inner_text()
    assert "Noah Brunner" in page.locator("main").inner_text()

    # The organisations nominate more people meanwhile.
    session = live_server.session()
    try:
        alpha, beta = session.get(Organisation, ids["alpha"]), session.get(Organisation, ids["beta"])
        cohort = session.get(Cohort, ids["cohort"])
        for name, organisation in (("Monika Wyss", beta), ("Urs Tobler", beta), ("Ursula Hägeli", alpha),
                                   ("Felix Burckhardt", beta)):
            make_participation(session, make_user(session, organisation, display_name=name), cohort, role="mentee",
                               status=ParticipationStatus.INVITED)
        make_participation(session, make_user(session, alpha, display_name="Elif Yilmaz"), cohort, role="mentor",
                           status=ParticipationStatus.DECLINED)
        session.commit()
    finally:
        session.close()

    page.reload()
    assert page.locator("#figure-mentors").inner_text() == "2"  # a declined mentor holds no place
    assert page.locator("#figure-mentees").inner_text() == "5"
    assert page.locator("#figure-waiting").inner_text() == "5"
    assert (bar_width(page, "mentor"), bar_width(page, "mentee")) == (35, 85)
    assert "3 more mentees than mentors." in page.locator("#balance-hint").inner_text()
    assert cells(page, f"org-{ids['beta']}-mentee")[1] == "4 / 4"
    assert cells(page, f"org-{ids['alpha']}-mentor")[1:] == ["2 / 4", "0", "1", "1", "1", "0"]
    assert "Ursula Hägeli" in page.locator("main").inner_text()
