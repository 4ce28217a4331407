"""Each test starts with an empty cache of rendered showcase pages (one per app, kept across requests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tandem.platform.showcase.public.caching import page_cache


def clear_page_cache(app: Flask) -> None:
    with app.app_context():
        page_cache().clear()


@pytest.fixture(autouse=True)
def _empty_page_cache(app: Flask) -> Iterator[None]:
    clear_page_cache(app)
    yield
    clear_page_cache(app)
