"""Every message is translated into German and French; the catalogues compile."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[3] / "tandem" / "translations"


@pytest.mark.parametrize("language", ["de", "fr"])
def test_catalogue_is_complete(language):
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    missing = [m.id for m in template if m.id and m.id not in catalogue]
    untranslated = [m.id for m in catalogue if m.id and (not m.string or (
        isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert missing == [] and untranslated == [] and fuzzy == []
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
