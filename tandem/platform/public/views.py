"""Public pages: the landing page, the language choice, sign-out, the health check."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.config import LANGUAGES
from tandem.platform.database import db_session
from tandem.platform.tenancy import tenant_scope
from tandem.platform.transaction import request_transaction
from tandem.platform.urls import safe_next


@allow(Role.PUBLIC)
def landing() -> str:
    return render_template("public/landing.html")


@allow(Role.PUBLIC)
def choose_language() -> Response:
    language = request.form.get("language", "")
    if language in LANGUAGES:
        session["language"] = language
        if current_user.is_authenticated:
            db = db_session()
            with request_transaction(), tenant_scope(db, current_user.organisation_id):
                current_user.preferred_language = language
                db.flush()  # in the person's scope; the transaction commits after it is left
    return redirect(without_language(safe_next(request.form.get("next"), url_for("public.landing"))))


def without_language(path: str) -> str:
    """The page to go back to, without a `?lang=` asking for another language than the one just chosen."""
    parts = urlsplit(path)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != "lang"]
    return urlunsplit(parts._replace(query=urlencode(query)))


@allow(Role.PUBLIC)
def health() -> tuple[dict[str, str], int]:
    try:
        db_session().execute(sa.text("SELECT 1"))
    except Exception as error:  # pragma: no cover - reported, not raised
        current_app.logger.exception("health check failed")
        return {"status": "error", "database": type(error).__name__}, 503
    return {"status": "ok"}, 200
