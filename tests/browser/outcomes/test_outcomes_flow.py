"""Outcomes in the browser: a mentee answers the final survey (points on the scales, a text she lets the reports
show, learnings she shares with her organisation); her organisation's admin then opens the organisation's
report of the cohort, sees a figure shown (five mentees answered) beside one held back (two mentors: "fewer than
5 answers"), her learnings without her name, and downloads the report as XLSX, which opens with openpyxl and
holds the same figures.

The others asked answered before (through the operation, as the survey's page would have saved them). Mail goes
through a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tandem.platform.cohorts.models import CohortState, Participation, ParticipationStatus
from tandem.platform.outcomes.models import (
    QuestionKind,
    SurveyInvitation,
    SurveyKind,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.outcomes.surveys.operations import (
    AnswerInput,
    ensure_surveys,
    open_survey,
    questions_for,
    save_response,
)
from tandem.platform.tenancy import club_scope, tenant_scope
from tests.factories import (
    make_cohort,
    make_org_admin,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)
from tests.fixtures.signing_in import sign_in_by_link

pytestmark = pytest.mark.browser

ZURICH = ZoneInfo("Europe/Zurich")
ADMIN = "sandra.frei@alpenbank.example"
MENTEE = "beat.zimmermann@alpenbank.example"
CHANGED = "I ask my team before I decide, not after."
LEARNING = "Let younger colleagues read our job adverts before they go out."
KEPT_TEXT = "Something only the board may read, and not even it with my name."


@pytest.fixture()
def outcomes_server(mailing_live_server: Any) -> Any:
    return mailing_live_server


@dataclass(frozen=True)
class Club:
    cohort_id: int
    survey_id: int
    org_id: int
    org_slug: str
    questions: dict[str, int]  # the final survey's default questions by key


def _answers(questions: list[SurveyQuestion], number: int) -> dict[int, AnswerInput]:
    """Everything answered, the points varying from person to person."""
    answers = {}
    for question in questions:
        if question.kind == QuestionKind.SCALE:
            assert question.scale_min is not None and question.scale_max is not None
            answers[question.id] = AnswerInput(scale_value=question.scale_max - number % 3)
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question.id] = AnswerInput(choices=(0, 3) if number % 2 else (2,))
        else:
            answers[question.id] = AnswerInput(text=f"Answer {number} to {question.key}.", share_text=True)
    return answers


@pytest.fixture()
def club(outcomes_server: Any) -> Club:
    with outcomes_server.app.app_context():  # the respondent keys are made with the app's secret
        return _arrange(outcomes_server)


def _arrange(outcomes_server: Any) -> Club:
    """A closing cohort whose final survey opened on its closing day: Alpenbank (Sandra Frei its admin) has five
    mentees, each with a mentor of Rhein Energie, and two mentors, each with a mentee of Rhein Energie. Four of
    Alpenbank's mentees (not Beat Zimmermann), its two mentors and Rhein Energie's five mentors have answered;
    Rhein Energie's two mentees have not."""
    today = datetime.now(ZURICH).date()
    session = outcomes_server.session()
    try:
        alpen = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        rhein = make_organisation(session, "rheinenergie", name="Rhein Energie Basel")
        make_org_admin(session, alpen, email=ADMIN, display_name="Sandra Frei", preferred_language="en")
        cohort = make_cohort(session, CohortState.CLOSING, name="Cohort Autumn", slug="cohort-autumn",
                             languages=["en"], kickoff_on=today - timedelta(weeks=26),
                             closing_on=today - timedelta(days=2), symposium_on=today + timedelta(days=12))

        def person(organisation: Any, role: str, n: int, email: str | None = None,
                   name: str | None = None) -> Participation:
            user = make_user(session, organisation, email=email or f"{role}{n}@{organisation.slug}.example",
                             display_name=name or f"{role.title()} {n} of {organisation.name}",
                             preferred_language="en")
            return make_participation(session, user, cohort, role=role, status=ParticipationStatus.ACTIVE)

        alpen_mentees = [person(alpen, "mentee", 1, MENTEE, "Beat Zimmermann")]
        alpen_mentees += [person(alpen, "mentee", n) for n in range(2, 6)]
        rhein_mentors = [person(rhein, "mentor", n) for n in range(1, 6)]
        alpen_mentors = [person(alpen, "mentor", n) for n in range(1, 3)]
        rhein_mentees = [person(rhein, "mentee", n) for n in range(1, 3)]
        pairs = [make_pair(session, mentor, mentee) for mentor, mentee in
                 (*zip(rhein_mentors, alpen_mentees, strict=True), *zip(alpen_mentors, rhein_mentees, strict=True))]
        with club_scope(session):
            for pair in pairs:
                pair.activated_at = datetime.combine(today - timedelta(weeks=27), time(10), UTC)
            surveys = {survey.kind: survey for survey in ensure_surveys(session, cohort)}
            final = surveys[SurveyKind.FINAL]
            assert final.opens_on == cohort.closing_on and final.closes_on >= today
            opened = datetime.combine(final.opens_on, time(7), ZURICH).astimezone(UTC)
            assert len(open_survey(session, final, opened)) == 14
            for number, participation in enumerate((*alpen_mentees[1:], *alpen_mentors, *rhein_mentors), start=1):
                questions = questions_for(session, final.id, participation.role)
                with tenant_scope(session, participation.organisation_id):
                    save_response(session, final, participation, _answers(questions, number),
                                  learnings=[f"Learning {number}."] if participation.role == "mentee" else (),
                                  share_learnings=participation.role == "mentee",
                                  moment=opened + timedelta(hours=number))
            questions = {q.key: q.id for q in session.scalars(sa.select(SurveyQuestion)
                                                                 .where(SurveyQuestion.survey_id == final.id))
                         if q.key is not None}
            session.commit()
        return Club(cohort_id=cohort.id, survey_id=final.id, org_id=alpen.id, org_slug=alpen.slug,
                    questions=questions)
    finally:
        session.close()


def new_person(browser: Any, failures: list[str], *, javascript: bool = True) -> Any:
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.on("response", lambda response: failures.append(f"{response.status} {response.url}")
               if response.status >= 500 else None)
    return context


def test_a_mentee_answers_the_final_survey_and_her_admin_reads_and_downloads_the_report(
        outcomes_server, smtp_server, browser, club):
    server = outcomes_server
    failures: list[str] = []
    q = club.questions

    # The mentee (no JavaScript) finds the survey among hers and answers it.
    beat = new_person(browser, failures, javascript=False).new_page()
    sign_in_by_link(beat, server, MENTEE)
    beat.goto(f"{server.url}/me/surveys")
    beat.locator(f"a[href='/me/surveys/{club.survey_id}']").first.click()
    beat.wait_for_url(f"{server.url}/me/surveys/{club.survey_id}")
    expect(beat.locator("h1")).to_contain_text("Final survey")
    beat.locator(f"input[name=q{q['mentee_goals']}][value='4']").check()
    beat.locator(f"input[name=q{q['mentee_useful']}][value='5']").check()
    beat.locator(f"input[name=q{q['mentee_recommend']}][value='9']").check()
    beat.locator(f"textarea[name=q{q['mentee_changed']}]").fill(CHANGED)
    beat.locator(f"input[name=q{q['mentee_changed']}_share]").check()
    beat.locator(f"textarea[name=q{q['mentee_open']}]").fill(KEPT_TEXT)  # not shared
    beat.locator("textarea[name=learning_1]").fill(LEARNING)
    beat.locator("input[name=share_learnings]").check()
    beat.get_by_role("button", name="Save my answers").click()
    beat.wait_for_url(f"{server.url}/me/surveys/{club.survey_id}")
    expect(beat.locator("body")).to_contain_text("Your answers are saved")
    # They are hers to change until the survey closes: the page shows what she saved.
    expect(beat.locator(f"input[name=q{q['mentee_goals']}][value='4']")).to_be_checked()
    expect(beat.locator("textarea[name=learning_1]")).to_have_value(LEARNING)

    session = server.session()
    try:
        with club_scope(session):
            answered = session.scalar(sa.select(sa.func.count()).select_from(SurveyInvitation).join(
                Participation, Participation.id == SurveyInvitation.participation_id)
                .where(SurveyInvitation.survey_id == club.survey_id, Participation.role == "mentee",
                       Participation.organisation_id == club.org_id, SurveyInvitation.answered_at.is_not(None)))
            assert answered == 5  # Alpenbank's five mentees
            shared = session.scalars(sa.select(SurveyLearning.text).join(
                SurveyResponse, SurveyResponse.id == SurveyLearning.response_id)
                .where(SurveyResponse.survey_id == club.survey_id, SurveyResponse.share_learnings.is_(True))).all()
            assert LEARNING in shared
    finally:
        session.close()

    # Her organisation's admin opens the organisation's report of the cohort.
    sandra = new_person(browser, failures).new_page()
    sign_in_by_link(sandra, server, ADMIN)
    sandra.goto(f"{server.url}/o/{club.org_slug}/reports")
    sandra.get_by_role("link", name="Cohort Autumn").click()
    report_url = f"{server.url}/o/{club.org_slug}/reports/{club.cohort_id}"
    sandra.wait_for_url(report_url)
    expect(sandra.locator("h1")).to_contain_text("Report of Alpenbank Zürich in Cohort Autumn")

    # Shown: the five mentees' goals, with their average; held back: the two mentors' goals.
    mentees = sandra.locator(f"#section-question-{q['mentee_goals']}")
    own = mentees.locator("tr", has=sandra.locator("th", has_text="Your organisation"))
    expect(own.locator("td").first).to_have_text("5")
    expect(own).not_to_contain_text("fewer than")
    mentors = sandra.locator(f"#section-question-{q['mentor_goals']}")
    own_mentors = mentors.locator("tr", has=sandra.locator("th", has_text="Your organisation"))
    expect(own_mentors).to_contain_text("fewer than 5 answers")
    whole = mentors.locator("tr", has=sandra.locator("th", has_text="The cohort as a whole"))
    expect(whole.locator("td").first).to_have_text("7")
    # The text she let the reports show, and her learning, without her name; not the text she kept.
    expect(sandra.locator(f"#section-question-{q['mentee_changed']}")).to_contain_text(CHANGED)
    expect(sandra.locator("#section-learnings")).to_contain_text(LEARNING)
    page_text = sandra.content()
    assert KEPT_TEXT not in page_text and "Beat Zimmermann" not in page_text

    # The XLSX: the same figures, one sheet per section.
    with sandra.expect_download() as download_info:
        sandra.get_by_role("link", name="Download as XLSX").click()
    download = download_info.value
    assert download.suggested_filename == f"{club.org_slug}-cohort-autumn-report.xlsx"
    from openpyxl import load_workbook

    with open(download.path(), "rb") as file:
        workbook = load_workbook(io.BytesIO(file.read()), read_only=True)
    rows = [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    own_rows = [row for row in rows if row and row[0] == "Your organisation"]
    assert any(row[1] == 5 for row in own_rows)  # the mentees' figures, as numbers
    assert any("fewer than 5 answers" in [str(c) for c in row] for row in own_rows)
    cells = {str(cell) for row in rows for cell in row if cell is not None}
    assert LEARNING in cells and CHANGED in cells
    assert KEPT_TEXT not in cells and "Beat Zimmermann" not in cells

    assert failures == []
