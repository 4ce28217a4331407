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


# Set on every response unless the view set its own (a logo's sandboxing CSP, say).
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
PRODUCTION_HEADERS = (*DEFAULT_HEADERS, ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))


def _add_headers(response: Response) -> Response:
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}  # one pass (each `setdefault` is a search)
    for name, value in PRODUCTION_HEADERS if current_app.config["TANDEM"].is_production else DEFAULT_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
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
