"""German, French and English: chosen by the person, else by the browser, else the club's default."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_babel import Babel
from flask_login import current_user

from tandem.platform.config import LANGUAGES

LANGUAGE_NAMES = {"de": "Deutsch", "fr": "Français", "en": "English"}


def select_language() -> str:
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_language in LANGUAGES:
        return current_user.preferred_language
    best = request.accept_languages.best_match(LANGUAGES) if request else None
    return best or current_app.config["TANDEM"].default_language


def current_language() -> str:
    if "language" not in g:
        g.language = select_language()
    return g.language


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=current_language, default_translation_directories="translations")

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"languages": LANGUAGE_NAMES, "current_language": current_language()}
