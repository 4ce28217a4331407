"""One rule for the language of every mail (tandem/platform/mail/language.py), used by every mail."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from tandem.platform.config import load_config
from tandem.platform.mail.language import mail_language

TANDEM = Path(__file__).resolve().parents[3] / "tandem"


@pytest.fixture()
def club_in_german():
    app = Flask("mail-language-test")
    app.config["TANDEM"] = load_config({"TANDEM_ENV": "test", "DEFAULT_LANGUAGE": "de"})
    with app.app_context():
        yield


@pytest.mark.parametrize(("chosen", "language"), [("fr", "fr"), ("en", "en"), ("de", "de"), (None, "de"),
                                                  ("", "de"), ("it", "it"), ("rm", "de")])
def test_the_persons_choice_else_the_clubs_language(club_in_german, chosen, language):
    assert mail_language(SimpleNamespace(preferred_language=chosen)) == language


def test_no_mail_chooses_its_language_another_way():
    """The rule's copies (`person.preferred_language or <something>`) are gone: a new one would drift again."""
    copies = [f"{path.relative_to(TANDEM.parent)}:{number}"
              for path in TANDEM.rglob("*.py") if path.name != "language.py"
              for number, line in enumerate(path.read_text().splitlines(), 1)
              if re.search(r"preferred_language\s+or\b", line)]
    assert copies == []
