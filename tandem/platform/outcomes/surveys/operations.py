"""Everything that changes the surveys: preparing a cohort's two surveys, the board's dates and questions while
a survey is not opened, opening (the invitations), a person's answers, closing (the answers unlinked from
their authors). Flush, never commit; all or nothing: every check runs before the first write.

Anonymity: a response is found by its author only through `respondent_key(survey_id, participation_id)`, an
HMAC under the server's secret; `close_survey` clears every key of the survey. The invitation says only that
someone answered (`answered_at`), never what.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import Cohort, Participation, ParticipationStatus
from tandem.platform.database import matched_rows
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.outcomes.models import (
    MAX_LEARNINGS,
    MAX_QUESTIONS,
    RESPONSE_ID_BYTES,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyKind,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.outcomes.surveys.defaults import DEFAULT_QUESTIONS, default_dates
from tandem.platform.outcomes.surveys.rules import (
    QuestionDraft,
    answer_problem,
    asks,
    dates_problems,
    learning_problem,
    question_problems,
    takes_answers,
)
from tandem.platform.pairs.models import ClosureOutcome, PairClosure
from tandem.platform.refusals import FieldProblems, OperationRefused
from tandem.platform.workbench.models import Pair, PairStatus

KEY_PREFIX = "tandem survey response"
FINAL_NEAR_CLOSING = timedelta(days=28)  # the final survey opens within four weeks of the closing day


@dataclass(frozen=True)
class AnswerInput:
    """One answer as the person gave it; the part that belongs to the question's kind, the others None."""

    scale_value: int | None = None
    choices: tuple[int, ...] | None = None
    text: str | None = None
    share_text: bool = False

    def is_empty(self) -> bool:
        return self.scale_value is None and not self.choices and not (self.text or "").strip()


def club_day(moment: datetime) -> date:
    return moment.astimezone(club_zone()).date()


def respondent_key(survey_id: int, participation_id: int) -> str:
    """The link from a person's participation to their response while the survey is open: HMAC-SHA256 under the
    server's secret (needs an app context)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{KEY_PREFIX}/{survey_id}/{participation_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------------------- preparing, dates


def _default_question_rows(survey_id: int) -> list[SurveyQuestion]:
    rows = []
    for position, question in enumerate(DEFAULT_QUESTIONS, start=1):
        rows.append(SurveyQuestion(
            survey_id=survey_id, position=position, key=question.key, audience=str(question.audience),
            kind=str(question.kind), text_de=question.texts["de"], text_fr=question.texts["fr"],
            text_it=question.texts["it"], text_en=question.texts["en"],
            scale_min=question.scale[0] if question.scale else None,
            scale_max=question.scale[1] if question.scale else None,
            scale_labels={language: list(words) for language, words in question.scale_labels.items()}
            if question.scale_labels else sa.null(),
            options=[dict(option) for option in question.options] or sa.null()))
    return rows


def _fits(survey: Survey, cohort: Cohort) -> bool:
    """Whether a survey's dates still fit its cohort's programme (the board's own dates are kept while they
    do): the mid-point survey opens between kick-off and closing, the final one within FINAL_NEAR_CLOSING of
    the closing day."""
    assert cohort.kickoff_on is not None and cohort.closing_on is not None
    if survey.closes_on < survey.opens_on:
        return False
    if survey.kind == SurveyKind.MIDPOINT:
        return cohort.kickoff_on <= survey.opens_on < cohort.closing_on
    return abs(survey.opens_on - cohort.closing_on) <= FINAL_NEAR_CLOSING


def ensure_surveys(session: Session, cohort: Cohort) -> list[Survey]:
    """The cohort's two surveys, created with their default dates and questions when missing (only when the
    cohort has its kick-off and closing dates; [] otherwise). A survey not opened yet whose dates no longer fit
    the cohort's (its dates moved) gets its default dates again. Idempotent."""
    if cohort.kickoff_on is None or cohort.closing_on is None or cohort.closing_on <= cohort.kickoff_on:
        return []
    existing = {survey.kind: survey for survey in session.scalars(
        sa.select(Survey).where(Survey.cohort_id == cohort.id))}
    surveys = []
    for kind in (SurveyKind.MIDPOINT, SurveyKind.FINAL):
        opens_on, closes_on = default_dates(kind, cohort.kickoff_on, cohort.closing_on, cohort.symposium_on)
        survey = existing.get(kind)
        if survey is None:
            survey = Survey(cohort_id=cohort.id, kind=str(kind), opens_on=opens_on, closes_on=closes_on)
            session.add(survey)
            session.flush()
            session.add_all(_default_question_rows(survey.id))
        elif survey.opened_at is None and not _fits(survey, cohort):
            survey.opens_on, survey.closes_on = opens_on, closes_on
        surveys.append(survey)
    session.flush()
    return surveys


def _hold_unopened(session: Session, survey: Survey) -> None:
    """Refuse unless the survey is not opened; on PostgreSQL the survey's row stays locked until commit, so
    that the job cannot open it between this check and the change."""
    held = matched_rows(session, sa.update(Survey).where(Survey.id == survey.id, Survey.opened_at.is_(None))
                        .values(opens_on=Survey.opens_on).execution_options(synchronize_session=False))
    if held != 1:
        raise OperationRefused(_l("This survey is open: its dates and questions can no longer change."))


def set_survey_dates(session: Session, survey: Survey, opens_on: date | None, closes_on: date | None, *,
                     today: date) -> Survey:
    """The board's dates for a survey not opened yet (both days included)."""
    problems = dates_problems(opens_on, closes_on, today)
    if problems:
        raise FieldProblems(problems, _l("The dates are not saved."))
    assert opens_on is not None and closes_on is not None
    cohort = session.get(Cohort, survey.cohort_id)
    if cohort is not None and cohort.kickoff_on is not None and cohort.closing_on is not None:
        proposed = Survey(kind=survey.kind, opens_on=opens_on, closes_on=closes_on)
        if not _fits(proposed, cohort):
            if survey.kind == SurveyKind.MIDPOINT:
                message = _l("The mid-point survey opens between the kick-off and the closing day.")
            else:
                message = _l("The final survey opens within four weeks before or after the closing day.")
            raise FieldProblems({"opens_on": message}, _l("The dates are not saved."))
    _hold_unopened(session, survey)
    survey.opens_on, survey.closes_on = opens_on, closes_on
    session.flush()
    return survey


# ------------------------------------------------------------------------------------------------ questions


def _apply_draft(question: SurveyQuestion, draft: QuestionDraft) -> None:
    question.audience, question.kind = str(draft.audience), str(draft.kind)
    question.text_de = draft.text("de") or None
    question.text_fr = draft.text("fr") or None
    question.text_it = draft.text("it") or None
    question.text_en = draft.text("en") or None
    # SQL NULL, not JSON null, where a kind has no labels or options.
    if draft.kind == QuestionKind.SCALE:
        question.scale_min, question.scale_max = draft.scale_min, draft.scale_max
        question.scale_labels, question.options = draft.scale_labels() or sa.null(), sa.null()
    elif draft.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        question.scale_min = question.scale_max = None
        question.scale_labels, question.options = sa.null(), draft.options()
    else:
        question.scale_min = question.scale_max = None
        question.scale_labels = question.options = sa.null()


def _check_draft(draft: QuestionDraft) -> None:
    problems = question_problems(draft)
    if problems:
        raise FieldProblems(problems, _l("The question is not saved."))


def add_question(session: Session, survey: Survey, draft: QuestionDraft) -> SurveyQuestion:
    """A question of the board's at the end of a survey not opened yet."""
    _check_draft(draft)
    _hold_unopened(session, survey)
    count, last = session.execute(sa.select(sa.func.count(SurveyQuestion.id), sa.func.max(SurveyQuestion.position))
                                  .where(SurveyQuestion.survey_id == survey.id)).one()
    if count >= MAX_QUESTIONS:
        raise OperationRefused(_l("A survey has at most %(max)d questions.", max=MAX_QUESTIONS))
    question = SurveyQuestion(survey_id=survey.id, position=(last or 0) + 1, key=None)
    _apply_draft(question, draft)
    session.add(question)
    session.flush()
    return question


def change_question(session: Session, survey: Survey, question: SurveyQuestion, draft: QuestionDraft
                    ) -> SurveyQuestion:
    """Change a question of a survey not opened yet. A default question keeps its key (the across-cohort
    report compares it) only while its kind, audience, scale and number of options stay."""
    if question.survey_id != survey.id:
        raise OperationRefused(_l("This question is not one of this survey's."))
    _check_draft(draft)
    _hold_unopened(session, survey)
    shape = (question.kind, question.audience, question.scale_min, question.scale_max, len(question.options or []))
    scale = draft.kind == QuestionKind.SCALE
    choice = draft.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    new_shape = (draft.kind, draft.audience, draft.scale_min if scale else None, draft.scale_max if scale else None,
                 len(draft.options()) if choice else 0)
    _apply_draft(question, draft)
    if new_shape != shape:
        question.key = None
    session.flush()
    return question


def delete_question(session: Session, survey: Survey, question: SurveyQuestion) -> None:
    if question.survey_id != survey.id:
        raise OperationRefused(_l("This question is not one of this survey's."))
    _hold_unopened(session, survey)
    session.delete(question)
    session.flush()


# -------------------------------------------------------------------------------------------------- opening


def eligible_participations(session: Session, cohort_id: int) -> list[Participation]:
    """Who is asked: the cohort's active participations in a pair that is active, or ended completed (not
    ended early). One query (in the caller's scope)."""
    in_pair = (sa.select(Pair.id).outerjoin(PairClosure, PairClosure.pair_id == Pair.id)
               .where(Pair.cohort_id == cohort_id,
                      sa.or_(Pair.mentor_participation_id == Participation.id,
                             Pair.mentee_participation_id == Participation.id),
                      sa.or_(Pair.status == PairStatus.ACTIVE,
                             sa.and_(Pair.status == PairStatus.ENDED,
                                     PairClosure.outcome == ClosureOutcome.COMPLETED))))
    return list(session.scalars(
        sa.select(Participation).where(Participation.cohort_id == cohort_id,
                                       Participation.status == ParticipationStatus.ACTIVE,
                                       in_pair.exists()).order_by(Participation.id)))


def open_survey(session: Session, survey: Survey, moment: datetime) -> list[SurveyInvitation]:
    """Open a survey: its questions are fixed from now on, and everyone asked gets an invitation (mailed by the
    job, which claims each). Opening a survey already opened (another run was first) creates nothing."""
    moment = moment.astimezone(UTC)  # stored as UTC whatever zone the caller's moment is in (SQLite keeps it as given)
    claimed = matched_rows(session, sa.update(Survey).where(Survey.id == survey.id, Survey.opened_at.is_(None))
                           .values(opened_at=moment).execution_options(synchronize_session=False))
    if claimed != 1:
        return []
    session.refresh(survey)
    invited = set(session.scalars(sa.select(SurveyInvitation.participation_id)
                                  .where(SurveyInvitation.survey_id == survey.id)))
    invitations = [SurveyInvitation(survey_id=survey.id, participation_id=participation.id,
                                    organisation_id=participation.organisation_id)
                   for participation in eligible_participations(session, survey.cohort_id)
                   if participation.id not in invited]
    session.add_all(invitations)
    session.flush()
    return invitations


# -------------------------------------------------------------------------------------------------- answers


def questions_for(session: Session, survey_id: int, role: str) -> list[SurveyQuestion]:
    return [question for question in session.scalars(
        sa.select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id).order_by(SurveyQuestion.position))
        if asks(question.audience, role)]


def asks_learnings(survey: Survey, role: str) -> bool:
    return survey.kind == SurveyKind.FINAL and role == "mentee"


def save_response(session: Session, survey: Survey, participation: Participation,
                  answers: Mapping[int, AnswerInput], *, learnings: Sequence[str] = (),
                  share_learnings: bool = False, moment: datetime) -> SurveyResponse:
    """Save a person's answers (replacing the ones they saved before) while the survey is open. Questions
    left out are unanswered. Refused, with nothing written, when they are not asked, the survey is not open,
    an answer does not fit its question, a text is too long, or nothing is answered."""
    moment = moment.astimezone(UTC)
    invitation = session.scalar(sa.select(SurveyInvitation).where(
        SurveyInvitation.survey_id == survey.id, SurveyInvitation.participation_id == participation.id))
    if invitation is None or participation.cohort_id != survey.cohort_id:
        raise OperationRefused(_l("You are not asked in this survey."))
    if not takes_answers(survey, club_day(moment)):
        raise OperationRefused(_l("This survey is closed: answers are no longer taken."))
    questions = {question.id: question for question in questions_for(session, survey.id, participation.role)}
    problems: dict[str, object] = {}
    for question_id, answer in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise OperationRefused(_l("One of the answers is not for a question you are asked."))
        problem = answer_problem(question, answer.scale_value, answer.choices, answer.text)
        if problem is not None:
            problems[f"q{question_id}"] = problem
    kept_learnings = [(position, text.strip()) for position, text in enumerate(learnings, start=1) if text.strip()]
    if kept_learnings and not asks_learnings(survey, participation.role):
        raise OperationRefused(_l("Learnings are asked of mentees at the final survey."))
    if len(learnings) > MAX_LEARNINGS:
        raise OperationRefused(_l("At most %(max)d learnings.", max=MAX_LEARNINGS))
    for position, text in kept_learnings:
        problem = learning_problem(text)
        if problem is not None:
            problems[f"learning_{position}"] = problem
    if problems:
        raise FieldProblems(problems, _l("Your answers are not saved yet: please check the questions marked."))
    given = {question_id: answer for question_id, answer in answers.items() if not answer.is_empty()}
    if not given and not kept_learnings:
        raise OperationRefused(_l("Please answer at least one question before you save."))

    key = respondent_key(survey.id, participation.id)
    response = session.scalar(sa.select(SurveyResponse).where(SurveyResponse.respondent_key == key))
    if response is None and invitation.answered_at is not None:
        # Answered, but the answers cannot be found by their key (the server's SECRET_KEY changed while the survey
        # was open): they stay counted; a second response would count the person twice.
        raise OperationRefused(_l("Your answers were saved before, but they can no longer be found to change them "
                                  "(the site's key has changed). They are counted as they are."))
    if response is None:
        response = SurveyResponse(id=secrets.token_hex(RESPONSE_ID_BYTES), survey_id=survey.id,
                                  role=participation.role, organisation_id=participation.organisation_id,
                                  respondent_key=key)
        session.add(response)
        session.flush()
    else:
        session.execute(sa.delete(SurveyAnswer).where(SurveyAnswer.response_id == response.id))
        session.execute(sa.delete(SurveyLearning).where(SurveyLearning.response_id == response.id))
    response.share_learnings = bool(share_learnings and kept_learnings)
    for question_id, answer in given.items():
        kind = questions[question_id].kind
        answer_text = (answer.text or "").strip() if kind == QuestionKind.TEXT else None
        session.add(SurveyAnswer(
            response_id=response.id, question_id=question_id,
            scale_value=answer.scale_value if kind == QuestionKind.SCALE else None,
            # SQL NULL, not JSON null, for the answers of other kinds (reports read `choices IS NOT NULL`).
            choices=sorted(answer.choices or ()) if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            else sa.null(),
            text=answer_text, share_text=bool(answer.share_text and answer_text)))
    # The learnings numbered 1.. in the order given, whatever boxes were left empty.
    for position, (_, text) in enumerate(kept_learnings, start=1):
        session.add(SurveyLearning(response_id=response.id, position=position, text=text))
    if invitation.answered_at is None:
        invitation.answered_at = moment
    session.flush()
    return response


def own_response(session: Session, survey_id: int, participation_id: int) -> SurveyResponse | None:
    """The person's own response while the survey is open (None before their first save or after closing)."""
    return session.scalar(sa.select(SurveyResponse).where(
        SurveyResponse.respondent_key == respondent_key(survey_id, participation_id)))


# -------------------------------------------------------------------------------------------------- closing


def close_survey(session: Session, survey: Survey, moment: datetime) -> None:
    """Close a survey: every response's link to its author is cleared; no answer leads to a person from now
    on. Closing twice changes nothing."""
    moment = moment.astimezone(UTC)
    session.execute(sa.update(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                    SurveyResponse.respondent_key.is_not(None))
                    .values(respondent_key=None).execution_options(synchronize_session=False))
    session.execute(sa.update(Survey).where(Survey.id == survey.id, Survey.closed_at.is_(None))
                    .values(closed_at=moment).execution_options(synchronize_session=False))
    session.flush()
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, SurveyResponse) and loaded.survey_id == survey.id:
            session.expire(loaded)
    session.refresh(survey)
