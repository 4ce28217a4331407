"""What changes club-wide data on behalf of the board. Callers hold the club scope and commit."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.board.models import BoardMember, OrganisationExclusion, Topic
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.showcase.revision import bump_published
from tandem.tenants.domains import is_public_mail_domain
from tandem.tenants.models import DomainStatus, Organisation, OrganisationDomain, OrganisationStatus
from tandem.tenants.operations import refuse_public_mail_domains


def add_board_member(session: Session, *, email: str, display_name: str, organisation_slug: str,
                     organisation_name: str | None = None, actor_user_id: int | None = None) -> User:
    """Make a person a member of the club board, creating their organisation and the person if needed.

    This is how a new deployment gets its first board member (`tandem add-board-member`), who then signs
    in with an e-mailed link.
    """
    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    if not domain or "@" not in email:
        raise ValueError(f"not an e-mail address: {email!r}")
    organisation = session.scalar(sa.select(Organisation).where(Organisation.slug == organisation_slug))
    if organisation is None:
        if not organisation_name:
            raise ValueError(f"organisation {organisation_slug!r} does not exist: give its name to create it")
        taken = session.scalar(sa.select(OrganisationDomain).where(OrganisationDomain.domain == domain))
        if taken is not None:
            raise ValueError(f"the domain {domain} belongs to another organisation")
        if is_public_mail_domain(domain):
            raise ValueError(f"{domain} is a public mail provider: use an address of the organisation's own domain")
        organisation = Organisation(slug=organisation_slug, name=organisation_name)
        organisation.domains.append(OrganisationDomain(domain=domain, status=DomainStatus.APPROVED))
        session.add(organisation)
        session.flush()
    elif domain not in organisation.approved_domains:
        raise ValueError(f"{email} is not an address of {organisation.name}")
    person = session.scalar(sa.select(User).where(User.email == email))
    if person is None:
        person = User(organisation_id=organisation.id, email=email, display_name=display_name.strip())
        session.add(person)
        session.flush()
    elif person.organisation_id != organisation.id:
        raise ValueError(f"{email} belongs to another organisation")
    if session.scalar(sa.select(BoardMember).where(BoardMember.user_id == person.id)) is None:
        session.add(BoardMember(user_id=person.id))
        audit.record(session, "role.board_member_added", actor_user_id=actor_user_id,
                     organisation_id=organisation.id, target_type="user", target_id=person.id)
    session.flush()
    return person


# --- Member organisations ---

def _claimed_domains(session: Session, domains: list[str], organisation_id: int | None) -> list[str]:
    query = sa.select(OrganisationDomain.domain).where(OrganisationDomain.domain.in_(domains))
    if organisation_id is not None:
        query = query.where(OrganisationDomain.organisation_id != organisation_id)
    return sorted(session.scalars(query))


def _check_domains(session: Session, domains: list[str], organisation_id: int | None) -> None:
    refuse_public_mail_domains(domains)
    claimed = _claimed_domains(session, domains, organisation_id)
    if claimed:
        raise FieldProblem("domains", _l("Already used by another member organisation: %(domains)s",
                                         domains=", ".join(claimed)))


def _set_logo(organisation: Organisation, logo: bytes | None, content_type: str | None,
              remove_logo: bool) -> str | None:
    """Replace or remove the logo; returns what changed ("replaced", "removed") for the audit log."""
    if logo is not None and content_type is not None:
        organisation.logo, organisation.logo_content_type = logo, content_type
        return "replaced"
    if remove_logo and organisation.logo_content_type is not None:
        organisation.logo, organisation.logo_content_type = None, None
        return "removed"
    return None


def create_organisation(session: Session, *, slug: str, name: str, domains: list[str], actor_user_id: int,
                        logo: bytes | None = None, logo_content_type: str | None = None) -> Organisation:
    """Add a member organisation. The slug and every domain must be free."""
    if session.scalar(sa.select(sa.exists().where(Organisation.slug == slug))):
        raise FieldProblem("slug", _l("Another organisation already uses this short name."))
    _check_domains(session, domains, None)
    organisation = Organisation(slug=slug, name=name.strip())
    for domain in domains:  # the board's own entries need no approval
        organisation.domains.append(OrganisationDomain(domain=domain, status=DomainStatus.APPROVED))
    _set_logo(organisation, logo, logo_content_type, False)
    session.add(organisation)
    session.flush()
    audit.record(session, "organisation.created", actor_user_id=actor_user_id, organisation_id=organisation.id,
                 target_type="organisation", target_id=organisation.id,
                 details={"slug": slug, "name": organisation.name, "domains": sorted(domains),
                          "logo": logo_content_type})
    session.flush()
    return organisation


def update_organisation(session: Session, organisation: Organisation, *, name: str, domains: list[str],
                        actor_user_id: int, logo: bytes | None = None, logo_content_type: str | None = None,
                        remove_logo: bool = False) -> Organisation:
    """Change an organisation's name, domains and logo, all or nothing."""
    _check_domains(session, domains, organisation.id)
    before = {"name": organisation.name, "domains": sorted(d.domain for d in organisation.domains)}
    organisation.name = name.strip()
    current = {d.domain: d for d in organisation.domains}
    for domain in set(current) - set(domains):
        organisation.domains.remove(current[domain])
    for domain in domains:  # new ones are the board's own: approved; a pending one stays pending
        if domain not in current:
            organisation.domains.append(OrganisationDomain(domain=domain, status=DomainStatus.APPROVED))
    logo_change = _set_logo(organisation, logo, logo_content_type, remove_logo)
    details: dict[str, object] = {}
    if before["name"] != organisation.name:
        details["name"] = {"from": before["name"], "to": organisation.name}
    if before["domains"] != sorted(domains):
        details["domains"] = {"from": before["domains"], "to": sorted(domains)}
    if logo_change:
        details["logo"] = logo_change if logo_change == "removed" else logo_content_type
    if "name" in details or logo_change:
        bump_published(session)  # every published showcase shows the organisations' names and logos
    if details:
        audit.record(session, "organisation.changed", actor_user_id=actor_user_id, organisation_id=organisation.id,
                     target_type="organisation", target_id=organisation.id, details=details)
    session.flush()
    return organisation


def _domain(session: Session, domain_id: int) -> OrganisationDomain:
    domain = session.get(OrganisationDomain, domain_id)
    if domain is None:
        raise LookupError(domain_id)
    return domain


def approve_domain(session: Session, domain_id: int, *, actor_user_id: int) -> tuple[OrganisationDomain, bool]:
    """Let a domain an organisation admin added route sign-ins to that organisation, and take its nominations
    and admins. Returns the domain and False when it was approved already."""
    domain = _domain(session, domain_id)
    if domain.is_approved:
        return domain, False
    domain.status = DomainStatus.APPROVED
    audit.record(session, "organisation.domain_approved", actor_user_id=actor_user_id,
                 organisation_id=domain.organisation_id, target_type="organisation",
                 target_id=domain.organisation_id, details={"domain": domain.domain})
    session.flush()
    return domain, True


def refuse_domain(session: Session, domain_id: int, *, actor_user_id: int) -> tuple[Organisation, str]:
    """Remove a domain that waits for approval: it never routed a sign-in, and is free again. Returns its
    organisation and the domain."""
    domain = _domain(session, domain_id)
    if domain.is_approved:
        raise OperationRefused(_l("%(domain)s is already approved; to take it away, edit the organisation",
                                  domain=domain.domain))
    audit.record(session, "organisation.domain_refused", actor_user_id=actor_user_id,
                 organisation_id=domain.organisation_id, target_type="organisation",
                 target_id=domain.organisation_id, details={"domain": domain.domain})
    organisation = domain.organisation
    organisation.domains.remove(domain)  # deleted as an orphan at the flush
    session.flush()
    return organisation, domain.domain


def set_organisation_status(session: Session, organisation: Organisation, status: OrganisationStatus, *,
                            actor_user_id: int, actor_organisation_id: int | None = None) -> bool:
    """Suspend or reactivate an organisation. Returns False when it already had that status.

    Suspending changes nothing else: its people's sessions are refused from their next request on
    (tandem.platform.identity.sessions) and its area under /o/<slug>/ no longer exists.
    A board member cannot suspend their own organisation (they would lock themselves out).
    """
    if organisation.status == status:
        return False
    if status == OrganisationStatus.SUSPENDED and organisation.id == actor_organisation_id:
        raise OperationRefused(_l("you cannot suspend your own organisation"))
    organisation.status = status
    action = "organisation.suspended" if status == OrganisationStatus.SUSPENDED else "organisation.reactivated"
    audit.record(session, action, actor_user_id=actor_user_id, organisation_id=organisation.id,
                 target_type="organisation", target_id=organisation.id)
    session.flush()
    return True


# --- Exclusions: organisations whose people are never paired ---

def add_exclusion(session: Session, first_id: int, second_id: int, *, reason: str | None,
                  actor_user_id: int) -> OrganisationExclusion:
    """Exclude a pair of organisations from matching, stored once with the smaller id first."""
    if first_id == second_id:
        raise FieldProblem("organisation_b", _l("Choose two different organisations."))
    low, high = sorted((first_id, second_id))
    found = session.scalars(sa.select(Organisation.id).where(Organisation.id.in_((low, high)))).all()
    if len(found) != 2:
        raise FieldProblem("organisation_b", _l("Choose two member organisations."))
    exists = session.scalar(sa.select(sa.exists().where(OrganisationExclusion.organisation_a_id == low,
                                                        OrganisationExclusion.organisation_b_id == high)))
    if exists:
        raise FieldProblem("organisation_b", _l("These two organisations are already never paired."))
    exclusion = OrganisationExclusion(organisation_a_id=low, organisation_b_id=high, reason=reason)
    session.add(exclusion)
    session.flush()
    audit.record(session, "exclusion.added", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="organisation_exclusion", target_id=exclusion.id,
                 details={"organisations": [low, high], "reason": reason})
    session.flush()
    return exclusion


def remove_exclusion(session: Session, exclusion_id: int, *, actor_user_id: int) -> OrganisationExclusion:
    exclusion = session.get(OrganisationExclusion, exclusion_id)
    if exclusion is None:
        raise LookupError(exclusion_id)
    audit.record(session, "exclusion.removed", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="organisation_exclusion", target_id=exclusion.id,
                 details={"organisations": [exclusion.organisation_a_id, exclusion.organisation_b_id],
                          "reason": exclusion.reason})
    session.delete(exclusion)
    session.flush()
    return exclusion


# --- The topic catalogue. Topics are never deleted: profiles refer to them; they are deactivated. ---

def create_topic(session: Session, *, slug: str, label_de: str, label_fr: str, label_it: str, label_en: str,
                 actor_user_id: int) -> Topic:
    if session.scalar(sa.select(sa.exists().where(Topic.slug == slug))):
        raise FieldProblem("slug", _l("Another topic already uses this short name."))
    topic = Topic(slug=slug, label_de=label_de, label_fr=label_fr, label_it=label_it, label_en=label_en)
    session.add(topic)
    session.flush()
    audit.record(session, "topic.created", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="topic", target_id=topic.id, details={"slug": slug})
    session.flush()
    return topic


def update_topic(session: Session, topic: Topic, *, label_de: str, label_fr: str, label_it: str, label_en: str,
                 actor_user_id: int) -> Topic:
    before = {"de": topic.label_de, "fr": topic.label_fr, "it": topic.label_it, "en": topic.label_en}
    topic.label_de, topic.label_fr, topic.label_it, topic.label_en = label_de, label_fr, label_it, label_en
    after = {"de": label_de, "fr": label_fr, "it": label_it, "en": label_en}
    changed = {language: {"from": before[language], "to": after[language]}
               for language in before if before[language] != after[language]}
    if changed:
        audit.record(session, "topic.changed", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="topic", target_id=topic.id, details={"slug": topic.slug, "labels": changed})
    session.flush()
    return topic


def set_topic_active(session: Session, topic: Topic, active: bool, *, actor_user_id: int) -> bool:
    """Offer a topic again, or no longer. Profiles that chose it keep it. False when nothing changed."""
    if topic.is_active == active:
        return False
    topic.is_active = active
    audit.record(session, "topic.reactivated" if active else "topic.deactivated", actor_user_id=actor_user_id,
                 organisation_id=None, target_type="topic", target_id=topic.id, details={"slug": topic.slug})
    session.flush()
    return True
