"""The symposium's programme: slots on the symposium event's day (in the club's time zone), in time order, with
title, room and the presenting pairs' stories of the cohort; changed and deleted; refused with a message
and a way to the programme when the cohort has no symposium; a story of another cohort, times off the day,
an end before the start, bad input: a message beside the field, nothing written.

The world: the pair club; its symposium (`symposium_of`) on 2027-09-16, 18:00 to 21:00 in Zurich.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.programme.models import EventStatus
from tandem.platform.showcase.curation.operations import CurationRefused, SlotDraft, add_slot
from tandem.platform.showcase.models import MAX_SLOT_TITLE, SymposiumSlot, SymposiumSlotStory
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_organisation, make_pair, make_participation, make_story, make_user
from tests.fixtures.pairs import zurich
from tests.integration.showcase.curation.conftest import (
    EN,
    audit_of,
    errors_of,
    page,
    revision_of,
    story_of,
    symposium_of,
    text_of,
)


@pytest.fixture()
def board(client, sign_in, club):
    return sign_in(client, club.people["board"])


def path_of(cohort) -> str:
    return f"/board/cohorts/{cohort.id}/showcase/symposium"


def slot_data(start: str = "2027-09-16T18:30", end: str = "2027-09-16T19:00", title: str = "Three tandems",
              room: str = "Saal 2", stories=()) -> dict[str, object]:
    return {"starts_at": start, "ends_at": end, "title": title, "room": room,
            "stories": [str(story.id) for story in stories]}


def slots(db) -> list[SymposiumSlot]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(SymposiumSlot).order_by(SymposiumSlot.starts_at)))


def presenting(db, slot) -> list[int]:
    with club_scope(db):
        return sorted(db.scalars(sa.select(SymposiumSlotStory.story_id).where(SymposiumSlotStory.slot_id == slot.id)))


def test_without_a_symposium_the_page_points_to_the_programme(app, board, db, club):
    html = page(board, path_of(club.cohort))
    assert 'id="no-symposium"' in html and f'href="/board/cohorts/{club.cohort.id}/programme"' in html
    assert 'id="new-slot"' not in html
    response = board.post(path_of(club.cohort), headers=EN, data=slot_data())
    assert response.status_code == 400
    assert any("has no symposium in its programme yet" in m for m in errors_of(response.get_data(as_text=True)))
    # a cancelled symposium is none
    event = symposium_of(db, club.cohort, status=EventStatus.CANCELLED)
    assert board.post(path_of(club.cohort), headers=EN, data=slot_data()).status_code == 400
    assert slots(db) == [] and event.id
    with app.app_context(), pytest.raises(CurationRefused):
        add_slot(db, club.cohort, SlotDraft(zurich(2027, 9, 16, 18), zurich(2027, 9, 16, 19), "x", None, ()), None)


def test_slots_are_added_in_time_order_with_their_presenting_pairs(board, db, club):
    event = symposium_of(db, club.cohort, venue="Kongresshaus")
    one, two = story_of(db, club, "one", title="Social media <3"), story_of(db, club, "two", title="Hybrid work")
    html = page(board, path_of(club.cohort))
    assert "Kongresshaus" in html and f'href="/board/cohorts/{club.cohort.id}/programme/{event.id}"' in html
    assert 'value="2027-09-16T18:00"' in html  # a new slot starts when the symposium does
    before = revision_of(db, club.cohort)
    assert board.post(path_of(club.cohort), headers=EN,
                      data=slot_data("2027-09-16T19:30", "2027-09-16T20:15", "Apéro", "")).status_code == 302
    assert board.post(path_of(club.cohort), headers=EN,
                      data=slot_data(stories=(one, two))).status_code == 302
    first, second = slots(db)
    assert (first.title, first.room) == ("Three tandems", "Saal 2")
    assert presenting(db, first) == sorted([one.id, two.id])
    assert second.room is None and presenting(db, second) == []
    assert first.starts_at.replace(tzinfo=UTC) == datetime(2027, 9, 16, 16, 30, tzinfo=UTC)
    assert first.event_id == event.id and revision_of(db, club.cohort) == before + 2
    assert len(audit_of(db, "showcase.slot_added")) == 2
    html = page(board, path_of(club.cohort))
    table = html[html.index('id="slot-table"'):]
    assert table.index("Three tandems") < table.index("Apéro")
    assert "Social media &lt;3" in table and "6:30 PM–7:00 PM" in text_of(table)


def test_times_off_the_symposiums_day_or_out_of_order_are_refused(board, db, club):
    symposium_of(db, club.cohort)
    for data, field, message in (
        (slot_data("2027-09-15T18:00", "2027-09-16T19:00"), "starts_at",
         "Choose a time on the symposium's day, 2027-09-16."),
        (slot_data("2027-09-16T18:00", "2027-09-17T00:30"), "ends_at",
         "Choose a time on the symposium's day, 2027-09-16."),
        (slot_data("2027-09-16T19:00", "2027-09-16T18:00"), "ends_at", "The end must be after the start."),
        (slot_data("2027-09-16T19:00", "2027-09-16T19:00"), "ends_at", "The end must be after the start."),
        (slot_data("tomorrow", "2027-09-16T19:00"), "starts_at", "Enter a date and time like"),
        (slot_data(title=""), "title", "Give the slot a title."),
        (slot_data(title="x" * 100_000), "title", f"At most {MAX_SLOT_TITLE} characters."),
        (slot_data(title="Three\x00tandems"), "title", "control characters"),
        (slot_data(room="r" * 101), "room", "At most 100 characters."),
    ):
        response = board.post(path_of(club.cohort), headers=EN, data=data)
        assert response.status_code == 400, data
        html = response.get_data(as_text=True)
        assert f'id="{field}-error-1"' in html, (field, message)
        assert any(message in m for m in errors_of(html)), (field, message)
    assert slots(db) == []


def test_a_story_of_another_cohort_cannot_present(board, db, club):
    symposium_of(db, club.cohort)
    other = make_cohort(db, CohortState.RUNNING)
    mentor = make_participation(db, make_user(db, club.organisations["alpha"]), other, role="mentor",
                                status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, make_user(db, make_organisation(db)), other, role="mentee",
                                status=ParticipationStatus.ACTIVE)
    foreign = make_story(db, make_pair(db, mentor, mentee))
    db.commit()
    for value in (str(foreign.id), str(2**70), "nine"):
        response = board.post(path_of(club.cohort), headers=EN, data={**slot_data(), "stories": [value]})
        assert response.status_code == 400, value
        assert 'id="stories-error-1"' in response.get_data(as_text=True), value
    assert slots(db) == []


def test_a_draft_is_not_offered_but_a_chosen_story_is(board, db, club):
    symposium_of(db, club.cohort)
    draft = story_of(db, club, "one", confirmed=False, title="DRAFT-TITLE-77")
    html = page(board, path_of(club.cohort))
    assert "DRAFT-TITLE-77" not in html and f'value="{draft.id}"' not in html


def test_a_slot_is_changed_and_deleted(board, db, club):
    symposium_of(db, club.cohort)
    one, two = story_of(db, club, "one"), story_of(db, club, "two")
    board.post(path_of(club.cohort), headers=EN, data=slot_data(stories=(one,)))
    [slot] = slots(db)
    edit = f"{path_of(club.cohort)}/{slot.id}"
    html = page(board, edit)
    assert 'value="2027-09-16T18:30"' in html and 'value="Three tandems"' in html
    response = board.post(edit, headers=EN, data=slot_data("2027-09-16T20:00", "2027-09-16T20:30", "Closing words",
                                                         "Saal 1", stories=(two,)))
    assert response.status_code == 302
    [slot] = slots(db)
    assert (slot.title, slot.room, presenting(db, slot)) == ("Closing words", "Saal 1", [two.id])
    response = board.post(edit, headers=EN, data=slot_data("2027-09-16T20:00", "2027-09-16T19:30"))
    assert response.status_code == 400 and slots(db)[0].title == "Closing words"
    before = revision_of(db, club.cohort)
    assert board.post(f"{edit}/delete", headers=EN).status_code == 302
    assert slots(db) == [] and revision_of(db, club.cohort) == before + 1
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(SymposiumSlotStory.id))) == 0
    assert board.get(edit).status_code == 404
    assert len(audit_of(db, "showcase.slot_deleted")) == 1


def test_another_cohorts_slot_does_not_exist_here(app, board, db, club):
    other = make_cohort(db, CohortState.CLOSING, name="Other")
    event = symposium_of(db, other)
    with app.app_context():
        starts = event.starts_at.replace(tzinfo=UTC)
        slot = add_slot(db, other, SlotDraft(starts, starts.replace(hour=17), "Elsewhere", None, ()), None)
        db.commit()
    for method, suffix in (("GET", ""), ("POST", ""), ("POST", "/delete")):
        assert board.open(f"{path_of(club.cohort)}/{slot.id}{suffix}", method=method).status_code == 404
    assert [s.title for s in slots(db)] == ["Elsewhere"]


def test_an_archived_cohorts_programme_is_read_only(board, db, club):
    symposium_of(db, club.cohort)
    board.post(path_of(club.cohort), headers=EN, data=slot_data())
    with club_scope(db):
        db.get(type(club.cohort), club.cohort.id).state = CohortState.ARCHIVED  # type: ignore[union-attr]
        db.commit()
    html = page(board, path_of(club.cohort))
    assert 'id="new-slot"' not in html and "can no longer change" in html
    response = board.post(path_of(club.cohort), headers=EN, data=slot_data(title="Late"))
    assert response.status_code == 400
    [slot] = slots(db)
    board.post(f"{path_of(club.cohort)}/{slot.id}/delete", headers=EN)
    assert [s.title for s in slots(db)] == ["Three tandems"]

