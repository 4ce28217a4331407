"""The fast path (public/fast_path.py): a cached public page is answered to a visitor without cookies before the
app's request machinery, exactly as the app answered it, and logged as the app logs requests."""

from __future__ import annotations

import logging

import pytest

from tandem.platform.showcase.public.caching import CACHE_CONTROL
from tests.integration.showcase.public.showcase_club import build_showcase

PER_ANSWER = {"X-Request-ID", "Date"}


def answered_by_fast_path(caplog, path: str) -> bool:
    records = [r for r in caplog.records if r.name == "tandem.request" and getattr(r, "log_fields", {}).get("path")
               == path.split("?")[0]]
    return bool(records) and records[-1].log_fields.get("cached") is True


def headers_of(response) -> dict[str, str]:
    return {name: value for name, value in response.headers.items() if name not in PER_ANSWER}


@pytest.mark.parametrize("accept_language", ["", "fr-CH,fr;q=0.9", "de", "it, en;q=0.5", "*"])
def test_the_fast_path_answers_exactly_as_the_app(client, db, caplog, accept_language):
    caplog.set_level(logging.INFO, logger="tandem.request")
    showcase = build_showcase(db)
    headers = {"Accept-Language": accept_language} if accept_language else {}
    for url in ("/showcase/", showcase.url(), showcase.url("one"), showcase.url("two") + "?lang=fr",
                showcase.photo_url("one"), showcase.photo_url("one", "small"),
                f"/showcase/{showcase.slug}/symposium.ics", "/sitemap.xml"):
        caplog.clear()
        by_the_app = client.get(url, headers=headers)
        assert by_the_app.status_code == 200 and not answered_by_fast_path(caplog, url), url
        caplog.clear()
        by_the_fast_path = client.get(url, headers=headers)
        assert answered_by_fast_path(caplog, url), url
        assert by_the_fast_path.status_code == 200
        assert by_the_fast_path.data == by_the_app.data, url
        assert headers_of(by_the_fast_path) == headers_of(by_the_app), url
        assert by_the_fast_path.headers["X-Request-ID"] != by_the_app.headers["X-Request-ID"]


def test_the_fast_path_answers_304_head_and_keeps_a_plausible_request_id(client, db, caplog):
    caplog.set_level(logging.INFO, logger="tandem.request")
    showcase = build_showcase(db)
    url = showcase.url("one")
    first = client.get(url)
    client.get(url)
    caplog.clear()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"], "X-Request-ID": "lb-1234"})
    assert answered_by_fast_path(caplog, url)
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == CACHE_CONTROL
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert again.headers["X-Request-ID"] == "lb-1234"
    record = [r for r in caplog.records if r.name == "tandem.request"][-1]
    assert record.log_fields["status"] == 304 and record.log_fields["endpoint"] == "showcase.public_story"
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(first.data))
    assert client.get(url, headers={"X-Request-ID": "not plausible!"}).headers["X-Request-ID"] != "not plausible!"


def test_visitors_with_cookies_and_pages_not_kept_go_through_the_app(app, client, db, caplog, sign_in):
    caplog.set_level(logging.INFO, logger="tandem.request")
    showcase = build_showcase(db)
    url = showcase.url("one")
    client.get(url)
    client.get(url)
    signed_in = sign_in(app.test_client(), showcase.club.people["board"])
    caplog.clear()
    response = signed_in.get(url)
    assert not answered_by_fast_path(caplog, url)
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Robots-Tag"] == "noindex"
    # A visitor who chose a language has it in the session cookie: the app answers in it.
    chooser = app.test_client()
    chooser.post("/language", data={"language": "fr", "next": url})
    caplog.clear()
    assert '<html lang="fr">' in chooser.get(url, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert not answered_by_fast_path(caplog, url)
    # Unknown and unpublished addresses are the app's (404 pages are never kept).
    for missing in (f"/showcase/{showcase.slug}/stories/999999", "/showcase/nope/", f"/showcase/{showcase.slug}"):
        caplog.clear()
        assert client.get(missing).status_code in (404, 308)
        assert client.get(missing).status_code in (404, 308)
        assert not answered_by_fast_path(caplog, missing)
