"""Every message is translated into every site language but English (the source): German, French, Italian;
the catalogues compile."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tandem.platform.config import LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parents[3] / "tandem" / "translations"


def test_every_site_language_but_the_source_has_a_catalogue():
    assert [code for code in LANGUAGES if code != "en"] == ["de", "fr", "it"]
    assert sorted(path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")) == [
        "de", "fr", "it"]


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_catalogue_is_complete(language):
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    assert str(catalogue.locale) == language and catalogue.num_plurals == 2
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    missing = [m.id for m in template if m.id and m.id not in catalogue]
    untranslated = [m.id for m in catalogue if m.id and (not m.string or (
        isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert missing == [], f"{len(missing)} messages of the template missing from {language}: {missing[:5]}"
    assert untranslated == [], f"{len(untranslated)} messages untranslated in {language}: {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy messages in {language}: {fuzzy[:5]}"
    assert (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").exists(), "run `make install`"


def test_the_template_holds_every_message_of_the_sources(tmp_path, monkeypatch):
    """A text added to the code or a template without extracting it would never be translated."""
    from babel.messages.frontend import CommandLineInterface

    root = TRANSLATIONS.parents[1]
    monkeypatch.chdir(root)
    extracted = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
                                "-o", str(extracted), "."])
    with extracted.open("rb") as fresh, (TRANSLATIONS / "messages.pot").open("rb") as kept:
        fresh_ids = {m.id for m in read_po(fresh) if m.id}
        kept_ids = {m.id for m in read_po(kept) if m.id}
    assert sorted(map(str, fresh_ids - kept_ids)) == [], "run pybabel extract and update (see README)"
