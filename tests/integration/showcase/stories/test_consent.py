"""Consent per person and per item: each partner chooses for themselves, the choice is recorded with the
story's version and the moment and audited with its booleans; "withdraw everything" takes back every item at
once; possible at any time, after publication and in an archived cohort too; every change grows the cohort's
showcase revision (the public pages' cache key)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import advance
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.showcase.models import StoryConsent
from tandem.platform.showcase.stories.operations import ConsentChoice, StoryDraft, save_story, set_consent
from tandem.platform.tenancy import club_scope
from tests.fixtures.pairs import NOW
from tests.integration.showcase.stories.conftest import actor, membership
from tests.integration.showcase.stories.test_workflow import form, revision

EN = {"Accept-Language": "en"}


def consents(db, pair_id: int) -> dict[int, StoryConsent]:
    from tandem.platform.showcase.models import Story

    with club_scope(db):
        db.expire_all()
        story_id = db.scalar(sa.select(Story.id).where(Story.pair_id == pair_id))
        return {c.participation_id: c for c in db.scalars(
            sa.select(StoryConsent).where(StoryConsent.story_id == story_id))}


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.fixture()
def written(app, db, sign_in, club):
    """Pair one's story, written by Anna and changed once (version 2)."""
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    bernard = sign_in(app.test_client(), club.people["mentee_one"])
    assert anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"}).status_code == 302
    assert anna.post(f"/me/pairs/{pair_id}/story/edit",
                     data={**form(club, tip="Another tip"), "version": "1"}).status_code == 302
    return pair_id, anna, bernard


def test_each_partner_consents_item_by_item_recorded_with_version_and_time(app, db, club, written):
    pair_id, anna, bernard = written
    before = revision(db, club)
    advance(app, timedelta(hours=2))
    response = anna.post(f"/me/pairs/{pair_id}/story/consent",
                         data={"show_name": "y", "show_quote": "y", "description": "  Head of digital at a bank  "})
    assert response.status_code == 302
    mentor_id = club.participations["mentor_one"].id
    stored = consents(db, pair_id)
    assert set(stored) == {mentor_id}  # Bernard chose nothing: no row, nothing consented
    mine = stored[mentor_id]
    assert (mine.show_name, mine.show_organisation, mine.show_photo, mine.show_quote) == (True, False, False, True)
    assert mine.description == "Head of digital at a bank"
    assert mine.story_version == 2 and as_utc(mine.decided_at) == NOW + timedelta(hours=2)
    assert mine.decided_by_user_id == club.people["mentor_one"].id
    assert revision(db, club) > before
    with club_scope(db):
        event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "showcase.consent_changed"))
    assert event.details["show_name"] is True and event.details["show_photo"] is False
    assert event.details["story_version"] == 2 and event.details["description"] is True
    assert "Head of digital" not in str(event.details)  # ids and booleans, never a text

    # Bernard's choice is his own; each sees the other's summary on the story's page.
    assert bernard.post(f"/me/pairs/{pair_id}/story/consent", data={"show_photo": "y"}).status_code == 302
    assert consents(db, pair_id)[mentor_id].show_name is True
    page = anna.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    assert page.count("may be public</span>") == 3  # Anna's name and quote, Bernard's photo
    assert "Head of digital at a bank" not in page  # shown instead of a name only: Anna consents to hers
    form_page = anna.get(f"/me/pairs/{pair_id}/story/consent").get_data(as_text=True)
    ticked = {name: "checked" in re.search(rf'<input[^>]*id="{name}"[^>]*>', form_page).group(0)
              for name in ("show_name", "show_organisation", "show_photo", "show_quote")}
    assert ticked == {"show_name": True, "show_organisation": False, "show_photo": False, "show_quote": True}
    assert 'value="Head of digital at a bank"' in form_page


def test_withdraw_everything_at_once_even_after_publication(app, db, club, written):
    pair_id, anna, _ = written
    anna.post(f"/me/pairs/{pair_id}/story/consent",
              data={"show_name": "y", "show_organisation": "y", "show_photo": "y", "show_quote": "y",
                    "description": "Head of digital"})
    with club_scope(db):
        db.get(Cohort, club.cohort.id).state = CohortState.SHOWCASE_PUBLISHED
        db.commit()
    before = revision(db, club)
    advance(app, timedelta(days=3))
    response = anna.post(f"/me/pairs/{pair_id}/story/consent",
                         data={"show_name": "y", "description": "bad\x00", "withdraw": "y"}, follow_redirects=True)
    assert "Everything is withdrawn, at once" in response.get_data(as_text=True)
    mine = consents(db, pair_id)[club.participations["mentor_one"].id]
    assert (mine.show_name, mine.show_organisation, mine.show_photo, mine.show_quote, mine.description) == (
        False, False, False, False, None)
    assert mine.story_version == 2 and as_utc(mine.decided_at) == NOW + timedelta(days=3)
    assert revision(db, club) > before


def test_consent_can_change_in_an_archived_cohort(app, db, club, written):
    pair_id, anna, _ = written
    with club_scope(db):
        db.get(Cohort, club.cohort.id).state = CohortState.ARCHIVED
        db.commit()
    assert anna.post(f"/me/pairs/{pair_id}/story/consent", data={"show_quote": "y"}).status_code == 302
    assert consents(db, pair_id)[club.participations["mentor_one"].id].show_quote is True


def test_a_description_too_long_or_with_control_characters_is_refused_beside_the_field(app, db, club, written):
    pair_id, anna, _ = written
    for description, message in (("x" * 100_000, "At most 200 characters."),
                                  ("a\x00b", "control characters"),
                                  ("<script>alert(1)</script>", None)):
        response = anna.post(f"/me/pairs/{pair_id}/story/consent", data={"show_quote": "y", "description": description},
                             headers=EN)
        if message is None:
            assert response.status_code == 302
            page = anna.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
        else:
            assert response.status_code == 400
            html = response.get_data(as_text=True)
            assert 'id="description-error-1"' in html and message in html


def test_consent_needs_a_story(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    assert "Write your story first" in anna.get(f"/me/pairs/{pair_id}/story/consent").get_data(as_text=True)
    response = anna.post(f"/me/pairs/{pair_id}/story/consent", data={"show_name": "y"}, follow_redirects=True)
    assert "Write your story first" in response.get_data(as_text=True)


def test_the_operation_refuses_without_a_story_and_a_bad_description(app_context, db, club):
    anna, anna_actor = membership(db, club, "mentor_one"), actor(club, "mentor_one")
    with pytest.raises(OperationRefused):
        set_consent(db, anna, ConsentChoice(True, True, True, True, None), anna_actor)
    save_story(db, anna, StoryDraft("en", "A title", "What I learned", "", "", "", "", ()), anna_actor)
    for description in ("one\ntwo", "x" * 201, "a\x00b"):
        with pytest.raises(FieldProblem):
            set_consent(db, anna, ConsentChoice(True, False, False, False, description), anna_actor)
    consent = set_consent(db, anna, ConsentChoice(False, True, False, False, "  Head of HR  "), anna_actor)
    assert (consent.show_organisation, consent.description, consent.story_version) == (True, "Head of HR", 1)
    db.rollback()
