"""Rematch requests: the participant asks (own organisation's scope), the board decides (club scope)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import today as clock_today
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.participant.loading import own_participation
from tandem.platform.participant.partner import partner_of
from tandem.platform.privacy.records.seen import note_viewed
from tandem.platform.rematch.forms import DecideForm, RematchForm
from tandem.platform.rematch.operations import decide_rematch, request_rematch
from tandem.platform.rematch.queries import (
    REMATCH_STATES,
    RequestRow,
    latest_requests,
    open_rematch_count,
    rematch_open_until,
    rematch_request,
    rematch_requests,
    window_weeks,
)
from tandem.platform.transaction import Outcome, request_transaction


def _render_requests(cohort: Cohort, rows: list[RequestRow], failed: tuple[int, DecideForm] | None = None
                     ) -> tuple[str, int]:
    forms = {row.request.id: DecideForm(formdata=None) for row in rows if row.is_open}
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    return render_template("rematch/requests.html", cohort=cohort, rows=rows, forms=forms,
                           open_count=sum(1 for row in rows if row.is_open)), (400 if failed else 200)


@allow(Role.BOARD)
def requests_page() -> tuple[str, int]:
    cohort = url_cohort()
    rows = rematch_requests(db_session(), cohort.id)
    note_viewed((person.user_id for row in rows for person in (row.requester, row.partner)), "rematch_requests",
                cohort_id=cohort.id)
    return _render_requests(cohort, rows)


@allow(Role.BOARD)
def decide(request_id: int) -> Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    if rematch_request(session, cohort.id, request_id) is None:
        abort(404)  # another cohort's request does not exist here
    form = DecideForm()
    if not form.validate_on_submit():
        if (form.meta.csrf and form.csrf_token.errors) or not (form.accept.data or form.decline.data):
            abort(400)
        return _render_requests(cohort, rematch_requests(session, cohort.id), (request_id, form))
    if not (form.accept.data or form.decline.data):
        abort(400)
    accept = bool(form.accept.data)
    try:
        with request_transaction(form) as outcome:
            row = decide_rematch(session, request_id, cohort.id, accept, form.note.data, current_user.id)
            if accept:
                outcome.say(_("The tandem of %(requester)s and %(partner)s has ended. Both are told by e-mail; pair "
                              "them anew by hand.", requester=row.requester.display_name,
                              partner=row.partner.display_name))
            else:
                outcome.say(_("The tandem of %(requester)s and %(partner)s stays. %(requester)s is told by e-mail.",
                              requester=row.requester.display_name, partner=row.partner.display_name))
    except LookupError:
        abort(404)
    if _done(outcome):
        return redirect(url_for("rematch.requests", cohort_id=cohort.id))
    return _render_requests(cohort, rematch_requests(session, cohort.id), (request_id, form))


def _done(outcome: Outcome) -> bool:
    """Whether the page is left: the change is saved, or refused as a whole (the refusal is flashed); a
    refusal beside the form's fields (or a conflict) shows the form again."""
    return outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages)


@allow(Role.PARTICIPANT)
def ask(participation_id: int) -> str | Response | tuple[str, int]:
    """Ask the board for another partner, in the first weeks of the tandem."""
    session = db_session()
    item = own_participation(participation_id)
    partner = partner_of(session, current_user.id, item.id, current_language())
    if partner is None:
        flash(_("You have no tandem partner in this cohort yet."), "info")
        return redirect(url_for("participant.home"))
    weeks = window_weeks()
    until = rematch_open_until(partner.activated_at, item.cohort.kickoff_on, weeks)
    is_open = until is not None and clock_today() <= until and item.cohort.state in REMATCH_STATES
    latest = latest_requests(session, [item.id]).get(item.id)
    pending = latest if latest is not None and latest.pair_id == partner.pair_id and latest.status == "open" else None
    form = RematchForm()
    if request.method == "POST" and is_open and pending is None:
        if form.validate_on_submit():
            with request_transaction(form) as outcome:
                request_rematch(session, current_user.id, item.id, form.reason.data or "")
                outcome.say(_("Your request is with the club board. You will hear from them by e-mail."))
            if outcome.committed:
                return redirect(url_for("participant.home"))
            if _done(outcome):  # refused as a whole
                return redirect(url_for("rematch.ask", participation_id=item.id))
    elif request.method == "POST":
        return redirect(url_for("rematch.ask", participation_id=item.id))
    return render_template("rematch/ask.html", participation=item, cohort=item.cohort, partner=partner,
                           form=form, is_open=is_open, until=until, weeks=weeks, pending=pending,
                           ), (400 if form.errors else 200)



def waiting_requests_context() -> dict[str, object]:
    """The matching pages' navigation shows how many rematch requests wait for the board (one query per request,
    however many templates the page renders)."""
    cohort = g.get("url_cohort")
    if cohort is None:
        return {}
    counted = g.get("waiting_rematch_requests")
    if counted is None or counted[0] != cohort.id:
        counted = g.waiting_rematch_requests = (cohort.id, open_rematch_count(db_session(), cohort.id))
    return {"waiting_rematch_requests": counted[1]}
