"""The organisation admin area: `/o/<org_slug>/...`."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.tenants.operations import OperationRefused, invite_participant
from tandem.tenants.queries import people_with_participations


def add_org_slug(endpoint: str, values: dict[str, Any]) -> None:
    if "org_slug" not in values and "organisation" in g:
        values["org_slug"] = g.organisation.slug


@allow(Role.ORG_ADMIN)
def people() -> str:
    return render_template("tenants/people.html", rows=people_with_participations(db_session()))


@allow(Role.ORG_ADMIN)
def invite(participation_id: int) -> Response:
    session = db_session()
    try:
        participation = invite_participant(
            session,
            participation_id,
            actor_user_id=current_user.id,
            default_language=current_app.config["TANDEM"].default_language,
        )
    except LookupError:
        abort(404)
    except OperationRefused as refused:
        session.rollback()
        flash(_("The invitation was not sent: %(reason)s", reason=str(refused)), "error")
    else:
        flash(_("Invitation sent to %(name)s.", name=participation.user.display_name), "success")
    return redirect(url_for("organisation.people"))
