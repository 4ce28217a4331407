"""The consent a participant gives when accepting an invitation.

The text is `templates/participant/_consent.html` (with the cohort's dates filled in), shown in the person's
language: its messages come from the catalogues in `tandem/translations/<lang>/LC_MESSAGES/messages.po`. A
person consents to what they read, so the version covers both: CONSENT_TEXT_SHA256 is the hash of the
template's source and of the words each site language shows for each of its messages (the catalogue's
translation, or the English message where the catalogue has none or only a fuzzy one, as the compiled
catalogue does). A test compares the hash with the files: neither the template nor a translation of one of
its messages can change without a new CONSENT_VERSION. A participation keeps the version it was given with
(`Participation.consent_version`), so earlier consents still name the text their person agreed to.

Versions: 2026-11, the template alone (German, French, English); 2026-12, the same words, with Italian and
with the translations in the hash.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from tandem.platform.config import LANGUAGES

CONSENT_VERSION = "2026-12"
CONSENT_TEMPLATE = "participant/_consent.html"
CONSENT_TEXT_SHA256 = "e1f67a22d0e26750d58bbfc34f97b88bbccb298b0e5cf801bbeac9673d64bbb7"

PACKAGE = Path(__file__).resolve().parents[2]
SOURCE_LANGUAGE = "en"  # the messages are written in English: no catalogue
GETTEXT_FUNCTIONS = ("_", "gettext", "ngettext", "pgettext", "npgettext")

Message = str | tuple[str, ...]


def consent_messages(template: Path | None = None) -> list[Message]:
    """The messages of the consent template, in order: a string, or (singular, plural) for ngettext."""
    source = (template or PACKAGE / "templates" / CONSENT_TEMPLATE).read_bytes()
    messages: list[Message] = []
    for _line, _function, message, _comments in babel_extract(
            io.BytesIO(source), GETTEXT_FUNCTIONS, [], {"encoding": "utf-8", "silent": "false"}):
        found = message if isinstance(message, tuple) else (message,)  # `_("...", low=...)` is a tuple too
        parts = tuple(str(part) for part in found if part)
        messages.append(parts[0] if len(parts) == 1 else parts)
    return messages


def shown_words(messages: list[Message], language: str, translations: Path | None = None) -> list[list[str]]:
    """What `language` shows for each message: the translation's forms, else the English message's."""
    if language == SOURCE_LANGUAGE:
        return [[m] if isinstance(m, str) else list(m) for m in messages]
    path = (translations or PACKAGE / "translations") / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    shown = []
    for message in messages:
        english = [message] if isinstance(message, str) else list(message)
        entry = catalogue.get(message if isinstance(message, str) else message[0])
        translated = None if entry is None or entry.fuzzy else entry.string
        strings = [translated] if isinstance(translated, str) else list(translated or ())
        shown.append(strings if strings and all(strings) else english)
    return shown


def consent_text_sha256(template: Path | None = None, translations: Path | None = None) -> str:
    """The hash of the consent template's source and of its messages' words in every site language."""
    source = (template or PACKAGE / "templates" / CONSENT_TEMPLATE).read_bytes()
    messages = consent_messages(template)
    words = {language: shown_words(messages, language, translations) for language in LANGUAGES}
    digest = hashlib.sha256(source)
    digest.update(json.dumps(words, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()
