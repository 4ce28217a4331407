"""German, French and English: chosen by the person, else by the browser, else the club's default."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

from tandem.platform.config import LANGUAGES

LANGUAGE_NAMES = {"de": "Deutsch", "fr": "Français", "en": "English"}


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
