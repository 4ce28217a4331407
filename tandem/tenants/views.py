"""The organisation admin area: `/o/<org_slug>/...`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import current_language
from tandem.platform.identity.oidc import callback_url, sso_clients
from tandem.platform.pagination import page_number
from tandem.platform.transaction import request_transaction
from tandem.tenants.discovery import check_provider
from tandem.tenants.forms import AddAdminForm, RemoveAdminForm, SSOSettingsForm, parse_domains
from tandem.tenants.models import OrganisationSSO
from tandem.tenants.operations import grant_org_admin, invite_participant, revoke_org_admin, save_sso_settings
from tandem.tenants.queries import organisation_admins, people_page


def add_org_slug(endpoint: str, values: dict[str, Any]) -> None:
    """Links built inside an organisation's area stay in it: the organisation's slug for the routes that take
    one (not for the area's other routes, such as /me/events, which would get it as a stray query)."""
    if ("org_slug" not in values and "organisation" in g
            and current_app.url_map.is_endpoint_expecting(endpoint, "org_slug")):
        values["org_slug"] = g.organisation.slug


@allow(Role.ORG_ADMIN)
def people() -> str:
    """The organisation's people a page at a time (`page`), found by name or e-mail (`q`)."""
    search = " ".join(request.args.get("q", "").split())[:100]
    view = people_page(db_session(), page=page_number(request.args, "page"), search=search)
    args: dict[str, Any] = {"q": search} if search else {}
    if view.page.number > 1:
        args["page"] = view.page.number
    return render_template("tenants/people.html", rows=view.rows, view=view, list_args=args)


@allow(Role.ORG_ADMIN)
def invite(participation_id: int) -> Response:
    session = db_session()
    with request_transaction(refused=lambda reason: _("The invitation was not sent: %(reason)s",
                                                      reason=reason)) as outcome:
        try:
            participation = invite_participant(
                session,
                participation_id,
                actor_user_id=current_user.id,
                default_language=current_app.config["TANDEM"].default_language,
            )
        except LookupError:
            abort(404)
        outcome.say(_("Invitation sent to %(name)s.", name=participation.user.display_name))
    # back to the page and search the admin was on, at the person
    args: dict[str, Any] = {}
    if search := " ".join(request.form.get("q", "").split())[:100]:
        args["q"] = search
    if (number := page_number(request.form, "page")) > 1:
        args["page"] = number
    anchor = f"person-{participation.user_id}" if outcome.committed else None
    return redirect(url_for("tenants.people", _anchor=anchor, **args))


def _sso_form_defaults(settings: OrganisationSSO | None) -> dict[str, object]:
    domains = "\n".join(d.domain for d in g.organisation.domains)
    if settings is None:
        return {"domains": domains, "enabled": True}
    return {"issuer": settings.issuer, "client_id": settings.client_id, "domains": domains,
            "enabled": settings.enabled}


@allow(Role.ORG_ADMIN)
def sso_settings() -> str | Response | tuple[str, int]:
    session = db_session()
    settings = session.scalar(sa.select(OrganisationSSO))
    form = SSOSettingsForm(data=None if request.method == "POST" else _sso_form_defaults(settings))
    check = None
    if form.test.data:
        # The whole form is checked (the issuer's https rule included) before any request to the provider,
        # which goes through the guarded client (tandem/platform/identity/outbound.py). Nothing is saved.
        if form.validate_on_submit():
            check = check_provider(validated(form.issuer.data), sso_clients().policy)
    elif form.validate_on_submit():
        with request_transaction(form) as outcome:
            save_sso_settings(
                session, g.organisation, issuer=validated(form.issuer.data),
                client_id=validated(form.client_id.data).strip(), client_secret=form.client_secret.data or None,
                domains=parse_domains(form.domains.data), enabled=form.enabled.data, actor_user_id=current_user.id,
            )
            outcome.say(_("The sign-in settings are saved."))
        if outcome.committed:
            return redirect(url_for("tenants.sso_settings"))
    status = 400 if form.errors else 200
    return render_template("tenants/sso_settings.html", form=form, settings=settings, check=check,
                           callback=callback_url(g.organisation)), status


@allow(Role.ORG_ADMIN)
def admins() -> str | Response | tuple[str, int]:
    session = db_session()
    form = AddAdminForm()
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            person = grant_org_admin(session, g.organisation, email=validated(form.email.data),
                                     display_name=validated(form.display_name.data), actor_user_id=current_user.id,
                                     language=current_language())
            outcome.say(_("%(name)s is now an admin of %(organisation)s.", name=person.display_name,
                          organisation=g.organisation.name))
        if outcome.committed:
            return redirect(url_for("tenants.admins"))
    return render_template("tenants/admins.html", form=form, admins=organisation_admins(session),
                           remove_form=RemoveAdminForm()), (400 if form.errors else 200)


@allow(Role.ORG_ADMIN)
def remove_admin(admin_id: int) -> Response:
    session = db_session()
    if not RemoveAdminForm().validate_on_submit():
        abort(400)
    with request_transaction(refused=lambda reason: _("Not removed: %(reason)s", reason=reason)) as outcome:
        try:
            person = revoke_org_admin(session, g.organisation, admin_id, actor_user_id=current_user.id)
        except LookupError:
            abort(404)
        outcome.say(_("%(name)s is no longer an admin.", name=person.display_name))
    return redirect(url_for("tenants.admins"))
