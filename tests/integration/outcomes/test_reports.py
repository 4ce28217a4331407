"""The reports with their anonymity rule: the club board's report of a cohort and across cohorts, and each
organisation's report (its own people against the cohort), as pages, CSV and XLSX.

The world (`report_world`): delta's mentors each paired with a mentee of alpha (6), beta (2) or gamma (5);
every mentee answered the final survey (a default scale question with its key, a shared or kept text, a
board's multiple choice) and checked in. With k = 5, beta (2) is hidden, and gamma (5) is hidden beside it
(complementary: 2 hidden alone could be worked out from the cohort's figure), alpha (6) is shown.
"""

from __future__ import annotations

import io
import secrets
import uuid
from datetime import UTC, date, datetime
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.outcomes.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.pairs.models import (
    ClosureOutcome,
    GoalStatus,
    MeetingFormat,
    MeetingStatus,
    PairCheckIn,
    PairClosure,
    PairGoal,
    PairMeeting,
)
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_board_member,
    make_cohort,
    make_org_admin,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)

EN = {"Accept-Language": "en"}
FEWER = "fewer than 5 answers"


def add_survey(db: Any, cohort: Any, kind: str = "final") -> tuple[Any, dict[str, Any]]:
    with club_scope(db):
        survey = Survey(cohort_id=cohort.id, kind=kind, opens_on=date(2027, 9, 1), closes_on=date(2027, 9, 21),
                        opened_at=datetime(2027, 9, 1, tzinfo=UTC))
        db.add(survey)
        db.flush()
        questions = {
            "recommend": SurveyQuestion(survey_id=survey.id, position=1, key="mentee_recommend", audience="mentee",
                                        kind="scale", text_en="How likely are you to recommend it?", scale_min=0,
                                        scale_max=10),
            "changed": SurveyQuestion(survey_id=survey.id, position=2, key="mentee_changed", audience="mentee",
                                      kind="text", text_en="What has changed in how you work?"),
            "gained": SurveyQuestion(survey_id=survey.id, position=3, key=None, audience="mentee", kind="multiple",
                                     text_en="What did you gain?",
                                     options=[{"en": "Courage"}, {"en": "A network"}, {"en": "Ideas"}]),
        }
        db.add_all(questions.values())
        db.flush()
    return survey, questions


def add_person(db: Any, cohort: Any, survey: Any, questions: dict[str, Any], mentor_org: Any, mentee_org: Any,
               *, text: str, share: bool, learning: str | None = None, value: int = 8,
               mentee_name: str | None = None) -> Any:
    mentor = make_participation(db, make_user(db, mentor_org), cohort, role="mentor",
                                status=ParticipationStatus.ACTIVE)
    fields = {"display_name": mentee_name} if mentee_name else {}
    mentee = make_participation(db, make_user(db, mentee_org, **fields), cohort, role="mentee",
                                status=ParticipationStatus.ACTIVE)
    pair = make_pair(db, mentor, mentee, status="ended")
    with club_scope(db):
        db.add(PairClosure(pair_id=pair.id, outcome=ClosureOutcome.COMPLETED))
        for month in (4, 5):
            meeting = PairMeeting(pair_id=pair.id, uid=f"{uuid.uuid4()}@reports.test", status=MeetingStatus.HELD,
                                  starts_at=datetime(2027, month, 10, 16, tzinfo=UTC), duration_minutes=60,
                                  format=MeetingFormat.ONLINE)
            db.add(meeting)
            db.flush()
            db.add(PairCheckIn(meeting_id=meeting.id, pair_id=pair.id, participation_id=mentee.id, usefulness=3))
        db.add_all([PairGoal(pair_id=pair.id, position=1, text="g", status=GoalStatus.DONE),
                    PairGoal(pair_id=pair.id, position=2, text="g")])
        db.add(SurveyInvitation(organisation_id=mentee.organisation_id, survey_id=survey.id,
                                participation_id=mentee.id, answered_at=datetime(2027, 9, 2, tzinfo=UTC)))
        response = SurveyResponse(id=secrets.token_hex(16), survey_id=survey.id, role="mentee",
                                  organisation_id=mentee.organisation_id, share_learnings=learning is not None)
        db.add(response)
        db.flush()
        db.add_all([
            SurveyAnswer(response_id=response.id, question_id=questions["recommend"].id, scale_value=value),
            SurveyAnswer(response_id=response.id, question_id=questions["changed"].id, text=text, share_text=share),
            SurveyAnswer(response_id=response.id, question_id=questions["gained"].id, choices=[0, 2]),
        ])
        if learning:
            db.add(SurveyLearning(response_id=response.id, position=1, text=learning))
        db.flush()
    return mentee


def report_world(db: Any) -> dict[str, Any]:
    organisations = {name: make_organisation(db, name) for name in ("alpha", "beta", "gamma", "delta", "omega")}
    cohort = make_cohort(db, CohortState.ARCHIVED, slug="pilot", name="Pilot cohort")
    survey, questions = add_survey(db, cohort)
    delta = organisations["delta"]
    for n in range(6):
        add_person(db, cohort, survey, questions, delta, organisations["alpha"],
                   text="Alpha shares this" if n == 0 else "Alpha keeps this secret", share=n == 0,
                   learning="Alpha learning: more reverse mentoring" if n == 0 else None,
                   mentee_name="Alice Alphaname" if n == 0 else None)
    for _n in range(2):
        add_person(db, cohort, survey, questions, delta, organisations["beta"], text="Beta shares this",
                   share=True, learning="Beta learning", value=2)
    for _n in range(5):
        add_person(db, cohort, survey, questions, delta, organisations["gamma"], text="Gamma shares this",
                   share=True, learning="Gamma learning")
    people = {"board": make_board_member(db, delta)}
    for name, organisation in organisations.items():
        people[name] = make_org_admin(db, organisation)
    db.commit()
    return {"cohort": cohort, "organisations": organisations, "people": people, "survey": survey,
            "questions": questions}


@pytest.fixture()
def world(db):
    return report_world(db)


def page(client, path: str) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_the_boards_cohort_report_hides_small_groups_and_their_neighbours(client, sign_in, world):
    sign_in(client, world["people"]["board"])
    text = page(client, f"/board/cohorts/{world['cohort'].id}/report")
    assert FEWER in text
    assert "Alpha shares this" in text
    assert "Alpha keeps this secret" not in text
    assert "Beta shares this" not in text and "Gamma shares this" not in text  # their groups are hidden
    assert "Alice Alphaname" not in text
    assert "Participation per organisation" in text and "Response rates" in text
    assert 'role="img"' in text and "<title id=" in text


def test_an_organisations_report_shows_its_own_people_against_the_cohort(client, sign_in, world):
    cohort = world["cohort"]
    sign_in(client, world["people"]["alpha"])
    listing = page(client, "/o/alpha/reports")
    assert "Pilot cohort" in listing
    text = page(client, f"/o/alpha/reports/{cohort.id}")
    assert "Alpha shares this" in text and "Alpha learning: more reverse mentoring" in text
    assert "Alpha keeps this secret" not in text and "Alice Alphaname" not in text
    assert "Gamma" not in text and "Beta shares this" not in text and "Beta learning" not in text


def test_a_complementary_hidden_organisation_reads_fewer_than(client, sign_in, world):
    sign_in(client, world["people"]["gamma"])
    text = page(client, f"/o/gamma/reports/{world['cohort'].id}")
    assert FEWER in text
    assert "Gamma shares this" not in text and "Gamma learning" not in text
    assert "Alpha shares this" not in text


def test_an_admin_never_sees_another_organisations_report(client, sign_in, world):
    cohort = world["cohort"]
    sign_in(client, world["people"]["alpha"])
    for path in (f"/o/gamma/reports/{cohort.id}", f"/o/gamma/reports/{cohort.id}.csv",
                 f"/o/gamma/reports/{cohort.id}.xlsx", "/o/gamma/reports"):
        assert client.get(path).status_code == 404, path
    sign_in(client, world["people"]["omega"])  # omega had nobody in the cohort
    assert client.get(f"/o/omega/reports/{cohort.id}").status_code == 404
    assert client.get(f"/o/omega/reports/{cohort.id}.xlsx").status_code == 404
    assert "Pilot cohort" not in page(client, "/o/omega/reports")


def test_exports_say_fewer_than_and_are_audited(client, sign_in, world, db):
    cohort = world["cohort"]
    sign_in(client, world["people"]["gamma"])
    response = client.get(f"/o/gamma/reports/{cohort.id}.csv", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    csv_text = response.get_data(as_text=True)
    assert FEWER in csv_text and "Gamma shares this" not in csv_text
    response = client.get(f"/o/gamma/reports/{cohort.id}.xlsx", headers=EN)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    cells = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    assert FEWER in cells and "Gamma learning" not in cells
    sign_in(client, world["people"]["board"])
    for path in (f"/board/cohorts/{cohort.id}/report.csv", f"/board/cohorts/{cohort.id}/report.xlsx",
                 "/board/reports.csv", "/board/reports.xlsx"):
        assert client.get(path, headers=EN).status_code == 200, path
    with club_scope(db):
        kinds = db.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "report.exported")).all()
    assert sorted(k["export"] for k in kinds) == ["club_report_csv", "club_report_xlsx", "cohort_report_csv",
                                                  "cohort_report_xlsx", "organisation_report_csv",
                                                  "organisation_report_xlsx"]


def test_the_club_report_compares_cohorts(client, sign_in, world):
    sign_in(client, world["people"]["board"])
    text = page(client, "/board/reports")
    assert "Pilot cohort" in text and "Key figures per cohort" in text
    assert "How likely are you to recommend it?" in text
    overview = page(client, "/board/")
    assert "/board/reports" in overview


def _statements(client, path: str, count_queries) -> int:
    client.get(path, headers=EN)
    with count_queries() as counter:
        assert client.get(path, headers=EN).status_code == 200
    return counter.count


def test_the_reports_read_a_fixed_number_of_statements(client, sign_in, db, count_queries):
    world = report_world(db)
    cohort, survey, questions = world["cohort"], world["survey"], world["questions"]
    paths = {"board": [f"/board/cohorts/{cohort.id}/report", "/board/reports"],
             "alpha": [f"/o/alpha/reports/{cohort.id}"]}

    def measure() -> list[int]:
        found = []
        for who, who_paths in paths.items():
            sign_in(client, world["people"][who])
            found.extend(_statements(client, path, count_queries) for path in who_paths)
        return found

    small = measure()  # 13 pairs: 26 participants
    organisations = world["organisations"]
    for n in range(17):  # 47 more participants... and so 60 in all at 30 pairs
        add_person(db, cohort, survey, questions, organisations["delta"], organisations["alpha" if n % 2 else "gamma"],
                   text=f"More {n}", share=True)
    db.commit()
    assert measure() == small


def test_a_cohort_hidden_across_cohorts_is_hidden_in_its_own_report_too(client, sign_in, db):
    """The default question's tree spans the cohorts: a small cohort (3 answers) hides the large one's figure
    beside it in the club's report, and so the large cohort's own report hides its cohort figure as well (else
    the club's total minus it would give the small cohort's 3)."""
    alpha, beta, delta = (make_organisation(db, name) for name in ("alpha", "beta", "delta"))
    small = make_cohort(db, CohortState.ARCHIVED, name="Small cohort")
    large = make_cohort(db, CohortState.ARCHIVED, name="Large cohort")
    small_survey, small_questions = add_survey(db, small)
    large_survey, large_questions = add_survey(db, large)
    for _n in range(3):
        add_person(db, small, small_survey, small_questions, delta, alpha, text="t", share=False)
    for n in range(12):
        add_person(db, large, large_survey, large_questions, delta, alpha if n % 2 else beta, text="t", share=False)
    board, admin = make_board_member(db, delta), make_org_admin(db, alpha)
    db.commit()
    sign_in(client, board)
    club = page(client, "/board/reports")
    section = club[club.index("How likely are you to recommend it?"):]
    assert section.count(FEWER) >= 2  # both cohorts' figures
    large_report = page(client, f"/board/cohorts/{large.id}/report")
    question = large_report[large_report.index("How likely are you to recommend it?"):]
    question = question[:question.index("What has changed")]
    whole = question[question.index("The cohort as a whole"):]
    assert FEWER in whole[:400]
    sign_in(client, admin)
    own = page(client, f"/o/alpha/reports/{large.id}")
    question = own[own.index("How likely are you to recommend it?"):]
    whole = question[question.index("The cohort as a whole", question.index("<table")):]
    assert FEWER in whole[:400]
