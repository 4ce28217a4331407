"""Retention with a set clock: RETENTION_MONTHS after a person's last cohort was archived, the daily job erases
them, unless they take part in a later cohort or hold a role (board, organisation admin); it also carries out
the requests confirmed or past their day. The board sees what will be erased when; the landing page says the
period."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tandem.platform import audit
from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import CohortState
from tandem.platform.identity.models import User
from tandem.platform.privacy.erasure.jobs import apply_retention
from tandem.platform.privacy.erasure.retention import add_months
from tandem.platform.privacy.models import ErasureRequest, ErasureStatus
from tandem.platform.tenancy import club_scope
from tests.factories import make_board_member, make_cohort, make_organisation, make_participation, make_user

ARCHIVED_AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha")
    old = make_cohort(db, CohortState.ARCHIVED, name="Cohort 2025")
    later = make_cohort(db, CohortState.RUNNING, name="Cohort 2026")
    gone = make_user(db, alpha, display_name="Gina Gone")
    stays = make_user(db, alpha, display_name="Sam Stays")
    board = make_board_member(db, alpha, display_name="Bob Board")
    asked = make_user(db, alpha, display_name="Ana Asked")
    confirmed = make_user(db, alpha, display_name="Carl Confirmed")
    for person in (gone, stays, board):
        make_participation(db, person, old)
    make_participation(db, stays, later)
    make_participation(db, asked, later)
    make_participation(db, confirmed, later)
    with club_scope(db):
        event = audit.record(db, "cohort.state_changed", actor_user_id=board.id, organisation_id=None,
                             target_type="cohort", target_id=old.id,
                             details={"transition": "archive", "from": "showcase_published", "to": "archived"})
        event.occurred_at = ARCHIVED_AT
        db.add_all([
            ErasureRequest(organisation_id=alpha.id, user_id=asked.id, status=ErasureStatus.REQUESTED,
                           erase_on=date(2026, 6, 1)),
            ErasureRequest(organisation_id=alpha.id, user_id=confirmed.id, status=ErasureStatus.CONFIRMED,
                           erase_on=date(2027, 1, 1)),
        ])
        db.flush()
    db.commit()
    return {"gone": gone.id, "stays": stays.id, "board": board.id, "asked": asked.id, "confirmed": confirmed.id}


def exists(db, user_id):
    with club_scope(db):
        db.expire_all()
        return db.get(User, user_id) is not None


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(date(2026, 3, 10), 12) == date(2027, 3, 10)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_the_daily_job_erases_what_is_due(db, club, app_context):
    before = apply_retention(moment="2026-05-01T08:00:00+02:00")
    assert before == {"erased_by_retention": 0, "erased_on_request": 1}  # the confirmed request
    assert not exists(db, club["confirmed"]) and exists(db, club["asked"]) and exists(db, club["gone"])

    assert apply_retention(moment="2026-06-01T08:00:00+02:00") == {"erased_by_retention": 0,
                                                                   "erased_on_request": 1}
    assert not exists(db, club["asked"])

    assert apply_retention(moment="2027-03-09T08:00:00+01:00")["erased_by_retention"] == 0
    assert exists(db, club["gone"])
    assert apply_retention(moment="2027-03-10T08:00:00+01:00") == {"erased_by_retention": 1,
                                                                   "erased_on_request": 0}
    assert not exists(db, club["gone"])
    assert exists(db, club["stays"]) and exists(db, club["board"])  # a later cohort; a role
    assert apply_retention(moment="2027-03-11T08:00:00+01:00") == {"erased_by_retention": 0,
                                                                   "erased_on_request": 0}


def test_the_board_sees_what_retention_will_erase_when(app, db, club, sign_in):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with club_scope(db):
        board = db.get(User, club["board"])
    sign_in(client, board)
    set_clock(app, datetime(2026, 12, 1, 9, tzinfo=UTC))
    try:
        page = client.get("/board/privacy").get_data(as_text=True)
    finally:
        set_clock(app, None)
    assert "Gina Gone" in page and "March 10, 2027" in page and "Cohort 2025" in page
    assert "Sam Stays" not in page.split("Retention")[-1] and "Bob Board" not in page.split("Retention")[-1]
    assert "Ana Asked" in page  # her request waits


def test_the_landing_page_states_the_period(app, client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    months = app.config["TANDEM"].retention_months
    assert f"erased {months} months after your last cohort is archived" in client.get("/").get_data(as_text=True)
