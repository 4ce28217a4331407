"""German, French and English: chosen by the person, else by the browser, else the club's default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup

from tandem.platform.config import LANGUAGES

LANGUAGE_NAMES = {"de": "Deutsch", "fr": "Français", "en": "English"}


class LazyText(LazyString):  # Flask-Babel has no types: LazyString is Any to mypy
    """A message translated when it is shown, safe in HTML: the message is markup, its parameters are text.

    Flask-Babel's LazyString answers `__html__` with the formatted text as it is, so Jinja, WTForms and
    Markup's `%` took a message such as "Not a domain: %(domains)s" with a visitor's input in it for markup.
    Here the parameters are escaped, as `{{ _("...", name=...) }}` does in templates; `str()` is unchanged.
    """

    def __init__(self, translate: Callable[[], str], variables: dict[str, Any]) -> None:
        super().__init__(self._text)
        self._translate = translate
        self._variables = variables

    def _text(self) -> str:
        message = self._translate()
        return message % self._variables if self._variables else message

    def __html__(self) -> Markup:
        message = Markup(self._translate())
        return message % self._variables if self._variables else message


def lazy_gettext(message: str, **variables: Any) -> LazyText:
    """`_l`: Flask-Babel's lazy_gettext, with the parameters escaped when the message is shown in HTML. Every
    module takes it from here (tests/unit/platform/test_lazy_text.py checks)."""
    return LazyText(lambda: get_translations().gettext(message), variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> LazyText:
    """Flask-Babel's lazy_ngettext (`%(num)d` is the number), with the parameters escaped in HTML."""
    return LazyText(lambda: get_translations().ngettext(singular, plural, num), {"num": num, **variables})


def select_language() -> str:
    """Babel's locale selector: the person's choice, else the browser's, else the club's default."""
    default = current_app.config["TANDEM"].default_language
    if not has_request_context():
        return default  # jobs and mail choose with flask_babel.force_locale
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_language in LANGUAGES:
        return current_user.preferred_language
    return request.accept_languages.best_match(LANGUAGES) or default


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else current_app.config["TANDEM"].default_language


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_language, default_translation_directories="translations")

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"languages": LANGUAGE_NAMES, "current_language": current_language()}
