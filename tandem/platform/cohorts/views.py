"""The board's cohort pages (club scope, set by tandem.platform.access for Role.BOARD)."""

from __future__ import annotations

from datetime import date

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform import audit
from tandem.platform.access import Role, allow
from tandem.platform.board.queries import cohort_summaries
from tandem.platform.cohorts.export import nominations_csv as render_csv
from tandem.platform.cohorts.forms import LANGUAGE_LABELS, CohortForm, NewCohortForm, TransitionForm, quota_form_class
from tandem.platform.cohorts.lifecycle import BY_NAME, apply_transition, available_transitions
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.cohorts.operations import (
    EDITABLE_STATES,
    QUOTA_EDITABLE_STATES,
    create_cohort,
    save_quotas,
    update_cohort,
)
from tandem.platform.cohorts.queries import ROLES, STATUSES, cohort_nominations, quota_rows
from tandem.platform.database import db_session
from tandem.platform.transaction import request_transaction

LIFECYCLE = list(CohortState)
NEW_COHORT_DEFAULTS = {"meeting_every_min_weeks": 3, "meeting_every_max_weeks": 4, "languages": ["de", "fr", "en"]}



def _common() -> dict[str, object]:
    return {"lifecycle": LIFECYCLE, "language_labels": LANGUAGE_LABELS}


@allow(Role.BOARD)
def index() -> str:
    return render_template("cohorts/index.html", summaries=cohort_summaries(db_session()), **_common())


@allow(Role.BOARD)
def new() -> str | Response | tuple[str, int]:
    session = db_session()
    form = NewCohortForm(data=None if request.method == "POST" else NEW_COHORT_DEFAULTS)
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            cohort = create_cohort(session, slug=form.slug.data, actor_user_id=current_user.id, **form.values())
            outcome.say(_("The cohort %(name)s is created as a draft.", name=cohort.name))
        if outcome.committed:
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None, **_common()), (400 if form.errors else 200)


@allow(Role.BOARD)
def show() -> str:
    session = db_session()
    cohort = url_cohort()
    return render_template("cohorts/show.html", cohort=cohort, options=available_transitions(session, cohort),
                           quotas=quota_rows(session, cohort, active_only=False), step=LIFECYCLE.index(
                               CohortState(cohort.state)) + 1, editable=cohort.state in EDITABLE_STATES,
                           transition_form=TransitionForm(), **_common())


def _cohort_values(cohort: Cohort) -> dict[str, object]:
    return {key: getattr(cohort, key) for key in (
        "name", "nomination_deadline", "kickoff_on", "closing_on", "symposium_on", "symposium_venue",
        "meeting_every_min_weeks", "meeting_every_max_weeks", "languages")}


@allow(Role.BOARD)
def edit() -> str | Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    if cohort.state not in EDITABLE_STATES:
        flash(_("A cohort can be changed only while it is a draft or takes nominations."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    form = CohortForm(data=None if request.method == "POST" else _cohort_values(cohort),
                      require_dates=cohort.state == CohortState.NOMINATIONS_OPEN)
    if form.validate_on_submit():
        with request_transaction(refused=lambda reason: _("Not saved: %(reason)s", reason=reason)) as outcome:
            update_cohort(session, cohort, actor_user_id=current_user.id, **form.values())
            outcome.say(_("The cohort %(name)s is saved.", name=cohort.name))
        if outcome.committed:
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort, **_common()), (400 if form.errors else 200)


@allow(Role.BOARD)
def quotas() -> str | Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    rows = quota_rows(session, cohort)
    editable = cohort.state in QUOTA_EDITABLE_STATES
    form_class = quota_form_class([row.organisation for row in rows])
    defaults = {}
    for row in rows:
        defaults[f"mentors_{row.organisation.id}"] = row.mentors
        defaults[f"mentees_{row.organisation.id}"] = row.mentees
    form = form_class(data=None if request.method == "POST" else defaults)
    if request.method == "POST" and not editable:
        flash(_("Quotas can be changed only while the cohort is a draft or takes nominations."), "error")
        return redirect(url_for("cohorts.quotas", cohort_id=cohort.id))
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            if save_quotas(session, cohort, form.values(), actor_user_id=current_user.id):
                outcome.say(_("The quotas are saved."))
            else:
                outcome.say(_("Nothing changed."), "info")
        if outcome.committed:
            return redirect(url_for("cohorts.quotas", cohort_id=cohort.id))
    return render_template("cohorts/quotas.html", cohort=cohort, rows=rows, form=form, editable=editable,
                           **_common()), (400 if form.errors else 200)


@allow(Role.BOARD)
def transition() -> Response:
    session = db_session()
    cohort = url_cohort()
    form = TransitionForm()
    if not form.validate_on_submit() or form.transition.data not in BY_NAME:
        abort(400)
    with request_transaction(refused=lambda reasons: _("Not done: %(reasons)s", reasons=reasons)) as outcome:
        apply_transition(session, cohort, form.transition.data, current_user.id, today=date.today())
        outcome.say(_("%(step)s: done.", step=BY_NAME[form.transition.data].label))
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@allow(Role.BOARD)
def nominations() -> str:
    cohort = url_cohort()
    return render_template("cohorts/nominations.html", cohort=cohort, view=cohort_nominations(db_session(), cohort),
                           roles=ROLES, statuses=STATUSES, **_common())


@allow(Role.BOARD)
def nominations_csv() -> Response:
    session = db_session()
    cohort = url_cohort()
    text, rows = render_csv(cohort_nominations(session, cohort).nominees)
    with request_transaction():
        audit.record(session, "personal_data.exported", actor_user_id=current_user.id, organisation_id=None,
                     target_type="cohort", target_id=cohort.id, details={"export": "cohort_nominations_csv",
                                                                         "rows": rows})
    filename = f"{cohort.slug}-nominations.csv"
    return FlaskResponse(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": f'attachment; filename="{filename}"'})
