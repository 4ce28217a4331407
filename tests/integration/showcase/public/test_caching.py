"""The public pages are cacheable: ETag, revalidated at every use, 304 before rendering, a cached page costs one
statement, and a fixed number of statements whatever the number of stories."""

from __future__ import annotations

import pytest

from tandem.platform.showcase.public.caching import CACHE_CONTROL, page_cache
from tests.integration.showcase.public.conftest import clear_page_cache
from tests.integration.showcase.public.showcase_club import build_showcase, extra_story


def is_postgres(db) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def test_public_pages_are_cacheable_and_revalidated(client, db):
    # Kept by browsers and proxies, asked for again before each use: a withdrawn consent is gone at once.
    assert CACHE_CONTROL == "public, max-age=0, must-revalidate"
    showcase = build_showcase(db)
    for url in ("/showcase/", showcase.url(), showcase.url("one"), showcase.photo_url("one"),
                f"/showcase/{showcase.slug}/symposium.ics", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == CACHE_CONTROL, url
        assert "Cookie" in response.headers["Vary"], url
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.data == b"" and again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == CACHE_CONTROL
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    page = client.get(showcase.url())
    assert {value.strip() for value in page.headers["Vary"].split(",")} >= {"Accept-Language", "Cookie"}


def test_each_language_has_its_own_etag(client, db):
    showcase = build_showcase(db)
    english = client.get(showcase.url("one") + "?lang=en")
    german = client.get(showcase.url("one") + "?lang=de")
    assert english.headers["ETag"] != german.headers["ETag"]
    assert client.get(showcase.url("one") + "?lang=de",
                      headers={"If-None-Match": english.headers["ETag"]}).status_code == 200
    # Without ?lang=, the browser's language decides, and the same version is recognised.
    assert client.get(showcase.url("one"), headers={"Accept-Language": "de",
                                                   "If-None-Match": german.headers["ETag"]}).status_code == 304


def test_a_repeated_request_costs_one_statement_and_a_304_renders_nothing(app, client, db, sign_in,
                                                                         count_queries):
    showcase = build_showcase(db)
    signed_in = sign_in(app.test_client(), showcase.club.people["mentee_two"])
    for url in ("/showcase/", showcase.url(), showcase.url("one"), showcase.photo_url("one"), "/sitemap.xml",
                f"/showcase/{showcase.slug}/symposium.ics"):
        first = client.get(url)
        # A visitor without cookies: the fast path (one statement on a pooled connection, no ORM session).
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        assert counter.count == 1, (url, counter.statements)
        with count_queries() as counter:
            assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        assert counter.count == 1, (url, counter.statements)
        # Signed in, through the app: the person's session and roles, then the one statement of the page.
        with count_queries() as before:
            signed_in.get("/robots.txt")
        with count_queries() as counter:
            assert signed_in.get(url).status_code == 200
        assert counter.count == before.count + 1, (url, counter.statements)


def test_the_cache_is_bounded(client, db, app):
    showcase = build_showcase(db)
    for n in range(40):
        client.get(f"{showcase.url('one')}?lang=en&n={n}")  # the same page: one entry
    with app.app_context():
        assert len(page_cache()) == 1
        assert page_cache().entries <= 1000 and page_cache().max_bytes <= 64 * 1024 * 1024


@pytest.mark.parametrize("url_of", [
    lambda showcase: showcase.url(),
    lambda showcase: showcase.url("one"),
    lambda showcase: "/showcase/",
    lambda showcase: "/sitemap.xml",
    lambda showcase: showcase.photo_url("one"),
])
def test_a_fixed_number_of_statements_whatever_the_number_of_stories(app, client, db, count_queries, url_of):
    showcase = build_showcase(db)
    url = url_of(showcase)
    counts = []
    for stories in (2, 30):
        while len(showcase.stories) < stories:
            name = f"extra {len(showcase.stories)}"
            showcase.stories[name] = extra_story(db, showcase, f"Story {name}", chosen=True,
                                                 position=len(showcase.stories))
        clear_page_cache(app)
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12 + (8 if is_postgres(db) else 0), counts
    if url == showcase.url():
        assert client.get(url).get_data(as_text=True).count('class="card story-card') == 30
