"""Sign-in pages: by work e-mail, by e-mailed link, through the organisation's provider; sign-out."""

from __future__ import annotations

import logging
from typing import Any

import requests
import sqlalchemy as sa
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from tandem.platform import audit
from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.identity.forms import ConfirmLinkForm, SignInForm
from tandem.platform.identity.jobs import mail_sign_in_link
from tandem.platform.identity.landing import home_for, landing_after_sign_in, remember_next
from tandem.platform.identity.models import User
from tandem.platform.identity.oidc import (
    SignInRefused,
    callback_url,
    check_callback_issuer,
    provider_metadata,
    sso_clients,
)
from tandem.platform.identity.operations import (
    consume_sign_in_link,
    link_state,
    person_for_email,
    route_for_email,
    user_for_oidc_claims,
)
from tandem.platform.identity.sessions import end_session, start_session
from tandem.platform.ratelimit import rate_limit, submitted_email
from tandem.platform.tenancy import tenant_scope
from tandem.platform.transaction import Outcome, request_transaction
from tandem.platform.urls import safe_next
from tandem.tenants.models import Organisation, OrganisationSSO
from tandem.workers.queues import enqueue_after_commit

log = logging.getLogger(__name__)


def _signed_in(user: User, method: str, outcome: Outcome) -> Response:
    """Start `user`'s session, in the caller's `request_transaction()` (with the change that found `user`)."""
    session = db_session()
    start_session(session, user, method)
    audit.record(session, "sign_in.succeeded", actor_user_id=user.id, organisation_id=user.organisation_id,
                 target_type="user", target_id=user.id, details={"method": method})
    outcome.say(_("Welcome, %(name)s.", name=user.display_name))
    return redirect(landing_after_sign_in(user))


def _after_sign_in(outcome: Outcome, response: Response | None) -> Response:
    """The signed-in page, or the sign-in page again when the database refused the change (already said)."""
    if outcome.committed and response is not None:
        return response
    return redirect(url_for("identity.sign_in"))


def _refused(refused: SignInRefused, organisation_id: int | None, status: int = 400) -> tuple[str, int]:
    """The attempt's own writes are rolled back already (its `request_transaction()`); this records the failure.

    The session of a person who is signed in is left alone: anyone can make a browser open a used link or a
    provider's error callback, and that must not sign its person out. Without one, the attempt's leftovers
    in the cookie (a stale session token, the provider's state) go.
    """
    session = db_session()
    with request_transaction():
        if not current_user.is_authenticated:
            end_session(session)
        audit.record(session, "sign_in.failed", actor_user_id=None, organisation_id=organisation_id,
                     details={"reason": refused.reason})
    log.info("sign-in refused: %s", refused)
    return render_template("identity/refused.html", reason=refused.reason), status


@allow(Role.PUBLIC)
@rate_limit("20 per minute;200 per hour")
@rate_limit("5 per 15 minutes", key=submitted_email, scope="sign-in-per-address")
def sign_in() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home_for(current_user)))
    remember_next(request.args.get("next"))
    form = SignInForm()
    if form.validate_on_submit():
        session = db_session()
        email = validated(form.email.data).strip().lower()
        route = route_for_email(session, email)
        if route.sso is not None and route.organisation is not None and not form.send_link.data:
            return redirect(url_for("sso.continue_", org_slug=route.organisation.slug, login_hint=email))
        with request_transaction(form) as outcome:
            # The same work for every address: the link and its mail are made by the job, after the answer.
            enqueue_after_commit(session, mail_sign_in_link, person_for_email(session, email), queue="high")
        if outcome.committed:
            return redirect(url_for("identity.link_sent"))
    return render_template("identity/sign_in.html", form=form), (400 if form.errors else 200)


@allow(Role.PUBLIC)
def link_sent() -> str:
    return render_template("identity/link_sent.html")


@allow(Role.PUBLIC)
@rate_limit("30 per minute")
def use_link(token: str) -> str | Response | tuple[str, int]:
    session = db_session()
    form = ConfirmLinkForm()
    if request.method == "POST" and form.validate_on_submit():
        response = None
        try:
            with request_transaction() as outcome:
                response = _signed_in(consume_sign_in_link(session, token), "link", outcome)
        except SignInRefused as refused:
            return _refused(refused, None)
        return _after_sign_in(outcome, response)
    state = link_state(session, token)
    if state != "valid":
        return _refused(SignInRefused(f"link_{state}"), None)
    # Confirming with a button keeps mail scanners that open links from using them up.
    return render_template("identity/confirm_link.html", form=form)


@allow(Role.PUBLIC)
def sign_out() -> Response:
    session = db_session()
    user_id = current_user.id if current_user.is_authenticated else None
    organisation_id = current_user.organisation_id if current_user.is_authenticated else None
    with request_transaction() as outcome:
        end_session(session)
        if user_id is not None:
            audit.record(session, "sign_out", actor_user_id=user_id, organisation_id=organisation_id)
        outcome.say(_("You are signed out."), "info")
    return redirect(url_for("public.landing"))


def _organisation_sso() -> OrganisationSSO:
    organisation = g.organisation
    session = db_session()
    with tenant_scope(session, organisation.id):
        settings = session.scalar(sa.select(OrganisationSSO).where(OrganisationSSO.enabled.is_(True)))
    if settings is None:
        abort(404)
    return settings


@allow(Role.PUBLIC)
def sso_continue() -> str:
    """A page that hands over to the organisation's provider.

    Not a redirect from the sign-in form: browsers apply the CSP's `form-action 'self'` to every redirect
    after a form is sent, and the provider is another origin. From this page a plain navigation (a link,
    or the page's own refresh) goes on to `sso.start`.
    """
    _organisation_sso()
    hint = (request.args.get("login_hint") or "").strip()[:320]
    hinted: dict[str, Any] = {"login_hint": hint} if hint else {}
    target = url_for("sso.start", org_slug=g.organisation.slug, **hinted)
    return render_template("identity/continue_sso.html", organisation=g.organisation, target=target)


@allow(Role.PUBLIC)
@rate_limit("30 per minute", methods=("GET",))
def sso_start() -> Response | tuple[str, int]:
    settings = _organisation_sso()
    client = sso_clients().client_for(settings)
    try:
        provider_metadata(client, settings)
    except SignInRefused as refused:
        return _refused(refused, g.organisation.id, status=502)
    hint = (request.args.get("login_hint") or "").strip()[:320]
    extra = {"login_hint": hint} if hint else {}
    return client.authorize_redirect(callback_url(g.organisation), **extra)


@allow(Role.PUBLIC)
@rate_limit("30 per minute", methods=("GET",))
def sso_callback() -> Response | tuple[str, int]:
    organisation = g.organisation
    organisation_id = organisation.id
    settings = _organisation_sso()
    client = sso_clients().client_for(settings)
    response = None
    try:
        with request_transaction() as outcome:
            response = _signed_in(_oidc_user(organisation, settings, client), "oidc", outcome)
    except SignInRefused as refused:
        return _refused(refused, organisation_id)
    return _after_sign_in(outcome, response)


def _oidc_user(organisation: Organisation, settings: OrganisationSSO, client: Any) -> User:
    """The person the provider's callback signs in; any failure is a SignInRefused."""
    try:
        if request.args.get("error"):
            raise SignInRefused("provider_error", request.args.get("error", ""))
        metadata = provider_metadata(client, settings)
        check_callback_issuer(request.args.get("iss"), settings, metadata)
        try:
            token = client.authorize_access_token()
        except MismatchingStateError as error:
            raise SignInRefused("state_mismatch") from error
        except OAuthError as error:
            raise SignInRefused("token_refused", str(error.error)) from error
        except JoseError as error:
            raise SignInRefused("id_token_invalid", str(error)) from error
        except requests.RequestException as error:
            raise SignInRefused("provider_unreachable", type(error).__name__) from error
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise SignInRefused("no_id_token")
        if not claims.get("email"):
            try:
                info = client.userinfo(token=token)
            except (OAuthError, requests.RequestException) as error:
                raise SignInRefused("userinfo_failed", type(error).__name__) from error
            if info.get("sub") != claims.get("sub"):
                raise SignInRefused("userinfo_subject_mismatch")
            claims["email"] = info.get("email")
            claims["email_verified"] = info.get("email_verified")
        return user_for_oidc_claims(db_session(), organisation, settings.issuer, claims)
    except SignInRefused:
        raise
    except Exception as error:  # anything a provider sends must end in a clear page, not a 500
        log.exception("unexpected OpenID Connect failure for %s", organisation.slug)
        raise SignInRefused("oidc_error", type(error).__name__) from error
