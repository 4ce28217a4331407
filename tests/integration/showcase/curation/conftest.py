"""Fixtures of the curation tests: the pair club (tests/fixtures/pairs.py) with the app's clock at its moment,
and helpers that write stories as the partners' operations would leave them."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import Cohort
from tandem.platform.programme.models import EventKind
from tandem.platform.tenancy import club_scope
from tests.factories import make_kickoff, make_story
from tests.fixtures.pairs import NOW, PairClub, build_pair_club, in_english

EN = {"Accept-Language": "en"}


@pytest.fixture()
def clock(app):
    set_clock(app, NOW)
    try:
        yield NOW
    finally:
        set_clock(app, None)


@pytest.fixture()
def club(app, db, clock) -> PairClub:
    """The pair club, everyone reading English. No app context stays open: each request has its own (and its
    own session), as in production; a test that calls an operation opens one for the call."""
    with app.app_context():
        club = build_pair_club(db)
    in_english(db, *club.people.values())
    return club


def story_of(db, club: PairClub, number: str, **fields):
    """The story of pair `number` ("one", "two"), confirmed by both unless `confirmed=False`."""
    story = make_story(db, club.pairs[number], **fields)
    db.commit()
    return story


def symposium_of(db, cohort, **fields):
    """The cohort's symposium in its programme: on its symposium date, 16:00 to 19:00 UTC (18:00 in Zurich)."""
    event = make_kickoff(db, cohort, kind=EventKind.SYMPOSIUM, **fields)
    db.commit()
    return event


def revision_of(db, cohort) -> int:
    with club_scope(db):
        return db.scalar(sa.select(Cohort.showcase_revision).where(Cohort.id == cohort.id))


def audit_of(db, action: str) -> list[AuditEvent]:
    with club_scope(db):
        return list(db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The words of a piece of HTML, without its tags, spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def errors_of(html: str) -> list[str]:
    """The messages beside fields, in error summaries and in error flashes."""
    found = [text_of(m).removeprefix("Error: ")
             for m in re.findall(r'<p class="field__error"[^>]*>(.*?)</p>', html, re.S)]
    found += [text_of(m) for m in re.findall(r'<ul class="error-summary__list">(.*?)</ul>', html, re.S)]
    found += [text_of(m).removeprefix("Problem: ")
              for m in re.findall(r'<p class="flash flash--error"[^>]*>(.*?)</p>', html, re.S)]
    return found
