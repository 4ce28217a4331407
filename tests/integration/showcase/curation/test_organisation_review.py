"""An organisation's side of the showcase: its settings (approve stories before publication, show its logo),
its people's stories, the approval of a story's version or the note that sends it back (mailed to both
partners, in their language), a later change asking for approval again, the readiness that follows, the neutral
description of its people, and what another organisation's admin never reaches.

The world: the pair club (tests/fixtures/pairs.py): pair one, Anna Keller (mentor, alpha) with Bernard Favre
(mentee, beta, who reads French mail); pair two, Berta Graf (beta) with Greta Hof (gamma).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import CohortState
from tandem.platform.identity.models import User
from tandem.platform.showcase.models import MAX_DESCRIPTION, ReviewDecision, Story, StoryConsent, StoryReview
from tandem.platform.showcase.readiness import publishable_count, story_states
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation
from tests.fixtures.pairs import outbox
from tests.integration.showcase.curation.conftest import (
    EN,
    audit_of,
    errors_of,
    page,
    revision_of,
    story_of,
    text_of,
)

NOTE = "Please leave out the name of our product <Nova>."


def org_path(club, name: str) -> str:
    return f"/o/{club.organisations[name].slug}/stories"


def approving(db, club, *names: str) -> None:
    with club_scope(db):
        for name in names:
            db.get(Organisation, club.organisations[name].id).stories_need_approval = True  # type: ignore[union-attr]
        db.commit()


def reviews(db) -> list[StoryReview]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(StoryReview).order_by(StoryReview.id)))


def consent_rows(db) -> list[StoryConsent]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(StoryConsent).order_by(StoryConsent.id)))


def state_of(app, db, story):
    with app.app_context():
        return story_states(db, [story.id])[story.id]


@pytest.fixture()
def admin_alpha(client, sign_in, club):
    return sign_in(client, club.people["admin_alpha"])


# ------------------------------------------------------------------------------------------- settings


def test_the_settings_are_saved_audited_and_change_published_showcases(admin_alpha, db, club):
    published = club.cohort
    with club_scope(db):
        db.get(type(published), published.id).state = CohortState.SHOWCASE_PUBLISHED  # type: ignore[union-attr]
        db.commit()
    html = page(admin_alpha, org_path(club, "alpha"))
    assert '<input checked id="stories_need_approval-1" name="stories_need_approval" required type="radio" ' \
        'value="no">' in html
    before = revision_of(db, published)
    response = admin_alpha.post(f"{org_path(club, 'alpha')}/settings", headers=EN,
                                data={"stories_need_approval": "yes", "logo_on_showcase": "no"})
    assert response.status_code == 302
    with club_scope(db):
        db.expire_all()
        alpha = db.get(Organisation, club.organisations["alpha"].id)
        assert alpha is not None and alpha.stories_need_approval and not alpha.logo_on_showcase
    assert revision_of(db, published) == before + 1
    [event] = audit_of(db, "organisation.showcase_settings_changed")
    assert event.organisation_id == club.organisations["alpha"].id
    assert event.details == {"stories_need_approval": {"from": False, "to": True},
                             "logo_on_showcase": {"from": True, "to": False}}


@pytest.mark.parametrize("data", [{}, {"stories_need_approval": "maybe", "logo_on_showcase": "yes"},
                                  {"stories_need_approval": "yes\x00", "logo_on_showcase": "yes"}])
def test_wrong_settings_are_refused_beside_the_field(admin_alpha, db, club, data):
    response = admin_alpha.post(f"{org_path(club, 'alpha')}/settings", headers=EN, data=data)
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True))
    assert audit_of(db, "organisation.showcase_settings_changed") == []


# ------------------------------------------------------------------------------------------ the list


def test_the_list_shows_the_peoples_stories_with_the_partners_organisation(client, sign_in, db, club):
    story_of(db, club, "one", title="Alpha and Beta <i>together</i>")
    story_of(db, club, "two", confirmed=False, title="Beta and Gamma")
    beta = sign_in(client, club.people["admin_beta"])
    html = page(beta, org_path(club, "beta"))
    assert "Alpha and Beta &lt;i&gt;together&lt;/i&gt;" in html and "Beta and Gamma" in html
    one = re.search(r'<tr id="story-\d+" data-stage="ready">(.*?)</tr>', html, re.S)
    assert one and "Bernard Favre" in text_of(one.group(1)) and "Alpha Bank" in text_of(one.group(1))
    assert 'data-stage="draft"' in html
    gamma = sign_in(client, club.people["admin_gamma"])
    html = page(gamma, org_path(club, "gamma"))
    assert "Beta and Gamma" in html and "Alpha and Beta" not in html
    delta = sign_in(client, club.people["admin_delta"])
    assert "No stories yet" in page(delta, org_path(club, "delta"))


# -------------------------------------------------------------------------------------------- approval


def test_an_admin_approves_and_a_later_change_needs_approval_again(app, admin_alpha, db, club):
    approving(db, club, "alpha")
    story = story_of(db, club, "one", chosen=True, position=1)
    assert not state_of(app, db, story).ready
    html = page(admin_alpha, f"{org_path(club, 'alpha')}/{story.id}")
    assert "Approve this version" in html and 'name="seen" type="hidden" value="1"' in html
    before = revision_of(db, club.cohort)
    response = admin_alpha.post(f"{org_path(club, 'alpha')}/{story.id}", headers=EN,
                                data={"seen": "1", "approve": "Approve this version", "note": ""})
    assert response.status_code == 302
    [review] = reviews(db)
    assert (review.decision, review.story_version, review.organisation_id, review.reviewer_user_id) == (
        ReviewDecision.APPROVED, 1, club.organisations["alpha"].id, club.people["admin_alpha"].id)
    assert state_of(app, db, story).ready and revision_of(db, club.cohort) == before + 1
    with app.app_context():
        assert publishable_count(db, club.cohort.id) == 1
    [event] = audit_of(db, "showcase.story_reviewed")
    assert event.details == {"story_id": story.id, "cohort_id": club.cohort.id, "version": 1,
                             "decision": "approved"}
    # the partners change the text and confirm it again: the organisation's approval is needed anew
    with club_scope(db):
        found = db.get(Story, story.id)
        assert found is not None
        found.version = found.mentor_confirmed_version = found.mentee_confirmed_version = 2
        db.commit()
    assert not state_of(app, db, story).ready
    with app.app_context():
        assert publishable_count(db, club.cohort.id) == 0
    html = page(admin_alpha, org_path(club, "alpha"))
    assert "Waiting for your approval" in html and 'data-stage="awaiting_approval"' in html
    assert "You reviewed an earlier version" in page(admin_alpha, f"{org_path(club, 'alpha')}/{story.id}")


def test_both_organisations_must_approve_where_both_ask_to(app, client, sign_in, db, club):
    approving(db, club, "alpha", "beta")
    story = story_of(db, club, "one", chosen=True, position=1)
    for admin, name in (("admin_alpha", "alpha"), ("admin_beta", "beta")):
        assert not state_of(app, db, story).ready
        person = sign_in(client, club.people[admin])
        response = person.post(f"{org_path(club, name)}/{story.id}", headers=EN,
                               data={"seen": "1", "approve": "Approve this version"})
        assert response.status_code == 302
    assert state_of(app, db, story).ready
    with app.app_context():
        assert publishable_count(db, club.cohort.id) == 1


def test_sending_back_needs_a_note_mails_both_partners_and_shows_the_note(app, sign_in, admin_alpha, db, club):
    approving(db, club, "alpha")
    story = story_of(db, club, "one", title="Our year")
    with club_scope(db):
        db.get(User, club.people["mentee_one"].id).preferred_language = "fr"  # type: ignore[union-attr]
        db.commit()
    path = f"{org_path(club, 'alpha')}/{story.id}"
    response = admin_alpha.post(path, headers=EN, data={"seen": "1", "send_back": "Send back", "note": "  "})
    assert response.status_code == 400
    assert "Say what should change: the note goes to both partners." in errors_of(response.get_data(as_text=True))
    assert reviews(db) == [] and outbox(db, "story_sent_back") == []
    response = admin_alpha.post(path, headers=EN, data={"seen": "1", "send_back": "Send back", "note": NOTE})
    assert response.status_code == 302
    [review] = reviews(db)
    assert (review.decision, review.note) == (ReviewDecision.SENT_BACK, NOTE)
    mails = outbox(db, "story_sent_back")
    assert sorted((mail.recipient, mail.language) for mail in mails) == sorted([
        (club.people["mentor_one"].email, "en"), (club.people["mentee_one"].email, "fr")])
    for mail in mails:
        assert NOTE in mail.body_text and "&lt;Nova&gt;" in mail.body_html
        assert f"/me/pairs/{club.pairs['one'].id}/story" in mail.body_text
        assert "Alpha Bank" in mail.body_text
    assert NOTE not in str(audit_of(db, "showcase.story_reviewed")[0].details)
    html = page(admin_alpha, path)
    assert "Please leave out the name of our product &lt;Nova&gt;." in html
    assert 'data-stage="sent_back"' in page(admin_alpha, org_path(club, "alpha"))
    for partner in ("mentor_one", "mentee_one"):  # both partners read the note on their story's page
        reader = sign_in(app.test_client(), club.people[partner])
        assert "Please leave out the name of our product &lt;Nova&gt;." in page(
            reader, f"/me/pairs/{club.pairs['one'].id}/story")


def test_no_review_without_the_setting_or_before_both_confirmed(admin_alpha, db, club):
    story = story_of(db, club, "one")
    path = f"{org_path(club, 'alpha')}/{story.id}"
    html = page(admin_alpha, path)
    assert 'id="approval-off"' in html and "Approve this version" not in html
    response = admin_alpha.post(path, headers=EN, data={"seen": "1", "approve": "Approve"})
    assert response.status_code == 400
    assert any("does not approve its people's stories" in m for m in errors_of(response.get_data(as_text=True)))
    approving(db, club, "alpha")
    with club_scope(db):
        found = db.get(Story, story.id)
        assert found is not None
        found.mentee_confirmed_version = None
        db.commit()
    assert 'id="approval-not-yet"' in page(admin_alpha, path)
    response = admin_alpha.post(path, headers=EN, data={"seen": "1", "approve": "Approve"})
    assert response.status_code == 400
    assert any("Both partners must confirm the story" in m for m in errors_of(response.get_data(as_text=True)))
    assert reviews(db) == []


def test_a_story_changed_since_the_page_was_opened_is_not_approved(admin_alpha, db, club):
    approving(db, club, "alpha")
    story = story_of(db, club, "one", version=3)
    for seen in ("2", "", "x\x00", str(2**70)):
        response = admin_alpha.post(f"{org_path(club, 'alpha')}/{story.id}", headers=EN,
                                    data={"seen": seen, "approve": "Approve"})
        assert response.status_code == 400, seen
        assert any("changed since you opened the page" in m or "The form has expired" in m
                   for m in errors_of(response.get_data(as_text=True))), seen
    assert reviews(db) == []


@pytest.mark.parametrize(("note", "message"), [
    ("n" * 100_000, "At most 1000 characters."),
    ("Please\x00change", "control characters"),
])
def test_a_bad_note_is_refused_beside_the_field(admin_alpha, db, club, note, message):
    approving(db, club, "alpha")
    story = story_of(db, club, "one")
    response = admin_alpha.post(f"{org_path(club, 'alpha')}/{story.id}", headers=EN,
                                data={"seen": "1", "send_back": "Send back", "note": note})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="note-error-1"' in html and any(message in m for m in errors_of(html))
    assert reviews(db) == [] and outbox(db, "story_sent_back") == []


def test_an_empty_post_says_what_to_do(admin_alpha, db, club):
    story = story_of(db, club, "one")
    response = admin_alpha.post(f"{org_path(club, 'alpha')}/{story.id}", headers=EN, data={})
    assert response.status_code == 400
    assert "Approve the story or send it back with a note." in errors_of(response.get_data(as_text=True))


# --------------------------------------------------------------------------------------- descriptions


def test_an_admin_writes_the_description_of_their_person_only(admin_alpha, db, club):
    story = story_of(db, club, "one")
    mentor, mentee = club.participations["mentor_one"], club.participations["mentee_one"]
    path = f"{org_path(club, 'alpha')}/{story.id}"
    html = page(admin_alpha, path)
    assert f'id="description-{mentor.id}"' in html and f'id="description-{mentee.id}"' not in html
    before = revision_of(db, club.cohort)
    response = admin_alpha.post(path, headers=EN, data={
        "participation_id": str(mentor.id), "description": "Head of <b>communications</b> at a bank in Bern",
        "save_description": "Save"})
    assert response.status_code == 302
    [consent] = consent_rows(db)
    assert consent.participation_id == mentor.id and consent.description == \
        "Head of <b>communications</b> at a bank in Bern"
    assert not (consent.show_name or consent.show_organisation or consent.show_photo or consent.show_quote)
    assert revision_of(db, club.cohort) == before + 1
    assert "Head of &lt;b&gt;communications&lt;/b&gt; at a bank in Bern" in page(admin_alpha, path)
    # the person's own consents stay as they chose them
    with club_scope(db):
        found = db.get(StoryConsent, consent.id)
        assert found is not None
        found.show_name = found.show_quote = True
        db.commit()
    admin_alpha.post(path, headers=EN, data={"participation_id": str(mentor.id), "description": "",
                                             "save_description": "Save"})
    [consent] = consent_rows(db)
    assert consent.description is None and consent.show_name and consent.show_quote
    events = audit_of(db, "showcase.description_set")
    assert len(events) == 2 and "communications" not in str(events[0].details)
    # the partner of another organisation is not theirs to describe
    response = admin_alpha.post(path, headers=EN, data={"participation_id": str(mentee.id), "description": "x",
                                                        "save_description": "Save"})
    assert response.status_code == 404
    assert [c.participation_id for c in consent_rows(db)] == [mentor.id]


@pytest.mark.parametrize(("text", "message"), [
    ("x" * 100_000, f"At most {MAX_DESCRIPTION} characters."),
    ("Head\x00of", "control characters"),
    ("Head of\r\nBcc: x@example.org", "single line"),
])
def test_a_bad_description_is_refused_beside_the_field(admin_alpha, db, club, text, message):
    story = story_of(db, club, "one")
    mentor = club.participations["mentor_one"]
    response = admin_alpha.post(f"{org_path(club, 'alpha')}/{story.id}", headers=EN, data={
        "participation_id": str(mentor.id), "description": text, "save_description": "Save"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="description-{mentor.id}-error-1"' in html
    assert any(message in m for m in errors_of(html))
    assert consent_rows(db) == []


# ------------------------------------------------------------------------------------------ isolation


def test_another_organisations_admin_finds_no_story_without_their_people(client, sign_in, db, club):
    one = story_of(db, club, "one")  # alpha and beta
    with club_scope(db):
        found = db.get(Story, one.id)
        assert found is not None
        found.photo, found.photo_small, found.photo_version = b"\xff\xd8jpeg", b"\xff\xd8small", 1
        db.commit()
    gamma = sign_in(client, club.people["admin_gamma"])
    for suffix in ("", "/photo.jpg"):
        assert gamma.get(f"{org_path(club, 'gamma')}/{one.id}{suffix}").status_code == 404
    assert gamma.post(f"{org_path(club, 'gamma')}/{one.id}", data={"seen": "1", "approve": "Approve"}).status_code \
        == 404
    assert gamma.get(f"{org_path(club, 'alpha')}/{one.id}").status_code == 404  # another organisation's area
    assert reviews(db) == []
    beta = sign_in(client, club.people["admin_beta"])
    photo = beta.get(f"{org_path(club, 'beta')}/{one.id}/photo.jpg")
    assert photo.status_code == 200 and photo.headers["X-Content-Type-Options"] == "nosniff"
    assert photo.headers["Content-Type"] == "image/jpeg"
    board = sign_in(client, club.people["board"])
    assert board.get(f"{org_path(club, 'alpha')}/{one.id}").status_code == 200
    assert board.get(f"{org_path(club, 'delta')}/{one.id}").status_code == 404
    participant = sign_in(client, club.people["mentor_one"])
    assert participant.get(f"{org_path(club, 'alpha')}/{one.id}").status_code == 404
