"""Error pages in the site's style; user input never produces a 500."""

from __future__ import annotations

from flask import Flask, render_template, request, session
from werkzeug.exceptions import HTTPException, InternalServerError

from tandem.platform.database import get_db

KNOWN_PAGES = {400, 401, 403, 404, 405, 413, 429, 500}


def _remember_where_they_were_going(code: int) -> None:
    """A GET that needs sign-in: after signing in, the person comes back here (a path of this site only)."""
    if code == 401 and request.method == "GET" and not request.path.startswith(("/static/", "/sign-in")):
        session["next_after_sign_in"] = request.full_path.rstrip("?")


def _render(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    _remember_where_they_were_going(code)
    return render_template("errors/error.html", code=code if code in KNOWN_PAGES else 500, error=error), code


def _internal(error: Exception) -> tuple[str, int]:
    # Leave the session clean for the error page itself.
    get_db().session.rollback()
    return _render(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(InternalServerError, _internal)
