"""The partners' meeting pages, through the app: plan, change, cancel, log (planned and unplanned), "not
held", the check-ins of both partners, the private note seen by its author alone, the calendar file; and
bad input refused beside its field with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tandem.platform.database import as_utc
from tandem.platform.pairs.models import MeetingNote, MeetingStatus, PairCheckIn, PairMeeting
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import PairStatus
from tests.fixtures.pairs import NOW, build_pair_club, in_english, zurich

EN = {"Accept-Language": "en"}


def meetings(db) -> list[PairMeeting]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(PairMeeting).order_by(PairMeeting.id)))


def base(pair_club, number: str = "one") -> str:
    return f"/me/pairs/{pair_club.pairs[number].id}"


def planned(**changes) -> dict[str, str]:
    form = {"starts_at": "2027-03-10T18:00", "duration": "60", "format": "in_person", "place": "Café Odeon",
            "online_url": ""}
    form.update(changes)
    return form


def held(**changes) -> dict[str, object]:
    form: dict[str, object] = {"starts_at": "2027-03-01T19:00", "duration": "90", "format": "online",
                               "place": "", "online_url": "https://meet.example.org/x",
                               "summary": "We talked about feedback.", "private_note": ""}
    form.update(changes)
    return form


@pytest.fixture()
def pair_club(app, db, clock):
    """The pair club, built in an app context that ends before the requests: requests made while a test's
    app context is pushed would share its `g` (and who is signed in)."""
    with app.app_context():
        return build_pair_club(db)


@pytest.fixture()
def mentor(client, sign_in, pair_club):
    sign_in(client, pair_club.people["mentor_one"])
    return client


@pytest.fixture()
def mentee(app, db, sign_in, pair_club):
    other = app.test_client()
    sign_in(other, pair_club.people["mentee_one"])
    return other


def test_planning_a_meeting_shows_it_to_both_and_gives_a_calendar_file(db, pair_club, mentor, mentee):
    page = mentor.get(f"{base(pair_club)}/meetings/new", headers=EN)
    assert page.status_code == 200
    assert "Plan a meeting" in page.text and "Bernard Favre" in page.text
    response = mentor.post(f"{base(pair_club)}/meetings/new", data=planned(), headers=EN)
    assert response.status_code == 302
    [meeting] = meetings(db)
    assert (meeting.status, meeting.sequence, meeting.format, meeting.place) == \
        ("planned", 0, "in_person", "Café Odeon")
    assert as_utc(meeting.starts_at) == zurich(2027, 3, 10, 18)
    assert meeting.planned_by_participation_id == pair_club.participations["mentor_one"].id
    assert meeting.uid.endswith("@" + (meeting.uid.partition("@")[2])) and "@" in meeting.uid
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    for client in (mentor, mentee):
        page = client.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN)
        assert page.status_code == 200
        assert "Café Odeon" in page.text and 'datetime="2027-03-10T17:00:00+00:00"' in page.text
        assert f'action="{base(pair_club)}/meetings/{meeting.id}/cancel"' in page.text
    assert "Wednesday, March 10, 2027" in mentor.get(f"{base(pair_club)}/meetings/{meeting.id}").text
    assert "mercredi 10 mars 2027" in mentee.get(f"{base(pair_club)}/meetings/{meeting.id}").text
    ics = mentee.get(f"{base(pair_club)}/meetings/{meeting.id}/meeting.ics", headers=EN)
    assert ics.status_code == 200 and ics.content_type.startswith("text/calendar")
    [vevent] = Calendar.from_ical(ics.data).walk("VEVENT")
    assert str(vevent["uid"]) == meeting.uid
    assert vevent.decoded("dtstart") == zurich(2027, 3, 10, 18)
    assert vevent.decoded("dtend") == zurich(2027, 3, 10, 19)
    assert "Anna Keller" in str(vevent["summary"])  # the mentee's file names the mentor
    assert str(vevent["location"]) == "Café Odeon"


def test_another_pairs_people_find_no_meeting(db, app, sign_in, pair_club, mentor):
    mentor.post(f"{base(pair_club)}/meetings/new", data=planned(), headers=EN)
    [meeting] = meetings(db)
    stranger = app.test_client()
    sign_in(stranger, pair_club.people["mentor_two"])
    assert stranger.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN).status_code == 404
    # the other pair's own URL with this meeting's id: not theirs either
    assert stranger.get(f"{base(pair_club, 'two')}/meetings/{meeting.id}", headers=EN).status_code == 404
    assert stranger.post(f"{base(pair_club, 'two')}/meetings/{meeting.id}/cancel").status_code == 404
    for name in ("admin_alpha", "board"):
        other = app.test_client()
        sign_in(other, pair_club.people[name])
        assert other.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN).status_code == 404


def test_changing_and_cancelling_a_planned_meeting(db, pair_club, mentor, mentee):
    mentor.post(f"{base(pair_club)}/meetings/new", data=planned(), headers=EN)
    [meeting] = meetings(db)
    form = mentee.get(f"{base(pair_club)}/meetings/{meeting.id}/edit", headers=EN)
    assert form.status_code == 200 and 'value="2027-03-10T18:00"' in form.text
    # the mentee moves it online: a new version, by the mentee
    response = mentee.post(f"{base(pair_club)}/meetings/{meeting.id}/edit", headers=EN, data=planned(
        starts_at="2027-03-11T07:30", format="online", online_url="https://meet.example.org/tandem"))
    assert response.status_code == 302
    [meeting] = meetings(db)
    assert (meeting.sequence, meeting.format, meeting.place, meeting.online_url) == \
        (1, "online", None, "https://meet.example.org/tandem")
    assert meeting.planned_by_participation_id == pair_club.participations["mentee_one"].id
    # saving the same again changes nothing
    mentee.post(f"{base(pair_club)}/meetings/{meeting.id}/edit", headers=EN, data=planned(
        starts_at="2027-03-11T07:30", format="online", online_url="https://meet.example.org/tandem"))
    assert meetings(db)[0].sequence == 1
    response = mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/cancel", headers=EN)
    assert response.status_code == 302
    [meeting] = meetings(db)
    assert (meeting.status, meeting.sequence) == ("cancelled", 2)
    # a cancelled meeting is not cancelled or changed again
    assert mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/cancel", headers=EN).status_code == 302
    assert mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/edit", headers=EN,
                       data=planned()).status_code == 302
    assert meetings(db)[0].sequence == 2


def test_logging_a_planned_meeting_and_both_check_ins(db, app, pair_club, mentor, mentee):
    in_english(db, pair_club.people["mentor_one"], pair_club.people["mentee_one"])
    mentor.post(f"{base(pair_club)}/meetings/new", data=planned(starts_at="2027-03-02T10:00"), headers=EN)
    [meeting] = meetings(db)
    page = mentee.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN)
    assert "Did it take place?" not in page.text  # still to come
    assert mentee.get(f"{base(pair_club)}/meetings/{meeting.id}/log", headers=EN).status_code == 302

    from tandem.platform.clock import set_clock
    set_clock(app, NOW + timedelta(hours=3))
    page = mentee.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN)
    assert "Did it take place?" in page.text
    form = mentee.get(f"{base(pair_club)}/meetings/{meeting.id}/log", headers=EN)
    assert form.status_code == 200 and 'value="2027-03-02T10:00"' in form.text
    response = mentee.post(f"{base(pair_club)}/meetings/{meeting.id}/log", headers=EN, data=held(
        starts_at="2027-03-02T10:00", summary="Feedback, and the next steps.", private_note="I felt shy."))
    assert response.status_code == 302
    [meeting] = meetings(db)
    assert (meeting.status, meeting.summary) == ("held", "Feedback, and the next steps.")
    assert meeting.logged_by_participation_id == pair_club.participations["mentee_one"].id

    mentee.post(f"{base(pair_club)}/meetings/{meeting.id}/check-in", data={"usefulness": "4",
                                                                          "comment": "Very good"})
    page = mentor.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN)
    assert "Feedback, and the next steps." in page.text  # both see the summary
    assert "Bernard Favre checked in" in page.text
    assert "Very good" not in page.text and "I felt shy." not in page.text  # not the partner's comment or note
    assert mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/check-in",
                       data={"usefulness": "2"}).status_code == 302
    # once: a second answer is refused and changes nothing
    assert mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/check-in",
                       data={"usefulness": "4"}).status_code == 302
    with club_scope(db):
        answers = {row.participation_id: row.usefulness for row in db.scalars(sa.select(PairCheckIn))}
    assert answers == {pair_club.participations["mentee_one"].id: 4, pair_club.participations["mentor_one"].id: 2}
    page = mentor.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN)
    assert "You answered: A little useful." in page.text


def test_a_past_planned_meeting_that_did_not_take_place(db, app, pair_club, mentor):
    mentor.post(f"{base(pair_club)}/meetings/new", data=planned(starts_at="2027-03-02T10:00"), headers=EN)
    [meeting] = meetings(db)
    # still to come: not "not held"
    mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/not-held")
    assert meetings(db)[0].status == "planned"
    from tandem.platform.clock import set_clock
    set_clock(app, NOW + timedelta(days=1))
    assert mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/not-held").status_code == 302
    [meeting] = meetings(db)
    assert (meeting.status, meeting.sequence) == (MeetingStatus.NOT_HELD, 1)
    assert meeting.partner_mailed_sequence == 1  # nobody is mailed about it
    # it can no longer be logged or cancelled
    mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/log", data=held(starts_at="2027-03-02T10:00"))
    assert meetings(db)[0].status == "not_held"


def test_logging_an_unplanned_meeting_with_topics_and_a_private_note(db, pair_club, mentor, mentee):
    from tandem.platform.board.models import Topic
    with club_scope(db):
        topic = Topic(slug="feedback", label_de="Feedback geben", label_fr="Donner du feedback",
                      label_it="Dare un feedback", label_en="Giving feedback")
        db.add(topic)
        db.commit()
    page = mentor.get(f"{base(pair_club)}/meetings/log", headers=EN)
    assert page.status_code == 200 and "Giving feedback" in page.text
    response = mentor.post(f"{base(pair_club)}/meetings/log", headers=EN, data=held(
        topics=[str(topic.id)], private_note="My own thoughts <b>only</b>"))
    assert response.status_code == 302
    [meeting] = meetings(db)
    assert (meeting.status, meeting.topic_ids, meeting.partner_mailed_sequence) == ("held", [topic.id], 0)
    assert meeting.planned_by_participation_id is None
    mine = mentor.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN).text
    assert "My own thoughts &lt;b&gt;only&lt;/b&gt;" in mine and "Giving feedback" in mine
    theirs = mentee.get(f"{base(pair_club)}/meetings/{meeting.id}", headers={"Accept-Language": "fr"}).text
    assert "My own thoughts" not in theirs
    assert "Donner du feedback" in theirs or "Giving feedback" in theirs


def test_the_private_note_is_its_authors_alone(db, pair_club, mentor, mentee):
    mentor.post(f"{base(pair_club)}/meetings/log", data=held(), headers=EN)
    [meeting] = meetings(db)
    assert mentee.post(f"{base(pair_club)}/meetings/{meeting.id}/note",
                       data={"text": "Bernard's secret"}).status_code == 302
    assert mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/note",
                       data={"text": "Anna's secret"}).status_code == 302
    mentor_page = mentor.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN).text
    mentee_page = mentee.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN).text
    assert "Anna&#39;s secret" in mentor_page
    assert "Anna&#39;s secret" not in mentee_page and "Bernard&#39;s secret" in mentee_page
    assert "Bernard&#39;s secret" not in mentor_page
    # an update replaces; an empty note removes it
    mentee.post(f"{base(pair_club)}/meetings/{meeting.id}/note", data={"text": "changed"})
    mentee.post(f"{base(pair_club)}/meetings/{meeting.id}/note", data={"text": ""})
    with club_scope(db):
        notes = {row.author_participation_id: row.text for row in db.scalars(sa.select(MeetingNote))}
    assert notes == {pair_club.participations["mentor_one"].id: "Anna's secret"}


BAD_PLANS = [
    ({"starts_at": "2027-03-01T18:00"}, "starts_at", "in the future"),
    ({"starts_at": "2028-01-10T18:00"}, "starts_at", "your cohort ends then"),
    ({"starts_at": "not a date"}, "starts_at", "Enter a date and time"),
    ({"starts_at": "99999-01-01T18:00"}, "starts_at", "Enter a date and time"),
    ({"starts_at": "0001-01-01T00:00"}, "starts_at", "in the future"),
    ({"starts_at": "9999-12-31T23:59"}, "starts_at", "your cohort ends then"),
    ({"duration": "0"}, "duration", "Between 5 and 480 minutes"),
    ({"duration": "10000"}, "duration", "Between 5 and 480 minutes"),
    ({"duration": "9" * 30}, "duration", "too large"),
    ({"duration": "abc"}, "duration", "whole number"),
    ({"place": ""}, "place", "Say where you meet"),
    ({"place": "x" * 100_000}, "place", "At most 300 characters"),
    ({"place": "Odeon\x00"}, "place", "control characters"),
    ({"format": "online", "online_url": "javascript:alert(1)"}, "online_url", "https://"),
    ({"format": "online", "online_url": "ftp://files.example.org/x"}, "online_url", "https://"),
    ({"format": "online", "online_url": ""}, "online_url", "Give the link"),
    ({"format": "carrier pigeon"}, "format", "Not a valid choice"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_PLANS)
def test_bad_plans_are_refused_beside_the_field_and_nothing_is_written(db, pair_club, mentor, changes, field,
                                                                       message):
    response = mentor.post(f"{base(pair_club)}/meetings/new", data=planned(**changes), headers=EN)
    assert response.status_code == 400
    assert f'id="{field}-error-1"' in response.text
    assert message in response.text
    assert meetings(db) == []


BAD_LOGS = [
    ({"starts_at": "2027-03-03T18:00"}, "starts_at", "in the past"),
    ({"starts_at": "2027-01-10T18:00"}, "starts_at", "when your tandem began"),
    ({"starts_at": "0001-01-01T00:00"}, "starts_at", "when your tandem began"),
    ({"starts_at": "9999-12-31T23:59"}, "starts_at", "in the past"),
    ({"summary": "s" * 100_000}, "summary", "At most 2000 characters"),
    ({"private_note": "n" * 100_000}, "private_note", "At most 5000 characters"),
    ({"summary": "a\x00b"}, "summary", "control characters"),
    ({"topics": ["999999"]}, "topics", ""),
    ({"topics": ["abc"]}, "topics", ""),
    ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_LOGS)
def test_bad_logs_are_refused_beside_the_field_and_nothing_is_written(db, pair_club, mentor, changes, field,
                                                                      message):
    response = mentor.post(f"{base(pair_club)}/meetings/log", data=held(**changes), headers=EN)
    assert response.status_code == 400
    assert f'id="{field}-error-1"' in response.text
    assert message in response.text
    assert meetings(db) == []
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(MeetingNote.id))) == 0


def test_markup_in_texts_is_shown_as_text(db, pair_club, mentor, mentee):
    mentor.post(f"{base(pair_club)}/meetings/log", headers=EN,
                data=held(summary="<script>alert(1)</script>", private_note=""))
    [meeting] = meetings(db)
    page = mentee.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_bad_check_ins_and_notes(db, pair_club, mentor):
    mentor.post(f"{base(pair_club)}/meetings/log", data=held(), headers=EN)
    [meeting] = meetings(db)
    url = f"{base(pair_club)}/meetings/{meeting.id}"
    for data in ({"usefulness": "5"}, {"usefulness": "0"}, {"usefulness": "abc"}, {},
                 {"usefulness": "3", "comment": "c" * 100_000}, {"usefulness": "3", "comment": "\x00"}):
        response = mentor.post(f"{url}/check-in", data=data, headers=EN)
        assert response.status_code == 400, data
        assert "field__error" in response.text
    response = mentor.post(f"{url}/note", data={"text": "n" * 100_000}, headers=EN)
    assert response.status_code == 400 and "At most 5000 characters" in response.text
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(PairCheckIn.id))) == 0
        assert db.scalar(sa.select(sa.func.count(MeetingNote.id))) == 0


def test_a_check_in_on_a_meeting_not_held_is_refused(db, pair_club, mentor):
    mentor.post(f"{base(pair_club)}/meetings/new", data=planned(), headers=EN)
    [meeting] = meetings(db)
    response = mentor.post(f"{base(pair_club)}/meetings/{meeting.id}/check-in", data={"usefulness": "3"})
    assert response.status_code == 302
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(PairCheckIn.id))) == 0


def test_an_ended_pair_plans_and_logs_nothing(db, pair_club, mentor):
    mentor.post(f"{base(pair_club)}/meetings/new", data=planned(), headers=EN)
    [meeting] = meetings(db)
    with club_scope(db):
        pair_club.pairs["one"].status = PairStatus.ENDED
        db.commit()
    for path, data in (("/meetings/new", planned()), ("/meetings/log", held()),
                       (f"/meetings/{meeting.id}/edit", planned(place="Elsewhere")),
                       (f"/meetings/{meeting.id}/cancel", {})):
        response = mentor.post(base(pair_club) + path, data=data, headers=EN)
        assert response.status_code == 302, path
    assert mentor.get(f"{base(pair_club)}/meetings/new", headers=EN).status_code == 302
    [meeting] = meetings(db)
    assert (meeting.status, meeting.place, meeting.sequence) == ("planned", "Café Odeon", 0)
    page = mentor.get(f"{base(pair_club)}/meetings/{meeting.id}", headers=EN)
    assert page.status_code == 200 and "Cancel the meeting" not in page.text


def test_the_pair_pages_section_shows_each_partner_their_own_check_in_in_a_fixed_number_of_queries(
        db, app, pair_club, mentor, mentee, count_queries):
    from tandem.platform.pairs.loading import membership_of
    from tandem.platform.pairs.meetings.queries import meetings_section
    from tandem.platform.tenancy import tenant_scope

    def section(name: str):
        person = pair_club.people[name]
        with app.test_request_context(), tenant_scope(db, person.organisation_id):
            db.expire_all()
            membership = membership_of(db, person.id, pair_club.pairs["one"].id)
            assert membership is not None
            with count_queries() as counter:
                found = meetings_section(db, membership, "en")
            return found, counter.count

    mentor.post(f"{base(pair_club)}/meetings/log", data=held(), headers=EN)
    [meeting] = meetings(db)
    mentee.post(f"{base(pair_club)}/meetings/{meeting.id}/check-in", data={"usefulness": "1", "comment": "Meh"})
    mine, few = section("mentor_one")
    [row] = mine.held
    assert (row.own_check_in, row.partner_checked_in, row.summary) == (None, True, "We talked about feedback.")
    theirs, _ = section("mentee_one")
    [row] = theirs.held
    assert row.own_check_in is not None and row.own_check_in.comment == "Meh" and not row.partner_checked_in
    for day in range(3, 9):
        mentor.post(f"{base(pair_club)}/meetings/new", headers=EN, data=planned(starts_at=f"2027-03-{day:02}T18:00"))
        mentor.post(f"{base(pair_club)}/meetings/log", headers=EN, data=held(starts_at="2027-02-25T18:00"))
    many_section, many = section("mentor_one")
    assert (len(many_section.upcoming), len(many_section.held)) == (6, 7)
    assert many == few <= 5
