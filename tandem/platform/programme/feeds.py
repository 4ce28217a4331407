"""Each person's private calendar feed: a URL with a random token (stored hashed), independent of sessions,
revocable and renewable, that lists every event they are invited to and the meetings of their tandem pairs
(`pairs/meetings/calendar.py`).

`open_feed` and `revoke_feed` change data (flush, never commit); `feed_owner` and `feed_calendar` read.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, joinedload

from tandem.platform import audit
from tandem.platform.clock import club_zone, now
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.pairs.meetings.calendar import feed_entries
from tandem.platform.programme.calendar_files import calendar_file
from tandem.platform.programme.models import CalendarFeed, EventInvitation, EventStatus, ProgrammeEvent
from tandem.platform.programme.wording import calendar_entry
from tandem.platform.tenancy import club_scope

TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_feed(session: Session, user_id: int) -> CalendarFeed | None:
    """The person's feed, if they have one that is not revoked (their own tenant scope)."""
    return session.scalars(sa.select(CalendarFeed).where(CalendarFeed.user_id == user_id,
                                                         CalendarFeed.revoked_at.is_(None))).first()


def open_feed(session: Session, user: User) -> str:
    """A new feed URL token for the person (revoking the one they had). The token is shown once: only its
    hash is stored."""
    revoke_feed(session, user, audited=False)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(CalendarFeed(user_id=user.id, organisation_id=user.organisation_id, token_hash=_hash(token),
                             created_at=now()))
    session.flush()
    audit.record(session, "programme.feed_opened", actor_user_id=user.id, organisation_id=user.organisation_id,
                 target_type="user", target_id=user.id)
    return token


def revoke_feed(session: Session, user: User, *, audited: bool = True) -> bool:
    """Stop the person's feed URL from working. Returns whether there was one."""
    feed = active_feed(session, user.id)
    if feed is None:
        return False
    feed.revoked_at = now()
    session.flush()
    if audited:
        audit.record(session, "programme.feed_revoked", actor_user_id=user.id,
                     organisation_id=user.organisation_id, target_type="user", target_id=user.id)
    return True


def feed_owner(session: Session, token: str) -> User | None:
    """The active person whose open feed the token is (looked up by hash in club scope), or None."""
    if not token or len(token) > 100:
        return None
    with club_scope(session):
        row = session.execute(
            sa.select(CalendarFeed, User).join(User, User.id == CalendarFeed.user_id)
            .where(CalendarFeed.token_hash == _hash(token), CalendarFeed.revoked_at.is_(None))).first()
        if row is None or not row[1].is_active or not row[1].organisation.is_active:
            return None
        return row[1]


def feed_calendar(session: Session, user: User) -> bytes:
    """The person's calendar: every published or cancelled event they are invited to, and their pairs'
    meetings, in their language. Four statements whatever the number of events and meetings."""
    language = mail_language(user)  # the language of everything written to the person outside a request
    with club_scope(session):
        events = session.scalars(
            sa.select(ProgrammeEvent).options(joinedload(ProgrammeEvent.cohort))
            .join(EventInvitation, EventInvitation.event_id == ProgrammeEvent.id)
            .where(EventInvitation.user_id == user.id, ProgrammeEvent.status != EventStatus.DRAFT)
            .order_by(ProgrammeEvent.starts_at)).all()
        name = current_app.config["TANDEM"].club_name
        entries = [calendar_entry(event, language) for event in events]
        entries += feed_entries(session, user.id, language)
        return calendar_file(entries, zone=club_zone(), stamp=now(), name=name)
