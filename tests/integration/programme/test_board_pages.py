"""The board's programme pages: the list of a cohort's events, the dated events in one click, the event form
(with bad input), publishing, changing and cancelling an event (with the mails they queue), the answers as
CSV, and events of another cohort answering 404."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.programme.models import Answer, EventInvitation, EventStatus, ProgrammeEvent
from tandem.platform.tenancy import club_scope
from tests.factories import make_board_member, make_cohort, make_organisation, make_participation, make_user
from tests.fixtures.jobs import run_queued_jobs

EN = {"Accept-Language": "en"}


@pytest.fixture()
def clock(app):
    set_clock(app, datetime(2027, 1, 10, 9, 0, tzinfo=UTC))
    yield
    set_clock(app, None)


@pytest.fixture()
def club(db, clock):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta", name="Beta Energie")
    board = make_board_member(db, alpha, display_name="Regula Widmer")
    cohort = make_cohort(db, CohortState.RUNNING, slug="cohort-2027", name="Cohort 2027", languages=["de", "en"])
    people = [
        make_user(db, alpha, display_name="Lea Keller", email="lea@alpha.example"),
        make_user(db, beta, display_name="=HYPERLINK(\"http://evil.example\")", email="eve@beta.example"),
        make_user(db, alpha, display_name="Mia Vogt", email="mia@alpha.example"),
        make_user(db, beta, display_name="Tim Hoffmann", email="tim@beta.example"),
    ]
    for index, person in enumerate(people):
        make_participation(db, person, cohort, role="mentor" if index < 2 else "mentee",
                           status=ParticipationStatus.ACTIVE)
    db.commit()
    return {"alpha": alpha, "beta": beta, "board": board, "cohort": cohort, "people": people}


@pytest.fixture()
def board_client(client, sign_in, club):
    return sign_in(client, club["board"])


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def errors_of(html: str) -> dict[str, list[str]]:
    """field id -> the error messages shown beside it."""
    found: dict[str, list[str]] = {}
    for field, message in re.findall(r'<p class="field__error" id="([\w-]+?)-error-\d+">(.*?)</p>', html, re.S):
        found.setdefault(field, []).append(text_of(message).removeprefix("Error: "))
    return found


def events_of(db, cohort) -> list[ProgrammeEvent]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(ProgrammeEvent).where(ProgrammeEvent.cohort_id == cohort.id)
                               .order_by(ProgrammeEvent.starts_at)))


def mails_after_jobs(app, db, kind: str | None = None) -> list[OutboxMessage]:
    """The outbox once the queued jobs have run (with Redis, the programme's mails are made by a job)."""
    run_queued_jobs(app)
    return mails(db, kind)


def mails(db, kind: str | None = None) -> list[OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(db.scalars(query))


def form_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "workshop", "title_de": "Werkstatt", "title_en": "Workshop on leading", "description_de": "",
        "description_en": "Bring questions.", "starts_at": "2027-04-14T18:00", "ends_at": "2027-04-14T20:00",
        "venue_name": "Alpha Bank", "venue_room": "Room 3", "venue_address": "Bahnhofstrasse 1, Zürich",
        "host_organisation": "0", "online_url": "", "audience": ["mentors", "mentees"], "capacity": "",
    }
    data.update(changes)
    return data


def create(board_client, cohort, **changes: object) -> int:
    response = board_client.post(f"/board/cohorts/{cohort.id}/programme/new", data=form_data(**changes), headers=EN)
    assert response.status_code == 302, errors_of(response.get_data(as_text=True))
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


# ------------------------------------------------------------------------------------------------ the list


def test_an_empty_programme_explains_itself_and_has_a_tab(board_client, club):
    cohort = club["cohort"]
    page = board_client.get(f"/board/cohorts/{cohort.id}/programme", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "No events yet" in html and "training for the young mentors" in html
    assert f'href="/board/cohorts/{cohort.id}/programme" aria-current="page">Programme</a>' in html
    assert "Create kick-off, closing and symposium from the cohort's dates" in html
    # Other cohort pages carry the tab too, not current there.
    show = board_client.get(f"/board/cohorts/{cohort.id}", headers=EN).get_data(as_text=True)
    assert f'href="/board/cohorts/{cohort.id}/programme">Programme</a>' in show


def test_the_dated_events_are_created_in_one_click(board_client, db, club):
    cohort = club["cohort"]
    response = board_client.post(f"/board/cohorts/{cohort.id}/programme/from-dates", headers=EN)
    assert response.status_code == 302
    events = events_of(db, cohort)
    assert [(e.kind, e.status) for e in events] == [("kickoff", "draft"), ("closing", "draft"), ("symposium", "draft")]
    assert events[0].titles == {"de": "Kick-off", "en": "Kick-off"}

    page = board_client.get(f"/board/cohorts/{cohort.id}/programme", headers=EN)
    html = page.get_data(as_text=True)
    assert "Created as drafts: Kick-off, Closing, Symposium." in html
    assert "Create kick-off, closing and symposium" not in html  # nothing left to create
    text = text_of(html)
    assert "Monday, March 1, 2027" in text and "Nobody invited yet" in text and text.count("Draft") >= 3
    # Twice: refused in words, nothing more created.
    again = board_client.post(f"/board/cohorts/{cohort.id}/programme/from-dates", headers=EN, follow_redirects=True)
    assert "Not done: The kick-off, closing and symposium" in again.get_data(as_text=True)
    assert len(events_of(db, cohort)) == 3


# ---------------------------------------------------------------------------------------------- the form


def test_the_new_event_form_has_sensible_defaults(board_client, club):
    cohort = club["cohort"]
    html = board_client.get(f"/board/cohorts/{cohort.id}/programme/new?kind=training", headers=EN).get_data(
        as_text=True)
    assert '<option selected value="training">' in html
    assert re.search(r'name="starts_at"[^>]*value="2027-02-1\dT18:00"', html)
    assert re.search(r'name="ends_at"[^>]*value="2027-02-1\dT20:00"', html)
    assert re.search(r'<input checked[^>]*value="mentors"', html)
    assert not re.search(r'<input checked[^>]*value="mentees"', html)
    assert f'<option value="{club["alpha"].id}">Alpha Bank</option>' in html
    kickoff = board_client.get(f"/board/cohorts/{cohort.id}/programme/new?kind=kickoff", headers=EN).get_data(
        as_text=True)
    assert re.search(r'name="starts_at"[^>]*value="2027-03-01T18:00"', kickoff)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ends_at": "2027-04-14T17:00"}, "ends_at", "The end must be after the start."),
    ({"starts_at": "2031-04-14T18:00", "ends_at": "2031-04-14T20:00"}, "starts_at", "the span of this cohort"),
    ({"online_url": "javascript:alert(1)"}, "online_url", "starting with https://"),
    ({"description_en": "x" * 100_000}, "description_en", "At most 5000 characters."),
    ({"starts_at": "next tuesday"}, "starts_at", "Enter a date and time like"),
    ({"title_de": "", "title_en": ""}, "title_de", "at least one language"),
    ({"audience": []}, "audience", "Choose who is invited."),
    ({"capacity": "0"}, "capacity", "from 1 to 100,000"),
    ({"host_organisation": "999999"}, "host_organisation", "Choose a host from the list."),
])
def test_bad_input_is_shown_beside_the_field_and_nothing_is_saved(board_client, db, club, changes, field, message):
    cohort = club["cohort"]
    response = board_client.post(f"/board/cohorts/{cohort.id}/programme/new", data=form_data(**changes), headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert any(message in text for text in errors_of(html).get(field, [])), errors_of(html)
    assert 'class="error-summary"' in html
    assert events_of(db, cohort) == []


def test_markup_in_a_title_is_shown_as_text(board_client, db, club):
    cohort = club["cohort"]
    event_id = create(board_client, cohort, title_en="<script>alert('x')</script> Apéro")
    page = board_client.get(f"/board/cohorts/{cohort.id}/programme/{event_id}", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Apéro" in html
    listing = board_client.get(f"/board/cohorts/{cohort.id}/programme", headers=EN).get_data(as_text=True)
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing


# ------------------------------------------------------------------------- publish, change, cancel


def test_publish_change_and_cancel_tell_the_invitees(board_client, db, club):
    cohort = club["cohort"]
    event_id = create(board_client, cohort, capacity="2")
    base = f"/board/cohorts/{cohort.id}/programme/{event_id}"
    page = board_client.get(base, headers=EN).get_data(as_text=True)
    assert "Publishing invites 4 people now (Mentors, Mentees)." in page
    assert "each invitee gets one e-mail with a calendar file" in page.lower()
    assert mails_after_jobs(board_client.application, db) == []

    response = board_client.post(f"{base}/publish", headers=EN, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The event is published: 4 people are invited" in html
    invitations = mails_after_jobs(board_client.application, db, "programme_invitation")
    assert sorted(m.recipient for m in invitations) == sorted(p.email for p in club["people"])
    assert all(m.attachments and m.attachments[0]["filename"] == "event.ics" for m in invitations)
    assert "Places taken" in html and "0 of 2" in html and "Lea Keller" in html

    # Changing the time: one update mail per invitee, and the board is told so.
    response = board_client.post(f"{base}/edit", headers=EN, follow_redirects=True,
                                 data=form_data(starts_at="2027-04-15T18:30", ends_at="2027-04-15T20:30", capacity="2"))
    assert "Every invitee is told of the change by e-mail" in response.get_data(as_text=True)
    assert len(mails_after_jobs(board_client.application, db, "programme_updated")) == 4
    (event,) = events_of(db, cohort)
    assert event.sequence == 1 and event.starts_at.replace(tzinfo=UTC) == datetime(2027, 4, 15, 16, 30, tzinfo=UTC)

    # Saving with nothing that invitees are told of: no mail.
    response = board_client.post(f"{base}/edit", headers=EN, follow_redirects=True,
                                 data=form_data(starts_at="2027-04-15T18:30", ends_at="2027-04-15T20:30", capacity="3"))
    assert "invitees are not mailed" in response.get_data(as_text=True)
    assert len(mails_after_jobs(board_client.application, db, "programme_updated")) == 4

    page = board_client.get(base, headers=EN).get_data(as_text=True)
    assert "Cancel the event" in page and "every invitee is told by e-mail" in page.lower()
    response = board_client.post(f"{base}/cancel", headers=EN, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The event is cancelled. Every invitee is told by e-mail." in html
    assert len(mails_after_jobs(board_client.application, db, "programme_cancelled")) == 4
    (event,) = events_of(db, cohort)
    assert event.status == EventStatus.CANCELLED

    # A cancelled event cannot be changed: refused with a message, and its form is not shown.
    edit = board_client.get(f"{base}/edit", headers=EN)
    assert edit.status_code == 302 and edit.headers["Location"].endswith(base)
    assert "A cancelled event cannot be changed." in board_client.get(base, headers=EN).get_data(as_text=True)
    again = board_client.post(f"{base}/cancel", headers=EN, follow_redirects=True)
    assert "Not done: This event is already cancelled." in again.get_data(as_text=True)


def test_a_draft_is_deleted_when_cancelled(board_client, db, club):
    cohort = club["cohort"]
    event_id = create(board_client, cohort)
    page = board_client.get(f"/board/cohorts/{cohort.id}/programme/{event_id}", headers=EN).get_data(as_text=True)
    assert "The draft is deleted." in page
    response = board_client.post(f"/board/cohorts/{cohort.id}/programme/{event_id}/cancel", headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cohorts/{cohort.id}/programme")
    assert events_of(db, cohort) == [] and mails(db) == []


def test_an_archived_cohort_is_read_only(board_client, db, club):
    cohort = club["cohort"]
    event_id = create(board_client, cohort)
    with club_scope(db):
        db.expire_all()
        cohort.state = CohortState.ARCHIVED
        db.commit()
    base = f"/board/cohorts/{cohort.id}/programme"
    edit = board_client.get(f"{base}/{event_id}/edit", headers=EN, follow_redirects=True)
    assert "The programme of an archived cohort can no longer be changed." in edit.get_data(as_text=True)
    new = board_client.get(f"{base}/new", headers=EN)
    assert new.status_code == 302
    listing = board_client.get(base, headers=EN).get_data(as_text=True)
    assert "New event" not in listing and "can no longer be changed" in listing
    publish = board_client.post(f"{base}/{event_id}/publish", headers=EN, follow_redirects=True)
    assert "Not done: The programme of an archived cohort" in publish.get_data(as_text=True)
    assert events_of(db, cohort)[0].status == EventStatus.DRAFT


# ------------------------------------------------------------------------------------------------ the CSV


def test_the_answers_download_is_safe_for_spreadsheets_and_audited(board_client, db, club):
    cohort = club["cohort"]
    event_id = create(board_client, cohort)
    board_client.post(f"/board/cohorts/{cohort.id}/programme/{event_id}/publish")
    lea = club["people"][0]
    with club_scope(db):
        db.expire_all()
        invitation = db.scalar(sa.select(EventInvitation).where(EventInvitation.user_id == lea.id))
        invitation.answer = Answer.YES
        invitation.answered_at = datetime(2027, 1, 12, 8, 5, tzinfo=UTC)
        db.commit()

    response = board_client.get(f"/board/cohorts/{cohort.id}/programme/{event_id}/answers.csv", headers=EN)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="cohort-2027-{event_id}-answers.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Organisation", "Name", "E-mail", "Invited as", "Answer"]
    assert rows[0][5].startswith("Answered at (")
    by_email = {row[2]: row for row in rows[1:]}
    assert len(by_email) == 4
    # Answered at in the club's time zone (Zurich, winter: UTC+1).
    assert by_email["lea@alpha.example"] == ["Alpha Bank", "Lea Keller", "lea@alpha.example", "Mentors", "Yes",
                                             "2027-01-12 09:05"]
    assert by_email["eve@beta.example"][1] == "'=HYPERLINK(\"http://evil.example\")"
    assert by_email["tim@beta.example"][3:] == ["Mentees", "Not answered", ""]

    with club_scope(db):
        db.expire_all()
        (audited,) = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "personal_data.exported"))
    assert audited.target_type == "programme_event" and audited.target_id == event_id
    assert audited.details["rows"] == 4 and audited.actor_user_id == club["board"].id

    page = board_client.get(f"/board/cohorts/{cohort.id}/programme/{event_id}", headers=EN).get_data(as_text=True)
    assert "<caption" in page and '<th scope="row">Alpha Bank</th>' in page and "Download the answers (CSV)" in page


def test_the_event_page_runs_as_many_statements_for_many_invitees_as_for_few(board_client, db, club, count_queries):
    cohort = club["cohort"]
    event_id = create(board_client, cohort)
    board_client.post(f"/board/cohorts/{cohort.id}/programme/{event_id}/publish")
    paths = [f"/board/cohorts/{cohort.id}/programme/{event_id}", f"/board/cohorts/{cohort.id}/programme"]

    def statements() -> list[int]:
        counts = []
        for path in paths:
            with count_queries() as counter:
                assert board_client.get(path, headers=EN).status_code == 200
            counts.append(counter.count)
        return counts

    few = statements()
    with club_scope(db):
        for index in range(12):
            person = make_user(db, club["alpha"] if index % 2 else club["beta"])
            make_participation(db, person, cohort, role="mentee", status=ParticipationStatus.ACTIVE)
        db.commit()
    board_client.post(f"/board/cohorts/{cohort.id}/programme/{event_id}/edit",
                      data=form_data(audience=["mentors", "mentees", "board"]))
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(EventInvitation.id))
                         .where(EventInvitation.event_id == event_id)) == 17
    assert statements() == few


# ------------------------------------------------------------------------------------------- other cohorts


def test_an_event_of_another_cohort_is_not_found(board_client, db, club):
    cohort = club["cohort"]
    other = make_cohort(db, CohortState.RUNNING, slug="cohort-other")
    db.commit()
    event_id = create(board_client, other)
    base = f"/board/cohorts/{cohort.id}/programme/{event_id}"
    for path in (base, f"{base}/edit", f"{base}/answers.csv"):
        assert board_client.get(path).status_code == 404, path
    for path in (f"{base}/publish", f"{base}/cancel", f"{base}/edit"):
        assert board_client.post(path, data=form_data()).status_code == 404, path
    assert board_client.get(f"/board/cohorts/{cohort.id}/programme/999999").status_code == 404
    assert board_client.get("/board/cohorts/999999/programme").status_code == 404
    (event,) = events_of(db, other)
    assert event.status == EventStatus.DRAFT


def test_only_the_board_sees_the_programme_pages(client, sign_in, db, club):
    cohort = club["cohort"]
    sign_in(client, club["people"][0])
    assert client.get(f"/board/cohorts/{cohort.id}/programme").status_code in (403, 404)
