"""The accessibility statement with its barrier report form (public), and the board's list of reports."""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.accessibility.forms import STATUS_LABELS, BarrierReportForm, ReportStatusForm
from tandem.platform.accessibility.models import MAX_PAGE, BarrierReport
from tandem.platform.accessibility.operations import report_barrier, update_report
from tandem.platform.accessibility.queries import report_counts, reports
from tandem.platform.accessibility.statement import (
    ANSWER_WITHIN_DAYS,
    LAST_REVIEWED,
    STATEMENT_MADE,
    checks,
    known_limitations,
)
from tandem.platform.database import db_session
from tandem.platform.forms import input_problem, validated
from tandem.platform.i18n import current_language
from tandem.platform.privacy.records.seen import note_viewed
from tandem.platform.ratelimit import rate_limit
from tandem.platform.transaction import request_transaction


def _contact() -> str:
    settings = current_app.config["TANDEM"]
    return str(settings.privacy_contact or parseaddr(settings.mail_from)[1] or settings.mail_from)


def _own_path(address: str | None) -> str | None:
    """The path (and query) of an address on this site, or None: a page of another site, or anything that
    is not plain one-line text, is not offered."""
    if not address or len(address) > MAX_PAGE or input_problem(address, multiline=False) or "\\" in address:
        return None
    parts = urlsplit(address)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != request.host:
            return None
    elif not address.startswith("/") or address.startswith("//"):
        return None
    path = parts.path or "/"
    if path == url_for("accessibility.statement"):
        return None  # the statement itself, reached from its own link: no page to name
    return path + (f"?{parts.query}" if parts.query else "")


def _page_concerned() -> str | None:
    """The page a visitor came from: `?page=` (a link that names it), else the Referer of this site."""
    return _own_path(request.args.get("page")) or _own_path(request.referrer)


def _render_statement(form: BarrierReportForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "accessibility/statement.html", form=form, limitations=known_limitations(), checks=checks(),
        last_reviewed=LAST_REVIEWED, statement_made=STATEMENT_MADE, answer_within_days=ANSWER_WITHIN_DAYS,
        contact=_contact()), status


@allow(Role.PUBLIC)
@rate_limit("5 per 15 minutes;20 per day")
def statement() -> Response | tuple[str, int]:
    form = BarrierReportForm()
    if request.method == "GET":
        form.page.data = _page_concerned()
        return _render_statement(form)
    if not form.validate_on_submit():
        return _render_statement(form, 400)
    thanks = _("Thank you: your report has reached the club board.")
    if form.website.data:
        # Filled in by a program, not a person (people never see the field): the same answer, nothing kept.
        flash(thanks, "success")
        return redirect(url_for("accessibility.statement", _anchor="report"))
    session = db_session()
    with request_transaction(form) as outcome:
        report = report_barrier(
            session, description=validated(form.description.data), page=form.page.data,
            assistive_technology=form.assistive_technology.data, email=form.email.data,
            language=current_language(),
            user_id=current_user.id if current_user.is_authenticated else None)
        outcome.say(thanks + " " + (_("We answer you within %(days)d days.", days=ANSWER_WITHIN_DAYS)
                                    if report.recipient else _("You left no address, so we cannot answer you.")))
    if outcome.committed:
        return redirect(url_for("accessibility.statement", _anchor="report"))
    return _render_statement(form, 400)


def _render_board(forms: dict[int, ReportStatusForm], status: int = 200) -> tuple[str, int]:
    session = db_session()
    rows = reports(session)
    for row in rows:
        forms.setdefault(row.id, ReportStatusForm(formdata=None, status=row.status, note=row.board_note))
    note_viewed((row.recipient_user_id for row in rows if row.recipient_user_id is not None), "barrier_reports")
    return render_template("accessibility/board.html", reports=rows, forms=forms, counts=report_counts(session),
                           status_labels=STATUS_LABELS), status


@allow(Role.BOARD)
def board_reports() -> tuple[str, int]:
    return _render_board({})


@allow(Role.BOARD)
def board_update(report_id: int) -> Response | tuple[str, int]:
    session = db_session()
    if session.get(BarrierReport, report_id) is None:
        abort(404)
    form = ReportStatusForm()
    if not form.validate_on_submit():
        return _render_board({report_id: form}, 400)
    with request_transaction(form) as outcome:
        update_report(session, report_id, status=validated(form.status.data), note=form.note.data,
                      actor_user_id=current_user.id)
        outcome.say(_("Report %(number)d saved.", number=report_id))
    if outcome.committed:
        return redirect(url_for("accessibility.board_reports", _anchor=f"report-{report_id}"))
    return _render_board({report_id: form}, 400)
