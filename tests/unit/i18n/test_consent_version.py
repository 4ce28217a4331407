"""The consent's version covers what a person reads in every language: the template and the translations of
its messages (tandem/platform/participant/consent.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from tandem.platform.config import LANGUAGES
from tandem.platform.participant.consent import (
    CONSENT_TEMPLATE,
    CONSENT_TEXT_SHA256,
    PACKAGE,
    consent_messages,
    consent_text_sha256,
    shown_words,
)

TEMPLATE = PACKAGE / "templates" / CONSENT_TEMPLATE
TRANSLATIONS = PACKAGE / "translations"
HEADING = "What taking part means"


def test_the_recorded_hash_is_the_texts_hash():
    assert consent_text_sha256() == CONSENT_TEXT_SHA256, (
        "the consent template or a translation of one of its messages changed: set a new CONSENT_VERSION and "
        "CONSENT_TEXT_SHA256 in tandem/platform/participant/consent.py")


def test_the_messages_are_the_templates_including_the_plural_one():
    messages = consent_messages()
    assert messages[0] == HEADING and "We never ask for your date of birth." in messages
    plural = [m for m in messages if isinstance(m, tuple)]
    assert len(plural) == 1 and plural[0][0].startswith("A meeting every week") and len(plural[0]) == 2
    assert len(messages) == 17


def _catalogues(tmp_path: Path) -> Path:
    copy = tmp_path / "translations"
    for language in LANGUAGES:
        if language != "en":
            target = copy / language / "LC_MESSAGES"
            target.mkdir(parents=True)
            shutil.copy(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", target / "messages.po")
    return copy


def _change(copy: Path, language: str, message_id: str, string: str | None = None, *, fuzzy: bool = False) -> None:
    path = copy / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    entry = catalogue[message_id]
    if string is not None:
        entry.string = string
    if fuzzy:
        entry.flags.add("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalogue)


def test_the_copy_hashes_as_the_repository(tmp_path):
    assert consent_text_sha256(translations=_catalogues(tmp_path)) == consent_text_sha256()


def test_a_changed_translation_of_a_consent_message_changes_the_hash(tmp_path):
    for language in (code for code in LANGUAGES if code != "en"):
        copy = _catalogues(tmp_path / language)
        _change(copy, language, HEADING, "Something else entirely")
        assert consent_text_sha256(translations=copy) != CONSENT_TEXT_SHA256, language
        assert shown_words(consent_messages(), language, copy)[0] == ["Something else entirely"]


def test_a_fuzzy_translation_is_shown_as_the_english_message_and_hashed_so(tmp_path):
    copy = _catalogues(tmp_path)
    _change(copy, "it", HEADING, fuzzy=True)
    assert shown_words(consent_messages(), "it", copy)[0] == [HEADING]
    assert consent_text_sha256(translations=copy) != CONSENT_TEXT_SHA256


def test_a_translation_outside_the_consent_leaves_the_hash(tmp_path):
    copy = _catalogues(tmp_path)
    _change(copy, "it", "Sign in", "Qualcos'altro")
    assert consent_text_sha256(translations=copy) == CONSENT_TEXT_SHA256


def test_the_template_itself_is_hashed(tmp_path):
    template = tmp_path / "_consent.html"
    template.write_bytes(TEMPLATE.read_bytes().replace(b"consent__list", b"consent-list"))
    assert consent_text_sha256(template=template) != CONSENT_TEXT_SHA256
