"""Every signed-in page says noindex (the page and the header); the public pages do not."""

from __future__ import annotations

from tests.factories import make_organisation, make_user
from tests.integration.showcase.public.showcase_club import build_showcase

NOINDEX = '<meta name="robots" content="noindex">'


def test_signed_in_pages_say_noindex(app, db, sign_in):
    person = make_user(db, make_organisation(db))
    db.commit()
    client = sign_in(app.test_client(), person)
    for url in ("/", "/me/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOINDEX in response.get_data(as_text=True), url
        assert response.headers["X-Robots-Tag"] == "noindex", url


def test_public_pages_do_not_say_noindex(client, db):
    showcase = build_showcase(db)
    for url in ("/", "/sign-in", "/showcase/", showcase.url(), showcase.url("one")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "noindex" not in response.get_data(as_text=True), url
        assert "X-Robots-Tag" not in response.headers, url


def test_a_public_page_seen_signed_in_is_the_same_page(app, client, db, sign_in):
    """The page itself (which caches may keep) never says noindex; only the signed-in response's header does."""
    showcase = build_showcase(db)
    signed_in = sign_in(app.test_client(), showcase.club.people["mentor_one"])
    response = signed_in.get(showcase.url("one"))
    assert NOINDEX not in response.get_data(as_text=True)
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Cache-Control"] == "no-store"  # platform/security.py: signed-in responses


def test_the_landing_page_links_to_the_showcase(client, db):
    assert 'href="/showcase/"' in client.get("/").get_data(as_text=True)
