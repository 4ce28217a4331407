"""The surveys' hourly job body (`run_surveys(moment)`, shell in surveys/jobs.py):

1. prepare the surveys of running and closing cohorts (`ensure_surveys`: default dates and questions; a survey
   not opened yet is re-dated when its cohort's dates moved so that it no longer fits);
2. open the surveys whose day has come (`open_survey`: the invitations) and mail each invitation;
3. remind, once, `REMINDER_AFTER` (7 days) after the invitation, whoever has not answered while the survey is
   open;
4. close the surveys past their closing day (`close_survey`: every respondent key cleared).

Idempotent: each invitation's mail is claimed by a conditional UPDATE (`invited_at IS NULL`, `reminded_at IS
NULL`, RETURNING) in the same transaction as its outbox message, one person per transaction. A run twice, two
runs at once, or a worker killed mid-way mail nobody twice and lose nobody: a claim and its mail commit together
or not at all, and the next run takes up whoever was left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.outcomes.models import Survey, SurveyInvitation
from tandem.platform.outcomes.surveys.operations import close_survey, ensure_surveys, open_survey
from tandem.platform.tenancy import club_scope
from tandem.platform.urls import absolute_url

log = logging.getLogger(__name__)

REMINDER_AFTER = timedelta(days=7)
PREPARED_STATES = (CohortState.RUNNING, CohortState.CLOSING)


@dataclass
class SurveyRun:
    """What one run did."""

    prepared: int = 0
    opened: int = 0
    invitations: int = 0
    reminders: int = 0
    closed: int = 0
    taken_by_another_run: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _open_surveys(session: Session, today_: object) -> dict[int, tuple[Survey, Cohort]]:
    return {survey.id: (survey, cohort) for survey, cohort in session.execute(
        sa.select(Survey, Cohort).join(Cohort, Cohort.id == Survey.cohort_id)
        .where(Survey.opened_at.is_not(None), Survey.closed_at.is_(None), Survey.closes_on >= today_))}


def _pending(session: Session, survey_ids: list[int], *, reminder: bool, moment: datetime
             ) -> list[tuple[int, int, User]]:
    """(invitation id, survey id, person) still to be invited, or to be reminded. One query."""
    if not survey_ids:
        return []
    query = (sa.select(SurveyInvitation.id, SurveyInvitation.survey_id, User)
             .join(Participation, Participation.id == SurveyInvitation.participation_id)
             .join(User, User.id == Participation.user_id)
             .where(SurveyInvitation.survey_id.in_(survey_ids)))
    if reminder:
        query = query.where(SurveyInvitation.invited_at.is_not(None), SurveyInvitation.reminded_at.is_(None),
                            SurveyInvitation.answered_at.is_(None),
                            SurveyInvitation.invited_at <= moment - REMINDER_AFTER)
    else:
        query = query.where(SurveyInvitation.invited_at.is_(None))
    return [(invitation_id, survey_id, person)
            for invitation_id, survey_id, person in session.execute(query.order_by(SurveyInvitation.id))]


def _claim(session: Session, invitation_id: int, *, reminder: bool, moment: datetime) -> bool:
    column = SurveyInvitation.reminded_at if reminder else SurveyInvitation.invited_at
    claimed = session.execute(
        sa.update(SurveyInvitation).where(SurveyInvitation.id == invitation_id, column.is_(None))
        .values({column.key: moment}).returning(SurveyInvitation.id)
        .execution_options(synchronize_session=False)).first()
    return claimed is not None


def _mail(session: Session, person: User, survey: Survey, cohort: Cohort, *, reminder: bool) -> None:
    queue_mail(session, template="survey_reminder" if reminder else "survey_invitation", recipient=person.email,
               language=mail_language(person), kind="survey_reminder" if reminder else "survey_invitation",
               organisation_id=person.organisation_id, recipient_user_id=person.id, person=person,
               cohort=cohort, survey_kind=survey.kind, closes_on=survey.closes_on,
               survey_url=absolute_url("outcomes.answer_survey", survey_id=survey.id))


def _send(session: Session, run: SurveyRun, moment: datetime, today_: object, *, reminder: bool) -> None:
    surveys = _open_surveys(session, today_)
    pending = _pending(session, list(surveys), reminder=reminder, moment=moment)
    session.commit()  # end the reads; each person below is a transaction of their own
    for invitation_id, survey_id, person in pending:
        if not _claim(session, invitation_id, reminder=reminder, moment=moment):
            session.rollback()
            run.taken_by_another_run += 1
            continue
        if person.is_active:
            survey, cohort = surveys[survey_id]
            _mail(session, person, survey, cohort, reminder=reminder)
            if reminder:
                run.reminders += 1
            else:
                run.invitations += 1
        session.commit()


def run_surveys(session: Session, moment: datetime) -> SurveyRun:
    """Everything due at `moment`: prepare, open, invite, remind, close. Commits as it goes."""
    moment = moment.astimezone(UTC)
    today_ = moment.astimezone(club_zone()).date()
    run = SurveyRun()
    with club_scope(session):
        for cohort in session.scalars(sa.select(Cohort).where(Cohort.state.in_(PREPARED_STATES),
                                                              Cohort.kickoff_on.is_not(None),
                                                              Cohort.closing_on.is_not(None))
                                      .order_by(Cohort.id)):
            before = session.scalar(sa.select(sa.func.count(Survey.id)).where(Survey.cohort_id == cohort.id)) or 0
            run.prepared += max(0, len(ensure_surveys(session, cohort)) - before)
        session.commit()
        due = list(session.scalars(
            sa.select(Survey).join(Cohort, Cohort.id == Survey.cohort_id)
            .where(Survey.opened_at.is_(None), Survey.closed_at.is_(None), Survey.opens_on <= today_,
                   Survey.closes_on >= today_, Cohort.state.in_(PREPARED_STATES)).order_by(Survey.id)))
        for survey in due:
            open_survey(session, survey, moment)
            session.commit()
            run.opened += 1
        _send(session, run, moment, today_, reminder=False)
        _send(session, run, moment, today_, reminder=True)
        past = list(session.scalars(sa.select(Survey).where(Survey.opened_at.is_not(None), Survey.closed_at.is_(None),
                                                            Survey.closes_on < today_).order_by(Survey.id)))
        for survey in past:
            close_survey(session, survey, moment)
            session.commit()
            run.closed += 1
    log.info("surveys at %s: %s", moment.isoformat(), run.as_dict())
    return run
