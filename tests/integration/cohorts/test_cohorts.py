"""The board's cohorts: creating and editing them, quotas, lifecycle steps, the nominations view and its CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import Cohort, CohortQuota, CohortState, ParticipationStatus
from tandem.platform.database import utcnow
from tandem.platform.programme.models import EventInvitation, EventKind, EventStatus
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, Pair
from tandem.tenants.models import OrganisationStatus
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_kickoff,
    make_matching_run,
    make_org_admin,
    make_organisation,
    make_pair,
    make_participation,
    make_quota,
    make_story,
    make_user,
)

FUTURE = date.today() + timedelta(days=60)


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta", name="Beta Energie")
    gamma = make_organisation(db, "gamma", name="Gamma Kliniken")
    board = make_board_member(db, alpha, display_name="Regula Widmer")
    db.commit()
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "board": board}


@pytest.fixture()
def board_client(client, sign_in, club):
    return sign_in(client, club["board"])


@pytest.fixture(autouse=True)
def _system_clock(app):
    """Tests here may set the app's clock: it goes back to the system's after each."""
    try:
        yield
    finally:
        set_clock(app, None)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)




def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def errors_of(html: str) -> dict[str, list[str]]:
    """field id -> the error messages shown beside it."""
    found: dict[str, list[str]] = {}
    for field, message in re.findall(r'<p class="field__error" id="([\w-]+?)-error-\d+">(.*?)</p>', html, re.S):
        found.setdefault(field, []).append(text_of(message).removeprefix("Error: "))
    return found


def audit_actions(db, action: str | None = None) -> list[AuditEvent]:
    with club_scope(db):
        db.expire_all()
        query = sa.select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(db.scalars(query))


def cohort_by_slug(db, slug: str) -> Cohort | None:
    with club_scope(db):
        db.expire_all()
        return db.scalar(sa.select(Cohort).where(Cohort.slug == slug))


VALID = {
    "name": "Cohort 2027",
    "slug": "cohort-2027",
    "nomination_deadline": "2027-01-15",
    "kickoff_on": "2027-03-01",
    "closing_on": "2027-09-01",
    "symposium_on": "2027-09-20",
    "symposium_venue": "Kursaal Bern",
    "meeting_every_min_weeks": "3",
    "meeting_every_max_weeks": "4",
    "languages": ["de", "fr"],
}


# ------------------------------------------------------------------------------------ create and edit


def test_the_board_creates_a_cohort_in_draft(board_client, db, club):
    assert board_client.get("/board/cohorts/new", headers={"Accept-Language": "en"}).status_code == 200
    response = board_client.post("/board/cohorts/new", data=VALID)
    assert response.status_code == 302
    cohort = cohort_by_slug(db, "cohort-2027")
    assert response.headers["Location"] == f"/board/cohorts/{cohort.id}"
    assert cohort.state == CohortState.DRAFT
    assert (cohort.nomination_deadline, cohort.kickoff_on, cohort.closing_on, cohort.symposium_on) == (
        date(2027, 1, 15), date(2027, 3, 1), date(2027, 9, 1), date(2027, 9, 20))
    assert cohort.languages == ["de", "fr"] and cohort.symposium_venue == "Kursaal Bern"
    (event,) = audit_actions(db, "cohort.created")
    assert event.actor_user_id == club["board"].id and event.target_id == cohort.id
    assert event.details["kickoff_on"] == "2027-03-01"
    page = board_client.get(f"/board/cohorts/{cohort.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Cohort 2027" in page and "Kursaal Bern" in page


def test_a_draft_needs_only_its_names(board_client, db, club):
    response = board_client.post("/board/cohorts/new", data={"name": "Cohort 2029", "slug": "cohort-2029",
                                                              "meeting_every_min_weeks": "3",
                                                              "meeting_every_max_weeks": "4"})
    assert response.status_code == 302
    cohort = cohort_by_slug(db, "cohort-2029")
    assert cohort.nomination_deadline is None and cohort.languages == []


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"name": "  "}, "name", "Enter the cohort's name."),
    ({"slug": ""}, "slug", "Enter a short name."),
    ({"slug": "Cohort 2027!"}, "slug", "Use 2 to 63 lowercase letters"),
    ({"kickoff_on": "2027-02-30"}, "kickoff_on", "Enter a date like 2027-03-01."),
    ({"nomination_deadline": "soon"}, "nomination_deadline", "Enter a date like 2027-03-01."),
    ({"nomination_deadline": "2027-03-02"}, "kickoff_on", "The kick-off must be on or after the nomination deadline."),
    ({"closing_on": "2027-03-01"}, "closing_on", "The closing must be after the kick-off"),
    ({"symposium_on": "2027-08-31"}, "symposium_on", "The symposium must be on or after the closing."),
    ({"meeting_every_min_weeks": "0"}, "meeting_every_min_weeks", "Between 1 and 12 weeks."),
    ({"meeting_every_max_weeks": "13"}, "meeting_every_max_weeks", "Between 1 and 12 weeks."),
    ({"meeting_every_max_weeks": "2"}, "meeting_every_max_weeks", "At least the number of weeks above."),
    ({"meeting_every_min_weeks": ""}, "meeting_every_min_weeks", "Enter a number of weeks."),
    ({"meeting_every_min_weeks": "three"}, "meeting_every_min_weeks", "Enter a number of weeks."),
    ({"symposium_venue": "x" * 301}, "symposium_venue", "At most 300 characters."),
    ({"languages": ["xx"]}, "languages", ""),
])
def test_every_validation_error_shows_beside_its_field(board_client, db, club, change, field, message):
    response = board_client.post("/board/cohorts/new", data={**VALID, **change},
                                 headers={"Accept-Language": "en"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    errors = errors_of(html)
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert 'class="error-summary"' in html
    assert cohort_by_slug(db, VALID["slug"]) is None
    assert audit_actions(db, "cohort.created") == []


def test_a_short_name_is_used_once(board_client, db, club):
    make_cohort(db, slug="cohort-2027")
    db.commit()
    response = board_client.post("/board/cohorts/new", data=VALID, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True))["slug"] == ["Another cohort already has this short name."]


def test_editing_a_draft(board_client, db, club):
    cohort = make_cohort(db, CohortState.DRAFT, slug="draft", languages=["de"])
    db.commit()
    page = board_client.get(f"/board/cohorts/{cohort.id}/edit", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and 'value="draft"' not in page.get_data(as_text=True)  # no slug field
    data = {k: v for k, v in VALID.items() if k != "slug"} | {"name": "Renamed", "symposium_venue": ""}
    response = board_client.post(f"/board/cohorts/{cohort.id}/edit", data=data)
    assert response.status_code == 302
    changed = cohort_by_slug(db, "draft")
    assert changed.name == "Renamed" and changed.symposium_venue is None and changed.languages == ["de", "fr"]
    (event,) = audit_actions(db, "cohort.changed")
    assert event.details["name"] == "Renamed" and event.details["closing_on"] == "2027-09-01"


def test_with_nominations_open_the_dates_and_a_language_stay_required(board_client, db, club):
    cohort = make_cohort(db, CohortState.NOMINATIONS_OPEN, slug="open")
    db.commit()
    data = {"name": "Open", "meeting_every_min_weeks": "3", "meeting_every_max_weeks": "4",
            "nomination_deadline": "", "kickoff_on": "2027-03-01", "closing_on": "2027-09-01",
            "symposium_on": ""}
    response = board_client.post(f"/board/cohorts/{cohort.id}/edit", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    errors = errors_of(response.get_data(as_text=True))
    assert errors["nomination_deadline"] == ["Needed while nominations are open."]
    assert errors["symposium_on"] == ["Needed while nominations are open."]
    assert errors["languages"] == ["Choose at least one language."]
    assert cohort_by_slug(db, "open").name != "Open"


def test_a_running_cohort_cannot_be_edited(board_client, db, club):
    cohort = make_cohort(db, CohortState.RUNNING, slug="running", name="Running")
    db.commit()
    data = {k: v for k, v in VALID.items() if k != "slug"}
    assert board_client.get(f"/board/cohorts/{cohort.id}/edit").status_code == 200  # read-only (test_settings_...)
    response = board_client.post(f"/board/cohorts/{cohort.id}/edit", data=data)
    assert response.status_code == 302 and response.headers["Location"] == f"/board/cohorts/{cohort.id}"
    assert cohort_by_slug(db, "running").name == "Running"
    assert audit_actions(db, "cohort.changed") == []


def test_unknown_cohorts_are_404(board_client):
    for path in ("/board/cohorts/999999", "/board/cohorts/999999/edit", "/board/cohorts/999999/quotas",
                 "/board/cohorts/999999/nominations", "/board/cohorts/999999/nominations.csv"):
        assert board_client.get(path).status_code == 404, path


# ------------------------------------------------------------------------------------------------ quotas


def quotas_of(db, cohort) -> dict[int, tuple[int, int]]:
    with club_scope(db):
        db.expire_all()
        return {q.organisation_id: (q.mentors, q.mentees)
                for q in db.scalars(sa.select(CohortQuota).where(CohortQuota.cohort_id == cohort.id))}


def test_quotas_are_saved_all_at_once(board_client, db, club):
    alpha, beta, gamma = club["alpha"], club["beta"], club["gamma"]
    suspended = make_organisation(db, "delta", name="Delta Medien", status=OrganisationStatus.SUSPENDED)
    cohort = make_cohort(db, CohortState.DRAFT)
    db.commit()
    page = board_client.get(f"/board/cohorts/{cohort.id}/quotas", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Alpha Bank" in html and "Delta Medien" not in html
    assert f'name="mentors_{suspended.id}"' not in html
    assert f'<label class="visually-hidden" for="mentors_{alpha.id}">Mentors: Alpha Bank</label>' in html

    data = {f"mentors_{alpha.id}": "3", f"mentees_{alpha.id}": "2", f"mentors_{beta.id}": "1",
            f"mentees_{beta.id}": "4", f"mentors_{gamma.id}": "0", f"mentees_{gamma.id}": "0"}
    response = board_client.post(f"/board/cohorts/{cohort.id}/quotas", data=data)
    assert response.status_code == 302
    assert quotas_of(db, cohort) == {alpha.id: (3, 2), beta.id: (1, 4)}  # no row for nothing
    (event,) = audit_actions(db, "cohort.quotas_changed")
    assert event.details == {"quotas": {str(alpha.id): {"mentors": 3, "mentees": 2},
                                        str(beta.id): {"mentors": 1, "mentees": 4}}}

    # The same again: nothing changes, nothing is recorded.
    assert board_client.post(f"/board/cohorts/{cohort.id}/quotas", data=data).status_code == 302
    assert len(audit_actions(db, "cohort.quotas_changed")) == 1
    # Lowering one to zero keeps the row at zero.
    data[f"mentors_{beta.id}"], data[f"mentees_{beta.id}"] = "0", "0"
    board_client.post(f"/board/cohorts/{cohort.id}/quotas", data=data)
    assert quotas_of(db, cohort)[beta.id] == (0, 0)


@pytest.mark.parametrize(("value", "message"), [
    ("", "Enter a number, 0 for none."),
    ("-1", "Between 0 and 999."),
    ("1000", "Between 0 and 999."),
    ("two", "Enter a number, 0 for none."),
])
def test_quota_errors_show_beside_the_field_and_nothing_is_saved(board_client, db, club, value, message):
    alpha, beta, gamma = club["alpha"], club["beta"], club["gamma"]
    cohort = make_cohort(db, CohortState.DRAFT)
    db.commit()
    data = {f"mentors_{alpha.id}": "3", f"mentees_{alpha.id}": "2", f"mentors_{beta.id}": value,
            f"mentees_{beta.id}": "4", f"mentors_{gamma.id}": "0", f"mentees_{gamma.id}": "0"}
    response = board_client.post(f"/board/cohorts/{cohort.id}/quotas", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True)) == {f"mentors_{beta.id}": [message]}
    assert quotas_of(db, cohort) == {}


def test_a_quota_cannot_go_below_the_places_held(board_client, db, club):
    alpha, beta, gamma = club["alpha"], club["beta"], club["gamma"]
    cohort = make_cohort(db)
    make_quota(db, cohort, alpha, 2, 2)
    for status in (ParticipationStatus.NOMINATED, ParticipationStatus.ACTIVE, ParticipationStatus.DECLINED):
        make_participation(db, make_user(db, alpha), cohort, role="mentor", status=status)
    db.commit()
    data = {f"mentors_{alpha.id}": "1", f"mentees_{alpha.id}": "2", f"mentors_{beta.id}": "5",
            f"mentees_{beta.id}": "5", f"mentors_{gamma.id}": "0", f"mentees_{gamma.id}": "0"}
    response = board_client.post(f"/board/cohorts/{cohort.id}/quotas", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True)) == {
        f"mentors_{alpha.id}": ["2 people already hold a place: the quota cannot be lower."]}
    assert quotas_of(db, cohort) == {alpha.id: (2, 2)}  # beta's valid change was not written either
    data[f"mentors_{alpha.id}"] = "2"
    assert board_client.post(f"/board/cohorts/{cohort.id}/quotas", data=data).status_code == 302
    assert quotas_of(db, cohort) == {alpha.id: (2, 2), beta.id: (5, 5)}


def test_quotas_are_read_only_once_matching_began(board_client, db, club):
    alpha = club["alpha"]
    cohort = make_cohort(db, CohortState.MATCHING)
    make_quota(db, cohort, alpha, 2, 3)
    db.commit()
    html = board_client.get(f"/board/cohorts/{cohort.id}/quotas").get_data(as_text=True)
    assert f'name="mentors_{alpha.id}"' not in html
    response = board_client.post(f"/board/cohorts/{cohort.id}/quotas", data={f"mentors_{alpha.id}": "9"})
    assert response.status_code == 302
    assert quotas_of(db, cohort) == {alpha.id: (2, 3)}


# -------------------------------------------------------------------------------------------- lifecycle


def transition(client, cohort, name):
    return client.post(f"/board/cohorts/{cohort.id}/transition", data={"transition": name},
                       headers={"Accept-Language": "en"})


def state_of(db, cohort) -> str:
    with club_scope(db):
        db.expire_all()
        return db.get(Cohort, cohort.id).state


def test_an_empty_draft_shows_the_step_disabled_with_the_reasons(board_client, db, club):
    cohort = make_cohort(db, CohortState.DRAFT, nomination_deadline=None, languages=[])
    db.commit()
    html = board_client.get(f"/board/cohorts/{cohort.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    button = re.search(r'<button type="submit" class="button"[^>]*>Open nominations</button>', html)
    assert button and "disabled" in button.group(0)
    assert 'aria-describedby="problems-open_nominations"' in button.group(0)
    problems = text_of(html[html.index('id="problems-open_nominations"'):])
    assert "Set the nomination deadline." in problems
    assert "Give at least two member organisations a quota" in problems
    assert "Choose at least one language" in problems
    # Only the steps from the current state are shown.
    assert "Close nominations" not in html and "Archive the cohort" not in html

    response = transition(board_client, cohort, "open_nominations")
    assert response.status_code == 302
    assert state_of(db, cohort) == CohortState.DRAFT
    assert audit_actions(db, "cohort.state_changed") == []
    follow = board_client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "Not done: Set the nomination deadline." in follow.get_data(as_text=True)


def test_the_lifecycle_from_draft_to_archive(board_client, db, club):
    alpha, beta = club["alpha"], club["beta"]
    cohort = make_cohort(db, CohortState.DRAFT, nomination_deadline=FUTURE, kickoff_on=FUTURE + timedelta(days=30),
                         languages=["de"])
    make_quota(db, cohort, alpha)
    make_quota(db, cohort, beta)
    db.commit()
    html = board_client.get(f"/board/cohorts/{cohort.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    button = re.search(r'<button type="submit" class="button"[^>]*>Open nominations</button>', html)
    assert button and "disabled" not in button.group(0)

    # A suspended organisation's quota does not count.
    with club_scope(db):
        db.get(type(beta), beta.id).status = OrganisationStatus.SUSPENDED
        db.commit()
    transition(board_client, cohort, "open_nominations")
    assert state_of(db, cohort) == CohortState.DRAFT
    with club_scope(db):
        db.get(type(beta), beta.id).status = OrganisationStatus.ACTIVE
        db.commit()
    assert transition(board_client, cohort, "open_nominations").status_code == 302
    assert state_of(db, cohort) == CohortState.NOMINATIONS_OPEN

    # Closing nominations needs a mentor and a mentee holding places.
    transition(board_client, cohort, "close_nominations")
    assert state_of(db, cohort) == CohortState.NOMINATIONS_OPEN
    mentor = make_participation(db, make_user(db, alpha), cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, make_user(db, beta), cohort, role="mentee", status=ParticipationStatus.INVITED)
    db.commit()
    transition(board_client, cohort, "close_nominations")
    assert state_of(db, cohort) == CohortState.MATCHING

    # Back and forth: reopening is possible, but not while a matching run is in progress.
    with club_scope(db):
        db.add(MatchingRun(cohort_id=cohort.id, number=1, status="running"))
        db.commit()
    transition(board_client, cohort, "reopen_nominations")
    assert state_of(db, cohort) == CohortState.MATCHING
    with club_scope(db):
        db.execute(sa.update(MatchingRun).where(MatchingRun.cohort_id == cohort.id).values(status="succeeded"))
        db.commit()
    transition(board_client, cohort, "reopen_nominations")
    assert state_of(db, cohort) == CohortState.NOMINATIONS_OPEN
    transition(board_client, cohort, "close_nominations")

    # Running needs an active pair.
    transition(board_client, cohort, "start_programme")
    assert state_of(db, cohort) == CohortState.MATCHING
    make_pair(db, mentor, mentee, status="proposed")
    db.commit()
    transition(board_client, cohort, "start_programme")
    assert state_of(db, cohort) == CohortState.MATCHING
    make_pair(db, mentor, mentee, status="active")
    db.commit()
    # Since the programme calendar: starting needs a published kick-off, and closing begins without a reason
    # from 7 days before the closing date (the clock is set there; `_system_clock` gives it back).
    transition(board_client, cohort, "start_programme")
    assert state_of(db, cohort) == CohortState.MATCHING
    make_kickoff(db, cohort)
    db.commit()
    with club_scope(db):
        set_clock(board_client.application, noon(cohort.closing_on - timedelta(days=7)))
    for name, state in (("start_programme", CohortState.RUNNING), ("begin_closing", CohortState.CLOSING)):
        assert transition(board_client, cohort, name).status_code == 302
        assert state_of(db, cohort) == state
    # The showcase needs a story the board chose and both partners confirmed; it can be unpublished.
    transition(board_client, cohort, "publish_showcase")
    assert state_of(db, cohort) == CohortState.CLOSING
    with club_scope(db):
        pair = db.scalar(sa.select(Pair).where(Pair.cohort_id == cohort.id, Pair.status == "active"))
    make_story(db, pair, chosen=True)
    db.commit()
    for name, state in (("publish_showcase", CohortState.SHOWCASE_PUBLISHED),
                        ("unpublish_showcase", CohortState.CLOSING),
                        ("publish_showcase", CohortState.SHOWCASE_PUBLISHED), ("archive", CohortState.ARCHIVED)):
        assert transition(board_client, cohort, name).status_code == 302
        assert state_of(db, cohort) == state

    events = audit_actions(db, "cohort.state_changed")
    assert [e.details["transition"] for e in events] == [
        "open_nominations", "close_nominations", "reopen_nominations", "close_nominations", "start_programme",
        "begin_closing", "publish_showcase", "unpublish_showcase", "publish_showcase", "archive"]
    assert events[0].details == {"transition": "open_nominations", "from": "draft", "to": "nominations_open"}
    assert {e.actor_user_id for e in events} == {club["board"].id}
    html = board_client.get(f"/board/cohorts/{cohort.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "lifecycle is complete" in html and "<button type=\"submit\" class=\"button\"" not in html


def test_a_step_from_another_state_is_refused_and_nonsense_is_400(board_client, db, club):
    cohort = make_cohort(db, CohortState.DRAFT)
    db.commit()
    response = transition(board_client, cohort, "archive")
    assert response.status_code == 302 and state_of(db, cohort) == CohortState.DRAFT
    assert "not possible from the cohort" in board_client.get(response.headers["Location"]).get_data(as_text=True)
    assert transition(board_client, cohort, "jump").status_code == 400
    assert board_client.post(f"/board/cohorts/{cohort.id}/transition").status_code == 400
    assert audit_actions(db, "cohort.state_changed") == []


def test_an_opened_cohort_cannot_open_again_when_pressed_twice(app, board_client, db, club):
    """The conditional update: the second press of the same button is refused, the state moves once."""
    from tandem.platform.cohorts.lifecycle import TransitionRefused, apply_transition

    cohort = make_cohort(db, CohortState.DRAFT, nomination_deadline=FUTURE, kickoff_on=FUTURE + timedelta(days=9),
                         languages=["de"])
    make_quota(db, cohort, club["alpha"])
    make_quota(db, cohort, club["beta"])
    db.commit()
    with app.app_context(), club_scope(db):
        stale = db.get(Cohort, cohort.id)
        # Another board member opened it meanwhile; this object still says "draft".
        db.execute(sa.update(Cohort).where(Cohort.id == cohort.id).values(state=CohortState.NOMINATIONS_OPEN)
                   .execution_options(synchronize_session=False))
        assert stale.state == CohortState.DRAFT
        from flask_babel import force_locale

        # Outside a request the club's default language (de) applies: ask for the English message.
        with force_locale("en"), pytest.raises(TransitionRefused) as refused:
            apply_transition(db, stale, "open_nominations", club["board"].id)
        assert "changed the cohort meanwhile" in str(refused.value)
        db.rollback()


# ----------------------------------------------------------------------------------------- nominations


@pytest.fixture()
def filled(db, club):
    """Alpha: quota 2/2, two mentors (active, invited) and a declined mentee; beta: quota 1/3, one active
    mentee with a complete profile, one active mentee without, a withdrawn mentor; gamma: no quota, one
    nominated mentor (over its quota of nothing)."""
    alpha, beta, gamma = club["alpha"], club["beta"], club["gamma"]
    cohort = make_cohort(db, name="Cohort 2027", slug="cohort-2027")
    make_quota(db, cohort, alpha, 2, 2)
    make_quota(db, cohort, beta, 1, 3)
    now = utcnow()
    people = {
        "lea": make_participation(db, make_user(db, alpha, display_name="Lea Keller", email="lea@alpha.example"),
                                  cohort, role="mentor", status=ParticipationStatus.ACTIVE, invited_at=now,
                                  answered_at=now, consent_at=now, consent_version="2026-11"),
        "noah": make_participation(db, make_user(db, alpha, display_name="Noah Brunner"), cohort, role="mentor",
                                   status=ParticipationStatus.INVITED, invited_at=now - timedelta(days=3)),
        "beat": make_participation(db, make_user(db, alpha, display_name="Beat Zimmermann"), cohort,
                                   role="mentee", status=ParticipationStatus.DECLINED, answered_at=now),
        "mia": make_participation(db, make_user(db, beta, display_name="Mia Vogt"), cohort, role="mentee",
                                  status=ParticipationStatus.ACTIVE, consent_at=now, consent_version="2026-11"),
        "felix": make_participation(db, make_user(db, beta, display_name="=Felix Burckhardt"), cohort,
                                    role="mentee", status=ParticipationStatus.ACTIVE, consent_at=now,
                                    consent_version="2026-11"),
        "aylin": make_participation(db, make_user(db, beta, display_name="Aylin Demir"), cohort, role="mentor",
                                    status=ParticipationStatus.WITHDRAWN),
        "tim": make_participation(db, make_user(db, gamma, display_name="Tim Hoffmann"), cohort, role="mentor"),
    }
    topics = [make_catalogue_topic(db) for _ in range(3)]
    make_complete_profile(db, people["mia"], topics)
    make_complete_profile(db, people["lea"], topics[:2])  # no third ranked topic: 89%
    # Someone in another cohort is not counted.
    make_participation(db, make_user(db, alpha), make_cohort(db), role="mentee")
    db.commit()
    return cohort, people


def row_text(html: str, row_id: str) -> list[str]:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, row_id
    return [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)]


def test_the_nominations_view_counts_per_organisation_and_role(board_client, db, club, filled):
    cohort, _people = filled
    alpha, beta, gamma = club["alpha"], club["beta"], club["gamma"]
    response = board_client.get(f"/board/cohorts/{cohort.id}/nominations", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Organisation | held / quota | nominated | invited | taking part | declined | withdrawn
    assert row_text(html, f"org-{alpha.id}-mentor")[1:] == ["2 / 2", "0", "1", "1", "0", "0"]
    assert row_text(html, f"org-{alpha.id}-mentee")[1:] == ["0 / 2", "0", "0", "0", "1", "0"]
    assert row_text(html, f"org-{beta.id}-mentor")[1:] == ["0 / 1", "0", "0", "0", "0", "1"]
    assert row_text(html, f"org-{beta.id}-mentee")[1:] == ["2 / 3", "0", "0", "2", "0", "0"]
    assert row_text(html, f"org-{gamma.id}-mentor")[1:] == ["1 / 0 over the quota", "1", "0", "0", "0", "0"]
    assert row_text(html, "total-mentor")[1:] == ["3 / 3", "1", "1", "1", "0", "1"]
    assert row_text(html, "total-mentee")[1:] == ["2 / 5", "0", "0", "2", "1", "0"]
    assert re.search(r'id="figure-mentors">3<', html) and re.search(r'id="figure-mentees">2<', html)
    # The bars, scaled to the largest of held places and quotas (5): 3 -> 60%, 2 -> 40%.
    assert 'bar__fill--mentor w-60' in html and 'bar__fill--mentee w-40' in html
    assert "1 more mentor than mentees." in text_of(html)

    waiting = text_of(html[html.index('id="waiting-title"'):html.index('id="incomplete-title"')])
    assert "Noah Brunner" in waiting and "Lea Keller" not in waiting and "Tim Hoffmann" not in waiting
    incomplete = text_of(html[html.index('id="incomplete-title"'):])
    assert "=Felix Burckhardt" in incomplete and "0%" in incomplete
    assert "Lea Keller" in incomplete and "89%" in incomplete
    assert "Mia Vogt" not in incomplete


def test_the_csv_export(board_client, db, club, filled):
    cohort, people = filled
    response = board_client.get(f"/board/cohorts/{cohort.id}/nominations.csv", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cohort-2027-nominations.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    data = response.data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Organisation", "Name", "E-mail", "Role", "Status", "Invited at", "Answered at",
                       "Consent version", "Profile complete (%)"]
    assert len(rows) == 1 + 7
    by_name = {row[1]: row for row in rows[1:]}
    lea = by_name["Lea Keller"]
    assert lea[:5] == ["Alpha Bank", "Lea Keller", "lea@alpha.example", "mentor", "active"]
    assert lea[5].startswith(str(date.today().year)) and lea[5] == lea[6] and lea[7] == "2026-11" and lea[8] == "89"
    assert by_name["Mia Vogt"][8] == "100"
    assert by_name["Tim Hoffmann"][4:] == ["nominated", "", "", "", "0"]
    # A name that a spreadsheet would run as a formula is written as text.
    assert "'=Felix Burckhardt" in by_name
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])

    (event,) = audit_actions(db, "personal_data.exported")
    assert event.details == {"export": "cohort_nominations_csv", "rows": 7}
    assert event.target_type == "cohort" and event.target_id == cohort.id
    assert event.actor_user_id == club["board"].id


def test_the_nominations_page_queries_do_not_grow_with_the_cohort(board_client, db, club, count_queries):
    cohort = make_cohort(db)
    organisations = [club["alpha"], club["beta"], club["gamma"]]
    topics = [make_catalogue_topic(db) for _ in range(3)]

    def add_people(count: int) -> None:
        for i in range(count):
            organisation = organisations[i % len(organisations)]
            person = make_user(db, organisation)
            status = (ParticipationStatus.ACTIVE, ParticipationStatus.INVITED, ParticipationStatus.NOMINATED)[i % 3]
            participation = make_participation(db, person, cohort, role="mentor" if i % 2 else "mentee",
                                               status=status)
            if i % 2:
                make_complete_profile(db, participation, topics[: 1 + i % 3])
        db.commit()

    make_quota(db, cohort, organisations[0])
    add_people(3)
    with count_queries() as small:
        assert board_client.get(f"/board/cohorts/{cohort.id}/nominations").status_code == 200
    with count_queries() as small_csv:
        assert board_client.get(f"/board/cohorts/{cohort.id}/nominations.csv").status_code == 200
    for _ in range(4):
        organisations.append(make_organisation(db))
        make_quota(db, cohort, organisations[-1])
    add_people(40)
    with count_queries() as large:
        assert board_client.get(f"/board/cohorts/{cohort.id}/nominations").status_code == 200
    with count_queries() as large_csv:
        assert board_client.get(f"/board/cohorts/{cohort.id}/nominations.csv").status_code == 200
    assert large.count == small.count, (small.statements, large.statements)
    assert large_csv.count == small_csv.count


def test_the_cohort_pages_queries_do_not_grow_with_the_club(board_client, db, club, count_queries):
    cohort = make_cohort(db, CohortState.DRAFT)
    db.commit()
    paths = ["/board/cohorts/", f"/board/cohorts/{cohort.id}", f"/board/cohorts/{cohort.id}/quotas"]
    with count_queries() as small:
        for path in paths:
            assert board_client.get(path).status_code == 200
    for _ in range(5):
        organisation = make_organisation(db)
        make_quota(db, cohort, organisation)
        make_cohort(db)
        for _ in range(3):
            make_participation(db, make_user(db, organisation), cohort)
    db.commit()
    with count_queries() as large:
        for path in paths:
            assert board_client.get(path).status_code == 200
    assert large.count == small.count, (small.statements, large.statements)


def test_the_index_lists_every_cohort(board_client, db, club):
    make_cohort(db, CohortState.DRAFT, name="Cohort 2029")
    make_cohort(db, CohortState.RUNNING, name="Cohort 2026")
    db.commit()
    html = board_client.get("/board/cohorts/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Cohort 2029" in html and "Cohort 2026" in html and "Running" in html and "Draft" in html


def test_org_admins_and_participants_see_no_cohort_pages(client, sign_in, db, club, filled):
    cohort, _ = filled
    admin = make_org_admin(db, club["alpha"])
    db.commit()
    sign_in(client, admin)
    for path in ("/board/cohorts/", f"/board/cohorts/{cohort.id}/nominations",
                 f"/board/cohorts/{cohort.id}/nominations.csv"):
        assert client.get(path).status_code == 403
    assert audit_actions(db, "personal_data.exported") == []


# ------------------------------------------------------------- lifecycle guards and the programme's dates


def confirm(client, cohort, name, **data):
    """The confirmation page's submission of the step `name`."""
    return client.post(f"/board/cohorts/{cohort.id}/transition",
                       data={"transition": name, "step": "confirm", **data}, headers={"Accept-Language": "en"})


def page(client, path: str) -> str:
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def state_events(db) -> list[AuditEvent]:
    return audit_actions(db, "cohort.state_changed")


@pytest.fixture()
def matched(db, club):
    """A cohort in matching with one published (active) pair and one unanswered invitation."""
    cohort = make_cohort(db, CohortState.MATCHING, kickoff_on=FUTURE)
    mentor = make_participation(db, make_user(db, club["alpha"]), cohort, role="mentor",
                                status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, make_user(db, club["beta"]), cohort, role="mentee",
                                status=ParticipationStatus.ACTIVE)
    make_participation(db, make_user(db, club["gamma"]), cohort, role="mentee", status=ParticipationStatus.INVITED)
    make_pair(db, mentor, mentee, status="active")
    db.commit()
    return cohort


def test_starting_is_refused_without_a_published_kickoff_and_allowed_with_one(board_client, db, club, matched):
    cohort = matched
    html = page(board_client, f"/board/cohorts/{cohort.id}")
    button = re.search(r'<button type="submit" class="button"[^>]*>Start the programme</button>', html)
    assert button and "disabled" in button.group(0)
    problems = text_of(html[html.index('id="problems-start_programme"'):])
    assert "Create and publish the kick-off in the programme" in problems
    assert f'href="/board/cohorts/{cohort.id}/programme"' in html
    for send in (lambda: transition(board_client, cohort, "start_programme"),
                 lambda: confirm(board_client, cohort, "start_programme", confirmed="y")):
        response = send()
        assert response.status_code == 302
        assert "Not done: Create and publish the kick-off in the programme" in page(board_client, response.location)
    assert state_of(db, cohort) == CohortState.MATCHING

    kickoff = make_kickoff(db, cohort, status=EventStatus.DRAFT)
    db.commit()
    confirm(board_client, cohort, "start_programme", confirmed="y")
    assert state_of(db, cohort) == CohortState.MATCHING
    assert "Publish the kick-off in the programme: it is still a draft" in page(board_client,
                                                                                 f"/board/cohorts/{cohort.id}")

    with club_scope(db):
        kickoff.status, kickoff.published_at = EventStatus.PUBLISHED, utcnow()
        db.commit()
    html = page(board_client, f"/board/cohorts/{cohort.id}")
    # The button leads to the confirmation page (a GET form), not to the step itself.
    assert re.search(rf'<form class="inline-form" method="get" action="/board/cohorts/{cohort.id}">\s*'
                     r'<input type="hidden" name="confirm" value="start_programme">', html)
    assert confirm(board_client, cohort, "start_programme", confirmed="y").status_code == 302
    assert state_of(db, cohort) == CohortState.RUNNING
    assert [e.details for e in state_events(db)] == [
        {"transition": "start_programme", "from": "matching", "to": "running"}]


def test_the_confirmation_page_states_the_figures_and_the_step_needs_the_box_ticked(board_client, db, club,
                                                                                    matched):
    cohort = matched
    make_kickoff(db, cohort)
    db.commit()
    html = page(board_client, f"/board/cohorts/{cohort.id}?confirm=start_programme")
    effects = text_of(html[html.index('id="effects"'):html.index("</ul>", html.index('id="effects"'))])
    assert "1 tandem starts, with 2 people." in effects
    assert "No e-mail is sent now: the people were told of their partners when the pairs were published." in effects
    assert "The kick-off is published: 0 people are invited." in effects
    assert "1 person nominated or invited has not accepted: they can no longer join this cohort." in effects
    assert "This step cannot be undone." in text_of(html)
    assert 'name="confirmed"' in html and 'name="step" type="hidden" value="confirm"' in html

    response = confirm(board_client, cohort, "start_programme")
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True)) == {"confirmed": ["Tick the box to confirm this step."]}
    assert "1 tandem starts" in response.get_data(as_text=True)
    assert state_of(db, cohort) == CohortState.MATCHING and state_events(db) == []
    assert confirm(board_client, cohort, "start_programme", confirmed="y").status_code == 302
    assert state_of(db, cohort) == CohortState.RUNNING

    # An unknown step or one not offered now shows the cohort's page, not a confirmation.
    for name in ("jump", "archive"):
        assert 'name="confirmed"' not in page(board_client, f"/board/cohorts/{cohort.id}?confirm={name}")


def test_closing_nominations_with_unanswered_invitations_is_confirmed(board_client, db, club):
    cohort = make_cohort(db, CohortState.NOMINATIONS_OPEN)
    make_participation(db, make_user(db, club["alpha"]), cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    for organisation in (club["beta"], club["gamma"]):
        make_participation(db, make_user(db, organisation), cohort, role="mentee",
                           status=ParticipationStatus.INVITED)
    make_participation(db, make_user(db, club["gamma"]), cohort, role="mentee")
    db.commit()
    html = page(board_client, f"/board/cohorts/{cohort.id}")
    assert 'name="confirm" value="close_nominations"' in html
    html = page(board_client, f"/board/cohorts/{cohort.id}?confirm=close_nominations")
    effects = text_of(html[html.index('id="effects"'):])
    assert ("2 invitations are unanswered: these people are matched only if they accept before a matching run, "
            "and can no longer fill in a profile.") in effects
    assert "1 nominated person has not been sent an invitation yet." in effects
    assert "Accepted so far: 1 mentors and 0 mentees." in effects
    assert confirm(board_client, cohort, "close_nominations").status_code == 400
    assert state_of(db, cohort) == CohortState.NOMINATIONS_OPEN
    assert confirm(board_client, cohort, "close_nominations", confirmed="y").status_code == 302
    assert state_of(db, cohort) == CohortState.MATCHING


def test_closing_nominations_without_unanswered_invitations_needs_no_confirmation(board_client, db, club):
    cohort = make_cohort(db, CohortState.NOMINATIONS_OPEN)
    make_participation(db, make_user(db, club["alpha"]), cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    make_participation(db, make_user(db, club["beta"]), cohort, role="mentee", status=ParticipationStatus.ACTIVE)
    db.commit()
    html = page(board_client, f"/board/cohorts/{cohort.id}")
    assert 'name="confirm" value="close_nominations"' not in html
    assert 'name="transition" value="close_nominations"' in html


@pytest.mark.parametrize(("state", "name", "sentence"), [
    (CohortState.CLOSING, "publish_showcase", "The cohort moves on to its showcase. No e-mail is sent."),
    (CohortState.SHOWCASE_PUBLISHED, "archive", "Archiving ends the cohort for good: its pages become read-only."),
])
def test_the_last_steps_are_confirmed(board_client, db, club, state, name, sentence):
    cohort = make_cohort(db, state)
    make_kickoff(db, cohort)
    make_kickoff(db, cohort, kind=EventKind.SYMPOSIUM, status=EventStatus.DRAFT)
    mentor = make_participation(db, make_user(db, club["alpha"]), cohort, role="mentor", status="active")
    mentee = make_participation(db, make_user(db, club["beta"]), cohort, role="mentee", status="active")
    make_story(db, make_pair(db, mentor, mentee), chosen=True)
    db.commit()
    html = page(board_client, f"/board/cohorts/{cohort.id}?confirm={name}")
    assert sentence in text_of(html)
    if name == "archive":
        assert "Its programme of 2 events can no longer be changed." in text_of(html)
    assert confirm(board_client, cohort, name).status_code == 400
    assert state_of(db, cohort) == state
    assert confirm(board_client, cohort, name, confirmed="y").status_code == 302
    assert state_of(db, cohort) != state


@pytest.fixture()
def running(db, club):
    cohort = make_cohort(db, CohortState.RUNNING, kickoff_on=date(2027, 3, 1))  # closing on 2027-08-30
    mentor = make_participation(db, make_user(db, club["alpha"]), cohort, role="mentor",
                                status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, make_user(db, club["beta"]), cohort, role="mentee",
                                status=ParticipationStatus.ACTIVE)
    make_pair(db, mentor, mentee, status="active")
    db.commit()
    return cohort


def test_closing_eight_days_early_needs_a_reason_which_is_audited(app, board_client, db, club, running):
    cohort = running
    assert cohort.closing_on == date(2027, 8, 30)
    set_clock(app, noon(date(2027, 8, 22)))
    try:
        html = page(board_client, f"/board/cohorts/{cohort.id}")
        assert "Closing begins on 2027-08-23, 7 days before the closing date: give a reason to begin earlier." in html
        html = page(board_client, f"/board/cohorts/{cohort.id}?confirm=begin_closing")
        assert 'name="reason"' in html
        assert "The closing date is" in text_of(html) and "That is in 8 days." in text_of(html)
        assert "1 tandem is active." in text_of(html)

        # Without a reason: refused, beside the field, and by the lifecycle however the step is sent.
        response = confirm(board_client, cohort, "begin_closing", confirmed="y", reason="  ")
        assert response.status_code == 400
        assert errors_of(response.get_data(as_text=True)) == {
            "reason": ["Give the reason for taking this step now."]}
        response = confirm(board_client, cohort, "begin_closing", confirmed="y", reason="x" * 501)
        assert response.status_code == 400
        assert errors_of(response.get_data(as_text=True)) == {"reason": ["At most 500 characters."]}
        response = transition(board_client, cohort, "begin_closing")
        assert response.status_code == 302
        assert "Not done: Closing begins on 2027-08-23" in page(board_client, response.location)
        assert state_of(db, cohort) == CohortState.RUNNING and state_events(db) == []

        response = confirm(board_client, cohort, "begin_closing", confirmed="y",
                           reason=" The sponsor <b>ends</b> the year early. ")
        assert response.status_code == 302
        assert state_of(db, cohort) == CohortState.CLOSING
        (event,) = state_events(db)
        assert event.details == {"transition": "begin_closing", "from": "running", "to": "closing",
                                 "reason": "The sponsor <b>ends</b> the year early."}
    finally:
        set_clock(app, None)


def test_closing_seven_days_early_needs_no_reason(app, board_client, db, club, running):
    cohort = running
    set_clock(app, noon(date(2027, 8, 23)))
    try:
        html = page(board_client, f"/board/cohorts/{cohort.id}?confirm=begin_closing")
        assert 'name="reason"' not in html and "That is in 7 days." in text_of(html)
        assert confirm(board_client, cohort, "begin_closing").status_code == 400  # the box is still needed
        assert confirm(board_client, cohort, "begin_closing", confirmed="y").status_code == 302
        assert state_of(db, cohort) == CohortState.CLOSING
        (event,) = state_events(db)
        assert "reason" not in event.details
    finally:
        set_clock(app, None)


def test_an_owned_date_is_read_only_in_the_cohort_form(board_client, db, club):
    cohort = make_cohort(db, CohortState.NOMINATIONS_OPEN, slug="owned", languages=["de"],
                         symposium_venue="Kursaal Bern")
    kickoff = make_kickoff(db, cohort, status=EventStatus.DRAFT)
    symposium = make_kickoff(db, cohort, kind=EventKind.SYMPOSIUM, venue="Kursaal Bern")
    db.commit()
    html = page(board_client, f"/board/cohorts/{cohort.id}/edit")
    assert 'name="kickoff_on"' not in html and 'name="symposium_on"' not in html
    assert 'name="symposium_venue"' not in html and 'name="closing_on"' in html
    assert f'href="/board/cohorts/{cohort.id}/programme/{kickoff.id}"' in html
    assert f'href="/board/cohorts/{cohort.id}/programme/{symposium.id}"' in html
    assert "Set by the kick-off event." in text_of(html)

    with club_scope(db):
        dates = {"nomination_deadline": cohort.nomination_deadline.isoformat(),
                 "closing_on": cohort.closing_on.isoformat()}
        kickoff_on, symposium_on = cohort.kickoff_on, cohort.symposium_on
    data = {"name": "Renamed", "meeting_every_min_weeks": "3", "meeting_every_max_weeks": "4",
            "languages": ["de"], **dates}
    # The form as shown: the owned dates are not sent, and they stay.
    assert board_client.post(f"/board/cohorts/{cohort.id}/edit", data=data).status_code == 302
    saved = cohort_by_slug(db, "owned")
    assert (saved.name, saved.kickoff_on, saved.symposium_on, saved.symposium_venue) == (
        "Renamed", kickoff_on, symposium_on, "Kursaal Bern")

    # A change sent anyway is refused beside its field, and nothing is saved.
    response = board_client.post(f"/board/cohorts/{cohort.id}/edit", headers={"Accept-Language": "en"},
                                 data={**data, "name": "Again", "kickoff_on": (kickoff_on - timedelta(days=1))
                                       .isoformat()})
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True)) == {"kickoff_on": [
        "This date is set by the kick-off event in the programme: change it there, and the invitees are told."]}
    response = board_client.post(f"/board/cohorts/{cohort.id}/edit", headers={"Accept-Language": "en"},
                                 data={**data, "symposium_venue": "Elsewhere"})
    assert response.status_code == 400
    assert list(errors_of(response.get_data(as_text=True))) == ["symposium_venue"]
    saved = cohort_by_slug(db, "owned")
    assert (saved.name, saved.kickoff_on, saved.symposium_venue) == ("Renamed", kickoff_on, "Kursaal Bern")
    assert len(audit_actions(db, "cohort.changed")) == 1


def test_a_running_cohort_points_to_the_programme_for_its_dates(board_client, db, club, running):
    cohort = running
    html = page(board_client, f"/board/cohorts/{cohort.id}")
    assert "changed through the kick-off, closing and symposium events of the programme" in text_of(html)
    assert f'href="/board/cohorts/{cohort.id}/programme"' in html
    response = board_client.get(f"/board/cohorts/{cohort.id}/edit", headers={"Accept-Language": "en"})
    assert response.status_code == 200  # the settings, read-only, with the reasons
    assert "changed through the events of its programme" in text_of(response.get_data(as_text=True))


def test_publishing_the_pairs_invites_the_new_people_to_a_published_event(app_context, db, club):
    from tandem.platform.workbench.publishing.operations import publish_run

    cohort = make_cohort(db, CohortState.MATCHING, kickoff_on=FUTURE)
    people = [make_user(db, club["alpha"]), make_user(db, club["beta"])]
    mentor = make_participation(db, people[0], cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, people[1], cohort, role="mentee", status=ParticipationStatus.ACTIVE)
    event = make_kickoff(db, cohort)  # published before these two were taking part: nobody invited yet
    run = make_matching_run(db, cohort)
    make_pair(db, mentor, mentee, status="proposed", run=run)
    db.commit()

    def invitees() -> set[int]:
        with club_scope(db):
            db.expire_all()
            return set(db.scalars(sa.select(EventInvitation.user_id).where(EventInvitation.event_id == event.id)))

    assert invitees() == set()
    assert publish_run(db, cohort, club["board"].id) == 1
    db.commit()
    assert invitees() == {people[0].id, people[1].id}
