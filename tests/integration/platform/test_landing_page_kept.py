"""The anonymous landing page is rendered once per language and process; each visitor gets it with a CSRF token
of their own (tandem/platform/public/views.py). What it shows is what a fresh rendering shows."""

from __future__ import annotations

import re

from flask import render_template
from flask_wtf.csrf import generate_csrf

from tandem.platform.public.views import LANDING_PAGES
from tests.factories import make_organisation, make_user
from tests.fixtures.apps import app_on_test_connection

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _rendered(app, language: str) -> tuple[str, str]:
    """The page rendered afresh for an anonymous visitor, and the token it holds."""
    with app.test_request_context("/", headers={"Accept-Language": language}):
        app.preprocess_request()
        return render_template("public/landing.html"), generate_csrf()


def test_each_visitor_gets_the_same_page_with_a_token_of_their_own(db):
    with app_on_test_connection(db, WTF_CSRF_ENABLED=True) as app:
        first, second = app.test_client(), app.test_client()
        one = first.get("/", headers={"Accept-Language": "de"})
        two = second.get("/", headers={"Accept-Language": "de"})
        assert one.status_code == two.status_code == 200
        token_one, token_two = TOKEN.findall(one.text), TOKEN.findall(two.text)
        assert token_one and token_two and token_one[0] != token_two[0]
        assert "de" in app.extensions[LANDING_PAGES], "kept after the first visitor"
        fresh, fresh_token = _rendered(app, "de")
        assert one.text.replace(token_one[0], "TOKEN") == fresh.replace(fresh_token, "TOKEN")
        assert "csrf-" not in one.text.replace(token_one[0], "")
        # The token works: the language form sends it.
        chosen = first.post("/language", data={"csrf_token": token_one[0], "language": "fr", "next": "/"})
        assert chosen.status_code == 302
        assert second.post("/language", data={"csrf_token": token_one[0], "language": "fr"}).status_code == 400
        # In French now (the visitor's choice), from the French page kept for everyone.
        again = first.get("/")
        assert again.status_code == 200 and 'lang="fr"' in again.text
        assert set(app.extensions[LANDING_PAGES]) == {"de", "fr"}


def test_signed_in_people_messages_and_variants_get_their_own_rendering(db, sign_in):
    with app_on_test_connection(db) as app:
        person = make_user(db, make_organisation(db, "stadtwerke"), display_name="Lea Keller")
        db.flush()
        visitor = app.test_client()
        assert "Lea Keller" not in visitor.get("/").text
        signed_in = sign_in(app.test_client(), person)
        page = signed_in.get("/")
        assert page.status_code == 200 and "Lea Keller" in page.text
        assert "Lea Keller" not in visitor.get("/").text
        # A message waiting (set by an earlier request) is shown, not a kept page without it.
        with visitor.session_transaction() as cookie:
            cookie["_flashes"] = [("success", "A message for this visitor")]
        assert "A message for this visitor" in visitor.get("/").text
        assert "A message for this visitor" not in visitor.get("/").text


def test_a_change_of_the_settings_renders_the_page_again(db):
    from dataclasses import replace

    with app_on_test_connection(db) as app:
        client = app.test_client()
        assert "Reverse mentoring" in client.get("/").text
        app.config["TANDEM"] = replace(app.config["TANDEM"], club_name="Club of the Test")
        assert "Club of the Test" in client.get("/").text
