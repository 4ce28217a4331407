"""The organisation admin's nominations: `/o/<org_slug>/nominations/...` (the organisation's tenant scope)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import current_language
from tandem.platform.pagination import page_number
from tandem.platform.privacy.records.seen import note_viewed
from tandem.platform.transaction import request_transaction
from tandem.tenants.nominations import csv_import
from tandem.tenants.nominations.csv_import import NominationRow, Problem
from tandem.tenants.nominations.forms import (
    ConfirmImportForm,
    InviteForm,
    NominationForm,
    UploadForm,
    WithdrawForm,
)
from tandem.tenants.nominations.messages import problem_text
from tandem.tenants.nominations.operations import (
    NominationProblems,
    check_file,
    import_file,
    invite_again,
    withdraw_nomination,
)
from tandem.tenants.nominations.operations import (
    nominate as nominate_person,
)
from tandem.tenants.nominations.queries import nominations_overview, open_cohorts

# The confirm form carries a whole checked file back (up to 1 MB, more once the browser has encoded it).
CONFIRM_FORM_MEMORY = 4 * csv_import.MAX_BYTES


def allow_large_confirm_form(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Raise the form size limit for the import's confirm step only. It runs as a URL value preprocessor,
    before the CSRF check (an app-wide before_request hook) reads the form."""
    if endpoint == "nominations.confirm_import":
        request.max_form_memory_size = CONFIRM_FORM_MEMORY


def _default_language() -> str:
    return current_app.config["TANDEM"].default_language


def _pages(source: MultiDict[str, str]) -> dict[str, Any]:
    """The cohorts' pages of nominations asked for (`p<cohort id>`; the first pages left out)."""
    pages: dict[str, Any] = {}
    for key in source:
        if (key[:1] == "p" and key[1:].isascii() and key[1:].isdigit() and len(key) < 20
                and (number := page_number(source, key)) > 1):
            pages[key] = number
    return pages


def _back(participation_id: int | None = None) -> Response:
    """To the list of nominations on the pages the admin was on (the form carries them), at the nomination."""
    anchor = f"nomination-{participation_id}" if participation_id else None
    return redirect(url_for("nominations.index", _anchor=anchor, **_pages(request.form)))


@allow(Role.ORG_ADMIN)
def index() -> str:
    pages = _pages(request.args)
    cohorts = nominations_overview(db_session(), {int(key[1:]): number for key, number in pages.items()})
    note_viewed([n.person.id for view in cohorts for n in view.nominations], "nominations")
    return render_template("tenants/nominations/index.html", cohorts=cohorts, page_args=pages,
                           withdraw_form=WithdrawForm(), invite_form=InviteForm())


@allow(Role.ORG_ADMIN)
def nominate() -> str | Response | tuple[str, int]:
    session = db_session()
    cohorts = open_cohorts(session)
    form = NominationForm(data=None if request.method == "POST" else {
        "cohort": request.args.get("cohort", ""), "role": request.args.get("role", ""),
    })
    form.cohort.choices = [SelectChoice("", _("Choose a cohort"))] + [SelectChoice(c.slug, c.name) for c in cohorts]
    refused = False
    if cohorts and form.validate_on_submit():
        values = {"name": form.name.data, "email": form.email.data, "role": form.role.data,
                  "cohort": form.cohort.data, "note": form.note.data or ""}
        with request_transaction(form) as outcome:  # the problems go beside their fields
            participation = nominate_person(session, g.organisation, values, actor_user_id=current_user.id,
                                            default_language=_default_language())
            outcome.say(_("%(name)s is nominated for %(cohort)s; the invitation is on its way.",
                          name=participation.user.display_name, cohort=participation.cohort.name))
        if outcome.committed:
            return redirect(url_for("nominations.index"))
        refused = True
    elif request.method == "POST" and not cohorts:
        form.form_errors.append(_("No cohort takes nominations now."))
    status = 400 if form.errors or refused else 200
    return render_template("tenants/nominations/form.html", form=form, cohorts=cohorts), status


@allow(Role.ORG_ADMIN)
def csv_template() -> Response:
    cohorts = open_cohorts(db_session())
    domains = g.organisation.approved_domains
    body = csv_import.template_csv(domain=domains[0] if domains else "example.org",
                                   cohort_slug=cohorts[0].slug if cohorts else "cohort-2027",
                                   language=current_language())
    return Response(body, mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": "attachment; filename=nominations-template.csv",
    })


def _problem_rows(problems: list[Problem], headers: dict[str, str]) -> list[dict[str, Any]]:
    """Each problem with its line and column as written in the file (the column's name in its header)."""
    return [{"line": p.line, "column": headers.get(p.column, p.column) if p.column else None,
             "text": problem_text(p)} for p in problems]


def _preview(rows: list[NominationRow], problems: list[Problem], text: str | None,
             upload_form: UploadForm | None = None, headers: dict[str, str] | None = None,
             encoding: str | None = None) -> tuple[str, int]:
    confirm_form = ConfirmImportForm() if text is not None and not problems and rows else None
    return render_template(
        "tenants/nominations/preview.html", rows=rows, problems=_problem_rows(problems, headers or {}),
        confirm_form=confirm_form, csv_text=text, upload_form=upload_form or UploadForm(formdata=None),
        max_rows=csv_import.MAX_ROWS, encoding=encoding,
    ), (400 if problems or not rows else 200)


@allow(Role.ORG_ADMIN)
def upload() -> str | tuple[str, int]:
    form = UploadForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("tenants/nominations/upload.html", form=form, cohorts=open_cohorts(db_session()),
                               max_rows=csv_import.MAX_ROWS,
                               columns=csv_import.header_names(current_language())), status
    # Read one byte more than allowed: enough to tell that the file is too large.
    data = form.file.data.stream.read(csv_import.MAX_BYTES + 1)
    report = check_file(db_session(), g.organisation, data)
    text = None
    if report.ok:
        text, _encoding, _problem = csv_import.decode(data)
    return _preview(report.rows, report.problems, text, headers=report.headers, encoding=report.encoding)


@allow(Role.ORG_ADMIN)
def confirm_import() -> Response | tuple[str, int]:
    session = db_session()
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    # Whatever came back is checked again in full: the client is not trusted with the preview.
    text = validated(form.csv_text.data).replace("\r\n", "\n")
    with request_transaction(refused=_file_refused) as outcome:
        created = import_file(session, g.organisation, text, actor_user_id=current_user.id,
                              default_language=_default_language())
        outcome.say(ngettext("%(num)d person is nominated; the invitation is on its way.",
                             "%(num)d people are nominated; their invitations are on their way.", len(created)))
    if isinstance(outcome.refusal, NominationProblems):
        return _preview(outcome.refusal.rows, outcome.refusal.problems, None, headers=outcome.refusal.headers)
    return redirect(url_for("nominations.index"))


def _file_refused(_reason: str) -> str:
    return _("Nobody was nominated: the file has problems now. Correct them and upload the file again.")


@allow(Role.ORG_ADMIN)
def withdraw(participation_id: int) -> Response:
    session = db_session()
    if not WithdrawForm().validate_on_submit():
        abort(400)
    with request_transaction(refused=lambda reason: _("Not withdrawn: %(reason)s", reason=reason)) as outcome:
        try:
            participation = withdraw_nomination(session, participation_id, actor_user_id=current_user.id)
        except LookupError:
            abort(404)
        outcome.say(_("The nomination of %(name)s for %(cohort)s is withdrawn; the place is free again.",
                      name=participation.user.display_name, cohort=participation.cohort.name))
    return _back(participation_id)


@allow(Role.ORG_ADMIN)
def invite(participation_id: int) -> Response:
    session = db_session()
    if not InviteForm().validate_on_submit():
        abort(400)
    with request_transaction(refused=lambda reason: _("The invitation was not sent: %(reason)s",
                                                      reason=reason)) as outcome:
        try:
            participation = invite_again(session, participation_id, actor_user_id=current_user.id,
                                         default_language=_default_language())
        except LookupError:
            abort(404)
        outcome.say(_("Invitation sent to %(name)s.", name=participation.user.display_name))
    return _back(participation_id)
