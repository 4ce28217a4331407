"""The board's pages of a cohort's surveys: both surveys with their dates, state and response rate; one survey's
questions, its dates and questions changed while it is not opened; who has answered (to remind them), never
what. The survey must be one of the URL's cohort and the question one of the survey's, else 404.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import today
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.config import LANGUAGES
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.outcomes.models import MAX_OPTIONS, MAX_QUESTIONS, MAX_SCALE_POINTS, Survey, SurveyQuestion
from tandem.platform.outcomes.surveys import operations, queries
from tandem.platform.outcomes.surveys.forms import (
    OPTIONS_HINT,
    ButtonForm,
    DatesForm,
    QuestionForm,
)
from tandem.platform.outcomes.surveys.rules import SurveyState, survey_state
from tandem.platform.outcomes.wording import AUDIENCE_LABELS, KIND_LABELS
from tandem.platform.privacy.records.seen import note_viewed
from tandem.platform.transaction import request_transaction


def _labels() -> dict[str, str]:
    return {"midpoint": _("Mid-point survey"), "final": _("Final survey")}


def _url_survey(survey_id: int) -> Survey:
    survey = db_session().get(Survey, survey_id)
    if survey is None or survey.cohort_id != url_cohort().id:
        abort(404)
    return survey


def _url_question(survey: Survey, question_id: int) -> SurveyQuestion:
    question = db_session().get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _common() -> dict[str, object]:
    return {"survey_labels": _labels(), "kind_labels": KIND_LABELS, "audience_labels": AUDIENCE_LABELS,
            "text_languages": LANGUAGES, "options_hint": OPTIONS_HINT, "SurveyState": SurveyState,
            "current_language": current_language(), "max_options": MAX_OPTIONS,
            "max_points": MAX_SCALE_POINTS, "max_questions": MAX_QUESTIONS}


@allow(Role.BOARD)
def surveys() -> str:
    cohort = url_cohort()
    rows = queries.cohort_surveys(db_session(), cohort.id, today())
    can_prepare = cohort.kickoff_on is not None and cohort.closing_on is not None
    return render_template("outcomes/board_surveys.html", cohort=cohort, rows=rows, can_prepare=can_prepare,
                           form=ButtonForm(), **_common())


@allow(Role.BOARD)
def prepare() -> Response:
    cohort = url_cohort()
    if not ButtonForm().validate_on_submit():
        abort(400)
    with request_transaction() as outcome:
        prepared = operations.ensure_surveys(db_session(), cohort)
        if prepared:
            outcome.say(_("The surveys are prepared with their default dates and questions."))
        else:
            outcome.say(_("The surveys need the cohort's kick-off and closing dates."), "error")
    return redirect(url_for("outcomes.board_surveys", cohort_id=cohort.id))


def _render_survey(survey: Survey, question_form: QuestionForm | None = None, dates_form: DatesForm | None = None,
                   status: int = 200) -> tuple[str, int]:
    cohort = url_cohort()
    state = survey_state(survey, today())
    return render_template(
        "outcomes/board_survey.html", cohort=cohort, survey=survey, state=state,
        questions=queries.survey_questions(db_session(), survey.id),
        question_form=question_form or QuestionForm(formdata=None, data={"audience": "both", "kind": "scale",
                                                                         "scale_min": 1, "scale_max": 5}),
        dates_form=dates_form or DatesForm(formdata=None, data={"opens_on": survey.opens_on,
                                                                "closes_on": survey.closes_on}),
        button_form=ButtonForm(formdata=None), **_common()), status


@allow(Role.BOARD)
def survey(survey_id: int) -> Response | tuple[str, int]:
    """The survey's questions; a POST adds one (while the survey is not opened)."""
    found = _url_survey(survey_id)
    if request.method == "GET":
        return _render_survey(found)
    form = QuestionForm()
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            operations.add_question(db_session(), found, form.draft())
            outcome.say(_("The question is added."))
        if outcome.committed:
            return redirect(url_for("outcomes.board_survey", cohort_id=found.cohort_id, survey_id=found.id))
    return _render_survey(found, question_form=form, status=400)


@allow(Role.BOARD)
def dates(survey_id: int) -> Response | tuple[str, int]:
    found = _url_survey(survey_id)
    form = DatesForm()
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            operations.set_survey_dates(db_session(), found, form.opens_on.data, form.closes_on.data,
                                        today=today())
            outcome.say(_("The dates are saved."))
        if outcome.committed:
            return redirect(url_for("outcomes.board_survey", cohort_id=found.cohort_id, survey_id=found.id))
    return _render_survey(found, dates_form=form, status=400)


@allow(Role.BOARD)
def edit_question(survey_id: int, question_id: int) -> Response | tuple[str, int]:
    found = _url_survey(survey_id)
    question = _url_question(found, question_id)
    status = 200
    if request.method == "GET":
        form = QuestionForm(formdata=None, data=QuestionForm.values_of(question))
    else:
        form = QuestionForm()
        if form.validate_on_submit():
            with request_transaction(form) as outcome:
                operations.change_question(db_session(), found, question, form.draft())
                outcome.say(_("The question is saved."))
            if outcome.committed:
                return redirect(url_for("outcomes.board_survey", cohort_id=found.cohort_id, survey_id=found.id))
        status = 400
    return render_template("outcomes/board_survey_question.html", cohort=url_cohort(), survey=found,
                           question=question, form=form, state=survey_state(found, today()),
                           **_common()), status


@allow(Role.BOARD)
def delete_question(survey_id: int, question_id: int) -> Response:
    found = _url_survey(survey_id)
    question = _url_question(found, question_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    with request_transaction() as outcome:
        operations.delete_question(db_session(), found, question)
        outcome.say(_("The question is deleted."))
    return redirect(url_for("outcomes.board_survey", cohort_id=found.cohort_id, survey_id=found.id))


@allow(Role.BOARD)
def respondents(survey_id: int) -> str:
    found = _url_survey(survey_id)
    rows = queries.respondents(db_session(), found.id)
    note_viewed((row.user_id for row in rows), "survey_respondents", cohort_id=url_cohort().id, survey_id=found.id)
    return render_template("outcomes/board_survey_respondents.html", cohort=url_cohort(), survey=found, rows=rows,
                           state=survey_state(found, today()), answered=sum(1 for row in rows if row.answered),
                           **_common())
