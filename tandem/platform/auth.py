"""Flask-Login wiring. Who is signed in is decided by the server-side session (identity/sessions.py)."""

from __future__ import annotations

from flask import Flask, abort

from tandem.platform.database import db_session
from tandem.platform.identity.models import User


def load_user(user_id: str) -> User | None:
    from tandem.platform.identity.sessions import valid_session_user

    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    return valid_session_user(db_session(), key)


def init_app(app: Flask) -> None:
    from flask_login import LoginManager

    manager = LoginManager()
    manager.user_loader(load_user)
    manager.unauthorized_handler(lambda: abort(401))
    manager.session_protection = "strong"
    manager.init_app(app)
