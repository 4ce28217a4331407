"""Server-side sessions: the cookie holds a random session token, the database decides whether it is valid.

Signing out ends the session row, so a replayed old cookie no longer works. Idle and absolute timeouts
are checked on every request, as are the person's and the organisation's status.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from flask import session as cookie
from flask_login import login_user, logout_user
from sqlalchemy.orm import Session

from tandem.platform.config import LANGUAGES
from tandem.platform.database import as_utc, matched_rows, utcnow
from tandem.platform.identity.models import User, UserSession
from tandem.platform.identity.tokens import new_token, token_hash
from tandem.platform.tenancy import club_scope

COOKIE_KEY = "sid"
NEXT_KEY = "next_after_sign_in"  # the page to land on after signing in (identity/landing.py)
TOUCH_EVERY = timedelta(seconds=60)


def _forget_request_caches() -> None:
    """The cookie was replaced mid-request: what this request derived from the old one must go too
    (who is signed in, and the CSRF token that forms on the page about to render will carry)."""
    g.pop("principal", None)
    g.pop("csrf_token", None)


def start_session(session: Session, user: User, method: str) -> UserSession:
    """Sign `user` in: a fresh cookie (nothing of the old one survives but the language and the page asked for,
    a path of this site that the landing checks again) and a session row. A language chosen on the site
    before signing in becomes the person's choice when they have none (tandem/platform/mail/language.py)."""
    language, wanted = cookie.get("language"), cookie.get(NEXT_KEY)
    cookie.clear()
    if language:
        cookie["language"] = language
    if wanted:
        cookie[NEXT_KEY] = wanted
    token = new_token()
    with club_scope(session):
        if user.preferred_language is None and language in LANGUAGES:
            user.preferred_language = language  # chosen on the site before signing in: their mail follows it
        record = UserSession(user_id=user.id, token_hash=token_hash(token), method=method,
                             ip_address=request.remote_addr)
        session.add(record)
        session.flush()
    cookie[COOKIE_KEY] = token
    cookie.permanent = False
    login_user(user)
    _forget_request_caches()
    return record


def end_session(session: Session) -> None:
    """Sign out: end the session row, forget the cookie's content (except the language)."""
    token = cookie.get(COOKIE_KEY)
    if token:
        with club_scope(session):
            session.execute(
                sa.update(UserSession)
                .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
                .values(ended_at=utcnow())
            )
    language = cookie.get("language")
    logout_user()
    cookie.clear()
    if language:
        cookie["language"] = language
    _forget_request_caches()


def valid_session_user(session: Session, user_id: int) -> User | None:
    """The signed-in person for this request, or None when the session is over for any reason."""
    token = cookie.get(COOKIE_KEY)
    if not token:
        return None
    settings = current_app.config["TANDEM"]
    now = utcnow()
    with club_scope(session):
        row = session.execute(
            sa.select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == token_hash(token))
        ).first()
        if row is None:
            return None
        record, user = row
        expired = (
            record.ended_at is not None
            or record.user_id != user_id
            or now - as_utc(record.last_seen_at) > timedelta(minutes=settings.session_idle_minutes)
            or now - as_utc(record.created_at) > timedelta(hours=settings.session_max_hours)
            or not user.is_active
            or not user.organisation.is_active
        )
        if expired:
            if record.ended_at is None:
                record.ended_at = now
                session.commit()  # infrastructure: Flask-Login's user loader, before (and apart from) the view's change
            return None
        if now - as_utc(record.last_seen_at) > TOUCH_EVERY:
            record.last_seen_at = now
            session.commit()  # infrastructure: as above, the session's bookkeeping is not the view's change
    return user


def end_all_sessions_of(session: Session, user_id: int) -> int:
    """End every open session of a person (deactivation, role removal)."""
    with club_scope(session):
        return matched_rows(
            session,
            sa.update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            .values(ended_at=utcnow()),
        )
