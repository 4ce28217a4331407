"""The UI shell: landing page, languages, error pages, security headers, CSRF, query counts."""

from __future__ import annotations

import re

import pytest

from tandem import create_app
from tandem.platform.access import Role, allow
from tests.factories import make_board_member, make_cohort, make_organisation, make_participation, make_user
from tests.fixtures.services import config_for_tests

HEADINGS = {
    "en": "Reverse mentoring across organisations",
    "de": "Reverse Mentoring über Organisationsgrenzen hinweg",
    "fr": "Le mentorat inversé entre organisations",
}


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S)
    assert match, "the page has a main heading"
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


@pytest.mark.parametrize("language", ["de", "fr", "en"])
def test_landing_page_follows_the_browser_language(client, language):
    response = client.get("/", headers={"Accept-Language": f"{language};q=1.0, en;q=0.5"})
    assert response.status_code == 200
    assert h1(response) == HEADINGS[language]
    assert f'<html lang="{language}"' in response.get_data(as_text=True)


def test_the_chosen_language_wins_over_the_browser(client):
    response = client.post("/language", data={"language": "fr", "next": "/"},
                           headers={"Accept-Language": "de"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert h1(client.get("/", headers={"Accept-Language": "de"})) == HEADINGS["fr"]


def test_the_language_choice_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post("/language", data={"language": "de", "next": target})
        assert response.headers["Location"] == "/"


def test_a_signed_in_persons_language_choice_is_remembered(client, sign_in, db):
    person = make_user(db, make_organisation(db))
    db.commit()
    sign_in(client, person)
    client.post("/language", data={"language": "fr"})
    db.expire_all()
    from tandem.platform.tenancy import club_scope

    with club_scope(db):
        assert db.get(type(person), person.id).preferred_language == "fr"


def test_error_pages_are_in_the_sites_style(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert 'href="/static/css/tandem.css' in body and "<nav" in body


def test_an_unexpected_error_shows_the_500_page(database_url):
    application = create_app(config_for_tests(database_url))
    application.config["PROPAGATE_EXCEPTIONS"] = False

    @application.route("/boom")
    @allow(Role.PUBLIC)
    def boom() -> str:
        raise RuntimeError("kaputt")

    response = application.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "kaputt" not in body and 'href="/static/css/tandem.css' in body
    application.extensions["tandem.db"].dispose()


def test_security_headers_on_every_page(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # production only


def test_signed_in_pages_are_not_cached(client, sign_in, db):
    person = make_user(db, make_organisation(db))
    db.commit()
    sign_in(client, person)
    assert client.get("/me/").headers["Cache-Control"] == "no-store"


def test_forms_without_a_csrf_token_are_refused(database_url):
    application = create_app(config_for_tests(database_url, WTF_CSRF_ENABLED=True))
    response = application.test_client().post("/language", data={"language": "fr"},
                                               headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert 'href="/static/css/tandem.css' in response.get_data(as_text=True)
    application.extensions["tandem.db"].dispose()


def test_pages_carry_no_inline_script_and_no_external_assets(client):
    body = client.get("/").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "no inline script"
    # The site's own absolute addresses (BASE_URL: its hreflang alternates) are not external.
    assert not re.search(r"""(src|href)=["']https?://(?!localhost/)""", body), "no CDN or external asset"
    assert 'rel="alternate" hreflang="it" href="http://localhost/?lang=it"' in body


def test_board_overview_queries_do_not_grow_with_the_cohort(client, sign_in, db, count_queries):
    organisations = [make_organisation(db) for _ in range(3)]
    board = make_board_member(db, organisations[0])
    cohort = make_cohort(db)
    db.commit()
    sign_in(client, board)

    def add_people(count: int) -> None:
        for i in range(count):
            person = make_user(db, organisations[i % 3])
            make_participation(db, person, cohort, role="mentor" if i % 2 else "mentee")
        db.commit()

    add_people(4)
    with count_queries() as small:
        assert client.get("/board/").status_code == 200
    add_people(40)
    organisations += [make_organisation(db) for _ in range(5)]
    db.commit()
    with count_queries() as large:
        response = client.get("/board/")
    assert response.status_code == 200
    assert large.count == small.count, (small.statements, large.statements)


def test_org_people_page_queries_do_not_grow_with_the_organisation(client, sign_in, db, count_queries):
    from tests.factories import make_org_admin

    organisation = make_organisation(db, "medienhaus")
    admin = make_org_admin(db, organisation)
    cohort = make_cohort(db)
    db.commit()
    sign_in(client, admin)
    with count_queries() as small:
        assert client.get("/o/medienhaus/").status_code == 200
    for _ in range(30):
        make_participation(db, make_user(db, organisation), cohort)
    db.commit()
    with count_queries() as large:
        assert client.get("/o/medienhaus/").status_code == 200
    assert large.count == small.count


def test_the_sign_in_required_page_offers_the_sign_in(client):
    response = client.get("/me/", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    actions = response.get_data(as_text=True).split('<div class="actions">', 1)[1].split("</div>", 1)[0]
    assert '<a class="button" href="/sign-in">' in actions, "the page itself, not only the header, leads on"
