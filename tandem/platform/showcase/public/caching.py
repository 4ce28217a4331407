"""The public showcase's caching: conditional requests, and an in-process cache of rendered pages.

A page's freshness key is what it shows changing: the cohort's `showcase_revision` and `state` (with its name,
symposium date and the last change of its symposium event), read with one small statement
(`queries.cohort_head`; the index and the sitemap read the same of every published cohort, also one
statement), plus the page's language and path. Every operation that changes what a showcase shows grows the
revision in the same transaction (`showcase/revision.py`), so a new key is there at the next request, in every
process and replica: a withdrawn consent is gone from the site at once.

- The ETag is the key's digest: a matching `If-None-Match` is answered 304 before anything is rendered.
- `Cache-Control: public, max-age=0, must-revalidate`: browsers and proxies may keep a page but ask before
  each use (cheap: one statement and a 304, `fast_path.py`). The shortest max-age on purpose: a withdrawn
  consent must be gone at once (issue 13: "no stale cache"), also from a copy a browser or a proxy kept, not
  only from the site. (With `MAX_AGE = 30`, copies would live up to 30 s after the change.)
- `Vary: Accept-Language, Cookie`: without `?lang=` the language follows the browser and the person's choice
  (kept in the session cookie).
- Rendered pages are kept in process, keyed by the freshness key, in a bounded LRU (a few hundred entries
  and a byte budget, photos included) with a short time to live as a safety net for anything the revision
  might not cover (a person's name changed elsewhere): a repeated request costs one SQL statement.

The pages are the same for every visitor (no CSRF token, no signed-in navigation: `_public_layout.html`),
which is what makes them shareable. Signed-in visitors get them too; their responses are marked `no-store`
by platform/security.py like every signed-in response.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask import Flask, abort, current_app, request
from werkzeug.wrappers import Response

from tandem.platform.showcase.public.queries import CohortHead

MAX_AGE = 0  # seconds: see above; every use of a kept copy is revalidated, so a withdrawn consent is gone at once
CACHE_CONTROL = f"public, max-age={MAX_AGE}, must-revalidate"
CACHE_ENTRIES = 300
CACHE_BYTES = 24 * 1024 * 1024  # per process: pages are small, photos are not
CACHE_TTL = 60.0  # seconds: a safety net; the freshness key is what keeps pages right
EXTENSION = "tandem.showcase_cache"


@dataclass(frozen=True)
class Page:
    """A rendered answer: its bytes, type and own headers (200 only: 404s are never cached). `answered` holds
    every header the app sent with it to a visitor without cookies (the security headers among them), once
    the fast path (`public/fast_path.py`) saw it: it then answers such visitors itself."""

    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()
    answered: tuple[tuple[str, str], ...] | None = None


class PageCache:
    """A thread-safe LRU of rendered pages, bounded by entries and bytes, each entry living `ttl` seconds."""

    def __init__(self, entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES, ttl: float = CACHE_TTL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._clock = clock
        self._pages: OrderedDict[str, tuple[float, Page]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Page | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            stored_at, page = found
            if self._clock() - stored_at > self.ttl:
                self._remove(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: Page) -> None:
        size = len(page.body)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._pages:
                self._remove(key)
            self._pages[key] = (self._clock(), page)
            self._bytes += size
            while len(self._pages) > self.entries or self._bytes > self.max_bytes:
                self._remove(next(iter(self._pages)))

    def keep_answer(self, key: str, headers: tuple[tuple[str, str], ...]) -> None:
        """Keep the headers the app answered the page under `key` with (if it is still kept)."""
        with self._lock:
            found = self._pages.get(key)
            if found is not None and found[1].answered is None:
                self._pages[key] = (found[0], replace(found[1], answered=headers))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def size_in_bytes(self) -> int:
        return self._bytes

    def _remove(self, key: str) -> None:
        _stored_at, page = self._pages.pop(key)
        self._bytes -= len(page.body)


def page_cache(app: Flask | None = None) -> PageCache:
    """The app's cache of rendered showcase pages (one per process, made on first use)."""
    extensions = (app or current_app).extensions
    cache = extensions.get(EXTENSION)
    if cache is None:
        cache = extensions.setdefault(EXTENSION, PageCache())
    return cache


# The pages kept here and what each one's freshness is made of: every published cohort's head (the index and
# the sitemap), or its cohort's. Photos and the sitemap are the same in every language.
CLUB_PAGES = {"showcase.index": "index", "showcase.sitemap": "sitemap"}
COHORT_PAGES = {"showcase.cohort": "cohort", "showcase.public_story": "story", "showcase.public_photo": "photo",
                "showcase.symposium_file": "symposium"}
LANGUAGE_FREE = frozenset({"showcase.public_photo", "showcase.sitemap"})


def club_parts(endpoint: str, heads: Sequence[CohortHead]) -> tuple[Any, ...]:
    return (CLUB_PAGES[endpoint], tuple(head.freshness for head in heads))


def cohort_parts(endpoint: str, head: CohortHead) -> tuple[Any, ...]:
    return (COHORT_PAGES[endpoint], head.freshness)


def freshness_key(parts: tuple[Any, ...], language: str | None, path: str) -> str:
    """The key of a page: what it shows changing (`parts`), its language and its path."""
    text = repr((parts, language, path))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _mark(response: Response, etag: str, language: str | None) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.update(("Accept-Language", "Cookie") if language is not None else ("Cookie",))
    return response


def serve(parts: tuple[Any, ...], language: str | None, build: Callable[[], Page | None]) -> Response:
    """The page of this request: 304 when the visitor holds this version; else the cached page; else built
    by `build` (None: 404, not kept) and kept. `parts` is what the page shows changing (its freshness);
    `language` the page's language (None: the same answer in every language)."""
    key = freshness_key(parts, language, request.path)
    if request.if_none_match.contains_weak(key):
        return _mark(current_app.response_class(status=304), key, language)
    cache = page_cache()
    page = cache.get(key)
    if page is None:
        page = build()
        if page is None:
            abort(404)
        cache.put(key, page)
    response = current_app.response_class(page.body, content_type=page.content_type)
    for name, value in page.headers:
        response.headers[name] = value
    return _mark(response, key, language)
