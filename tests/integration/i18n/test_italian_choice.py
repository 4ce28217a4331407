"""Italian is chosen like the other languages: by the browser (it-CH), by the person's choice (stored on their
profile when signed in) and by the club's DEFAULT_LANGUAGE; `?lang=it` asks for it in a page's address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tandem.platform.config import ConfigError, load_config
from tandem.platform.identity.models import User
from tandem.platform.tenancy import club_scope
from tests.factories import make_organisation, make_user

HEADING = "Reverse mentoring across organisations"
CATALOGUE = Path(__file__).resolve().parents[3] / "tandem" / "translations" / "it" / "LC_MESSAGES" / "messages.po"


def italian(message: str) -> str:
    """The Italian catalogue's words for `message` (the English message while it has none)."""
    with CATALOGUE.open("rb") as handle:
        entry = read_po(handle, locale="it").get(message)
    return entry.string if entry is not None and entry.string and not entry.fuzzy else message


def page_language(response) -> str:
    match = re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True))
    assert match, "the page names its language"
    return match.group(1)


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S)
    assert match
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


@pytest.mark.parametrize("header", ["it-CH", "it-CH,it;q=0.9,de;q=0.8", "it", "rm-CH,it;q=0.8,en;q=0.2"])
def test_a_browser_asking_for_italian_gets_italian(client, header):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 200 and page_language(response) == "it"
    assert h1(response) == italian(HEADING) != HEADING
    assert 'value="it" lang="it" aria-current="true">Italiano</button>' in response.get_data(as_text=True)


def test_the_switcher_offers_italian_and_the_choice_beats_the_browser(client):
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert [code for code in re.findall(r'name="language" value="([a-z]+)"', page)] == ["de", "fr", "it", "en"]
    response = client.post("/language", data={"language": "it", "next": "/"}, headers={"Accept-Language": "de"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert page_language(client.get("/", headers={"Accept-Language": "de"})) == "it"


def test_a_signed_in_persons_choice_of_italian_is_kept_and_used(client, sign_in, db, app):
    person = make_user(db, make_organisation(db), preferred_language="de")
    db.commit()
    sign_in(client, person)
    client.post("/language", data={"language": "it"})
    db.expire_all()
    with club_scope(db):
        stored = db.get(User, person.id)
        assert stored.preferred_language == "it"
    with app.app_context():
        from tandem.platform.mail.language import mail_language
        assert mail_language(stored) == "it"


def test_the_profiles_italian_wins_over_the_browser(client, sign_in, db):
    person = make_user(db, make_organisation(db), preferred_language="it")
    db.commit()
    sign_in(client, person)
    assert page_language(client.get("/me/", headers={"Accept-Language": "fr"})) == "it"


def test_lang_in_the_address_wins_and_is_not_remembered(client):
    assert page_language(client.get("/?lang=it", headers={"Accept-Language": "fr"})) == "it"
    assert page_language(client.get("/", headers={"Accept-Language": "fr"})) == "fr"
    assert page_language(client.get("/?lang=xx", headers={"Accept-Language": "fr"})) == "fr"
    client.post("/language", data={"language": "de", "next": "/"})
    assert page_language(client.get("/?lang=it")) == "it"


def test_choosing_a_language_drops_lang_from_the_page_to_go_back_to(client):
    response = client.post("/language", data={"language": "fr", "next": "/privacy?lang=it&x=1"})
    assert response.headers["Location"] == "/privacy?x=1"
    response = client.post("/language", data={"language": "fr", "next": "/?lang=it"})
    assert response.headers["Location"] == "/"


def test_the_club_may_default_to_italian():
    assert load_config({"TANDEM_ENV": "test", "DEFAULT_LANGUAGE": "it"}).default_language == "it"
    with pytest.raises(ConfigError, match="DEFAULT_LANGUAGE must be one of de, fr, it, en"):
        load_config({"TANDEM_ENV": "test", "DEFAULT_LANGUAGE": "rm"})


def test_error_pages_in_italian(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "it-CH"})
    assert response.status_code == 404 and page_language(response) == "it"
    assert h1(response) == italian("Page not found") != "Page not found"
