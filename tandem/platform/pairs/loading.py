"""The pair in the URL (`<int:pair_id>`), loaded and checked once per request.

- Under `/me/pairs/<pair_id>` the pair exists only for its two people: the signed-in person's own
  participations are read in their own organisation's scope, and the pair must have one of them as its mentor
  or mentee and be published (active or ended). Anyone else, the board and the organisations' admins
  included, gets 404: a pair's space is its two people's.
- Under `/board/cohorts/<cohort_id>/pairs/<pair_id>` (club scope) the pair must be a published pair of the
  URL's cohort (loaded before by `cohorts/loading.py`).

Views read it with `url_membership()` (a partner's view) or `url_pair()` (the board's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, g
from flask_login import current_user

from tandem.platform.cohorts.models import Participation, ParticipationRole
from tandem.platform.database import db_session
from tandem.platform.workbench.models import Pair, PairStatus

PUBLISHED = (PairStatus.ACTIVE, PairStatus.ENDED)


@dataclass(frozen=True)
class Membership:
    """The signed-in person's place in the URL's pair."""

    pair: Pair
    participation_id: int  # the viewer's participation
    role: str  # the viewer's: mentor or mentee
    partner_participation_id: int

    @property
    def is_mentor(self) -> bool:
        return self.role == ParticipationRole.MENTOR

    @property
    def is_active(self) -> bool:
        return self.pair.status == PairStatus.ACTIVE


def membership_of(session: Any, user_id: int, pair_id: int) -> Membership | None:
    """The person's membership of the pair, or None (not theirs, not published). Two queries: the person's
    own participations (their scope), the pair (club-level)."""
    own = session.scalars(sa.select(Participation.id).where(Participation.user_id == user_id)).all()
    if not own:
        return None
    pair = session.scalar(sa.select(Pair).where(
        Pair.id == pair_id, Pair.status.in_(PUBLISHED),
        sa.or_(Pair.mentor_participation_id.in_(own), Pair.mentee_participation_id.in_(own))))
    if pair is None:
        return None
    if pair.mentor_participation_id in own:
        return Membership(pair, pair.mentor_participation_id, ParticipationRole.MENTOR, pair.mentee_participation_id)
    return Membership(pair, pair.mentee_participation_id, ParticipationRole.MENTEE, pair.mentor_participation_id)


def _take_pair_id(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "pair_id" in values:
        g.url_pair_id = values.pop("pair_id")


def _load_pair() -> None:
    pair_id = g.pop("url_pair_id", None)
    if pair_id is None:
        return
    session = db_session()
    cohort = g.get("url_cohort")
    if cohort is not None:  # the board's pages: a published pair of the URL's cohort
        pair = session.scalar(sa.select(Pair).where(Pair.id == pair_id, Pair.cohort_id == cohort.id,
                                                    Pair.status.in_(PUBLISHED)))
        if pair is None:
            abort(404)
        g.url_pair = pair
        return
    membership = membership_of(session, current_user.id, pair_id)
    if membership is None:
        abort(404)  # another pair does not exist for this person
    g.url_membership = membership
    g.url_pair = membership.pair


def load_url_pair(blueprint: Blueprint) -> None:
    """Make the blueprint's views find their pair with `url_pair()`/`url_membership()` instead of a `pair_id`
    argument. Register after `load_url_cohort`, so that the board's cohort is loaded first."""
    blueprint.url_value_preprocessor(_take_pair_id)
    blueprint.before_request(_load_pair)


def url_pair() -> Pair:
    pair: Pair = g.url_pair
    return pair


def url_membership() -> Membership:
    membership: Membership = g.url_membership
    return membership
