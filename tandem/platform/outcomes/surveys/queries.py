"""Read models of the surveys' pages.

- the person's own surveys (their invitations, in their organisation's scope), open ones first; their own saved
  answers, found only by `respondent_key` while the survey is open;
- the board's overview of a cohort's surveys with the number invited and answered (club scope);
- the respondents of a survey: names, organisation, answered or not, reminded. Never an answer: nothing here
  reads SurveyResponse or SurveyAnswer for the board.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.outcomes.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.outcomes.surveys.operations import respondent_key
from tandem.platform.outcomes.surveys.rules import SurveyState, survey_state
from tandem.tenants.models import Organisation

PROGRAMME_STATES = (CohortState.RUNNING, CohortState.CLOSING, CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED)


@dataclass(frozen=True)
class MySurvey:
    """One survey of the person's: theirs when they have an invitation; `upcoming` ones (not opened) have none."""

    survey: Survey
    cohort_name: str
    role: str
    participation_id: int
    answered_at: datetime | None
    state: SurveyState

    @property
    def invited(self) -> bool:
        return self.state != SurveyState.SCHEDULED


def my_surveys(session: Session, user_id: int, today: date) -> list[MySurvey]:
    """The person's surveys: the ones they are invited to (open or closed) and the scheduled ones of the
    cohorts they take part in (active). Open first, then scheduled, then closed. Two queries."""
    invited = session.execute(
        sa.select(Survey, Cohort.name, Participation.role, Participation.id, SurveyInvitation.answered_at)
        .join(SurveyInvitation, SurveyInvitation.survey_id == Survey.id)
        .join(Participation, Participation.id == SurveyInvitation.participation_id)
        .join(Cohort, Cohort.id == Survey.cohort_id)
        .where(Participation.user_id == user_id)).all()
    rows = [MySurvey(survey, name, role, participation_id, answered_at, survey_state(survey, today))
            for survey, name, role, participation_id, answered_at in invited]
    seen = {row.survey.id for row in rows}
    for survey, name, role, participation_id in session.execute(
            sa.select(Survey, Cohort.name, Participation.role, Participation.id)
            .join(Cohort, Cohort.id == Survey.cohort_id)
            .join(Participation, Participation.cohort_id == Cohort.id)
            .where(Participation.user_id == user_id, Participation.status == ParticipationStatus.ACTIVE,
                   Survey.opened_at.is_(None), Survey.closed_at.is_(None),
                   Cohort.state.in_(PROGRAMME_STATES[:2]))):
        if survey.id not in seen:
            rows.append(MySurvey(survey, name, role, participation_id, None, SurveyState.SCHEDULED))
    order = {SurveyState.OPEN: 0, SurveyState.SCHEDULED: 1, SurveyState.CLOSED: 2}
    return sorted(rows, key=lambda row: (order[row.state], row.survey.closes_on, row.survey.id))


def my_open_surveys(session: Session, user_id: int, today: date) -> list[MySurvey]:
    """The surveys the person may answer or still change now (the home page's box). One statement."""
    rows = session.execute(
        sa.select(Survey, Cohort.name, Participation.role, Participation.id, SurveyInvitation.answered_at)
        .join(SurveyInvitation, SurveyInvitation.survey_id == Survey.id)
        .join(Participation, Participation.id == SurveyInvitation.participation_id)
        .join(Cohort, Cohort.id == Survey.cohort_id)
        .where(Participation.user_id == user_id, Survey.opened_at.is_not(None), Survey.closed_at.is_(None),
               Survey.closes_on >= today)
        .order_by(Survey.closes_on, Survey.id)).all()
    return [MySurvey(survey, name, role, participation_id, answered_at, SurveyState.OPEN)
            for survey, name, role, participation_id, answered_at in rows]


@dataclass(frozen=True)
class Invited:
    """The signed-in person's invitation to one survey (in their scope)."""

    survey: Survey
    cohort: Cohort
    participation: Participation
    invitation: SurveyInvitation


def my_invitation(session: Session, user_id: int, survey_id: int) -> Invited | None:
    """The person's invitation to the survey, None when they have none (then the page answers 404)."""
    row = session.execute(
        sa.select(Survey, Cohort, Participation, SurveyInvitation)
        .join(SurveyInvitation, SurveyInvitation.survey_id == Survey.id)
        .join(Participation, Participation.id == SurveyInvitation.participation_id)
        .join(Cohort, Cohort.id == Survey.cohort_id)
        .where(Survey.id == survey_id, Participation.user_id == user_id)
        .order_by(Participation.id).limit(1)).first()
    return Invited(*row) if row is not None else None


@dataclass
class SavedAnswers:
    """What the person saved, by question id; their learnings and sharing choice."""

    answers: dict[int, SurveyAnswer] = field(default_factory=dict)
    learnings: list[str] = field(default_factory=list)
    share_learnings: bool = False
    found: bool = False


def saved_answers(session: Session, survey_id: int, participation_id: int) -> SavedAnswers:
    """The person's own answers, found by their respondent key (nothing once the survey closed). Three queries
    at most."""
    response = session.scalar(sa.select(SurveyResponse).where(
        SurveyResponse.respondent_key == respondent_key(survey_id, participation_id)))
    if response is None:
        return SavedAnswers()
    answers = {answer.question_id: answer for answer in session.scalars(
        sa.select(SurveyAnswer).where(SurveyAnswer.response_id == response.id))}
    learnings = list(session.scalars(sa.select(SurveyLearning.text).where(SurveyLearning.response_id == response.id)
                                     .order_by(SurveyLearning.position)))
    return SavedAnswers(answers, learnings, response.share_learnings, True)


# ------------------------------------------------------------------------------------------------ the board


@dataclass(frozen=True)
class SurveyFigures:
    survey: Survey
    state: SurveyState
    questions: int
    invited: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def cohort_surveys(session: Session, cohort_id: int, today: date) -> list[SurveyFigures]:
    """The cohort's surveys (mid-point first) with their numbers of questions, invited and answered. Two
    queries (club scope)."""
    surveys = list(session.scalars(sa.select(Survey).where(Survey.cohort_id == cohort_id)
                                   .order_by(sa.case((Survey.kind == "midpoint", 0), else_=1))))
    if not surveys:
        return []
    ids = [survey.id for survey in surveys]
    invited = sa.select(SurveyInvitation.survey_id, sa.func.count().label("invited"),
                        sa.func.count(SurveyInvitation.answered_at).label("answered")) \
        .where(SurveyInvitation.survey_id.in_(ids)).group_by(SurveyInvitation.survey_id).subquery()
    questions = sa.select(SurveyQuestion.survey_id, sa.func.count().label("questions")) \
        .where(SurveyQuestion.survey_id.in_(ids)).group_by(SurveyQuestion.survey_id).subquery()
    counts = {survey_id: (q or 0, i or 0, a or 0) for survey_id, q, i, a in session.execute(
        sa.select(Survey.id, questions.c.questions, invited.c.invited, invited.c.answered)
        .outerjoin(questions, questions.c.survey_id == Survey.id)
        .outerjoin(invited, invited.c.survey_id == Survey.id).where(Survey.id.in_(ids)))}
    return [SurveyFigures(survey, survey_state(survey, today), *counts.get(survey.id, (0, 0, 0)))
            for survey in surveys]


def survey_questions(session: Session, survey_id: int) -> list[SurveyQuestion]:
    return list(session.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id)
                                .order_by(SurveyQuestion.position)))


@dataclass(frozen=True)
class Respondent:
    name: str
    organisation: str
    role: str
    invited_at: datetime | None
    reminded_at: datetime | None
    answered: bool
    user_id: int = 0  # for the record of who saw it (tandem/platform/privacy/records/seen.py)


def respondents(session: Session, survey_id: int) -> list[Respondent]:
    """Who was asked, from which organisation, whether they answered and were reminded (club scope). One
    query; never an answer."""
    rows = session.execute(
        sa.select(User.display_name, Organisation.name, Participation.role, SurveyInvitation.invited_at,
                  SurveyInvitation.reminded_at, SurveyInvitation.answered_at, User.id)
        .join(Participation, Participation.id == SurveyInvitation.participation_id)
        .join(User, User.id == Participation.user_id)
        .join(Organisation, Organisation.id == Participation.organisation_id)
        .where(SurveyInvitation.survey_id == survey_id)
        .order_by(Organisation.name, User.display_name, SurveyInvitation.id)).all()
    return [Respondent(name, organisation, role, invited_at, reminded_at, answered_at is not None, user_id)
            for name, organisation, role, invited_at, reminded_at, answered_at, user_id in rows]
