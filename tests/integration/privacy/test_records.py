"""Consent records, who saw my data, the privacy notice and the imprint.

The world: the pair club (tests/fixtures/pairs.py): pair one is Anna Keller (alpha) with Bernard Favre (beta),
pair two Berta Graf (beta) with Greta Hof (gamma); Regula Board is on the club board; each organisation has an
admin.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.pairs.models import NudgePreference
from tandem.platform.privacy.records.seen import VIEWED
from tandem.platform.showcase.models import StoryConsent
from tandem.platform.tenancy import club_scope
from tests.factories import make_story
from tests.fixtures.pairs import build_pair_club, in_english

EN = {"Accept-Language": "en"}


@pytest.fixture()
def club(db, app_context):
    club = build_pair_club(db)
    in_english(db, *club.people.values())
    return club


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _viewed(db, user_id: int) -> list[AuditEvent]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(AuditEvent).where(AuditEvent.action == VIEWED,
                                                           AuditEvent.target_id == user_id)))


def _page(app, sign_in, user, path: str) -> str:
    client = app.test_client()
    sign_in(client, user)
    response = client.get(path, headers=EN)
    assert response.status_code == 200, (path, response.status_code)
    return _text(response.get_data(as_text=True))


def test_a_board_members_and_an_admins_views_appear_on_that_persons_page_only(app, db, sign_in, club):
    board, admin = club.people["board"], club.people["admin_alpha"]
    one = club.pairs["one"]
    story = make_story(db, one, title="What we learned")
    db.commit()

    board_client = app.test_client()
    sign_in(board_client, board)
    assert board_client.get(f"/board/cohorts/{club.cohort.id}/pairs/{one.id}", headers=EN).status_code == 200
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    assert admin_client.get(f"/o/{club.organisations['alpha'].slug}/stories/{story.id}",
                            headers=EN).status_code == 200

    anna, bernard, greta = club.people["mentor_one"], club.people["mentee_one"], club.people["mentee_two"]
    events = _viewed(db, anna.id)
    assert sorted((e.actor_user_id, e.details["what"], e.details["role"]) for e in events) == sorted([
        (board.id, "pair_details", "board"), (admin.id, "story", "organisation_admin")])
    assert {e.target_type for e in events} == {"user"}
    assert next(e for e in events if e.details["what"] == "pair_details").details["pair_id"] == one.id
    assert len(_viewed(db, bernard.id)) == 2  # the partner of the other organisation was seen too
    assert _viewed(db, greta.id) == []

    page = _page(app, sign_in, anna, "/me/data/views")
    assert "Regula Board" in page and "Club board" in page
    assert "Admin Alpha" in page and "Organisation admin" in page
    assert "The page of your tandem in the board's pair health" in page
    assert "Your tandem's story and your showcase choices" in page
    assert re.search(r"\d{4}", page)  # when: a date with its year
    lines = re.findall(r'<time datetime="([^"]+)"', _page_raw(app, sign_in, anna, "/me/data/views"))
    assert len(lines) == 2

    other = _page(app, sign_in, greta, "/me/data/views")
    assert "Regula Board" not in other and "Admin Alpha" not in other
    assert "Nobody of the club board or of an organisation's admins has looked at your data so far." in other


def _page_raw(app, sign_in, user, path: str) -> str:
    client = app.test_client()
    sign_in(client, user)
    return client.get(path, headers=EN).get_data(as_text=True)


def test_an_export_with_many_people_records_one_event_each_in_one_insert(app, db, sign_in, club, count_queries):
    client = app.test_client()
    sign_in(client, club.people["board"])
    with count_queries() as counter:
        response = client.get(f"/board/cohorts/{club.cohort.id}/nominations.csv")
    assert response.status_code == 200
    inserts = [s for s in counter.statements if s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS")]
    assert len(inserts) == 2  # the export's own event, and one statement for every person in it
    for name in ("mentor_one", "mentee_one", "mentor_two", "mentee_two"):
        (event,) = _viewed(db, club.people[name].id)
        assert event.details == {"what": "nominations_csv", "role": "board", "cohort_id": club.cohort.id}
    assert _viewed(db, club.people["admin_delta"].id) == []
    page = _page(app, sign_in, club.people["mentee_two"], "/me/data/views")
    assert "Your nomination in the cohort's nominations file (CSV)" in page and "Regula Board" in page


def test_nobody_is_recorded_reading_their_own_data(app, db, club):
    from tandem.platform.privacy.records.seen import record_views

    anna = club.people["mentor_one"]
    with club_scope(db):
        count = record_views(db, viewer_user_id=anna.id, role="board", people=[anna.id, anna.id], what="story")
    assert count == 0
    assert _viewed(db, anna.id) == []


def test_consents_are_listed_with_their_version_and_time(app, db, sign_in, club):
    anna = club.people["mentor_one"]
    participation = club.participations["mentor_one"]
    story = make_story(db, club.pairs["one"], title="Learning together", version=3)
    with club_scope(db):
        participation.consent_at = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)
        participation.consent_version = "2026-11"
        db.add(StoryConsent(story_id=story.id, participation_id=participation.id, show_name=True,
                            show_photo=True, story_version=2, decided_at=datetime(2027, 6, 2, 12, tzinfo=UTC),
                            decided_by_user_id=anna.id))
        db.add(NudgePreference(user_id=anna.id, organisation_id=anna.organisation_id, weekly_digest=True,
                               updated_at=datetime(2027, 3, 4, 8, tzinfo=UTC)))
        db.commit()

    raw = _page_raw(app, sign_in, anna, "/me/consents")
    page = _text(raw)
    assert "Spring Cohort" in page and "version 2026-11" in page
    assert 'datetime="2027-01-15T09:30:00' in raw
    assert "Learning together" in page and "your name, the photo" in page and "version 2" in page
    assert "the story is now at version 3" in page and 'datetime="2027-06-02T12:00:00' in raw
    assert f'/me/pairs/{club.pairs["one"].id}/story/consent' in raw
    assert "You chose a weekly digest on Mondays." in page and 'datetime="2027-03-04T08:00:00' in raw
    assert "/me/settings/nudges" in raw and "/me/data/erasure" in raw and "/me/surveys" in raw

    greta = _page(app, sign_in, club.people["mentee_two"], "/me/consents")
    assert "Learning together" not in greta and "You have not been asked about a story yet." in greta
    assert "You receive reminders as they come" in greta


def test_a_withdrawn_consent_shows_its_withdrawal(app, db, sign_in, club):
    participation = club.participations["mentee_two"]
    with club_scope(db):
        participation.consent_at = datetime(2027, 1, 10, 9, tzinfo=UTC)
        participation.consent_version = "2026-11"
        participation.withdrawn_at = datetime(2027, 4, 1, 10, tzinfo=UTC)
        participation.status = "withdrawn"
        db.commit()
    raw = _page_raw(app, sign_in, club.people["mentee_two"], "/me/consents")
    assert 'datetime="2027-04-01T10:00:00' in raw


def test_a_withdrawn_showcase_consent_and_one_not_chosen_yet(app, db, sign_in, club):
    bernard, berta = club.people["mentee_one"], club.people["mentor_two"]
    one = make_story(db, club.pairs["one"], title="Story one")
    two = make_story(db, club.pairs["two"], title="Story two")
    with club_scope(db):
        db.add(StoryConsent(story_id=one.id, participation_id=club.participations["mentee_one"].id,
                            story_version=1, decided_by_user_id=bernard.id))
        db.add(StoryConsent(story_id=two.id, participation_id=club.participations["mentor_two"].id,
                            description="Head of a team in Bern", story_version=1, decided_by_user_id=None))
        db.commit()
    page = _page(app, sign_in, bernard, "/me/consents")
    assert "Story one (Spring Cohort) nothing (withdrawn)" in page
    assert "nothing: you have not chosen yet" in _page(app, sign_in, berta, "/me/consents")


@pytest.fixture()
def settings(app):
    original = app.config["TANDEM"]

    def _set(**values):
        app.config["TANDEM"] = dataclasses.replace(original, **values)

    yield _set
    app.config["TANDEM"] = original


def test_the_notice_shows_the_configured_controller_contact_and_retention(client, settings):
    settings(privacy_controller="Verein Tandem Schweiz, Bahnhofstrasse 1, 8001 Zürich",
             privacy_contact="datenschutz@tandem.example", retention_months=18, erasure_after_days=45)
    page = _text(client.get("/privacy", headers=EN).get_data(as_text=True))
    assert "Verein Tandem Schweiz, Bahnhofstrasse 1, 8001 Zürich" in page
    assert "datenschutz@tandem.example" in page
    assert "erased 18 months after the last cohort" in page
    assert "45 days after you asked" in page
    assert "only the cookies it needs" in page
    for words in ("Microsoft Entra ID", "mail server", "/me/data"):
        assert words in client.get("/privacy", headers=EN).get_data(as_text=True)


def test_the_notice_and_imprint_fall_back_to_the_club_and_its_mail_address(client, settings):
    settings(privacy_controller="", privacy_contact="", imprint="", club_name="Tandem Club Bern",
             mail_from="Tandem <tandem@club.example>", retention_months=12)
    notice = _text(client.get("/privacy", headers=EN).get_data(as_text=True))
    assert "Controller Tandem Club Bern" in notice and "tandem@club.example" in notice
    assert "erased 12 months after" in notice
    imprint = _text(client.get("/imprint", headers=EN).get_data(as_text=True))
    assert "Tandem Club Bern" in imprint and "tandem@club.example" in imprint


def test_the_imprint_shows_its_lines(client, settings):
    settings(imprint="Verein Tandem | Bahnhofstrasse 1, 8001 Zürich | info@tandem.example")
    raw = client.get("/imprint", headers=EN).get_data(as_text=True)
    assert "Verein Tandem<br>" in raw and "Bahnhofstrasse 1, 8001 Zürich" in raw
    assert 'href="mailto:info@tandem.example"' in raw


def test_the_footer_and_the_landing_page_link_the_notice(client):
    raw = client.get("/", headers=EN).get_data(as_text=True)
    assert raw.count('href="/privacy"') >= 2 and 'href="/imprint"' in raw


def test_an_admins_list_of_their_peoples_tandems_is_recorded_for_them_and_their_partners(app, db, sign_in, club):
    client = app.test_client()
    sign_in(client, club.people["admin_beta"])
    assert client.get(f"/o/{club.organisations['beta'].slug}/pairs", headers=EN).status_code == 200
    for name in ("mentor_one", "mentee_one", "mentor_two", "mentee_two"):  # beta's people and their partners
        (event,) = _viewed(db, club.people[name].id)
        assert event.actor_user_id == club.people["admin_beta"].id
        assert event.details == {"what": "pair_list", "role": "organisation_admin"}
        assert event.organisation_id == club.organisations["beta"].id
    assert _viewed(db, club.people["admin_delta"].id) == []
    page = _page(app, sign_in, club.people["mentee_two"], "/me/data/views")
    assert "Admin Beta" in page and "Organisation admin" in page and "Your tandem in a list of tandems" in page


def test_a_long_list_of_people_is_written_a_thousand_rows_a_statement(app, db, club, count_queries):
    from tandem.platform.privacy.records.seen import ROWS_PER_STATEMENT, record_views

    people = range(10_000_000, 10_000_000 + 2 * ROWS_PER_STATEMENT + 5)  # ids need not exist: target_id is no key
    with count_queries() as counter, club_scope(db):
        count = record_views(db, viewer_user_id=club.people["board"].id, role="board", people=people,
                             what="nominations_csv", where={"cohort_id": club.cohort.id})
    assert count == len(people)
    assert len([s for s in counter.statements if s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS")]) == 3
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == VIEWED, AuditEvent.target_id >= 10_000_000)) == len(people)
