"""Fixtures of the stories' tests: the pair club (tests/fixtures/pairs.py) with its clock, its people reading
English, two topics of the catalogue, and helpers that act as a partner (their membership and actor)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.clock import set_clock
from tandem.platform.pairs.loading import Membership, membership_of
from tandem.platform.pairs.space.operations import Actor
from tandem.platform.showcase.models import Story
from tandem.platform.tenancy import club_scope, tenant_scope
from tests.factories import make_catalogue_topic
from tests.fixtures.pairs import NOW, build_pair_club, in_english


@pytest.fixture()
def clock(app):
    set_clock(app, NOW)
    try:
        yield NOW
    finally:
        set_clock(app, None)


@pytest.fixture()
def club(app, db, clock):
    """The pair club, everyone reading English, with three topics (one retired from the catalogue)."""
    with app.app_context():
        club = build_pair_club(db)
    in_english(db, *club.people.values())
    club.topics = [make_catalogue_topic(db, "Social media"), make_catalogue_topic(db, "Leadership"),
                   make_catalogue_topic(db, "Artificial intelligence"), make_catalogue_topic(db, "Podcasts"),
                   make_catalogue_topic(db, "Retired topic", is_active=False)]
    db.commit()
    return club


def membership(db, club, who: str, pair: str = "one") -> Membership:
    """`who`'s membership of the pair, as the pair's loader finds it."""
    person = club.people[who]
    with tenant_scope(db, person.organisation_id):
        found = membership_of(db, person.id, club.pairs[pair].id)
    assert found is not None
    return found


def actor(club, who: str) -> Actor:
    person = club.people[who]
    return Actor(user_id=person.id, organisation_id=person.organisation_id)


def stored_story(db, pair_id: int) -> Story | None:
    """The pair's story as the database holds it now."""
    with club_scope(db):
        db.expire_all()
        return db.scalar(sa.select(Story).where(Story.pair_id == pair_id))
