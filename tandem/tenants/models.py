"""Member organisations (the tenants) and their admins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned

LOGO_CONTENT_TYPES = ("image/png", "image/jpeg", "image/webp")



class OrganisationStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Organisation(Base):
    """A member organisation of the club: one tenant."""

    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", tuple(OrganisationStatus)), name="status"),
        sa.CheckConstraint("slug = lower(slug) AND length(slug) BETWEEN 2 AND 63", name="slug"),
        sa.CheckConstraint("length(name) > 0", name="name"),
        sa.CheckConstraint(
            "(logo IS NULL AND logo_content_type IS NULL) OR (logo IS NOT NULL AND "
            + sql_in("logo_content_type", LOGO_CONTENT_TYPES) + ")",
            name="logo",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(63), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default=OrganisationStatus.ACTIVE)
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    logo_content_type: Mapped[str | None] = mapped_column(sa.String(40))
    # The showcase: whether the organisation's admins approve their people's stories before the board may
    # publish them, and whether its logo is shown among the organisations that took part.
    stories_need_approval: Mapped[bool] = mapped_column(default=False)
    logo_on_showcase: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    domains: Mapped[list[OrganisationDomain]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="OrganisationDomain.domain"
    )

    @property
    def is_active(self) -> bool:
        return self.status == OrganisationStatus.ACTIVE

    @property
    def approved_domains(self) -> list[str]:
        """The domains that count (see OrganisationDomain), in order."""
        return [d.domain for d in self.domains if d.is_approved]

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class DomainStatus(StrEnum):
    PENDING = "pending"  # claimed by the organisation's admin, waiting for the board
    APPROVED = "approved"  # entered or approved by the board


class OrganisationDomain(Base):
    """An e-mail domain that belongs to one organisation (used to find it at sign-in).

    Only an approved domain counts: it routes sign-ins to the organisation's provider and takes its
    nominations and admins. A domain an organisation admin claims waits for the board (pending); the board's
    own entries are approved at once. A new row is pending unless it says otherwise.
    """

    __tablename__ = "organisation_domains"
    __table_args__ = (
        sa.CheckConstraint("domain = lower(domain) AND length(domain) >= 3", name="domain"),
        sa.CheckConstraint(sql_in("status", tuple(DomainStatus)), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(sa.String(253), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=DomainStatus.PENDING)

    @property
    def is_approved(self) -> bool:
        return self.status == DomainStatus.APPROVED

    organisation: Mapped[Organisation] = relationship(back_populates="domains")


class OrganisationAdmin(TenantOwned, Base):
    """A person who administers one organisation."""

    __tablename__ = "organisation_admins"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "user_id"),
        sa.ForeignKeyConstraint(
            ["user_id", "organisation_id"], ["users.id", "users.organisation_id"], ondelete="CASCADE",
            name="fk_organisation_admins_user_same_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id], primaryjoin="OrganisationAdmin.user_id == User.id",
                        viewonly=True)


class OrganisationSSO(TenantOwned, Base):
    """An organisation's OpenID Connect settings. The client secret is stored encrypted, never shown again."""

    __tablename__ = "organisation_sso"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id"),
        sa.CheckConstraint("length(issuer) > 0 AND length(client_id) > 0", name="not_empty"),
        sa.CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(500))
    client_id: Mapped[str] = mapped_column(sa.String(255))
    client_secret_encrypted: Mapped[bytes] = mapped_column(sa.LargeBinary)
    enabled: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)  # bumped on every change: clients are rebuilt
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
