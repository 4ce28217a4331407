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
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tandem.platform.access import Principal
from tandem.platform.board.models import BoardMember
from tandem.platform.config import LANGUAGES
from tandem.platform.database import as_utc, matched_rows, utcnow, writing_apart
from tandem.platform.identity.models import User, UserSession
from tandem.platform.identity.tokens import new_token, token_hash
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationAdmin

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
    """The signed-in person for this request, or None when the session is over for any reason.

    One statement reads the session, the person, their organisation and their roles (board member,
    admin of their organisation: `Principal`, kept in `g` for the access check). It writes only when the
    session ends here or was last touched more than TOUCH_EVERY ago, in a short transaction of its own
    (`writing_apart`), so most requests only read."""
    token = cookie.get(COOKIE_KEY)
    if not token:
        return None
    settings = current_app.config["TANDEM"]
    now = utcnow()
    with club_scope(session):
        row = session.execute(
            sa.select(UserSession, User, _IS_BOARD, _IS_ADMIN)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == token_hash(token))
        ).first()
        if row is None:
            return None
        record, user, is_board, is_admin = row
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
                _bookkeeping(session, record, ended_at=now)
            return None
        if now - as_utc(record.last_seen_at) > TOUCH_EVERY:
            _bookkeeping(session, record, last_seen_at=now)
    g.principal = Principal(user_id=user.id, organisation_id=user.organisation_id, is_board=bool(is_board),
                            admin_of=frozenset({user.organisation_id}) if is_admin else frozenset())
    return user


# A person's roles, read with their session: board membership, and whether they administer their organisation
# (an admin's organisation is always their own: a composite foreign key to users(id, organisation_id)).
_IS_BOARD = sa.exists().where(BoardMember.user_id == User.id).label("is_board")
_IS_ADMIN = sa.exists().where(OrganisationAdmin.user_id == User.id,
                              OrganisationAdmin.organisation_id == User.organisation_id).label("is_admin")


def _bookkeeping(session: Session, record: UserSession, **values: object) -> None:
    """Touch or end the session row by its id, committed apart from the view's change (infrastructure:
    Flask-Login's user loader runs before the view). A database too busy to take it within its timeout
    leaves the request alone: the next request tries again."""
    try:
        with writing_apart(session):
            session.execute(sa.update(UserSession).where(UserSession.id == record.id).values(**values))
            session.commit()
    except OperationalError:
        session.rollback()
        current_app.logger.warning("session bookkeeping deferred: the database is busy")
        return
    for name, value in values.items():
        set_committed_value(record, name, value)


def end_all_sessions_of(session: Session, user_id: int) -> int:
    """End every open session of a person (deactivation, role removal)."""
    with club_scope(session):
        return matched_rows(
            session,
            sa.update(UserSession)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            .values(ended_at=utcnow()),
        )
