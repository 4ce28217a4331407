"""The reports' reads: grouped counts for every cohort of the club at once, in a fixed number of statements
whatever the number of people (every figure is a GROUP BY in SQL; no row per person is read, except the
shared texts and learnings that a report prints).

The reads are in club scope: the figures of one organisation are compared with the cohort's and the club's,
and the anonymity rule needs the whole tree (figures.py). What an organisation's admin finally sees is chosen
by figures.py from these counts, never a row of another organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.cohorts.models import Cohort, Participation, ParticipationStatus
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
    MeetingStatus,
    PairCheckIn,
    PairClosure,
    PairGoal,
    PairMeeting,
)
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import Organisation

TOOK_PART = (ParticipationStatus.ACTIVE, ParticipationStatus.WITHDRAWN)
PAIRED = (PairStatus.ACTIVE, PairStatus.ENDED)

# (cohort_id, mentor's organisation, mentee's organisation) -> counts: a pair counts for both organisations.
PairKey = tuple[int, int | None, int | None]


@dataclass
class ClubCounts:
    """Every grouped count the reports need, for the whole club."""

    cohorts: list[Any] = field(default_factory=list)                 # Cohort rows that had people
    organisations: dict[int, str] = field(default_factory=dict)      # id -> name
    people: dict[tuple[int, int | None, str], int] = field(default_factory=dict)  # (cohort, org, role)
    pairs: dict[PairKey, tuple[int, int, int]] = field(default_factory=dict)      # pairs, completed, ended early
    meetings: dict[tuple[int, int | None, int | None, str], int] = field(default_factory=dict)  # + month
    goals: dict[PairKey, tuple[int, int]] = field(default_factory=dict)           # set, done
    check_in_people: dict[tuple[int, int | None], int] = field(default_factory=dict)
    check_in_values: dict[tuple[int, int | None, int], int] = field(default_factory=dict)  # + usefulness
    surveys: list[Any] = field(default_factory=list)                 # Survey rows
    questions: list[SurveyQuestion] = field(default_factory=list)
    scale_values: dict[tuple[int, int | None, int], int] = field(default_factory=dict)   # (question, org, value)
    choice_sets: dict[tuple[int, int | None, str], int] = field(default_factory=dict)    # (question, org, json)
    text_people: dict[tuple[int, int | None], int] = field(default_factory=dict)
    responses: dict[tuple[int, int | None, str], int] = field(default_factory=dict)      # (survey, org, role)
    invitations: dict[tuple[int, int | None], tuple[int, int]] = field(default_factory=dict)  # invited, answered


def _month(session: Session, column: Any) -> Any:
    """'YYYY-MM' of a stored moment (UTC), in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def club_counts(session: Session) -> ClubCounts:
    """The club's counts: 16 statements for any number of people, cohorts and answers."""
    counts = ClubCounts()
    mentor, mentee = aliased(Participation), aliased(Participation)
    with club_scope(session):
        took_part = (sa.select(Participation.cohort_id)
                     .where(Participation.status != ParticipationStatus.DECLINED).distinct())
        counts.cohorts = list(session.scalars(
            sa.select(Cohort).where(Cohort.id.in_(took_part)).order_by(Cohort.kickoff_on, Cohort.id)))
        counts.organisations = {organisation_id: name for organisation_id, name in session.execute(
            sa.select(Organisation.id, Organisation.name))}
        for cohort_id, participant_org, role, number in session.execute(
                sa.select(Participation.cohort_id, Participation.organisation_id, Participation.role, sa.func.count())
                .where(Participation.status.in_(TOOK_PART))
                .group_by(Participation.cohort_id, Participation.organisation_id, Participation.role)):
            counts.people[(cohort_id, participant_org, role)] = number

        pair_orgs = (sa.select(Pair.cohort_id, mentor.organisation_id, mentee.organisation_id)
                     .join(mentor, mentor.id == Pair.mentor_participation_id)
                     .join(mentee, mentee.id == Pair.mentee_participation_id)
                     .where(Pair.status.in_(PAIRED)))
        group = (Pair.cohort_id, mentor.organisation_id, mentee.organisation_id)
        for cohort_id, mentor_org, mentee_org, number, completed, early in session.execute(
                pair_orgs.add_columns(
                    sa.func.count(Pair.id),
                    sa.func.count(sa.case((PairClosure.outcome == ClosureOutcome.COMPLETED, Pair.id))),
                    sa.func.count(sa.case((PairClosure.outcome == ClosureOutcome.ENDED_EARLY, Pair.id))))
                .outerjoin(PairClosure, PairClosure.pair_id == Pair.id).group_by(*group)):
            counts.pairs[(cohort_id, mentor_org, mentee_org)] = (number, completed, early)

        month = _month(session, PairMeeting.starts_at)
        for cohort_id, mentor_org, mentee_org, month_text, number in session.execute(
                pair_orgs.add_columns(month, sa.func.count(PairMeeting.id))
                .join(PairMeeting, PairMeeting.pair_id == Pair.id)
                .where(PairMeeting.status == MeetingStatus.HELD).group_by(*group, month)):
            counts.meetings[(cohort_id, mentor_org, mentee_org, str(month_text))] = number

        for cohort_id, mentor_org, mentee_org, number, done in session.execute(
                pair_orgs.add_columns(sa.func.count(PairGoal.id),
                                      sa.func.count(sa.case((PairGoal.status == GoalStatus.DONE, PairGoal.id))))
                .join(PairGoal, PairGoal.pair_id == Pair.id).group_by(*group)):
            counts.goals[(cohort_id, mentor_org, mentee_org)] = (number, done)

        person = aliased(Participation)
        check_ins = (sa.select(Pair.cohort_id, person.organisation_id)
                     .join(Pair, Pair.id == PairCheckIn.pair_id)
                     .join(person, person.id == PairCheckIn.participation_id))
        for cohort_id, organisation_id, number in session.execute(
                check_ins.add_columns(sa.func.count(sa.distinct(PairCheckIn.participation_id)))
                .group_by(Pair.cohort_id, person.organisation_id)):
            counts.check_in_people[(cohort_id, organisation_id)] = number
        for cohort_id, organisation_id, value, number in session.execute(
                check_ins.add_columns(PairCheckIn.usefulness, sa.func.count(PairCheckIn.id))
                .group_by(Pair.cohort_id, person.organisation_id, PairCheckIn.usefulness)):
            counts.check_in_values[(cohort_id, organisation_id, value)] = number

        counts.surveys = list(session.scalars(sa.select(Survey).order_by(Survey.cohort_id, Survey.opens_on)))
        counts.questions = list(session.scalars(
            sa.select(SurveyQuestion).order_by(SurveyQuestion.survey_id, SurveyQuestion.position)))

        answers = sa.select(SurveyAnswer.question_id, SurveyResponse.organisation_id).join(
            SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        for question_id, organisation_id, value, number in session.execute(
                answers.add_columns(SurveyAnswer.scale_value, sa.func.count())
                .where(SurveyAnswer.scale_value.is_not(None))
                .group_by(SurveyAnswer.question_id, SurveyResponse.organisation_id, SurveyAnswer.scale_value)):
            counts.scale_values[(question_id, organisation_id, value)] = number
        chosen = sa.cast(SurveyAnswer.choices, sa.Text)
        for question_id, organisation_id, choice_text, number in session.execute(
                answers.add_columns(chosen, sa.func.count())
                .where(SurveyAnswer.choices.is_not(None))
                .group_by(SurveyAnswer.question_id, SurveyResponse.organisation_id, chosen)):
            counts.choice_sets[(question_id, organisation_id, str(choice_text))] = number
        for question_id, organisation_id, number in session.execute(
                answers.add_columns(sa.func.count())
                .where(SurveyAnswer.text.is_not(None), SurveyAnswer.text != "")
                .group_by(SurveyAnswer.question_id, SurveyResponse.organisation_id)):
            counts.text_people[(question_id, organisation_id)] = number

        for response_survey_id, organisation_id, role, number in session.execute(
                sa.select(SurveyResponse.survey_id, SurveyResponse.organisation_id, SurveyResponse.role,
                          sa.func.count())
                .group_by(SurveyResponse.survey_id, SurveyResponse.organisation_id, SurveyResponse.role)):
            counts.responses[(response_survey_id, organisation_id, role)] = number
        for survey_id, organisation_id, invited, answered in session.execute(
                sa.select(SurveyInvitation.survey_id, SurveyInvitation.organisation_id, sa.func.count(),
                          sa.func.count(SurveyInvitation.answered_at))
                .group_by(SurveyInvitation.survey_id, SurveyInvitation.organisation_id)):
            counts.invitations[(survey_id, organisation_id)] = (invited, answered)
    return counts


def shared_texts(session: Session, question_ids: Sequence[int],
                 organisation_id: int | None = None) -> list[tuple[int, int | None, str]]:
    """(question, organisation, text) of the text answers their authors chose to share, in a random-free
    stable order (by the text, so that no order lines up with a person). One statement."""
    if not question_ids:
        return []
    query = (sa.select(SurveyAnswer.question_id, SurveyResponse.organisation_id, SurveyAnswer.text)
             .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
             .where(SurveyAnswer.question_id.in_(list(question_ids)), SurveyAnswer.share_text.is_(True),
                    SurveyAnswer.text.is_not(None), SurveyAnswer.text != "")
             .order_by(SurveyAnswer.question_id, SurveyAnswer.text))
    if organisation_id is not None:
        query = query.where(SurveyResponse.organisation_id == organisation_id)
    return [(question_id, org, str(text)) for question_id, org, text in session.execute(query)]


def shared_learnings(session: Session, survey_ids: Sequence[int], organisation_id: int) -> list[str]:
    """The learnings the organisation's mentees chose to share (share_learnings), without any name. One
    statement."""
    if not survey_ids:
        return []
    return list(session.scalars(
        sa.select(SurveyLearning.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyLearning.response_id)
        .where(SurveyResponse.survey_id.in_(list(survey_ids)), SurveyResponse.share_learnings.is_(True),
               SurveyResponse.organisation_id == organisation_id, SurveyResponse.role == "mentee")
        .order_by(SurveyLearning.text)))


def organisation_cohort_ids(session: Session, organisation_id: int) -> set[int]:
    """The cohorts in which the organisation had people (anyone nominated and not declined). One statement."""
    with club_scope(session):
        return set(session.scalars(
            sa.select(Participation.cohort_id).where(Participation.organisation_id == organisation_id,
                                                     Participation.status != ParticipationStatus.DECLINED)
            .distinct()))
