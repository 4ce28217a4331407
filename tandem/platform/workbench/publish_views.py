"""The board's publishing of a cohort's pairs, and its rematch requests (club scope)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.models import Cohort
from tandem.platform.workbench.publish import PublishRefused, publish_problems, publish_run
from tandem.platform.workbench.rematch import (
    NOTE_MAX,
    RematchRefused,
    RequestRow,
    decide_rematch,
    open_rematch_count,
    rematch_request,
    rematch_requests,
)
from tandem.platform.workbench.runs import published_run
from tandem.tenants.operations import FieldProblem


class PublishForm(FlaskForm):
    """Publishing: the run the board looked at, and a tick that it has checked the pairs."""

    run_id = HiddenField(validators=[DataRequired()])
    confirm = BooleanField(_l("I have checked the pairs: activate them and tell everyone now"))


class DecideForm(FlaskForm):
    """The board's decision on one rematch request: accept or decline, with a note."""

    note = TextAreaField(
        _l("Note to the person who asked"),
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("At most %(max)d characters."))],
        description=_l("Sent with the decision. Needed when you keep the tandem."),
        render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )
    accept = SubmitField(_l("Accept: end the tandem"))
    decline = SubmitField(_l("Decline: keep the tandem"))


def register(blueprint: Blueprint) -> None:
    """Add this module's routes to the matching blueprint."""
    blueprint.add_url_rule("/publish", "publish", publish, methods=["POST"])
    blueprint.add_url_rule("/rematch-requests", "rematch_requests", requests_page)
    blueprint.add_url_rule("/rematch-requests/<int:request_id>", "decide_rematch", decide, methods=["POST"])


def publish_context(session: Session, cohort: Cohort) -> dict[str, Any]:
    """What `workbench/_publish.html` needs; the workbench view spreads it into its template context."""
    problems, summary = publish_problems(session, cohort)
    return {
        "publish_problems": problems,
        "publish_summary": summary,
        "publish_form": PublishForm(data={"run_id": summary.run_id or ""}),
        "published_run": published_run(session, cohort.id),
        "open_rematch_count": open_rematch_count(session, cohort.id),
    }


def _cohort(cohort_id: int) -> Cohort:
    cohort = db_session().get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _workbench(cohort: Cohort) -> Response:
    # The workbench is the publish button's page (cohort page as a fallback while it does not exist).
    if "matching.workbench" in current_app.view_functions:
        return redirect(url_for("matching.workbench", cohort_id=cohort.id))
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@allow(Role.BOARD)
def publish(cohort_id: int) -> Response:
    session = db_session()
    cohort = _cohort(cohort_id)
    form = PublishForm()
    if not form.validate_on_submit() or not (form.run_id.data or "").isdigit():
        abort(400)
    if not form.confirm.data:
        flash(_("Not published: tick the box to confirm that you have checked the pairs."), "error")
        return _workbench(cohort)
    try:
        activated = publish_run(session, cohort, current_user.id, expected_run_id=int(form.run_id.data))
    except PublishRefused as refused:
        session.rollback()
        flash(_("Not published: %(reason)s", reason=str(refused)), "error")
        return _workbench(cohort)
    session.commit()
    flash(ngettext("The pairs are published: %(num)d tandem is active, and everyone concerned is told by e-mail.",
                   "The pairs are published: %(num)d tandems are active, and everyone concerned is told by "
                   "e-mail.", activated), "success")
    return _workbench(cohort)


def _render_requests(cohort: Cohort, rows: list[RequestRow], failed: tuple[int, DecideForm] | None = None
                     ) -> tuple[str, int]:
    forms = {row.request.id: DecideForm(formdata=None) for row in rows if row.is_open}
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    return render_template("workbench/rematch_requests.html", cohort=cohort, rows=rows, forms=forms,
                           open_count=sum(1 for row in rows if row.is_open)), (400 if failed else 200)


@allow(Role.BOARD)
def requests_page(cohort_id: int) -> tuple[str, int]:
    cohort = _cohort(cohort_id)
    return _render_requests(cohort, rematch_requests(db_session(), cohort.id))


@allow(Role.BOARD)
def decide(cohort_id: int, request_id: int) -> Response | tuple[str, int]:
    session = db_session()
    cohort = _cohort(cohort_id)
    if rematch_request(session, cohort.id, request_id) is None:
        abort(404)  # another cohort's request does not exist here
    form = DecideForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors or not (form.accept.data or form.decline.data):
            abort(400)
        session.rollback()
        return _render_requests(cohort, rematch_requests(session, cohort.id), (request_id, form))
    if not (form.accept.data or form.decline.data):
        abort(400)
    accept = bool(form.accept.data)
    try:
        row = decide_rematch(session, request_id, cohort.id, accept, form.note.data, current_user.id)
    except LookupError:
        abort(404)
    except FieldProblem as problem:
        session.rollback()
        getattr(form, problem.field).errors.append(str(problem))
        return _render_requests(cohort, rematch_requests(session, cohort.id), (request_id, form))
    except RematchRefused as refused:
        session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("matching.rematch_requests", cohort_id=cohort.id))
    session.commit()
    if accept:
        flash(_("The tandem of %(requester)s and %(partner)s has ended. Both are told by e-mail; pair them anew "
                "by hand.", requester=row.requester.display_name, partner=row.partner.display_name), "success")
    else:
        flash(_("The tandem of %(requester)s and %(partner)s stays. %(requester)s is told by e-mail.",
                requester=row.requester.display_name, partner=row.partner.display_name), "success")
    return redirect(url_for("matching.rematch_requests", cohort_id=cohort.id))
