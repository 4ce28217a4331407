"""What organisation admins change. Tenant scope is the caller's (a request or a tenant job)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.cohorts.models import CohortState, Participation, ParticipationStatus
from tandem.platform.database import utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.crypto import encrypt_secret
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.tenancy import club_scope, tenant_scope
from tandem.tenants.domains import public_mail_domains
from tandem.tenants.models import DomainStatus, Organisation, OrganisationAdmin, OrganisationDomain, OrganisationSSO

INVITABLE_STATES = (CohortState.NOMINATIONS_OPEN, CohortState.MATCHING)
INVITABLE_STATUSES = (ParticipationStatus.NOMINATED, ParticipationStatus.INVITED)


def queue_invitation(session: Session, participation: Participation, *, actor_user_id: int,
                     default_language: str) -> Participation:
    """Mark a participation invited and queue its invitation mail and audit event. Does not commit, so
    that callers can invite many people in one transaction (the CSV import)."""
    if participation.cohort.state not in INVITABLE_STATES:
        raise OperationRefused(_l("invitations are sent while nominations are open"))
    if participation.status not in INVITABLE_STATUSES:
        raise OperationRefused(_l("this person has already answered"))
    resend = participation.status == ParticipationStatus.INVITED
    participation.status = ParticipationStatus.INVITED
    participation.invited_at = utcnow()
    person = participation.user
    queue_mail(
        session,
        template="invitation",
        recipient=person.email,
        language=mail_language(person),
        kind="invitation",
        organisation_id=participation.organisation_id,
        recipient_user_id=person.id,
        person=person,
        participation=participation,
        cohort=participation.cohort,
        organisation=person.organisation,
    )
    audit.record(
        session,
        "participation.invitation_resent" if resend else "participation.invited",
        actor_user_id=actor_user_id,
        organisation_id=participation.organisation_id,
        target_type="participation",
        target_id=participation.id,
    )
    return participation


def invite_participant(session: Session, participation_id: int, *, actor_user_id: int,
                       default_language: str) -> Participation:
    """Send (or send again) the invitation to take part. Mail and audit in the caller's transaction: flushes,
    does not commit."""
    participation = session.get(Participation, participation_id)
    if participation is None:
        raise LookupError(participation_id)
    queue_invitation(session, participation, actor_user_id=actor_user_id, default_language=default_language)
    session.flush()
    return participation



def refuse_public_mail_domains(domains: list[str]) -> None:
    """Refuse public and disposable mail providers (gmail.com, ...): anyone can get an address there."""
    public = public_mail_domains(domains)
    if public:
        raise FieldProblem("domains", _l("Anyone can get an address at a public mail provider, so it cannot be "
                                         "an organisation's domain: %(domains)s", domains=", ".join(public)))


def save_sso_settings(session: Session, organisation: Organisation, *, issuer: str, client_id: str,
                      client_secret: str | None, domains: list[str], enabled: bool,
                      actor_user_id: int) -> OrganisationSSO:
    """Create or change the organisation's SSO settings and e-mail domains, all or nothing.

    The caller's scope is the organisation's. Every change bumps the settings' version, so the
    OpenID client is rebuilt on the next sign-in. A domain added here waits for the board's approval before
    it routes sign-ins (anyone could claim a domain that is free, or that another organisation released);
    public mail providers are refused.
    """
    refuse_public_mail_domains(domains)
    claimed = session.scalars(
        sa.select(OrganisationDomain.domain).where(OrganisationDomain.domain.in_(domains),
                                                   OrganisationDomain.organisation_id != organisation.id)
    ).all()
    if claimed:
        raise FieldProblem("domains", _l("Already used by another member organisation: %(domains)s",
                                         domains=", ".join(sorted(claimed))))
    settings = session.scalar(sa.select(OrganisationSSO))
    if settings is None:
        if not client_secret:
            raise FieldProblem("client_secret", _l("Enter the client secret."))
        settings = OrganisationSSO(organisation_id=organisation.id, issuer=issuer, client_id=client_id,
                                   client_secret_encrypted=encrypt_secret(client_secret), enabled=enabled,
                                   updated_by_user_id=actor_user_id)
        session.add(settings)
        changed = True
    else:
        changed = (settings.issuer, settings.client_id, settings.enabled) != (issuer, client_id, enabled)
        settings.issuer, settings.client_id, settings.enabled = issuer, client_id, enabled
        if client_secret:
            settings.client_secret_encrypted = encrypt_secret(client_secret)
            changed = True
        if changed:
            settings.version += 1
            settings.updated_by_user_id = actor_user_id
    current = {d.domain: d for d in organisation.domains}
    for domain in set(current) - set(domains):
        organisation.domains.remove(current[domain])
    added = [domain for domain in domains if domain not in current]
    for domain in added:  # the board approves them (tandem.platform.board.operations.approve_domain)
        organisation.domains.append(OrganisationDomain(domain=domain, status=DomainStatus.PENDING))
    audit.record(session, "sso.settings_changed", actor_user_id=actor_user_id, organisation_id=organisation.id,
                 target_type="organisation", target_id=organisation.id,
                 details={"issuer": issuer, "client_id": client_id, "enabled": enabled,
                          "secret_replaced": bool(client_secret), "domains": sorted(domains),
                          "domains_pending": sorted(added)})
    session.flush()
    return settings


def grant_org_admin(session: Session, organisation: Organisation, *, email: str, display_name: str,
                    actor_user_id: int, language: str) -> User:
    """Make a person of `organisation` one of its admins (creating the person if new) and tell them.

    Works in the organisation's scope (its admins) and in club scope (the board).
    """
    email = email.strip().lower()
    domains = set(organisation.approved_domains)
    if email.rpartition("@")[2] not in domains:
        raise FieldProblem("email", _l("Use an address of %(organisation)s (%(domains)s).",
                                       organisation=organisation.name, domains=", ".join(sorted(domains))))
    with tenant_scope(session, organisation.id):
        person = session.scalar(sa.select(User).where(User.email == email))
        if person is None:
            with club_scope(session):
                taken = session.scalar(sa.select(sa.exists().where(User.email == email)))
            if taken:
                raise FieldProblem("email", _l("This address belongs to a person of another organisation."))
            person = User(organisation_id=organisation.id, email=email, display_name=display_name.strip())
            session.add(person)
            session.flush()
        already = session.scalar(sa.select(OrganisationAdmin).where(OrganisationAdmin.user_id == person.id))
        if already is not None:
            raise FieldProblem("email", _l("%(name)s is already an admin.", name=person.display_name))
        session.add(OrganisationAdmin(organisation_id=organisation.id, user_id=person.id,
                                      granted_by_user_id=actor_user_id))
        queue_mail(session, template="org_admin_granted", recipient=person.email,
                   language=mail_language(person), kind="org_admin_granted",
                   organisation_id=organisation.id, recipient_user_id=person.id, person=person,
                   organisation=organisation)
        audit.record(session, "role.org_admin_granted", actor_user_id=actor_user_id,
                     organisation_id=organisation.id, target_type="user", target_id=person.id)
        session.flush()
    return person


def revoke_org_admin(session: Session, organisation: Organisation, admin_id: int, *, actor_user_id: int) -> User:
    """Remove an admin. The last admin of an organisation cannot be removed."""
    with tenant_scope(session, organisation.id):
        grant = session.get(OrganisationAdmin, admin_id)
        if grant is None:
            raise LookupError(admin_id)
        remaining = session.scalar(sa.select(sa.func.count(OrganisationAdmin.id))) or 0
        if remaining <= 1:
            raise OperationRefused(_l("an organisation keeps at least one admin"))
        person = session.get(User, grant.user_id)
        assert person is not None, "the grant's foreign key keeps its user"
        session.delete(grant)
        audit.record(session, "role.org_admin_revoked", actor_user_id=actor_user_id,
                     organisation_id=organisation.id, target_type="user", target_id=grant.user_id)
        session.flush()
    return person
