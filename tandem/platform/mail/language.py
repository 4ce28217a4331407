"""The language of every mail to a person, by one rule: the person's choice, else the club's DEFAULT_LANGUAGE.

A person's choice (`User.preferred_language`) is what they chose on the site: choosing a language while signed
in sets it, and a language chosen before signing in becomes it at sign-in when they had none. Nothing else
decides a mail's language: not the page of whoever caused the mail (an admin's nomination, the board's grant),
nor the browser that asked for a sign-in link, so that a person's invitation, sign-in links and every later
mail come in the same language.
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app

from tandem.platform.config import LANGUAGES


class HasLanguage(Protocol):
    @property
    def preferred_language(self) -> str | None: ...


def mail_language(person: HasLanguage) -> str:
    """The language to write to `person` in (a User, or a read model's row with `preferred_language`)."""
    chosen = person.preferred_language
    if chosen in LANGUAGES:
        return str(chosen)
    return str(current_app.config["TANDEM"].default_language)
