"""Every message is translated into German and French; the catalogues compile."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "tandem" / "translations"


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
