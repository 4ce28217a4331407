"""Security by default: CSRF on every form, security headers, no caching or indexing of signed-in pages."""

from __future__ import annotations

from flask import Flask, Response, current_app
from flask.globals import _cv_app
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect, generate_csrf

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["TANDEM"].is_production:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if current_user and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
        headers["X-Robots-Tag"] = "noindex"  # a signed-in page is nobody's search result
    return response


def csrf_token() -> str:
    """Templates' `csrf_token()`: the request's token. Flask-WTF's `generate_csrf` makes it once per request and
    keeps it in `g`, but reads its settings through the app context at every call (a page with a form per row
    calls it hundreds of times); here later calls read the kept token directly."""
    context = _cv_app.get(None)
    if context is not None:
        token = context.g.__dict__.get("csrf_token")
        if isinstance(token, str):
            return token
    return str(generate_csrf())


def init_app(app: Flask) -> None:
    CSRFProtect(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.after_request(_add_headers)
