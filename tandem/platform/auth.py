"""Flask-Login wiring: loading the signed-in person, refusing deactivated people and suspended organisations."""

from __future__ import annotations

from flask import Flask, abort
from flask_login import LoginManager, login_user

from tandem.platform.database import db_session
from tandem.platform.models import User
from tandem.platform.tenancy import club_scope


def load_user(user_id: str) -> User | None:
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    session = db_session()
    # Identity is resolved before any tenant is known: an explicit club-scope read.
    with club_scope(session):
        user = session.get(User, key)
    if user is None or not user.is_active or not user.organisation.is_active:
        return None
    return user


def sign_in(user: User) -> None:
    """Start a fresh session for `user` (the old session's content is dropped)."""
    from flask import session as http_session

    language = http_session.get("language")
    http_session.clear()
    if language:
        http_session["language"] = language
    login_user(user)


def init_app(app: Flask) -> None:
    manager = LoginManager()
    manager.user_loader(load_user)
    manager.unauthorized_handler(lambda: abort(401))
    manager.session_protection = "strong"
    manager.init_app(app)
