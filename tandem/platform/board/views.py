"""The board's pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.board.queries import (
    LIFECYCLE,
    cohort_summaries,
    member_organisations,
    organisations_with_admins,
)
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.tenants.forms import AddAdminForm
from tandem.tenants.models import Organisation
from tandem.tenants.operations import FieldProblem, grant_org_admin


@allow(Role.BOARD)
def overview() -> str:
    session = db_session()
    return render_template(
        "board/overview.html",
        summaries=cohort_summaries(session),
        organisations=member_organisations(session),
        lifecycle=LIFECYCLE,
    )


@allow(Role.BOARD)
def organisations() -> str:
    return render_template("board/organisations.html", rows=organisations_with_admins(db_session()),
                           form=AddAdminForm(), form_for=None)


@allow(Role.BOARD)
def invite_admin(organisation_id: int) -> str | Response | tuple[str, int]:
    """The board names an organisation's admin by e-mail (the first one, or another)."""
    session = db_session()
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    form = AddAdminForm()
    if form.validate_on_submit():
        try:
            person = grant_org_admin(session, organisation, email=form.email.data,
                                     display_name=form.display_name.data, actor_user_id=current_user.id,
                                     language=current_language())
        except FieldProblem as problem:
            session.rollback()
            getattr(form, problem.field).errors.append(str(problem))
        else:
            session.commit()
            flash(_("%(name)s is now an admin of %(organisation)s.", name=person.display_name,
                    organisation=organisation.name), "success")
            return redirect(url_for("board.organisations"))
    return render_template("board/organisations.html", rows=organisations_with_admins(session), form=form,
                           form_for=organisation.id), 400
