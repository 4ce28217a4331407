"""Public pages name their versions in every language (`<link rel="alternate" hreflang>`), each address
really gives that language; signed-in pages have none. Text in another language than the page is marked."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tandem.platform.config import LANGUAGES
from tests.factories import make_organisation, make_user

PUBLIC_PAGES = ["/", "/privacy", "/imprint", "/accessibility"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "alternate":
            self.alternates.append((str(values.get("hreflang")), str(values.get("href"))))


def alternates(response) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(response.get_data(as_text=True))
    return parser.alternates


def page_language(response) -> str:
    match = re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True))
    assert match
    return match.group(1)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_links_its_versions_and_each_gives_its_language(client, path):
    response = client.get(path, headers={"Accept-Language": "de"})
    assert response.status_code == 200
    found = alternates(response)
    assert [code for code, _ in found] == [*LANGUAGES, "x-default"]
    for code, href in found:
        address = urlsplit(href)
        assert (address.scheme, address.netloc, address.path) == ("http", "localhost", path), href
        if code == "x-default":
            assert address.query == ""
            assert page_language(client.get(path, headers={"Accept-Language": "fr"})) == "fr"
        else:
            assert address.query == f"lang={code}"
            # The browser asks for another language: the address decides.
            other = "fr" if code != "fr" else "de"
            answer = client.get(f"{address.path}?{address.query}", headers={"Accept-Language": other})
            assert answer.status_code == 200 and page_language(answer) == code


def test_the_alternates_are_the_same_whatever_language_the_page_is_in(client):
    assert alternates(client.get("/?lang=it")) == alternates(client.get("/", headers={"Accept-Language": "fr"}))


def test_signed_in_pages_have_no_alternates(client, sign_in, db):
    person = make_user(db, make_organisation(db))
    db.commit()
    sign_in(client, person)
    response = client.get("/me/")
    assert response.status_code == 200 and alternates(response) == []


def test_the_sitemap_names_the_landing_page_in_every_language(client):
    text = client.get("/sitemap.xml").get_data(as_text=True)
    for code in LANGUAGES:
        assert f'hreflang="{code}" href="http://localhost/?lang={code}"' in text
