"""The surveys through a cohort's months: prepared, opened on their day (one invitation each), answered and
changed by their authors, reminded once a week later, closed (the link to the authors cleared); the board sees
who answered, never what; every job run twice mails nobody twice.

The club (tests/fixtures/pairs.py): kick-off 2027-03-01, closing 2027-08-30, symposium 2027-09-16; the mid-point
survey is open 2027-05-31..06-21, the final one 2027-08-30..09-15.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tandem.platform.clock import set_clock
from tandem.platform.outcomes.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.outcomes.surveys.jobs import run_surveys
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_participation, make_user
from tests.fixtures.pairs import NOW, build_pair_club, in_english, outbox, zurich

KINDS = ("survey_invitation", "survey_reminder")


@pytest.fixture()
def clock(app):
    set_clock(app, NOW)
    try:
        yield NOW
    finally:
        set_clock(app, None)


@pytest.fixture()
def club(app, db, clock):
    with app.app_context():
        club = build_pair_club(db)
    in_english(db, *[person for name, person in club.people.items() if name != "mentee_one"])
    return club


def job(app, moment) -> dict[str, int]:
    set_clock(app, moment)
    with app.app_context():
        return run_surveys(moment.isoformat())


def survey_mails(db, kind=None):
    return [m for m in outbox(db) if m.kind in KINDS and (kind is None or m.kind == kind)]


def surveys_of(db, cohort_id) -> dict[str, Survey]:
    with club_scope(db):
        db.expire_all()
        return {s.kind: s for s in db.scalars(sa.select(Survey).where(Survey.cohort_id == cohort_id))}


def question_ids(db, survey_id) -> dict[str, int]:
    with club_scope(db):
        return {key: qid for key, qid in db.execute(
            sa.select(SurveyQuestion.key, SurveyQuestion.id).where(SurveyQuestion.survey_id == survey_id))}


def answers_count(db) -> int:
    with club_scope(db):
        return db.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer))


def test_a_cohort_lives_through_its_surveys(app, db, sign_in, club, run_jobs):
    # The day after kick-off: both surveys are prepared with their default dates; nobody is asked yet.
    done = job(app, zurich(2027, 3, 2, 9))
    assert done["prepared"] == 2 and done["opened"] == 0
    surveys = surveys_of(db, club.cohort.id)
    assert (surveys["midpoint"].opens_on, surveys["midpoint"].closes_on) == (date(2027, 5, 31), date(2027, 6, 21))
    assert (surveys["final"].opens_on, surveys["final"].closes_on) == (date(2027, 8, 30), date(2027, 9, 15))
    assert job(app, zurich(2027, 3, 2, 10))["prepared"] == 0
    midpoint = surveys["midpoint"]

    anna = sign_in(app.test_client(), club.people["mentor_one"])
    assert anna.get(f"/me/surveys/{midpoint.id}").status_code == 404  # not opened: no invitation yet
    page = anna.get("/me/surveys")
    assert page.status_code == 200 and "Upcoming" in page.get_data(as_text=True)

    # Its day: four invitations, each in the person's language, with the link and the closing date.
    done = job(app, zurich(2027, 5, 31, 7))
    assert (done["opened"], done["invitations"]) == (1, 4)
    run_jobs()
    invitations = survey_mails(db, "survey_invitation")
    assert sorted(m.recipient for m in invitations) == sorted(
        club.people[n].email for n in ("mentor_one", "mentee_one", "mentor_two", "mentee_two"))
    bernard = next(m for m in invitations if m.recipient == club.people["mentee_one"].email)
    assert bernard.language == "fr"
    anna_mail = next(m for m in invitations if m.recipient == club.people["mentor_one"].email)
    assert f"http://localhost/me/surveys/{midpoint.id}" in anna_mail.body_text
    assert "June 21, 2027" in anna_mail.body_text
    assert job(app, zurich(2027, 5, 31, 8))["invitations"] == 0  # run again: nobody twice
    run_jobs()
    assert len(survey_mails(db)) == 4

    # The home page's box, then Anna answers.
    home = anna.get("/me/").get_data(as_text=True)
    assert "Surveys for you" in home and f"/me/surveys/{midpoint.id}" in home
    ids = question_ids(db, midpoint.id)
    form = anna.get(f"/me/surveys/{midpoint.id}").get_data(as_text=True)
    assert "How far have you reached the goals you set?" in form and "What has changed" not in form  # mentor's
    response = anna.post(f"/me/surveys/{midpoint.id}", data={
        f"q{ids['mentor_goals']}": "4", f"q{ids['mentor_gained']}": ["0", "3"],
        f"q{ids['mentor_open']}": "<script>alert(1)</script> More time, please", f"q{ids['mentor_open']}_share": "y"})
    assert response.status_code == 302
    page = anna.get(f"/me/surveys/{midpoint.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; More time, please" in page and "<script>alert(1)" not in page
    assert re.search(r'<input[^>]*checked[^>]*value="4"|<input[^>]*value="4"[^>]*checked', page)
    # She changes her mind: her answers are replaced, not added.
    assert anna.post(f"/me/surveys/{midpoint.id}", data={f"q{ids['mentor_goals']}": "5"}).status_code == 302
    with club_scope(db):
        db.expire_all()
        assert db.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1
        assert db.scalars(sa.select(SurveyAnswer.scale_value)).all() == [5]

    # The board: who answered, never what.
    board = sign_in(app.test_client(), club.people["board"])
    overview = board.get(f"/board/cohorts/{club.cohort.id}/surveys").get_data(as_text=True)
    assert "25%" in overview
    who = board.get(f"/board/cohorts/{club.cohort.id}/surveys/{midpoint.id}/respondents").get_data(as_text=True)
    assert "Anna Keller" in who and "Greta Hof" in who and "1 of 4 have answered" in who
    assert "More time" not in who
    # Questions are fixed once the survey is open.
    base = f"/board/cohorts/{club.cohort.id}/surveys/{midpoint.id}"
    refused = board.post(f"{base}/questions/{ids['mentor_goals']}/delete")
    assert refused.status_code == 302
    assert question_ids(db, midpoint.id).get("mentor_goals") == ids["mentor_goals"]

    # A week later: one reminder each to the three who have not answered; never twice.
    assert job(app, zurich(2027, 6, 7, 6))["reminders"] == 0  # not yet a week
    done = job(app, zurich(2027, 6, 7, 8))
    assert done["reminders"] == 3
    assert job(app, zurich(2027, 6, 7, 9))["reminders"] == 0
    assert job(app, zurich(2027, 6, 15, 9))["reminders"] == 0
    run_jobs()
    assert sorted(m.recipient for m in survey_mails(db, "survey_reminder")) == sorted(
        club.people[n].email for n in ("mentee_one", "mentor_two", "mentee_two"))

    # The last day still takes answers; the day after, the survey is closed and the keys cleared.
    set_clock(app, zurich(2027, 6, 21, 23))
    assert anna.post(f"/me/surveys/{midpoint.id}", data={f"q{ids['mentor_goals']}": "3"}).status_code == 302
    done = job(app, zurich(2027, 6, 22, 1))
    assert done["closed"] == 1
    with club_scope(db):
        db.expire_all()
        assert db.scalars(sa.select(SurveyResponse.respondent_key)).all() == [None]
        assert db.scalars(sa.select(SurveyAnswer.scale_value)).all() == [3]
    closed = anna.get(f"/me/surveys/{midpoint.id}")
    assert closed.status_code == 200 and "nothing links them to you" in closed.get_data(as_text=True)
    late = anna.post(f"/me/surveys/{midpoint.id}", data={f"q{ids['mentor_goals']}": "1"})
    assert late.status_code == 200 and answers_count(db) == 1  # the read-only page; nothing written
    assert job(app, zurich(2027, 6, 22, 2))["closed"] == 0

    # The final survey opens at closing; Greta (a mentee) names her learnings and shares them.
    done = job(app, zurich(2027, 8, 30, 6))
    assert (done["opened"], done["invitations"]) == (1, 4)
    final = surveys_of(db, club.cohort.id)["final"]
    fids = question_ids(db, final.id)
    greta = sign_in(app.test_client(), club.people["mentee_two"])
    page = greta.get(f"/me/surveys/{final.id}").get_data(as_text=True)
    assert "What should your organisation take up?" in page and "without your name" in page
    response = greta.post(f"/me/surveys/{final.id}", data={
        f"q{fids['mentee_recommend']}": "10", "learning_1": "Reverse meetings", "learning_2": "",
        "learning_3": "Shorter decks", "share_learnings": "y"})
    assert response.status_code == 302
    with club_scope(db):
        db.expire_all()
        assert db.scalars(sa.select(SurveyLearning.text).order_by(SurveyLearning.position)).all() == [
            "Reverse meetings", "Shorter decks"]
        assert db.scalar(sa.select(SurveyResponse.share_learnings).where(SurveyResponse.survey_id == final.id))


def open_midpoint(app, db, club, run_jobs) -> Survey:
    job(app, zurich(2027, 3, 2, 9))
    job(app, zurich(2027, 5, 31, 7))
    run_jobs()
    set_clock(app, zurich(2027, 6, 1, 9))
    return surveys_of(db, club.cohort.id)["midpoint"]


def test_bad_answers_are_refused_beside_their_question_and_nothing_is_written(app, db, sign_in, club, run_jobs):
    midpoint = open_midpoint(app, db, club, run_jobs)
    ids = question_ids(db, midpoint.id)
    greta = sign_in(app.test_client(), club.people["mentee_two"])
    url = f"/me/surveys/{midpoint.id}"
    cases = [
        ({f"q{ids['mentee_goals']}": "9"}, "Choose a point on the scale from 1 to 5."),
        ({f"q{ids['mentee_goals']}": "abc"}, "Choose a point on the scale"),
        ({f"q{ids['mentee_changed']}": "x" * 100_000}, "At most 4,000 characters"),
        ({f"q{ids['mentee_changed']}": "a\x00b"}, "control characters"),
        ({}, "Please answer at least one question"),
    ]
    for data, message in cases:
        response = greta.post(url, data=data)
        assert response.status_code == 400, data
        body = response.get_data(as_text=True)
        if message:
            assert message in body, (data, body[:200])
    # The text typed stays in the form.
    body = greta.post(url, data={f"q{ids['mentee_goals']}": "9", f"q{ids['mentee_changed']}": "Kept text"}
                      ).get_data(as_text=True)
    assert "Kept text" in body and 'aria-describedby="q' in body
    # Every problem at once: the scale's and the text's.
    body = greta.post(url, data={f"q{ids['mentee_goals']}": "9", f"q{ids['mentee_changed']}": "x" * 5000}
                      ).get_data(as_text=True)
    assert "Choose a point on the scale from 1 to 5." in body and "this text has 5,000" in body
    # A mentor's question is no mentee's answer.
    assert greta.post(url, data={f"q{ids['mentor_goals']}": "3"}).status_code == 400
    assert answers_count(db) == 0


def test_a_survey_is_only_its_invitees(app, db, sign_in, club, run_jobs):
    midpoint = open_midpoint(app, db, club, run_jobs)
    # An admin, the board, a person of another organisation in no pair: 404.
    for who in ("admin_beta", "board", "admin_delta"):
        assert sign_in(app.test_client(), club.people[who]).get(f"/me/surveys/{midpoint.id}").status_code in (403, 404)
    stranger = make_user(db, club.organisations["delta"], display_name="Dora Stranger", preferred_language="en")
    make_participation(db, stranger, club.cohort, role="mentee", status="active")  # active, but in no pair
    db.commit()
    client = sign_in(app.test_client(), stranger)
    assert client.get(f"/me/surveys/{midpoint.id}").status_code == 404
    assert client.post(f"/me/surveys/{midpoint.id}", data={}).status_code == 404
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(SurveyInvitation)) == 4


def test_the_board_prepares_dates_and_questions_before_opening(app, db, sign_in, club):
    board = sign_in(app.test_client(), club.people["board"])
    base = f"/board/cohorts/{club.cohort.id}/surveys"
    assert "Prepare the surveys" in board.get(base).get_data(as_text=True)
    assert board.post(f"{base}/prepare").status_code == 302
    midpoint = surveys_of(db, club.cohort.id)["midpoint"]
    page = board.get(f"{base}/{midpoint.id}")
    assert page.status_code == 200 and "How useful are the meetings for you?" in page.get_data(as_text=True)
    bad = [
        ({"audience": "both", "kind": "text"}, "Write the question in at least one language."),
        ({"audience": "both", "kind": "scale", "text_en": "Q", "scale_min": "3", "scale_max": "3"},
         "A scale needs at least two points"),
        ({"audience": "both", "kind": "scale", "text_en": "Q", "scale_min": "0", "scale_max": "11"},
         "At most 11 points"),
        ({"audience": "both", "kind": "single", "text_en": "Q", "options_en": "only one"}, "at least two options"),
        ({"audience": "both", "kind": "multiple", "text_en": "Q", "options_en": "a\nb", "options_de": "a\nb\nc"},
         "the same number of options"),
        ({"audience": "both", "kind": "text", "text_en": "x" * 100_000}, "At most 500 characters"),
    ]
    before = len(question_ids(db, midpoint.id))
    for data, message in bad:
        response = board.post(f"{base}/{midpoint.id}", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True), data
    assert len(question_ids(db, midpoint.id)) == before
    added = board.post(f"{base}/{midpoint.id}", data={
        "audience": "mentee", "kind": "single", "text_en": "<b>Which</b> format?", "options_en": "Online\nIn person"})
    assert added.status_code == 302
    with club_scope(db):
        question = db.scalar(sa.select(SurveyQuestion).where(SurveyQuestion.survey_id == midpoint.id,
                                                             SurveyQuestion.key.is_(None)))
        assert question.options == [{"en": "Online"}, {"en": "In person"}]
    page = board.get(f"{base}/{midpoint.id}").get_data(as_text=True)
    assert "&lt;b&gt;Which&lt;/b&gt; format?" in page
    edit = f"{base}/{midpoint.id}/questions/{question.id}"
    assert board.get(edit).status_code == 200
    assert board.post(edit, data={"audience": "both", "kind": "text", "text_de": "Welches Format?"}).status_code == 302
    # Dates: the closing before the opening is refused beside the field.
    response = board.post(f"{base}/{midpoint.id}/dates", data={"opens_on": "2027-06-10", "closes_on": "2027-06-01"})
    assert response.status_code == 400 and "cannot close before it opens" in response.get_data(as_text=True)
    response = board.post(f"{base}/{midpoint.id}/dates", data={"opens_on": "2027-02-01", "closes_on": "2027-06-01"})
    assert response.status_code == 400 and "between the kick-off and the closing" in response.get_data(as_text=True)
    assert board.post(f"{base}/{midpoint.id}/dates", data={"opens_on": "2027-06-01",
                                                           "closes_on": "2027-06-20"}).status_code == 302
    assert board.post(f"{edit}/delete").status_code == 302
    assert question.id not in question_ids(db, midpoint.id).values()
    # Another cohort's survey, or a question of another survey: 404.
    other = make_cohort(db, "running")
    db.commit()
    assert board.get(f"/board/cohorts/{other.id}/surveys/{midpoint.id}").status_code == 404
    final = surveys_of(db, club.cohort.id)["final"]
    some_question = next(iter(question_ids(db, midpoint.id).values()))
    assert board.get(f"{base}/{final.id}/questions/{some_question}").status_code == 404
