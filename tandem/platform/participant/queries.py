"""Read models of the participant area: a fixed number of queries, however many rows.

The request's scope is the person's organisation; every query here also filters by the person, so that a
participant sees their own participations only, never a colleague's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from tandem.platform.board.models import Topic
from tandem.platform.cohorts.models import Participation
from tandem.platform.participant.completeness import Completeness, profile_completeness
from tandem.platform.participant.models import Profile, ProfileTopic
from tandem.platform.workbench.models import Pair, PairStatus


@dataclass
class MyParticipation:
    participation: Participation
    completeness: Completeness


def completeness_of(session: Session,
                    participation_ids: Sequence[int] | sa.ScalarSelect[Any]) -> dict[int, Completeness]:
    """The profile completeness of each participation: two queries, however many participations.

    `participation_ids` is a list of ids or a scalar subquery selecting them (a cohort's, say); the
    result has an entry for every participation that has a profile or topics (absent: nothing entered).
    """
    ids = participation_ids if isinstance(participation_ids, sa.ScalarSelect) else list(participation_ids)
    profiles = {p.participation_id: p for p in session.scalars(
        sa.select(Profile).where(Profile.participation_id.in_(ids)))}
    ranks: dict[int, list[int | None]] = defaultdict(list)
    for participation_id, rank in session.execute(
        sa.select(ProfileTopic.participation_id, ProfileTopic.rank).where(ProfileTopic.participation_id.in_(ids))
    ):
        ranks[participation_id].append(rank)
    known = set(profiles) | set(ranks) if isinstance(ids, sa.ScalarSelect) else ids
    return {pid: profile_completeness(profiles.get(pid), ranks.get(pid, [])) for pid in known}


@cache
def _my_participations_statement() -> sa.Select[Participation]:
    """Built once per process (a statement is immutable; building it, with its joined load, cost about as much
    as running it)."""
    return (sa.select(Participation)
            .options(joinedload(Participation.cohort))
            .where(Participation.user_id == sa.bindparam("user_id"))
            .order_by(Participation.nominated_at.desc(), Participation.id.desc()))


def my_participations(session: Session, user_id: int) -> list[MyParticipation]:
    """The person's participations, newest first, with their profile's completeness: three queries."""
    participations = session.scalars(_my_participations_statement(), {"user_id": user_id}).all()
    completeness = completeness_of(session, [p.id for p in participations])
    return [MyParticipation(p, completeness[p.id]) for p in participations]


def my_participation(session: Session, user_id: int, participation_id: int) -> Participation | None:
    """One of the person's own participations (None for anyone else's, in any organisation)."""
    return session.scalar(
        sa.select(Participation)
        .options(joinedload(Participation.cohort))
        .where(Participation.id == participation_id, Participation.user_id == user_id)
    )


@dataclass
class ProfilePage:
    profile: Profile | None
    topics: list[Topic]
    chosen: dict[int, int | None]  # topic id -> rank (None: chosen without a rank)
    completeness: Completeness


def profile_page(session: Session, participation: Participation, language: str) -> ProfilePage:
    """The profile, its topics and the active topic catalogue (labels sorted in `language`)."""
    profile = session.scalar(sa.select(Profile).where(Profile.participation_id == participation.id))
    chosen = dict(session.execute(
        sa.select(ProfileTopic.topic_id, ProfileTopic.rank).where(ProfileTopic.participation_id == participation.id)
    ).all())
    topics = sorted(session.scalars(sa.select(Topic).where(Topic.is_active.is_(True))),
                    key=lambda topic: topic.label(language).casefold())
    return ProfilePage(profile=profile, topics=topics, chosen=chosen,
                       completeness=profile_completeness(profile, list(chosen.values())))


def ended_pairs(session: Session, participation_ids: Sequence[int]) -> dict[int, list[int]]:
    """The ended (published, then completed or ended early) pairs of each of the person's participations, newest
    first: their pages stay theirs to read. One statement. `participation_ids` must be the person's own."""
    ids = list(participation_ids)
    if not ids:
        return {}
    found: dict[int, list[int]] = defaultdict(list)
    for pair_id, mentor_id, mentee_id in session.execute(
            sa.select(Pair.id, Pair.mentor_participation_id, Pair.mentee_participation_id)
            .where(Pair.status == PairStatus.ENDED, Pair.activated_at.is_not(None),
                   sa.or_(Pair.mentor_participation_id.in_(ids), Pair.mentee_participation_id.in_(ids)))
            .order_by(Pair.id.desc())):
        found[mentor_id if mentor_id in ids else mentee_id].append(pair_id)
    return dict(found)
