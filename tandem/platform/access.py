"""Who may use which view, declared on every view and enforced in one place.

Each view function is decorated with `@allow(...)`. A request to a view without a declaration is refused
(fail closed). After the check, the request's tenant scope is set:

* public views: no scope (tenant data invisible);
* participant views: the person's own organisation;
* organisation views (`/o/<org_slug>/...`): that organisation, for its admins and the board;
* board views: club scope, explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, has_request_context, request
from flask_login import current_user

from tandem.platform.database import db_session
from tandem.platform.tenancy import club_scope, use_club_scope, use_tenant

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTRIBUTE = "_tandem_access"


class Role(StrEnum):
    PUBLIC = "public"            # anyone, signed in or not
    SIGNED_IN = "signed_in"      # any signed-in person
    PARTICIPANT = "participant"  # a signed-in person, in their own organisation's scope
    ORG_ADMIN = "org_admin"      # an admin of the organisation in the URL (the board too)
    BOARD = "board"              # the club board, club-wide


def allow(*roles: Role) -> Callable[[F], F]:
    """Declare who may use a view."""
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorate(view: F) -> F:
        setattr(view, ACCESS_ATTRIBUTE, frozenset(roles))
        return view

    return decorate


def declared_roles(view: Callable[..., Any]) -> frozenset[Role] | None:
    return getattr(view, ACCESS_ATTRIBUTE, None)


@dataclass
class Principal:
    """What the signed-in person may do, read once per request."""

    user_id: int | None = None
    organisation_id: int | None = None
    is_board: bool = False
    admin_of: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def administers(self, organisation_id: int) -> bool:
        return organisation_id in self.admin_of


def principal_of(session: Any, user_id: int, organisation_id: int) -> Principal:
    """A person's roles, read club-wide (two queries): board membership and the organisations they administer."""
    from tandem.platform.board.models import BoardMember
    from tandem.tenants.models import OrganisationAdmin

    with club_scope(session):
        is_board = session.scalar(sa.select(sa.exists().where(BoardMember.user_id == user_id)))
        admin_of = session.scalars(
            sa.select(OrganisationAdmin.organisation_id).where(OrganisationAdmin.user_id == user_id)
        ).all()
    return Principal(user_id=user_id, organisation_id=organisation_id, is_board=bool(is_board),
                     admin_of=frozenset(admin_of))


def load_principal() -> Principal:
    """Who is signed in and their roles, once per request. Checking the session (identity/sessions.py) reads the
    roles with it and leaves them in `g`; only a person signed in by another way (a test's `login_user`) costs
    the two queries of `principal_of`."""
    if "principal" in g:
        return g.principal
    principal = Principal()
    if current_user.is_authenticated:
        if "principal" in g and g.principal.user_id == current_user.id:
            return g.principal
        principal = principal_of(db_session(), current_user.id, current_user.organisation_id)
    g.principal = principal
    return principal


def _check_request_access() -> None:
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    roles = declared_roles(view) if view else None
    if roles is None:
        current_app.logger.error("view %s declares no access; refused", request.endpoint)
        abort(403)
    principal = load_principal()
    session = db_session()
    organisation = g.get("organisation")

    if Role.PUBLIC in roles:
        return
    if not principal.is_authenticated or principal.organisation_id is None:  # a signed-in person has one
        abort(401)
    if Role.BOARD in roles and principal.is_board and organisation is None:
        use_club_scope(session)
        return
    if organisation is not None and (Role.ORG_ADMIN in roles or Role.BOARD in roles):
        if principal.is_board or (Role.ORG_ADMIN in roles and principal.administers(organisation.id)):
            use_tenant(session, organisation.id)
            return
        abort(404)  # another organisation's area does not exist for this person
    if Role.PARTICIPANT in roles or Role.SIGNED_IN in roles:
        use_tenant(session, principal.organisation_id)
        return
    if Role.BOARD in roles:
        abort(403)
    abort(403)


# What a request leaves in `g`: who is signed in (ours and Flask-Login's), the URL's objects, the locale.
# A real request has an application context of its own; a test that keeps one open across requests would
# otherwise give the next request the previous one's person and objects.
REQUEST_KEYS = ("principal", "_login_user", "organisation", "url_cohort", "url_cohort_id", "url_pair",
                "url_pair_id", "url_membership", "_flask_babel", "_tandem_catalogue",
                "waiting_rematch_requests")


def _forget_the_request(_error: BaseException | None) -> None:
    for key in REQUEST_KEYS:
        g.pop(key, None)


def init_app(app: Flask) -> None:
    app.before_request(_check_request_access)
    app.teardown_request(_forget_the_request)

    @app.context_processor
    def _principal() -> dict[str, Any]:
        # Mail is rendered outside requests too (jobs): there is no one signed in there.
        return {"principal": load_principal() if has_request_context() else Principal()}
