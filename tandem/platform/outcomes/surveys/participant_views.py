"""A participant's surveys: the list of their own (open, upcoming, closed), and answering one.

Only a survey the signed-in person has an invitation for (read in their organisation's scope) is shown; any
other id answers 404, the board's and the admins' included. The person sees and may change their own saved
answers until the survey closes; they are found by the respondent key, which closing clears: from then on the
page is read-only and says that the answers are no longer linked to them.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import now, today
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.outcomes.models import MAX_ANSWER_TEXT, MAX_LEARNING, MAX_LEARNINGS
from tandem.platform.outcomes.surveys import queries
from tandem.platform.outcomes.surveys.forms import answer_form_class, answer_form_data
from tandem.platform.outcomes.surveys.operations import asks_learnings, questions_for, save_response
from tandem.platform.outcomes.surveys.queries import Invited, my_invitation, saved_answers
from tandem.platform.outcomes.surveys.rules import SurveyState, survey_state
from tandem.platform.transaction import request_transaction


@allow(Role.PARTICIPANT)
def my_surveys() -> str:
    rows = queries.my_surveys(db_session(), current_user.id, today())
    return render_template("outcomes/surveys.html", rows=rows, SurveyState=SurveyState)


def _invited(survey_id: int) -> Invited:
    invited = my_invitation(db_session(), current_user.id, survey_id)
    if invited is None:
        abort(404)
    return invited


@allow(Role.PARTICIPANT)
def answer_survey(survey_id: int) -> Response | tuple[str, int] | str:
    session = db_session()
    invited = _invited(survey_id)
    survey, participation = invited.survey, invited.participation
    state = survey_state(survey, today())
    if state != SurveyState.OPEN:
        return render_template("outcomes/survey_closed.html", invited=invited, survey=survey,
                               cohort=invited.cohort, unlinked=survey.closed_at is not None,
                               answered=invited.invitation.answered_at is not None)
    language = current_language()
    questions = questions_for(session, survey.id, participation.role)
    with_learnings = asks_learnings(survey, participation.role)
    form_class = answer_form_class(questions, language, with_learnings)
    saved = saved_answers(session, survey.id, participation.id)
    status = 200
    if request.method == "GET":
        form = form_class(formdata=None, data=answer_form_data(questions, saved))
    else:
        form = form_class()
        valid = form.validate_on_submit()
        if form.check_answers(questions) and valid:
            with request_transaction(form) as outcome:
                save_response(session, survey, participation, form.answers(), learnings=form.learnings(),
                              share_learnings=form.share_learnings_chosen(), moment=now())
                outcome.say(_("Your answers are saved. You can change them until %(date)s.",
                              date=format_date(survey.closes_on, "long")))
            if outcome.committed:
                return redirect(url_for("outcomes.answer_survey", survey_id=survey.id))
        status = 400
    return render_template("outcomes/survey.html", invited=invited, survey=survey, cohort=invited.cohort,
                           questions=questions, form=form, saved=saved, with_learnings=with_learnings,
                           language=language, max_answer=MAX_ANSWER_TEXT, max_learning=MAX_LEARNING,
                           max_learnings=MAX_LEARNINGS), status

