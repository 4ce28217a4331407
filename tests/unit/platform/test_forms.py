"""The base form: every form of the site is a TandemForm, whose fields refuse control characters and integers
beyond 64 bits before anything else sees them (tests/integration/platform/test_hostile_input.py sends them
to every form)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import Flask
from flask_babel import Babel
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField

import tandem
from tandem.platform.forms import TandemForm, input_problem


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_form_of_the_site_is_a_tandem_form():
    for module in pkgutil.walk_packages(tandem.__path__, "tandem."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    forms = {cls for cls in _all_subclasses(FlaskForm) if cls.__module__.startswith("tandem.")} - {TandemForm}
    assert len(forms) > 30
    assert sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in forms if not issubclass(cls, TandemForm)) == []


@pytest.mark.parametrize(("value", "multiline", "expected"), [
    ("Anna Muster", False, None),
    ("Tab\tseparated", False, None),
    ("Zürich – Genève ✓", False, None),
    ("first\r\nsecond\n\tthird\u2028fourth", True, None),
    ("Name\r\nBcc: x@example.com", False, "line break"),
    ("Name\u2028more", False, "line break"),
    ("before\x00after", False, "control character"),
    ("before\x00after", True, "control character"),
    ("escape \x1b[31m", True, "control character"),
    ("delete\x7f", False, "control character"),
    ("next line\x85", True, "control character"),
])
def test_what_counts_as_hostile_text(value, multiline, expected):
    assert input_problem(value, multiline=multiline) == expected


class _Sample(TandemForm):
    class Meta:
        csrf = False

    name = StringField()
    note = TextAreaField()
    number = IntegerField()
    ids = SelectMultipleField(coerce=int, validate_choice=False)


@pytest.fixture()
def request_context():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    Babel(app)
    with app.test_request_context():
        yield


def _validate(**data: object) -> dict[str, list[str]]:
    form = _Sample(formdata=MultiDict(data))
    form.validate()
    return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def test_the_fields_refuse_hostile_input_beside_themselves(request_context):
    errors = _validate(name="a\x00b", note="one\r\ntwo", number=str(2**70), ids=[str(-(2**70))])
    assert set(errors) == {"name", "number", "ids"}
    assert "control characters" in errors["name"][0]
    assert errors["number"] == ["This number is too large."] == errors["ids"]
    assert "single line" in _validate(name="a\nb")["name"][0]
    assert _validate(name="Anna", note="one\ntwo", number=str(2**63 - 1), ids=["1", "2"]) == {}
