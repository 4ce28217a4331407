"""The board's cohort pages (club scope, set by tandem.platform.access for Role.BOARD)."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from tandem.platform import audit
from tandem.platform.access import Role, allow
from tandem.platform.board.queries import cohort_summaries
from tandem.platform.clock import today
from tandem.platform.cohorts.export import nominations_csv as render_csv
from tandem.platform.cohorts.forms import LANGUAGE_LABELS, CohortForm, NewCohortForm, TransitionForm, quota_form_class
from tandem.platform.cohorts.lifecycle import (
    BY_NAME,
    TransitionPreview,
    apply_transition,
    available_transitions,
    transition_preview,
)
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.cohorts.operations import (
    EDITABLE_STATES,
    QUOTA_EDITABLE_STATES,
    create_cohort,
    save_quotas,
    update_cohort,
)
from tandem.platform.cohorts.queries import ROLES, STATUSES, cohort_nominations, nominations_page, quota_rows
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.pagination import page_number
from tandem.platform.privacy.records.seen import BOARD, note_viewed, record_views
from tandem.platform.programme.models import DATED_KINDS, EventKind, EventStatus, ProgrammeEvent
from tandem.platform.programme.queries import cohort_events
from tandem.platform.showcase.stories.jobs import invite_story_writers
from tandem.platform.transaction import request_transaction
from tandem.workers.queues import enqueue_after_commit

LIFECYCLE = list(CohortState)
NEW_COHORT_DEFAULTS = {"meeting_every_min_weeks": 3, "meeting_every_max_weeks": 4,
                       "languages": ["de", "fr", "it", "en"]}



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
            cohort = create_cohort(session, slug=validated(form.slug.data), actor_user_id=current_user.id,
                                   **form.values())
            outcome.say(_("The cohort %(name)s is created as a draft.", name=cohort.name))
        if outcome.committed:
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None, **_common()), (400 if form.errors else 200)


@allow(Role.BOARD)
def show() -> str:
    """The cohort's lifecycle and settings; with `?confirm=<step>`, the confirmation page of that step."""
    session = db_session()
    cohort = url_cohort()
    asked = request.args.get("confirm")
    if asked:
        preview = transition_preview(session, cohort, asked, today=today())
        if preview is not None and preview.option.allowed and (preview.option.confirm or preview.option.reason_needed):
            return _confirmation(cohort, preview, TransitionForm(data={"transition": asked, "step": "confirm"}))
    return render_template("cohorts/show.html", cohort=cohort,
                           options=available_transitions(session, cohort, today=today()),
                           quotas=quota_rows(session, cohort, active_only=False), step=LIFECYCLE.index(
                               CohortState(cohort.state)) + 1, editable=cohort.state in EDITABLE_STATES,
                           transition_form=TransitionForm(), **_common())


def _confirmation(cohort: Cohort, preview: TransitionPreview, form: TransitionForm) -> str:
    return render_template("cohorts/confirm.html", cohort=cohort, preview=preview, option=preview.option,
                           form=form, **_common())


def _cohort_values(cohort: Cohort) -> dict[str, object]:
    return {key: getattr(cohort, key) for key in (
        "name", "nomination_deadline", "kickoff_on", "closing_on", "symposium_on", "symposium_venue",
        "meeting_every_min_weeks", "meeting_every_max_weeks", "languages")}


def _owning_events(session: Session, cohort: Cohort) -> dict[str, ProgrammeEvent]:
    """field -> the programme's event that sets it (the kick-off, closing and symposium, not cancelled; the
    symposium sets the venue too). These fields are shown read-only, with a link to their event."""
    owning: dict[str, ProgrammeEvent] = {}
    for row in cohort_events(session, cohort.id):
        event = row.event
        if event.kind in DATED_KINDS and event.status != EventStatus.CANCELLED:
            owning[DATED_KINDS[EventKind(event.kind)]] = event
    if "symposium_on" in owning:
        owning["symposium_venue"] = owning["symposium_on"]
    return owning


@allow(Role.BOARD)
def edit() -> str | Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    if cohort.state not in EDITABLE_STATES:
        reasons = [_("A cohort can be changed only while it is a draft or takes nominations.")]
        if cohort.state != CohortState.ARCHIVED:
            reasons.append(_("Its dates and the symposium's venue are changed through the events of its programme: "
                             "the invitees are told of each change."))
        if request.method == "GET":  # the Settings tab: the settings as they are, read-only, and why
            return render_template("cohorts/form.html", form=None, cohort=cohort, read_only=reasons, **_common())
        flash(reasons[0], "error")
        for reason in reasons[1:]:
            flash(reason, "info")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    owning = _owning_events(session, cohort)
    # The fields an event sets are shown, not sent: they keep the cohort's values (a value sent anyway is
    # checked by update_cohort, which refuses a change).
    form = CohortForm(data={name: getattr(cohort, name) for name in owning} if request.method == "POST"
                      else _cohort_values(cohort), require_dates=cohort.state == CohortState.NOMINATIONS_OPEN)
    if form.validate_on_submit():
        with request_transaction(form, refused=lambda reason: _("Not saved: %(reason)s", reason=reason)) as outcome:
            update_cohort(session, cohort, actor_user_id=current_user.id, **form.values())
            outcome.say(_("The cohort %(name)s is saved.", name=cohort.name))
        if outcome.committed:
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort, owning=owning, **_common()), (
        400 if form.errors else 200)


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
def transition() -> Response | tuple[str, int]:
    """Make a lifecycle step. From its confirmation page (`step=confirm`), the box must be ticked and the
    reason given when the step needs one, else the page is shown again with the messages (400). The show
    page sends the steps that need no confirmation directly; a step that needs a reason is refused by the
    lifecycle without one, however it is sent."""
    session = db_session()
    cohort = url_cohort()
    form = TransitionForm()
    valid = form.validate_on_submit()
    name = form.transition.data
    if not form.is_submitted() or name not in BY_NAME or "csrf_token" in form.errors or form.transition.errors:
        abort(400)
    day = today()
    if form.confirming:
        preview = transition_preview(session, cohort, name, today=day)
        if preview is not None and preview.option.allowed and not form.check_confirmation(
                confirm=preview.option.confirm, reason_needed=preview.option.reason_needed is not None):
            return _confirmation(cohort, preview, form), 400
    elif not valid:
        abort(400)
    with request_transaction(refused=lambda reasons: _("Not done: %(reasons)s", reasons=reasons)) as outcome:
        apply_transition(session, cohort, name, current_user.id, today=day, reason=form.reason.data)
        if name == "begin_closing":  # the pairs are invited to write their story, once this is committed
            enqueue_after_commit(session, invite_story_writers, cohort.id, queue="low")
        outcome.say(_("%(step)s: done.", step=BY_NAME[name].label))
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


NOMINATIONS_PAGES = {"organisations_page": "opage", "waiting_page": "wpage", "incomplete_page": "ipage"}


@allow(Role.BOARD)
def nominations() -> str:
    """The cohort's nominations: counts over the whole cohort, the organisations and the people waiting or with
    an incomplete profile a page at a time (`opage`, `wpage`, `ipage`)."""
    cohort = url_cohort()
    pages = {name: page_number(request.args, param) for name, param in NOMINATIONS_PAGES.items()}
    view = nominations_page(db_session(), cohort, **pages)
    note_viewed(view.shown_people, "nominations", cohort_id=cohort.id)
    page_args = {param: pages[name] for name, param in NOMINATIONS_PAGES.items() if pages[name] > 1}
    return render_template("cohorts/nominations.html", cohort=cohort, view=view, page_args=page_args,
                           roles=ROLES, statuses=STATUSES, **_common())


@allow(Role.BOARD)
def nominations_csv() -> Response:
    session = db_session()
    cohort = url_cohort()
    nominees = cohort_nominations(session, cohort).nominees
    text, rows = render_csv(nominees)
    with request_transaction():
        record_views(session, viewer_user_id=current_user.id, role=BOARD, people=[n.person.id for n in nominees],
                     what="nominations_csv", where={"cohort_id": cohort.id})
        audit.record(session, "personal_data.exported", actor_user_id=current_user.id, organisation_id=None,
                     target_type="cohort", target_id=cohort.id, details={"export": "cohort_nominations_csv",
                                                                         "rows": rows})
    filename = f"{cohort.slug}-nominations.csv"
    return FlaskResponse(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Type": "text/csv; charset=utf-8",
                             "Content-Disposition": f'attachment; filename="{filename}"'})
