"""What changes club-wide data on behalf of the board. Callers hold the club scope and commit."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.models import BoardMember, User
from tandem.tenants.models import Organisation, OrganisationDomain


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
        organisation = Organisation(slug=organisation_slug, name=organisation_name)
        organisation.domains.append(OrganisationDomain(domain=domain))
        session.add(organisation)
        session.flush()
    elif domain not in {d.domain for d in organisation.domains}:
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
