"""Access table of the surveys (tandem/platform/outcomes/surveys): the participant's list and answer page, the
board's pages of a cohort's surveys, their dates and questions, who has answered.

`arrange` prepares the table cohort's two surveys and opens the mid-point one (open from yesterday for a month,
by the real clock), with an invitation for the table's participant: `survey_id` and one of its questions
(`question_id`). The answer page is the invitee's alone: the organisation admin and the board member get 404.
The participant's empty answer form answers 400 (answer at least one question). The board's empty forms answer
400 (the question has no text; the dates are missing); deleting a question of the open survey is refused with a
message (302); preparing the surveys again changes nothing (302).

`arrange_foreign` opens a survey of a cohort only organisation B's people take part in, with B's person
invited: `foreign_survey_id`, which A's people never reach (tests/integration/outcomes/test_surveys_access.py).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.outcomes.models import Survey, SurveyInvitation, SurveyKind, SurveyQuestion
from tandem.platform.outcomes.surveys.operations import ensure_surveys
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_participation, make_user

BOARD_PAGE = (401, 403, 403, 200)
BOARD_BUTTON = (401, 403, 403, 302)
BOARD_EMPTY_FORM = (401, 403, 403, 400)
INVITEE_PAGE = (401, 200, 404, 404)
INVITEE_EMPTY_FORM = (401, 400, 404, 404)
SIGNED_IN_PAGE = (401, 200, 200, 200)

ACCESS = {
    ("outcomes.my_surveys", "GET"): SIGNED_IN_PAGE,
    ("outcomes.answer_survey", "GET"): INVITEE_PAGE,
    ("outcomes.answer_survey", "POST"): INVITEE_EMPTY_FORM,
    ("outcomes.board_surveys", "GET"): BOARD_PAGE,
    ("outcomes.prepare_surveys", "POST"): BOARD_BUTTON,
    ("outcomes.board_survey", "GET"): BOARD_PAGE,
    ("outcomes.board_survey", "POST"): BOARD_EMPTY_FORM,
    ("outcomes.survey_dates", "POST"): BOARD_EMPTY_FORM,
    ("outcomes.edit_question", "GET"): BOARD_PAGE,
    ("outcomes.edit_question", "POST"): BOARD_EMPTY_FORM,
    ("outcomes.delete_question", "POST"): BOARD_BUTTON,
    ("outcomes.respondents", "GET"): BOARD_PAGE,
}


def open_survey_with_invitee(db: Any, cohort: Any, participation: Any) -> tuple[Survey, int]:
    """The cohort's mid-point survey, open from yesterday for a month, with `participation` invited."""
    today = datetime.now(UTC).date()
    with club_scope(db):
        surveys = ensure_surveys(db, cohort)
        survey = next(s for s in surveys if s.kind == SurveyKind.MIDPOINT)
        survey.opens_on, survey.closes_on = today - timedelta(days=1), today + timedelta(days=30)
        survey.opened_at = datetime.now(UTC) - timedelta(days=1)
        db.add(SurveyInvitation(survey_id=survey.id, participation_id=participation.id,
                                organisation_id=participation.organisation_id,
                                invited_at=survey.opened_at))
        db.flush()
        question_id = db.scalar(sa.select(sa.func.min(SurveyQuestion.id)).where(SurveyQuestion.survey_id == survey.id))
    return survey, question_id


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    survey, question_id = open_survey_with_invitee(db, context["cohort"], context["participation"])
    return {"survey_id": survey.id, "question_id": question_id}


def arrange_foreign(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    beta = context["beta"]
    cohort = make_cohort(db, CohortState.RUNNING, slug=f"beta-surveys-{uuid.uuid4().hex[:8]}",
                         kickoff_on=date(2027, 3, 1), closing_on=date(2027, 8, 30))
    person = make_user(db, beta)
    participation = make_participation(db, person, cohort, role="mentee", status=ParticipationStatus.ACTIVE)
    survey, _ = open_survey_with_invitee(db, cohort, participation)
    return {"foreign_survey_id": survey.id}
