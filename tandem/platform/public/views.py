"""Public pages: the landing page, the language choice, sign-out, the health check."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.config import LANGUAGES
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.tenancy import tenant_scope
from tandem.platform.transaction import request_transaction
from tandem.platform.urls import safe_next

LANDING_PAGES = "tandem.landing_pages"  # in app.extensions: the anonymous landing page by language, rendered once


@allow(Role.PUBLIC)
def landing() -> str:
    """The landing page. For a visitor who is not signed in, has no message waiting and asks for no variant
    (a query string), the page is the same but for the form's CSRF token: it is rendered once per language
    and process, with a marker where the token goes, and each request puts its own token there."""
    if current_user.is_authenticated or request.query_string or "_flashes" in session or (
            current_app.jinja_env.auto_reload):
        return render_template("public/landing.html")
    pages: dict[str, tuple[object, str, str]] = current_app.extensions.setdefault(LANDING_PAGES, {})
    settings, language = current_app.config["TANDEM"], current_language()
    kept = pages.get(language)
    if kept is None or kept[0] is not settings:  # settings replaced (tests do): render again
        marker = f"csrf-{secrets.token_hex(16)}"
        earlier = g.pop("csrf_token", None)
        g.csrf_token = marker  # what Flask-WTF's generate_csrf answers for the rest of the rendering
        try:
            kept = (settings, render_template("public/landing.html"), marker)
        finally:
            g.pop("csrf_token", None)
            if earlier is not None:
                g.csrf_token = earlier
        if language in LANGUAGES:
            pages[language] = kept
    _settings, page, marker = kept
    return page.replace(marker, generate_csrf())


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
