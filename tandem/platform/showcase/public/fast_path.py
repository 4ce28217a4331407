"""Cached public pages answered before the app's request machinery: the showcase's fast path (WSGI).

A public showcase page is the same for every visitor without cookies. Once the app has rendered it and
answered it to such a visitor, the next one needs only what `caching.serve` would do: one statement for the
freshness, then the kept page or a 304. Flask's request handling around a view (request context, session,
sign-in, access check, rate limits, CSRF, after-request hooks) costs several times a bare Flask app's whole
request; this middleware skips it for those answers, and only those:

- GET or HEAD, without any cookie (a signed-in visitor, or one who chose a language, goes through the app:
  their answers are `no-store` and may differ), to an address the app's own URL map routes to a cached
  showcase page (`caching.CLUB_PAGES`, `caching.COHORT_PAGES`), in the language the app would choose for a
  visitor without cookies (`?lang=`, else the browser's, else the club's default);
- the page is in the cache under the same freshness key as the view computes, and the app answered it once
  to a visitor without cookies: its headers then (the security headers of platform/security.py among them,
  without `X-Request-ID`) are kept with it and sent again, with a new request id.

Everything else, and anything that fails here, is the app's: it renders, answers 404, or reports the error.
Each answer given here is logged as the app logs a request (`tandem.request`, with its request id), with
`"cached": true`. A new before- or after-request hook of the app does not run for these answers: a hook that
must apply to public pages belongs in the headers the app answers with (kept and replayed here).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from tandem.platform.cohorts.forms import SLUG
from tandem.platform.config import LANGUAGES
from tandem.platform.request_log import accepted_request_id, new_request_id, request_logger
from tandem.platform.showcase.public.caching import (
    CLUB_PAGES,
    COHORT_PAGES,
    LANGUAGE_FREE,
    Page,
    club_parts,
    cohort_parts,
    freshness_key,
    page_cache,
)
from tandem.platform.showcase.public.queries import cohort_head, published_cohorts

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
PREFIXES = ("/showcase/", "/sitemap.xml")
# Headers of the app's answer that are not the page's: made anew for each answer (or by the server).
NOT_KEPT = frozenset({"x-request-id", "content-length", "date", "server", "set-cookie"})
NOT_IN_304 = frozenset({"content-type", "content-disposition", "content-length"})


@dataclass(frozen=True)
class Lookup:
    endpoint: str
    key: str
    page: Page | None


class CachedPublicPages:
    """WSGI middleware around the app's `wsgi_app`: see the module's docstring."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        # What the app's URL map and the language choice answered for recent paths and Accept-Language
        # values: both are pure functions of them (the map does not match hosts), worth keeping at this speed.
        self._routes: dict[str, tuple[str, dict[str, Any]] | None] = {}
        self._languages: dict[str, str] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("HTTP_COOKIE")
                or not str(environ.get("PATH_INFO", "")).startswith(PREFIXES)):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        request = Request(environ)
        try:
            found = self._look_up(request)
        except Exception:  # noqa: BLE001 - the app answers instead, with its own handling of the failure
            found = None
        if found is None:
            return self.wsgi_app(environ, start_response)
        if found.page is None or found.page.answered is None:
            return self.wsgi_app(environ, self._keeping(found.key, request, start_response))
        return self._answer(request, found, found.page, start_response, started)

    def _language(self, request: Request) -> str:
        """As the app chooses for a visitor without cookies (`views.page_language`, `i18n.select_language`)."""
        asked = request.args.get("lang", "")
        if asked in LANGUAGES:
            return asked
        header = request.headers.get("Accept-Language", "")
        language = self._languages.get(header)
        if language is None:
            best = request.accept_languages.best_match(LANGUAGES)
            language = best or str(self.app.config["TANDEM"].default_language)
            _remember(self._languages, header, language)
        return language

    def _route(self, request: Request) -> tuple[str, dict[str, Any]] | None:
        """The endpoint and arguments of a cached page's address, else None."""
        path = request.path
        if path in self._routes:
            return self._routes[path]
        route: tuple[str, dict[str, Any]] | None
        try:
            endpoint, arguments = self.app.url_map.bind_to_environ(request.environ).match(method="GET")
            route = (str(endpoint), dict(arguments))
        except HTTPException:  # not found, or redirected: the app answers
            route = None
        if route is not None and route[0] not in CLUB_PAGES and route[0] not in COHORT_PAGES:
            route = None
        _remember(self._routes, path, route)
        return route

    def _look_up(self, request: Request) -> Lookup | None:
        route = self._route(request)
        if route is None:
            return None
        endpoint, arguments = route
        with self._connection() as connection:
            if endpoint in CLUB_PAGES:
                parts = club_parts(endpoint, published_cohorts(connection))
            else:
                slug = str(arguments["cohort_slug"])
                head = cohort_head(connection, slug) if SLUG.match(slug) else None
                if head is None or not head.is_public:
                    return None
                parts = cohort_parts(endpoint, head)
        language = None if endpoint in LANGUAGE_FREE else self._language(request)
        key = freshness_key(parts, language, request.path)
        return Lookup(endpoint, key, page_cache(self.app).get(key))

    def _connection(self) -> AbstractContextManager[sa.Connection]:
        """A pooled connection for the one read (cohorts are club-level rows: no tenant scope, no ORM session);
        where the app's sessions are bound to one connection (the tests' transaction), that one. On PostgreSQL
        the read runs in autocommit: one round trip instead of BEGIN, the read and ROLLBACK (SQLite's
        transactions cost no round trip, and the app's SQLite connections begin their own)."""
        database = self.app.extensions["tandem.db"]
        bind = database.sessionmaker.kw.get("bind") or database.engine
        if isinstance(bind, sa.Connection):
            return nullcontext(bind)
        connection = bind.connect()
        if bind.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection

    def _keeping(self, key: str, request: Request, start_response: StartResponse) -> StartResponse:
        """The app answers; a 200 for the page under `key`, without a cookie set, has its headers kept."""
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            names = {name.lower() for name, _value in headers}
            if (request.method == "GET" and status.startswith("200 ") and "set-cookie" not in names
                    and (("ETag", f'"{key}"') in headers)):
                page_cache(self.app).keep_answer(
                    key, tuple((name, value) for name, value in headers if name.lower() not in NOT_KEPT))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return start

    def _answer(self, request: Request, found: Lookup, page: Page, start_response: StartResponse,
                started: float) -> Iterable[bytes]:
        assert page.answered is not None
        request_id = accepted_request_id(request.headers.get("X-Request-ID")) or new_request_id()
        if request.if_none_match.contains_weak(found.key):
            status, body = 304, b""
            headers = [(name, value) for name, value in page.answered if name.lower() not in NOT_IN_304]
        else:
            status, body = 200, page.body
            headers = [*page.answered, ("Content-Length", str(len(body)))]
        headers.append(("X-Request-ID", request_id))
        start_response("200 OK" if status == 200 else "304 Not Modified", headers)
        self._log(request, found.endpoint, status, request_id, started)
        return [body] if request.method == "GET" else []

    def _log(self, request: Request, endpoint: str, status: int, request_id: str, started: float) -> None:
        # Outside any app context the record's request id is not found by the formatter: it is one of the
        # fields (the same key in a JSON line).
        fields = {"request_id": request_id, "method": request.method, "path": request.path, "endpoint": endpoint,
                  "status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                  "user_id": None, "organisation_id": None, "cached": True}
        request_logger.info("%s %s %s", request.method, request.path, status, extra={"log_fields": fields})


def _remember(memory: dict[str, Any], key: str, value: Any, limit: int = 1024) -> None:
    if len(memory) >= limit:
        memory.clear()
    memory[key] = value


def install(app: object) -> None:
    """Put the fast path in front of the app (called once, when the showcase's blueprint is registered)."""
    assert isinstance(app, Flask), "the showcase is registered on the Flask app"
    app.wsgi_app = CachedPublicPages(app, app.wsgi_app)  # type: ignore[method-assign]
