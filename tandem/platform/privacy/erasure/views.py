"""Erasure and retention pages: the person's request (/me/data/erasure), an organisation's admins' page of their
people's requests (/o/<slug>/privacy) and the board's (/board/privacy: every request, and what retention will
erase when). Load, check, render; changes go through operations.py in the request's transaction."""

from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import today as clock_today
from tandem.platform.database import db_session
from tandem.platform.identity.models import User
from tandem.platform.privacy.erasure.forms import AskForm, CancelForm, DecideForm
from tandem.platform.privacy.erasure.jobs import carry_out_erasure
from tandem.platform.privacy.erasure.operations import (
    cancel_erasure,
    decide_erasure,
    open_request,
    request_erasure,
)
from tandem.platform.privacy.erasure.queries import RequestRow, my_requests, request_rows
from tandem.platform.privacy.erasure.retention import schedule
from tandem.platform.privacy.models import ErasureRequest, ErasureStatus
from tandem.platform.transaction import request_transaction
from tandem.workers.queues import enqueue_after_commit


@allow(Role.PARTICIPANT)
def my_erasure() -> str | Response | tuple[str, int]:
    """Ask for erasure, see the request's state, cancel it while it waits."""
    session = db_session()
    ask, cancel = AskForm(prefix="ask"), CancelForm(prefix="cancel")
    waiting = open_request(session, current_user.id)
    if request.method == "POST" and not (ask.ask.data or cancel.cancel.data):
        abort(400)
    if cancel.cancel.data and waiting is not None:
        if not cancel.validate_on_submit():
            abort(400)
        with request_transaction(cancel) as outcome:
            cancel_erasure(session, current_user.id, waiting.id)
            outcome.say(_("Your request is cancelled. Your data stays."))
        return redirect(url_for("privacy.my_erasure"))
    if ask.ask.data and waiting is None:
        if ask.validate_on_submit():
            person = session.get(User, current_user.id)
            assert person is not None
            with request_transaction(ask) as outcome:
                request_erasure(session, person)
                outcome.say(_("Your request is received. You will get a confirmation by e-mail."))
            return redirect(url_for("privacy.my_erasure"))
    elif ask.ask.data or cancel.cancel.data:
        return redirect(url_for("privacy.my_erasure"))
    settings = current_app.config["TANDEM"]
    return render_template("privacy/erasure.html", ask=ask, cancel=cancel, waiting=waiting,
                           requests=my_requests(session, current_user.id),
                           erasure_after_days=settings.erasure_after_days,
                           retention_months=settings.retention_months), (400 if ask.errors else 200)


def _forms(rows: list[RequestRow], failed: tuple[int, DecideForm] | None) -> dict[int, DecideForm]:
    forms = {row.id: DecideForm(formdata=None, prefix=f"r{row.id}") for row in rows if row.is_waiting}
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    return forms


def _decide(request_id: int, back: str) -> Response | None:
    """Confirm or refuse one request; None when the form is to be shown again with its problem."""
    session = db_session()
    row = session.get(ErasureRequest, request_id)
    if row is None or row.user_id is None:
        abort(404)  # another organisation's request does not exist here; an erased person's is done
    form = DecideForm(prefix=f"r{request_id}")
    if not (form.confirm.data or form.refuse.data):
        abort(400)
    if not form.validate_on_submit():
        if form.meta.csrf and form.csrf_token.errors:
            abort(400)
        g.failed_decision = (request_id, form)
        return None
    confirm = bool(form.confirm.data)
    try:
        with request_transaction(form) as outcome:
            decide_erasure(session, request_id, confirm, form.reason.data, current_user.id)
            if confirm:  # carried out right after the commit (in-process without Redis: done by then)
                enqueue_after_commit(session, carry_out_erasure, request_id, queue="default")
            outcome.say(_("The request is confirmed: the person's data is being erased.") if confirm
                        else _("The request is refused. The person sees your reason."))
    except LookupError:
        abort(404)
    if outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages):
        return redirect(back)
    g.failed_decision = (request_id, form)
    return None


@allow(Role.ORG_ADMIN)
def organisation_requests() -> tuple[str, int]:
    """The organisation's people's requests for erasure: confirm or refuse those that wait."""
    organisation = g.organisation
    rows = request_rows(db_session(), organisation.id)
    failed = g.get("failed_decision")
    return render_template("privacy/organisation.html", organisation=organisation, rows=rows,
                           forms=_forms(rows, failed), today=clock_today()), (400 if failed else 200)


@allow(Role.ORG_ADMIN)
def organisation_decide(erasure_request_id: int) -> Response | tuple[str, int]:
    done = _decide(erasure_request_id, url_for("privacy.organisation_requests"))
    return done if done is not None else organisation_requests()


@allow(Role.BOARD)
def board_privacy() -> tuple[str, int]:
    """Every request for erasure, and what retention will erase when."""
    session = db_session()
    rows = request_rows(session)
    failed = g.get("failed_decision")
    settings = current_app.config["TANDEM"]
    return render_template("privacy/board.html", rows=rows, forms=_forms(rows, failed),
                           scheduled=schedule(session), today=clock_today(),
                           retention_months=settings.retention_months,
                           erasure_after_days=settings.erasure_after_days,
                           waiting=sum(1 for row in rows if row.status == ErasureStatus.REQUESTED),
                           ), (400 if failed else 200)


@allow(Role.BOARD)
def board_decide(erasure_request_id: int) -> Response | tuple[str, int]:
    done = _decide(erasure_request_id, url_for("privacy.board_privacy"))
    return done if done is not None else board_privacy()
