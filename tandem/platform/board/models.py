"""What the club board keeps: its members, the topic catalogue, pairs of organisations never matched."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, utcnow


class BoardMember(Base):
    """A member of the club board: club-wide rights."""

    __tablename__ = "board_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    since: Mapped[datetime] = mapped_column(default=utcnow)


class Topic(Base):
    """A topic a mentor can offer and a mentee can want, labelled in every site language."""

    __tablename__ = "topics"
    __table_args__ = (
        sa.CheckConstraint("length(label_de) > 0 AND length(label_fr) > 0 AND length(label_it) > 0 "
                           "AND length(label_en) > 0", name="labels"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(63), unique=True)
    label_de: Mapped[str] = mapped_column(sa.String(120))
    label_fr: Mapped[str] = mapped_column(sa.String(120))
    label_it: Mapped[str] = mapped_column(sa.String(120))
    label_en: Mapped[str] = mapped_column(sa.String(120))
    is_active: Mapped[bool] = mapped_column(default=True)

    def label(self, language: str) -> str:
        return {"de": self.label_de, "fr": self.label_fr, "it": self.label_it}.get(language, self.label_en)


class OrganisationExclusion(Base):
    """Two organisations whose people are never paired (competitors, say). Stored once, a < b."""

    __tablename__ = "organisation_exclusions"
    __table_args__ = (
        sa.UniqueConstraint("organisation_a_id", "organisation_b_id"),
        sa.CheckConstraint("organisation_a_id < organisation_b_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_a_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    organisation_b_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
