"""The story's workflow for its two partners: either drafts, both see who changed what and when, both confirm
the version they read; a change after a confirmation asks for it again; a stale confirmation is refused; the
cohort's showcase revision grows with every change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import advance
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.refusals import FieldProblems, OperationRefused
from tandem.platform.showcase.models import StoryChange, StoryTopic
from tandem.platform.showcase.readiness import story_states
from tandem.platform.showcase.stories.operations import StoryDraft, confirm_story, save_story
from tandem.platform.tenancy import club_scope
from tests.integration.showcase.stories.conftest import actor, membership, stored_story

EN = {"Accept-Language": "en"}


def form(club, **changes) -> dict:
    data = {"language": "en", "title": "What a podcast taught a bank", "mentee_learned": "How a board decides.",
            "mentor_learned": "How younger colleagues listen to podcasts.", "tip": "Meet in person first.",
            "mentor_quote": "I listen differently now.", "mentee_quote": "I was heard.",
            "topics": [str(club.topics[0].id), str(club.topics[1].id)]}
    data.update(changes)
    return data


def revision(db, club) -> int:
    with club_scope(db):
        db.expire_all()
        return db.get(Cohort, club.cohort.id).showcase_revision


def changes(db, story_id: int) -> list[tuple[int, int, list[str]]]:
    with club_scope(db):
        return [(c.version, c.participation_id, c.fields) for c in db.scalars(
            sa.select(StoryChange).where(StoryChange.story_id == story_id).order_by(StoryChange.id))]


def test_either_partner_drafts_both_see_the_changes_and_both_confirm(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    bernard = sign_in(app.test_client(), club.people["mentee_one"])
    assert "Write our story" in anna.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    before = revision(db, club)

    # Anna drafts.
    response = anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    story = stored_story(db, pair_id)
    assert (story.version, story.title, story.language) == (1, "What a podcast taught a bank", "en")
    with club_scope(db):
        assert list(db.scalars(sa.select(StoryTopic.topic_id).where(StoryTopic.story_id == story.id)
                               .order_by(StoryTopic.rank))) == [club.topics[0].id, club.topics[1].id]
    assert revision(db, club) > before

    # Bernard changes the tip and a topic, a day later: version 2, his change is in the history for Anna.
    advance(app, timedelta(days=1))
    response = bernard.post(f"/me/pairs/{pair_id}/story/edit",
                            data={**form(club, tip="Listen first.", topics=[str(club.topics[2].id)]), "version": "1"})
    assert response.status_code == 302
    story = stored_story(db, pair_id)
    assert story.version == 2 and story.tip == "Listen first."
    mentor_id, mentee_id = club.participations["mentor_one"].id, club.participations["mentee_one"].id
    assert changes(db, story.id)[-1] == (2, mentee_id, ["tip", "topics"])
    page = anna.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    assert re.search(r"Bernard Favre changed the tip, the topics\.", page)
    assert "Artificial intelligence" in page and "Social media" not in page
    assert "I confirm version 2 of our story" in page

    # Saving the same text again changes nothing: no new version, no history line.
    assert bernard.post(f"/me/pairs/{pair_id}/story/edit",
                        data={**form(club, tip="Listen first.", topics=[str(club.topics[2].id)]),
                              "version": "2"}).status_code == 302
    assert stored_story(db, pair_id).version == 2 and len(changes(db, story.id)) == 2

    # Both confirm version 2.
    assert anna.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "2"}).status_code == 302
    assert "Confirmed by both" not in anna.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    assert bernard.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "2"}).status_code == 302
    story = stored_story(db, pair_id)
    assert (story.mentor_confirmed_version, story.mentee_confirmed_version) == (2, 2)
    assert story.confirmed_by_both
    page = anna.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    assert "Confirmed by both" in page and "I confirm version" not in page
    with club_scope(db):
        assert story_states(db, [story.id])[story.id].ready
        events = list(db.scalars(sa.select(AuditEvent.action).where(AuditEvent.target_id == story.id,
                                                                    AuditEvent.target_type == "story")))
    assert events.count("showcase.story_confirmed") == 2 and events.count("showcase.story_saved") == 2

    # A change after both confirmed asks both again.
    assert anna.post(f"/me/pairs/{pair_id}/story/edit",
                     data={**form(club, title="A new title", tip="Listen first.",
                                   topics=[str(club.topics[2].id)]), "version": "2"}).status_code == 302
    story = stored_story(db, pair_id)
    assert story.version == 3 and not story.confirmed_by_both
    assert (story.mentor_confirmed_version, story.mentee_confirmed_version) == (2, 2)
    page = bernard.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    assert "Anna Keller changed the title." in page
    assert "confirmed an earlier version (2)" in page and "I confirm version 3 of our story" in page
    assert changes(db, story.id)[-1] == (3, mentor_id, ["title"])


def test_a_stale_confirmation_is_refused(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    bernard = sign_in(app.test_client(), club.people["mentee_one"])
    anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"})
    # Bernard opened the page at version 1; Anna changes the text meanwhile.
    anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club, tip="Changed meanwhile"), "version": "1"})
    response = bernard.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "1"}, follow_redirects=True)
    assert "The story has changed since you read it (it is now version 2)" in response.get_data(as_text=True)
    assert stored_story(db, pair_id).mentee_confirmed_version is None
    # Nonsense versions are refused the same way.
    for seen in ("", "abc", str(2**70), "-1"):
        response = bernard.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": seen})
        assert response.status_code == 302
    assert stored_story(db, pair_id).mentee_confirmed_version is None
    # Confirming the same version twice is refused with a message.
    assert bernard.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "2"}).status_code == 302
    response = bernard.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "2"}, follow_redirects=True)
    assert "You have already confirmed this version of the story." in response.get_data(as_text=True)


def test_a_save_over_a_partners_change_is_refused_and_keeps_what_was_typed(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    bernard = sign_in(app.test_client(), club.people["mentee_one"])
    anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"})
    anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club, tip="Anna's tip"), "version": "1"})
    response = bernard.post(f"/me/pairs/{pair_id}/story/edit",
                            data={**form(club, tip="Bernard's tip from version 1"), "version": "1"}, headers=EN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your partner changed the story while you were writing" in html
    assert "Bernard&#39;s tip from version 1" in html and 'name="version" type="hidden" value="2"' in html
    assert stored_story(db, pair_id).tip == "Anna's tip"


def test_operations_refuse_what_the_form_would(app_context, db, club):
    anna, anna_actor = membership(db, club, "mentor_one"), actor(club, "mentor_one")
    draft = StoryDraft(language="rm", title="  ", mentee_learned="x" * 5000, mentor_learned="",
                       tip="", mentor_quote="a\x00b", mentee_quote="",
                       topic_ids=tuple(topic.id for topic in club.topics[:4]))
    with pytest.raises(FieldProblems) as refused:
        save_story(db, anna, draft, anna_actor)
    assert set(refused.value.field_messages) == {"language", "title", "mentee_learned", "mentor_quote", "topics"}
    retired = StoryDraft("en", "A title", "", "", "", "", "", (club.topics[4].id,))
    with pytest.raises(FieldProblems) as refused:
        save_story(db, anna, retired, anna_actor)
    assert set(refused.value.field_messages) == {"topics"}
    db.rollback()
    assert stored_story(db, club.pairs["one"].id) is None
    story = save_story(db, anna, StoryDraft("de", "Ein Titel", "", "", "", "", "", ()), anna_actor)
    with pytest.raises(OperationRefused, match="at least one of you learned"):
        confirm_story(db, anna, story.version, anna_actor)


def test_an_archived_cohorts_story_is_read_only(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"})
    with club_scope(db):
        db.get(Cohort, club.cohort.id).state = CohortState.ARCHIVED
        db.commit()
    response = anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club, title="Later"), "version": "1"},
                         follow_redirects=True)
    assert "This cohort is archived" in response.get_data(as_text=True)
    assert anna.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "1"}).status_code == 302
    story = stored_story(db, pair_id)
    assert story.title == "What a podcast taught a bank" and story.mentor_confirmed_version is None
    page = anna.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    assert "Change the story" not in page and "I confirm version" not in page
    assert "Choose what may be public about me" in page


def test_the_pairs_page_leads_to_the_story(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    page = anna.get(f"/me/pairs/{pair_id}").get_data(as_text=True)
    assert f'href="/me/pairs/{pair_id}/story"' in page and "Our story for the showcase" in page


def test_the_partners_read_an_organisations_note_and_whether_the_story_is_on_the_showcase(app, db, sign_in, club):
    from tandem.platform.showcase.models import Story, StoryReview
    from tandem.tenants.models import Organisation

    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    bernard = sign_in(app.test_client(), club.people["mentee_one"])
    anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"})
    anna.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "1"})
    bernard.post(f"/me/pairs/{pair_id}/story/confirm", data={"seen": "1"})
    beta = club.organisations["beta"]
    with club_scope(db):
        db.get(Organisation, beta.id).stories_need_approval = True
        story_id = db.scalar(sa.select(Story.id).where(Story.pair_id == pair_id))
        db.add(StoryReview(story_id=story_id, organisation_id=beta.id, story_version=1, decision="sent_back",
                           note="Please leave out the <b>client's</b> name."))
        db.commit()
    for client in (anna, bernard):
        page = client.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
        assert "Beta Energie sent this version back" in page
        assert "Please leave out the &lt;b&gt;client&#39;s&lt;/b&gt; name." in page
        assert "On the showcase</span>" not in page

    # Approved, chosen by the board, the showcase published: the partners are told it is on it.
    with club_scope(db):
        review = db.scalar(sa.select(StoryReview).where(StoryReview.story_id == story_id))
        review.decision, review.note = "approved", None
        db.get(Story, story_id).chosen = True
        db.get(Cohort, club.cohort.id).state = CohortState.SHOWCASE_PUBLISHED
        db.commit()
    page = anna.get(f"/me/pairs/{pair_id}/story").get_data(as_text=True)
    assert "Beta Energie approved this version" in page
    assert "On the showcase</span>" in page and "Yes: your story is on the public showcase" in page
    assert f"/showcase/{club.cohort.slug}/stories/{story_id}" in page
