"""People and how they sign in: users (tenant-owned), identities (issuer + subject), e-mailed sign-in
links and server-side sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.platform.config import LANGUAGES
from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned
from tandem.tenants.models import Organisation


class User(UserMixin, TenantOwned, Base):
    """A person: belongs to exactly one member organisation."""

    __tablename__ = "users"
    __table_args__ = (
        sa.UniqueConstraint("id", "organisation_id", name="uq_users_id_organisation"),
        sa.CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name="email"),
        sa.CheckConstraint("length(display_name) > 0", name="display_name"),
        sa.CheckConstraint(
            "preferred_language IS NULL OR " + sql_in("preferred_language", LANGUAGES), name="language"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    preferred_language: Mapped[str | None] = mapped_column(sa.String(2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Identity(Base):
    """A sign-in identity: the pair (issuer, subject), never an e-mail address."""

    __tablename__ = "identities"
    __table_args__ = (
        sa.UniqueConstraint("issuer", "subject"),
        sa.CheckConstraint("length(issuer) > 0 AND length(subject) > 0", name="not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(500))
    subject: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class SignInLink(Base):
    """A single-use sign-in link sent by e-mail. Only the token's hash is stored."""

    __tablename__ = "sign_in_links"
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expiry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class UserSession(Base):
    """A signed-in session, kept on the server so that sign-out and timeouts end it for good."""

    __tablename__ = "user_sessions"
    __table_args__ = (sa.CheckConstraint(sql_in("method", ("oidc", "link", "demo")), name="method"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    method: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
