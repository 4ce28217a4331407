"""Rate limits (Flask-Limiter) declared on views and applied when the app is built.

Views are marked with `@rate_limit("10 per minute", key=...)`; `init_app` wraps the marked views with
Flask-Limiter once the blueprints are registered. Storage: Redis in production (RATELIMIT_STORAGE_URL,
default REDIS_URL), memory in a single process otherwise. While Redis cannot be reached (or answers too
slowly), each process counts in its own memory and Flask-Limiter logs the warning "Rate limit storage
unreachable - falling back to in-memory storage" (and "Rate limit storage recovered" when it is back):
sign-in goes on working, limited per process.

The key is the client's address, `request.remote_addr`: behind proxies, TRUSTED_PROXIES makes it the
client's rather than the proxy's (Werkzeug's ProxyFix, installed by the app factory).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

F = TypeVar("F", bound=Callable[..., Any])
MARK = "_tandem_rate_limits"


def rate_limit(limit: str, *, key: Callable[[], str] | None = None, methods: tuple[str, ...] = ("POST",),
               scope: str | None = None) -> Callable[[F], F]:
    def mark(view: F) -> F:
        limits = getattr(view, MARK, [])
        setattr(view, MARK, [*limits, (limit, key, methods, scope)])
        return view

    return mark


def submitted_email() -> str:
    """Key for limits per e-mail address (a sign-in link request), whatever the client's address."""
    return "email:" + (request.form.get("email") or "").strip().lower()


# A Redis that does not answer must not hold a sign-in for long: the fallback takes over after this.
REDIS_TIMEOUTS: dict[str, str | int] = {"socket_connect_timeout": 2, "socket_timeout": 2}


def init_app(app: Flask) -> None:
    settings = app.config["TANDEM"]
    on_redis = settings.ratelimit_storage_url.startswith(("redis://", "rediss://", "redis+unix://"))
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=settings.ratelimit_storage_url,
        storage_options=REDIS_TIMEOUTS if on_redis else {},
        in_memory_fallback_enabled=True,
        strategy="fixed-window",
        headers_enabled=True,
        key_prefix="tandem-ratelimit",
    )
    app.extensions["tandem.limiter"] = limiter
    for endpoint, view in list(app.view_functions.items()):
        # Any view: Flask's type is a union (sync or async), which the limiter's generic decorator can't keep.
        limited: Callable[..., Any] = view
        for limit, key, methods, scope in reversed(getattr(view, MARK, [])):
            limited = limiter.limit(limit, key_func=key, methods=list(methods),
                                    scope=scope or f"{endpoint}:{limit}")(limited)
        app.view_functions[endpoint] = limited
