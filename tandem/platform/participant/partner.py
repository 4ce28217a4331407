"""A participant's tandem partner: a deliberate, narrow read across organisations.

A participant works in their own organisation's scope, and their partner belongs to another one. So the
read goes in two steps: first, in the participant's own scope, that the participations are theirs; then, in
club scope, the active pairs of exactly those participations and, of each partner, only what the
participant may see: name, organisation, work e-mail, languages, how and when they like to meet, and the
pair's explanation. Three queries, however many participations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.board.models import Topic
from tandem.platform.cohorts.models import Participation
from tandem.platform.identity.models import User
from tandem.platform.matching import explanation_topic_ids, stored_criteria
from tandem.platform.participant.models import WEEKDAYS, Profile
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import Organisation


@dataclass(frozen=True)
class PartnerView:
    """The partner of one of the viewer's participations, and the pair's explanation."""

    participation_id: int  # the viewer's participation
    viewer_role: str
    viewer_languages: tuple[str, ...]
    pair_id: int
    activated_at: datetime | None
    role: str  # the partner's
    display_name: str
    email: str
    organisation_name: str
    organisation_slug: str
    has_logo: bool
    languages: tuple[str, ...]
    format: str | None
    city: str | None
    weekdays: tuple[str, ...]
    explanation: Mapping[str, Any] = field(default_factory=dict, hash=False)
    topic_labels: Mapping[int, str] = field(default_factory=dict, hash=False)  # the explanation's topics

    @property
    def shared_languages(self) -> tuple[str, ...]:
        return tuple(code for code in self.languages if code in self.viewer_languages)


def _owned(session: Session, user_id: int, participation_ids: Sequence[int]) -> dict[int, tuple[str, list[str]]]:
    """Which of the participations are the person's, with their role and languages (the person's scope)."""
    rows = session.execute(
        sa.select(Participation.id, Participation.role, Profile.languages)
        .outerjoin(Profile, Profile.participation_id == Participation.id)
        .where(Participation.id.in_(list(participation_ids)), Participation.user_id == user_id)
    ).all()
    return {pid: (role, list(languages or [])) for pid, role, languages in rows}


@cache
def _partners_statement() -> sa.Select[Any]:
    """The active pairs of the participations `:ids` with what the viewer may see of each partner; built once
    per process (a statement is immutable; building this one cost more than running it)."""
    ids: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
    partner = aliased(Participation)
    viewer_id = sa.case((Pair.mentor_participation_id.in_(ids), Pair.mentor_participation_id),
                        else_=Pair.mentee_participation_id)
    return (
        sa.select(viewer_id, Pair.id, Pair.activated_at, Pair.explanation, partner.role, User.display_name,
                  User.email, Organisation.name, Organisation.slug, Organisation.logo_content_type,
                  Profile.languages, Profile.format, Profile.city, Profile.weekdays)
        .join(partner, sa.or_(
            sa.and_(Pair.mentor_participation_id.in_(ids), partner.id == Pair.mentee_participation_id),
            sa.and_(Pair.mentee_participation_id.in_(ids), partner.id == Pair.mentor_participation_id),
        ))
        .join(User, User.id == partner.user_id)
        .join(Organisation, Organisation.id == partner.organisation_id)
        .outerjoin(Profile, Profile.participation_id == partner.id)
        .where(Pair.status == PairStatus.ACTIVE,
               sa.or_(Pair.mentor_participation_id.in_(ids), Pair.mentee_participation_id.in_(ids)))
        .order_by(Pair.id)
    )


def partners_of(session: Session, user_id: int, participation_ids: Sequence[int],
                language: str = "en") -> dict[int, PartnerView]:
    """The partner in the active pair of each of the person's participations (absent: no active pair, or
    not the person's). Topic labels are in `language`. Three queries."""
    if not participation_ids:
        return {}
    owned = _owned(session, user_id, participation_ids)
    if not owned:
        return {}
    with club_scope(session):
        rows = session.execute(_partners_statement(), {"ids": list(owned)}).all()
    topic_ids = set().union(*(explanation_topic_ids(row[3], "shared") for row in rows))
    labels: dict[int, str] = {}
    if topic_ids:
        labels = {topic.id: topic.label(language)
                  for topic in session.scalars(sa.select(Topic).where(Topic.id.in_(topic_ids)))}
    views: dict[int, PartnerView] = {}
    for (pid, pair_id, activated_at, explanation, role, name, email, organisation, slug, logo_type,
         languages, meeting_format, city, weekdays) in rows:
        viewer_role, viewer_languages = owned[pid]
        views[pid] = PartnerView(
            participation_id=pid, viewer_role=viewer_role, viewer_languages=tuple(viewer_languages),
            pair_id=pair_id, activated_at=activated_at, role=role, display_name=name, email=email,
            organisation_name=organisation, organisation_slug=slug, has_logo=logo_type is not None,
            languages=tuple(languages or ()), format=meeting_format, city=city,
            weekdays=tuple(day for day in WEEKDAYS if day in (weekdays or ())),  # Monday first
            explanation=stored_criteria(explanation),
            topic_labels={t: labels[t] for t in explanation_topic_ids(explanation, "shared") if t in labels},
        )
    return views


def partner_of(session: Session, user_id: int, participation_id: int, language: str = "en") -> PartnerView | None:
    """The partner in the active pair of one of the person's participations (None: none, or not theirs)."""
    return partners_of(session, user_id, [participation_id], language).get(participation_id)
