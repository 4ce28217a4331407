"""The programme's operations: events refused with the form's field names and nothing written, the cohort's
dated events as the one source of its dates, who is invited, answers with a capacity and a waiting list,
when answers are closed, and which changes invitees are told of."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import advance, set_clock
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import as_utc
from tandem.platform.programme.jobs import send_event_mails
from tandem.platform.programme.models import (
    Answer,
    Audience,
    EventInvitation,
    EventKind,
    EventStatus,
    ProgrammeEvent,
)
from tandem.platform.programme.operations import (
    EventRefused,
    answer_invitation,
    cancel_event,
    cohort_span,
    create_dated_events,
    create_event,
    owned_dates,
    publish_event,
    update_event,
)
from tandem.platform.refusals import FieldProblems
from tandem.platform.tenancy import club_scope, tenant_scope
from tandem.workers.queues import PENDING_KEY
from tests.fixtures.programme import event_input, invitations, outbox, zurich

ALL_AUDIENCES = (Audience.MENTORS, Audience.MENTEES, Audience.ORG_ADMINS, Audience.BOARD)


def new_event(db, club, **changes) -> ProgrammeEvent:
    with club_scope(db):
        event = create_event(db, club.cohort, event_input(**changes), club.people["board"].id)
    db.commit()
    return event


def published_event(db, club, run_jobs=None, **changes) -> ProgrammeEvent:
    event = new_event(db, club, **changes)
    with club_scope(db):
        publish_event(db, event, club.people["board"].id)
    db.commit()
    if run_jobs is not None:
        run_jobs()
    return event


def answer(db, club, name: str, event_id: int, wanted: str):
    """`name` answers, in their own organisation's scope (as the /me pages do), and the answer commits."""
    person = club.people[name]
    with tenant_scope(db, person.organisation_id):
        invitation = db.scalars(sa.select(EventInvitation).where(EventInvitation.event_id == event_id,
                                                                 EventInvitation.user_id == person.id)).one()
        result = answer_invitation(db, invitation, wanted)
        db.commit()
    return result


def events_of(db, cohort_id: int) -> list[ProgrammeEvent]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(ProgrammeEvent).where(ProgrammeEvent.cohort_id == cohort_id)
                               .order_by(ProgrammeEvent.starts_at)))


def audited(db, action: str) -> int:
    with club_scope(db):
        return db.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == action))


# --------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("changes", "fields"), [
    pytest.param(dict(starts_at=zurich(2027, 4, 20, 18), ends_at=zurich(2027, 4, 20, 17)), {"ends_at"},
                 id="end-before-start"),
    pytest.param(dict(starts_at=zurich(2027, 4, 20, 18), ends_at=zurich(2027, 4, 20, 18)), {"ends_at"},
                 id="end-equals-start"),
    pytest.param(dict(starts_at=zurich(2028, 6, 1, 18), ends_at=zurich(2028, 6, 1, 20)), {"starts_at"},
                 id="after-the-cohort-span"),
    pytest.param(dict(starts_at=zurich(2026, 1, 5, 18), ends_at=zurich(2026, 1, 5, 20)), {"starts_at"},
                 id="before-the-cohort-span"),
    pytest.param(dict(online_url="javascript:alert(1)"), {"online_url"}, id="javascript-link"),
    pytest.param(dict(online_url="ftp://files.example/meeting"), {"online_url"}, id="ftp-link"),
    pytest.param(dict(online_url="meet.example/room"), {"online_url"}, id="link-without-scheme"),
    pytest.param(dict(titles={"en": "   ", "fr": "", "de": "\n"}), {"title_en"}, id="empty-titles"),
    pytest.param(dict(titles={}), {"title_en"}, id="no-titles"),
    pytest.param(dict(titles={"en": "x" * 201}), {"title_en"}, id="title-too-long"),
    pytest.param(dict(capacity=0), {"capacity"}, id="capacity-0"),
    pytest.param(dict(capacity=-3), {"capacity"}, id="negative-capacity"),
    pytest.param(dict(descriptions={"en": "x" * 100_000}), {"description_en"}, id="100000-characters"),
    pytest.param(dict(descriptions={"fr": "é" * 5001}), {"description_fr"}, id="description-just-too-long"),
    pytest.param(dict(audience=()), {"audience"}, id="nobody-invited"),
    pytest.param(dict(audience=("everyone",)), {"audience"}, id="unknown-audience"),
    pytest.param(dict(kind="party"), {"kind"}, id="unknown-kind"),
    pytest.param(dict(titles={}, capacity=0, online_url="mailto:x@y.example",
                      ends_at=zurich(2027, 4, 20, 10)), {"title_en", "capacity", "online_url", "ends_at"},
                 id="several-at-once"),
])
def test_create_event_refuses_bad_input_by_field_and_writes_nothing(db, club, changes, fields):
    with club_scope(db), pytest.raises(FieldProblems) as refused:
        create_event(db, club.cohort, event_input(**changes), club.people["board"].id)
    assert set(refused.value.field_messages) == fields
    assert all(str(message) for message in refused.value.field_messages.values())
    db.rollback()  # as the request's transaction does
    assert events_of(db, club.cohort.id) == []
    assert audited(db, "programme.event_created") == 0


def test_create_event_keeps_the_limits_and_makes_a_draft_nobody_is_told_of(db, club, run_jobs):
    event = new_event(db, club, titles={"en": "  Feedback workshop  ", "fr": "", "de": "x" * 200},
                      descriptions={"en": "x" * 5000}, capacity=100_000,
                      online_url="https://meet.example/room?id=1")
    run_jobs()
    [stored] = events_of(db, club.cohort.id)
    assert stored.id == event.id
    assert stored.status == EventStatus.DRAFT
    assert stored.titles == {"en": "Feedback workshop", "de": "x" * 200}  # trimmed, empty ones dropped
    assert stored.sequence == 0
    assert stored.uid.endswith("@localhost") and len(stored.uid) > 20
    # Stored as the instant it is: 18:00 in Zurich in April is 16:00 UTC.
    assert as_utc(stored.starts_at) == datetime(2027, 4, 20, 16, 0, tzinfo=UTC)
    assert invitations(db, event.id) == {}
    assert outbox(db) == []
    assert audited(db, "programme.event_created") == 1


def test_the_span_of_a_cohort_reaches_from_before_its_first_date_to_after_its_last(db, club):
    first, last = cohort_span(club.cohort)
    assert first < club.cohort.nomination_deadline < club.cohort.kickoff_on
    assert last > club.cohort.symposium_on
    # The boundaries themselves are allowed.
    new_event(db, club, starts_at=zurich(first.year, first.month, first.day, 9),
              ends_at=zurich(first.year, first.month, first.day, 10))
    new_event(db, club, starts_at=zurich(last.year, last.month, last.day, 9),
              ends_at=zurich(last.year, last.month, last.day, 10))
    assert len(events_of(db, club.cohort.id)) == 2


def test_an_archived_cohorts_programme_cannot_change(db, club):
    event = new_event(db, club)
    with club_scope(db):
        club.cohort.state = "archived"
        db.flush()
        for change in (lambda: create_event(db, club.cohort, event_input(), None),
                       lambda: update_event(db, event, event_input(venue_name="Elsewhere"), None),
                       lambda: publish_event(db, event, None), lambda: cancel_event(db, event, None)):
            with pytest.raises(EventRefused):
                change()


# ---------------------------------------------------------------------------------------- dated events


def test_dated_events_are_made_from_the_cohorts_dates_once(db, club):
    cohort = club.cohort
    with club_scope(db):
        made = create_dated_events(db, cohort, club.people["board"].id)
    db.commit()
    assert sorted(event.kind for event in made) == sorted([EventKind.KICKOFF, EventKind.CLOSING,
                                                           EventKind.SYMPOSIUM])
    by_kind = {event.kind: event for event in events_of(db, cohort.id)}
    assert set(by_kind) == {EventKind.KICKOFF, EventKind.CLOSING, EventKind.SYMPOSIUM}
    kickoff = by_kind[EventKind.KICKOFF]
    assert as_utc(kickoff.starts_at) == zurich(2027, 3, 1, 17).astimezone(UTC)
    assert kickoff.status == EventStatus.DRAFT
    assert set(kickoff.titles) == {"en", "fr", "de"}
    assert as_utc(by_kind[EventKind.CLOSING].starts_at).astimezone(zurich(2027, 1, 1).tzinfo).date() \
        == cohort.closing_on
    assert set(by_kind[EventKind.SYMPOSIUM].audience) == set(ALL_AUDIENCES)
    assert owned_dates(db, cohort.id) == {"kickoff_on", "closing_on", "symposium_on"}

    with club_scope(db), pytest.raises(EventRefused):
        create_dated_events(db, cohort, club.people["board"].id)
    db.rollback()
    assert len(events_of(db, cohort.id)) == 3


def test_moving_the_kickoff_event_moves_the_cohorts_kickoff_date(db, club):
    with club_scope(db):
        made = {event.kind: event for event in create_dated_events(db, club.cohort, None)}
    db.commit()
    kickoff = made[EventKind.KICKOFF]
    with club_scope(db):
        update_event(db, kickoff, event_input(kind=EventKind.KICKOFF, starts_at=zurich(2027, 3, 8, 17),
                                              ends_at=zurich(2027, 3, 8, 20)), None)
    db.commit()
    with club_scope(db):
        db.expire_all()
        assert db.get(Cohort, club.cohort.id).kickoff_on == date(2027, 3, 8)


def test_a_kickoff_after_the_closing_is_refused_and_changes_nothing(db, club):
    with club_scope(db):
        made = {event.kind: event for event in create_dated_events(db, club.cohort, None)}
    db.commit()
    kickoff = made[EventKind.KICKOFF]
    closing_on = club.cohort.closing_on
    late = zurich(closing_on.year, closing_on.month, closing_on.day, 17) + timedelta(days=2)
    with club_scope(db), pytest.raises(FieldProblems) as refused:
        update_event(db, kickoff, event_input(kind=EventKind.KICKOFF, starts_at=late,
                                              ends_at=late + timedelta(hours=3)), None)
    assert set(refused.value.field_messages) == {"starts_at"}
    db.rollback()
    with club_scope(db):
        db.expire_all()
        assert db.get(Cohort, club.cohort.id).kickoff_on == date(2027, 3, 1)
        assert as_utc(db.get(ProgrammeEvent, kickoff.id).starts_at) == zurich(2027, 3, 1, 17).astimezone(UTC)



def test_a_cohort_has_one_kickoff_closing_and_symposium(db, club):
    with club_scope(db):
        create_dated_events(db, club.cohort, None)
    db.commit()
    other = new_event(db, club)
    second = dict(kind=EventKind.KICKOFF, starts_at=zurich(2027, 3, 1, 9), ends_at=zurich(2027, 3, 1, 10))
    with club_scope(db), pytest.raises(FieldProblems) as refused:
        create_event(db, club.cohort, event_input(**second), None)
    assert set(refused.value.field_messages) == {"kind"}
    db.rollback()
    with club_scope(db), pytest.raises(FieldProblems) as refused:
        update_event(db, other, event_input(**second), None)
    assert set(refused.value.field_messages) == {"kind"}
    db.rollback()
    assert len(events_of(db, club.cohort.id)) == 4
    # Once the kick-off is cancelled, a new one may be made.
    kickoff = next(e for e in events_of(db, club.cohort.id) if e.kind == EventKind.KICKOFF)
    with club_scope(db):
        publish_event(db, kickoff, None)
        cancel_event(db, kickoff, None)
        create_event(db, club.cohort, event_input(**second), None)
    db.commit()
    assert owned_dates(db, club.cohort.id) == {"kickoff_on", "closing_on", "symposium_on"}


# ------------------------------------------------------------------------------------------- publishing


@pytest.mark.parametrize(("audience", "invited"), [
    (ALL_AUDIENCES, {"mentor_a": Audience.MENTORS, "mentor_b": Audience.MENTORS, "mentee_b": Audience.MENTEES,
                     "admin_a": Audience.ORG_ADMINS, "admin_b": Audience.ORG_ADMINS, "board": Audience.BOARD}),
    ((Audience.MENTORS,), {"mentor_a": Audience.MENTORS, "mentor_b": Audience.MENTORS}),
    ((Audience.MENTEES,), {"mentee_b": Audience.MENTEES}),
    ((Audience.ORG_ADMINS, Audience.BOARD), {"admin_a": Audience.ORG_ADMINS, "admin_b": Audience.ORG_ADMINS,
                                             "board": Audience.BOARD}),
])
def test_publishing_invites_the_chosen_audience_and_nobody_else(db, club, run_jobs, audience, invited):
    event = new_event(db, club, audience=audience)
    with club_scope(db):
        count = publish_event(db, event, club.people["board"].id)
    db.commit()
    run_jobs()
    rows = invitations(db, event.id)
    assert count == len(invited)
    assert {user_id: row.invited_as for user_id, row in rows.items()} == \
        {club.people[name].id: role for name, role in invited.items()}
    # Never the declined or nominated participant, gamma's admin (nobody of gamma in the cohort), another
    # cohort's people.
    assert not rows.keys() & club.ids("declined_a", "nominated_b", "admin_g", "other_cohort_a")
    for user_id, row in rows.items():
        person = next(p for p in club.people.values() if p.id == user_id)
        assert row.organisation_id == person.organisation_id
        assert row.answer == Answer.NONE
        assert row.mailed_sequence == 0  # told once, by the job run after commit
    assert sorted(m.recipient for m in outbox(db, "programme_invitation")) == \
        sorted(club.people[name].email for name in invited)


def test_an_event_is_published_once(db, club, run_jobs):
    event = published_event(db, club, run_jobs)
    with club_scope(db), pytest.raises(EventRefused):
        publish_event(db, event, None)
    db.rollback()
    run_jobs()
    assert len(outbox(db, "programme_invitation")) == 3


def test_a_draft_is_invisible_to_invitees_until_published(db, club):
    event = new_event(db, club)
    with tenant_scope(db, club.people["mentor_a"].organisation_id):
        assert db.scalars(sa.select(EventInvitation).where(EventInvitation.event_id == event.id)).all() == []


# ---------------------------------------------------------------------------------------------- answers


def test_yes_beyond_the_capacity_waits_and_a_freed_place_goes_to_the_first_waiting(db, club, app, run_jobs):
    event = published_event(db, club, run_jobs, capacity=1)
    rows = invitations(db, event.id)
    # Whoever has the later invitation answers first, so that the order of answering (not of ids) counts.
    later, earlier = sorted(("mentee_b", "mentor_b"), key=lambda name: -rows[club.people[name].id].id)

    assert answer(db, club, "mentor_a", event.id, Answer.YES).answer == Answer.YES
    advance(app, timedelta(minutes=1))
    assert answer(db, club, later, event.id, Answer.YES).answer == Answer.WAITING
    advance(app, timedelta(minutes=1))
    assert answer(db, club, earlier, event.id, Answer.YES).answer == Answer.WAITING
    # Saying yes again while waiting keeps the place in the queue.
    advance(app, timedelta(minutes=1))
    assert answer(db, club, later, event.id, Answer.YES).answer == Answer.WAITING
    run_jobs()
    assert outbox(db, "programme_place_free") == []

    advance(app, timedelta(minutes=1))
    result = answer(db, club, "mentor_a", event.id, Answer.NO)
    run_jobs()
    assert result.answer == Answer.NO
    assert result.promoted_user_id == club.people[later].id
    answers = {user_id: row.answer for user_id, row in invitations(db, event.id).items()}
    assert answers == {club.people["mentor_a"].id: Answer.NO, club.people[later].id: Answer.YES,
                       club.people[earlier].id: Answer.WAITING}
    [mail] = outbox(db, "programme_place_free")
    assert mail.recipient == club.people[later].email
    assert mail.recipient_user_id == club.people[later].id

    # A "maybe" from the one who has the place frees it for the next.
    advance(app, timedelta(minutes=1))
    result = answer(db, club, later, event.id, Answer.MAYBE)
    run_jobs()
    assert result.promoted_user_id == club.people[earlier].id
    assert [m.recipient for m in outbox(db, "programme_place_free")] == \
        [club.people[later].email, club.people[earlier].email]
    # Never more yes than places.
    assert sum(row.answer == Answer.YES for row in invitations(db, event.id).values()) == 1


def test_a_waiting_person_who_says_no_leaves_the_list_and_nobody_moves_up(db, club, app, run_jobs):
    event = published_event(db, club, run_jobs, capacity=1)
    answer(db, club, "mentor_a", event.id, Answer.YES)
    advance(app, timedelta(minutes=1))
    answer(db, club, "mentee_b", event.id, Answer.YES)
    result = answer(db, club, "mentee_b", event.id, Answer.NO)
    assert (result.answer, result.promoted_user_id) == (Answer.NO, None)
    answers = {user_id: row.answer for user_id, row in invitations(db, event.id).items()}
    assert answers[club.people["mentor_a"].id] == Answer.YES
    assert answers[club.people["mentee_b"].id] == Answer.NO


def test_without_a_capacity_everyone_may_say_yes(db, club, run_jobs):
    event = published_event(db, club, run_jobs)
    for name in ("mentor_a", "mentee_b", "mentor_b"):
        assert answer(db, club, name, event.id, Answer.YES).answer == Answer.YES
    assert answer(db, club, "mentor_a", event.id, Answer.NO).promoted_user_id is None


@pytest.mark.parametrize("wanted", [Answer.WAITING, Answer.NONE, "", "YES", "perhaps"])
def test_only_yes_no_or_maybe_are_answers(db, club, run_jobs, wanted):
    event = published_event(db, club, run_jobs)
    with pytest.raises(FieldProblems) as refused:
        answer(db, club, "mentor_a", event.id, wanted)
    assert set(refused.value.field_messages) == {"answer"}
    db.rollback()
    assert invitations(db, event.id)[club.people["mentor_a"].id].answer == Answer.NONE


def test_answers_are_closed_once_the_event_has_started(db, club, app, run_jobs):
    event = published_event(db, club, run_jobs)
    answer(db, club, "mentor_a", event.id, Answer.YES)
    set_clock(app, as_utc(event.starts_at))
    try:
        with pytest.raises(EventRefused):
            answer(db, club, "mentor_a", event.id, Answer.NO)
        db.rollback()
        set_clock(app, as_utc(event.starts_at) + timedelta(days=1))
        with pytest.raises(EventRefused):
            answer(db, club, "mentee_b", event.id, Answer.YES)
        db.rollback()
        # One minute before the start is still in time.
        set_clock(app, as_utc(event.starts_at) - timedelta(minutes=1))
        assert answer(db, club, "mentee_b", event.id, Answer.MAYBE).answer == Answer.MAYBE
    finally:
        set_clock(app, None)
    answers = {user_id: row.answer for user_id, row in invitations(db, event.id).items()}
    assert answers[club.people["mentor_a"].id] == Answer.YES
    assert answers[club.people["mentee_b"].id] == Answer.MAYBE


def test_a_cancelled_event_takes_no_answers(db, club, run_jobs):
    event = published_event(db, club, run_jobs)
    with club_scope(db):
        cancel_event(db, event, None)
    db.commit()
    with pytest.raises(EventRefused):
        answer(db, club, "mentor_a", event.id, Answer.YES)
    db.rollback()
    assert invitations(db, event.id)[club.people["mentor_a"].id].answer == Answer.NONE


# ------------------------------------------------------------------------------- changes and who is told


def test_changing_a_draft_tells_nobody(db, club, run_jobs):
    event = new_event(db, club)
    with club_scope(db):
        told = update_event(db, event, event_input(starts_at=zurich(2027, 4, 21, 18),
                                                   ends_at=zurich(2027, 4, 21, 20), venue_name="Beta"), None)
        assert told is False
        assert db.info.get(PENDING_KEY, []) == []
    db.commit()
    run_jobs()
    [stored] = events_of(db, club.cohort.id)
    assert stored.sequence == 0
    assert stored.venue_name == "Beta"
    assert invitations(db, event.id) == {}
    assert outbox(db) == []


def test_changing_a_published_events_time_tells_each_invitee_once(db, club, run_jobs):
    event = published_event(db, club, run_jobs)
    assert len(outbox(db, "programme_invitation")) == 3
    with club_scope(db):
        told = update_event(db, event, event_input(starts_at=zurich(2027, 4, 27, 18),
                                                   ends_at=zurich(2027, 4, 27, 20)), None)
    db.commit()
    run_jobs()
    assert told is True
    [stored] = events_of(db, club.cohort.id)
    assert stored.sequence == 1
    updates = outbox(db, "programme_updated")
    assert sorted(m.recipient for m in updates) == \
        sorted(club.people[name].email for name in ("mentor_a", "mentee_b", "mentor_b"))
    assert all(row.mailed_sequence == 1 for row in invitations(db, event.id).values())
    # The job again: nobody is told twice.
    assert send_event_mails(event.id) == 0
    run_jobs()
    assert len(outbox(db, "programme_updated")) == 3
    assert len(outbox(db, "programme_invitation")) == 3


def test_a_change_invitees_need_not_know_of_keeps_the_sequence(db, club, run_jobs):
    event = published_event(db, club, run_jobs)
    with club_scope(db):
        told = update_event(db, event, event_input(descriptions={"en": "Bring a notebook."}, capacity=50),
                            None)
    db.commit()
    run_jobs()
    assert told is False
    assert events_of(db, club.cohort.id)[0].sequence == 0
    assert outbox(db, "programme_updated") == []


def test_widening_the_audience_of_a_published_event_invites_the_new_people_only(db, club, run_jobs):
    event = published_event(db, club, run_jobs, audience=(Audience.MENTORS,))
    assert {m.recipient for m in outbox(db, "programme_invitation")} == \
        {club.people["mentor_a"].email, club.people["mentor_b"].email}
    with club_scope(db):
        update_event(db, event, event_input(audience=(Audience.MENTORS, Audience.MENTEES),
                                            venue_room="Room 5"), None)
    db.commit()
    run_jobs()
    assert [m.recipient for m in outbox(db, "programme_invitation")][2:] == [club.people["mentee_b"].email]
    assert {m.recipient for m in outbox(db, "programme_updated")} == \
        {club.people["mentor_a"].email, club.people["mentor_b"].email}


def test_cancelling_tells_those_who_were_told_and_a_draft_is_just_removed(db, club, run_jobs):
    draft = new_event(db, club, titles={"en": "Draft only"})
    with club_scope(db):
        assert cancel_event(db, draft, None) is False
    db.commit()
    assert events_of(db, club.cohort.id) == []

    event = published_event(db, club, run_jobs)
    with club_scope(db):
        assert cancel_event(db, event, None) is True
    db.commit()
    run_jobs()
    [stored] = events_of(db, club.cohort.id)
    assert (stored.status, stored.sequence) == (EventStatus.CANCELLED, 1)
    assert len(outbox(db, "programme_cancelled")) == 3
    with club_scope(db), pytest.raises(EventRefused):
        cancel_event(db, stored, None)
    db.rollback()
    with club_scope(db), pytest.raises(EventRefused):
        update_event(db, stored, event_input(), None)
    db.rollback()


def test_more_places_move_the_waiting_up_in_order_and_tell_them(db, club, app, run_jobs):
    event = published_event(db, club, run_jobs, capacity=1)
    answer(db, club, "mentor_a", event.id, Answer.YES)
    advance(app, timedelta(minutes=1))
    answer(db, club, "mentor_b", event.id, Answer.YES)
    advance(app, timedelta(minutes=1))
    answer(db, club, "mentee_b", event.id, Answer.YES)
    with club_scope(db):
        update_event(db, event, event_input(capacity=2), None)
    db.commit()
    run_jobs()
    answers = {user_id: row.answer for user_id, row in invitations(db, event.id).items()}
    assert answers == {club.people["mentor_a"].id: Answer.YES, club.people["mentor_b"].id: Answer.YES,
                       club.people["mentee_b"].id: Answer.WAITING}
    assert [m.recipient for m in outbox(db, "programme_place_free")] == [club.people["mentor_b"].email]

    # No limit any more: everyone waiting has a place.
    with club_scope(db):
        update_event(db, event, event_input(capacity=None), None)
    db.commit()
    run_jobs()
    assert all(row.answer == Answer.YES for row in invitations(db, event.id).values())
    assert [m.recipient for m in outbox(db, "programme_place_free")] == \
        [club.people["mentor_b"].email, club.people["mentee_b"].email]


def test_fewer_places_keep_the_places_already_given(db, club, run_jobs):
    event = published_event(db, club, run_jobs, capacity=3)
    for name in ("mentor_a", "mentor_b"):
        answer(db, club, name, event.id, Answer.YES)
    with club_scope(db):
        update_event(db, event, event_input(capacity=1), None)
    db.commit()
    assert sum(row.answer == Answer.YES for row in invitations(db, event.id).values()) == 2
    assert answer(db, club, "mentee_b", event.id, Answer.YES).answer == Answer.WAITING
    # One leaves: still full (two yes for one place), so nobody moves up.
    assert answer(db, club, "mentor_a", event.id, Answer.NO).promoted_user_id is None
    assert invitations(db, event.id)[club.people["mentee_b"].id].answer == Answer.WAITING
