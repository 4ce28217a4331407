"""Signing in: e-mailed links and first-sign-in linking of OpenID identities. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.board.models import BoardMember
from tandem.platform.database import as_utc, utcnow
from tandem.platform.identity.models import Identity, SignInLink, User
from tandem.platform.identity.oidc import SignInRefused
from tandem.platform.identity.tokens import new_token, token_hash
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.tenancy import club_scope, tenant_scope
from tandem.tenants.models import DomainStatus, Organisation, OrganisationDomain, OrganisationSSO, OrganisationStatus

LINK_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True)
class SignInRoute:
    """Where an e-mail address signs in: its organisation's provider, or an e-mailed link."""

    organisation: Organisation | None
    sso: OrganisationSSO | None


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def route_for_email(session: Session, email: str) -> SignInRoute:
    """Find the organisation from the address's domain (a club-wide lookup: no tenant is known yet)."""
    with club_scope(session):
        organisation = session.scalar(
            sa.select(Organisation)
            .join(OrganisationDomain, OrganisationDomain.organisation_id == Organisation.id)
            .where(OrganisationDomain.domain == email_domain(email),
                   OrganisationDomain.status == DomainStatus.APPROVED,  # a claimed domain waits for the board
                   Organisation.status == OrganisationStatus.ACTIVE)
        )
        sso = None
        if organisation is not None:
            sso = session.scalar(sa.select(OrganisationSSO).where(
                OrganisationSSO.organisation_id == organisation.id, OrganisationSSO.enabled.is_(True)))
    return SignInRoute(organisation=organisation, sso=sso)


def person_for_email(session: Session, email: str) -> int | None:
    """The id of the person with this address, if any: one indexed read, the same work for every address.

    Asking for a sign-in link does only this in the request, then queues `jobs.mail_sign_in_link` with the
    result, whatever it is: the answer takes as long for an address with an account as for one without.
    """
    with club_scope(session):
        return session.scalar(sa.select(User.id).where(User.email == email.strip().lower()))


def send_sign_in_link(session: Session, user_id: int | None) -> bool:
    """Mail a single-use link when there is such a person and they may use links (active, in an active
    organisation, and not of an organisation that signs in through its own provider, unless on the board).
    Returns whether sent; nobody is told either way (no account enumeration). Flushes, does not commit."""
    with club_scope(session):
        user = session.get(User, user_id) if user_id is not None else None
        if user is None or not user.is_active or not user.organisation.is_active:
            return False
        is_board = session.scalar(sa.select(sa.exists().where(BoardMember.user_id == user.id)))
        route = route_for_email(session, user.email)
        if route.sso is not None and not is_board:
            return False  # this organisation signs in through its own provider
        token = new_token()
        now = utcnow()
        session.add(SignInLink(user_id=user.id, token_hash=token_hash(token), created_at=now,
                               expires_at=now + LINK_LIFETIME))
        settings = current_app.config["TANDEM"]
        queue_mail(
            session, template="sign_in_link", recipient=user.email,
            language=mail_language(user), kind="sign_in_link",
            organisation_id=user.organisation_id, recipient_user_id=user.id,
            person=user, link=f"{settings.base_url}/sign-in/link/{token}",
            minutes=int(LINK_LIFETIME.total_seconds() // 60),
        )
        audit.record(session, "sign_in.link_requested", actor_user_id=user.id,
                     organisation_id=user.organisation_id, target_type="user", target_id=user.id)
        session.flush()
    return True


def link_state(session: Session, token: str) -> str:
    """'valid', 'used', 'expired' or 'invalid', without using the link (for the confirmation page)."""
    with club_scope(session):
        link = session.scalar(sa.select(SignInLink).where(SignInLink.token_hash == token_hash(token)))
    if link is None:
        return "invalid"
    if link.used_at is not None:
        return "used"
    if as_utc(link.expires_at) <= utcnow():
        return "expired"
    return "valid"


def consume_sign_in_link(session: Session, token: str) -> User:
    """Use a link once. Raises SignInRefused('link_invalid' | 'link_used' | 'link_expired')."""
    state = link_state(session, token)
    if state != "valid":
        raise SignInRefused(f"link_{state}")
    now = utcnow()
    with club_scope(session):
        claimed = session.execute(
            sa.update(SignInLink)
            .where(SignInLink.token_hash == token_hash(token), SignInLink.used_at.is_(None),
                   SignInLink.expires_at > now)
            .values(used_at=now)
            .returning(SignInLink.user_id)
        ).scalar()
        if claimed is None:
            raise SignInRefused("link_used")  # another request used it a moment ago
        user = session.get(User, claimed)
        if user is None or not user.is_active or not user.organisation.is_active:
            raise SignInRefused("account_inactive")
    return user


def user_for_oidc_claims(session: Session, organisation: Organisation, issuer: str,
                         claims: dict[str, Any]) -> User:
    """The person these verified claims sign in. Raises SignInRefused.

    A known (issuer, subject) signs in its person, who must belong to this organisation. A first sign-in
    links to a person of this organisation only when the provider says the e-mail is verified and its
    domain is one of the organisation's: another organisation's provider can never sign in as
    someone of this one, whatever e-mail it asserts.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("no_subject")
    with club_scope(session):
        identity = session.scalar(sa.select(Identity).where(Identity.issuer == issuer,
                                                            Identity.subject == subject))
        if identity is not None:
            user = session.get(User, identity.user_id)
            if user is None or user.organisation_id != organisation.id:
                raise SignInRefused("identity_elsewhere")
            if not user.is_active:
                raise SignInRefused("account_inactive")
            identity.last_used_at = utcnow()
            return user
        domains = set(session.scalars(sa.select(OrganisationDomain.domain).where(
            OrganisationDomain.organisation_id == organisation.id)))
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise SignInRefused("no_email")
    if claims.get("email_verified") is not True:
        raise SignInRefused("email_unverified")
    if email_domain(email) not in domains:
        raise SignInRefused("email_outside_organisation")
    with tenant_scope(session, organisation.id):
        user = session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            raise SignInRefused("not_nominated")
        if not user.is_active:
            raise SignInRefused("account_inactive")
    with club_scope(session):
        session.add(Identity(user_id=user.id, issuer=issuer, subject=subject, last_used_at=utcnow()))
    return user
