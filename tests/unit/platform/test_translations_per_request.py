"""Translations are looked up once per request and locale (tandem/platform/i18n.py), not through Flask-Babel's
context at every message: `_` from Flask-Babel, `_l`, and the templates' `_`, `gettext` and `ngettext` read the
catalogue kept for the request. Switching the locale (`force_locale`, `refresh`) is seen at the next message."""

from __future__ import annotations

from collections.abc import Iterator

import flask_babel
import pytest
from flask import Flask, render_template_string, session
from flask_babel import force_locale, refresh

from tandem import create_app
from tandem.platform import i18n
from tandem.platform.i18n import lazy_gettext, lazy_ngettext
from tests.fixtures.services import config_for_tests

# Messages of the catalogues, in each language.
SIGN_IN = {"en": "Sign in", "de": "Anmelden", "fr": "Se connecter"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path = tmp_path_factory.mktemp("i18n") / "unused.sqlite3"
    application = create_app(config_for_tests(f"sqlite:///{path}"))
    yield application
    application.extensions["tandem.db"].dispose()


@pytest.fixture()
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time a catalogue is looked up through Flask-Babel's context (locale resolved, cache consulted)."""
    seen: list[str] = []
    original = flask_babel.Domain.get_translations

    def counted(self: flask_babel.Domain) -> object:
        seen.append(str(flask_babel.get_locale()))
        return original(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    return seen


def test_catalogues_are_translated(app: Flask) -> None:
    for language, text in SIGN_IN.items():
        with app.test_request_context():
            session["language"] = language
            assert flask_babel.gettext("Sign in") == text
            assert render_template_string('{{ _("Sign in") }}') == text


def test_one_lookup_per_request_for_hundreds_of_messages(app: Flask, lookups: list[str]) -> None:
    with app.test_request_context():
        session["language"] = "de"
        for _ in range(100):
            assert flask_babel.gettext("Sign in") == "Anmelden"
            assert str(lazy_gettext("Sign in")) == "Anmelden"
        page = render_template_string('{% for i in range(100) %}{{ _("Sign in") }}|{{ gettext("Sign in") }}'
                                      '{% endfor %}')
        assert page.count("Anmelden") == 200
    assert lookups == ["de"]
    with app.test_request_context():  # a new request looks up again, once
        session["language"] = "fr"
        assert [flask_babel.gettext("Sign in") for _ in range(10)] == ["Se connecter"] * 10
    assert lookups == ["de", "fr"]


def test_a_forced_locale_is_seen_and_the_request_locale_comes_back(app: Flask, lookups: list[str]) -> None:
    with app.test_request_context():
        session["language"] = "de"
        assert flask_babel.gettext("Sign in") == "Anmelden"
        with force_locale("fr"):
            assert flask_babel.gettext("Sign in") == "Se connecter"
            assert render_template_string('{{ _("Sign in") }}') == "Se connecter"
            assert str(lazy_gettext("Sign in")) == "Se connecter"
        assert flask_babel.gettext("Sign in") == "Anmelden"
        assert render_template_string('{{ _("Sign in") }}') == "Anmelden"
        session["language"] = "en"
        refresh()  # the person chose another language in this request
        assert flask_babel.gettext("Sign in") == "Sign in"
    assert lookups == ["de", "fr", "de", "en"]


def test_templates_keep_jinjas_new_style_gettext(app: Flask) -> None:
    """In HTML the message is markup and its parameters are escaped; it is always a format string (`%%`)."""
    with app.test_request_context():
        session["language"] = "en"
        hostile = "<b>&</b>"
        assert render_template_string('{{ _("Not a domain: %(domains)s", domains=d) }}', d=hostile) == \
            "Not a domain: &lt;b&gt;&amp;&lt;/b&gt;"
        assert render_template_string('{{ _("100%% sure") }}') == "100% sure"
        assert render_template_string('{{ ngettext("%(num)d item", "%(num)d items", 3) }}') == "3 items"
        assert render_template_string('{% trans n=2 %}{{ n }} thing{% pluralize %}{{ n }} things{% endtrans %}') \
            == "2 things"
        plain = '{% autoescape false %}{{ _("Not a domain: %(domains)s", domains=d) }}{% endautoescape %}'
        assert render_template_string(plain, d=hostile) == "Not a domain: <b>&</b>"  # as in mail's text part
        assert str(lazy_ngettext("%(num)d item", "%(num)d items", 1)) == "1 item"


def test_outside_a_request_messages_stay_in_the_source_language() -> None:
    assert i18n.gettext("Sign in") == "Sign in"
    assert str(lazy_gettext("Sign in")) == "Sign in"
