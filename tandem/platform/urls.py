"""Redirect targets taken from requests: only paths of this site, never another host. Ids in routes: only
numbers a database column holds. Absolute addresses for mail, built from BASE_URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter, Map


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, else `fallback` (no open redirect, no header injection).

    Browsers read a backslash as a slash and drop tabs and line breaks from addresses, so "/\\host" and
    "/<tab>/host" lead to another host: no backslash and no control or line-separating character is accepted.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if not target.isprintable():  # tabs, line breaks, NUL, DEL, U+2028...; a plain space is printable
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


INT64_MAX = 2**63 - 1  # the largest BIGINT (PostgreSQL) and INTEGER (SQLite)


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: a number up to 2**63 - 1. A larger one matches no route (404) instead of
    overflowing in the database."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT64_MAX)
        super().__init__(url_map, *args, **kwargs)


def absolute_url(endpoint: str, **values: Any) -> str:
    """The absolute address of a route, built from BASE_URL: the same in a request, a job, a mail and the CLI
    (Flask's `url_for(_external=True)` needs a request or SERVER_NAME)."""
    base = urlsplit(current_app.config["TANDEM"].base_url)
    adapter = current_app.url_map.bind(base.netloc or "localhost", script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def init_app(app: Flask) -> None:
    """Called before any route is added: `<int:...>` is the IdConverter."""
    app.url_map.converters["int"] = IdConverter
