"""The base of every form (`TandemForm`: hostile input refused beside its field), and reading a validated
form's fields with the types they have once validated."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, Field, Form, TextAreaField
from wtforms.validators import StopValidation

from tandem.platform.clock import club_zone
from tandem.platform.i18n import lazy_gettext as _l

T = TypeVar("T")

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # PostgreSQL's BIGINT; SQLite's INTEGER
LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")  # what str.splitlines() splits at


def input_problem(value: str, *, multiline: bool) -> str | None:
    """What is wrong with a submitted text: a line break in a one-line field, or a control character (NUL,
    escape, form feed and the like; a tab is fine, and so are line breaks in a multi-line field). None when it
    is plain text."""
    for character in value:
        if character == "\t" or (multiline and character in "\r\n\u2028\u2029"):
            continue
        if character in LINE_BREAKS and not multiline:
            return "line break"
        if unicodedata.category(character) == "Cc":
            return "control character"
    return None


def _integers(data: object) -> Iterator[int]:
    if isinstance(data, int) and not isinstance(data, bool):
        yield data
    elif isinstance(data, list | tuple | set):
        for item in data:
            yield from _integers(item)


def plain_input(form: Form, field: Field) -> None:
    """The first validator of every field of a TandemForm: refuses, beside the field, control characters
    (PostgreSQL refuses a NUL byte in text; a line break in a name would cut a mail header) and integers
    beyond 64 bits (no database column holds them), before any other validator or the database sees them."""
    multiline = isinstance(field, TextAreaField)
    for value in field.raw_data or ():
        problem = input_problem(value, multiline=multiline) if isinstance(value, str) else None
        if problem == "line break":
            raise StopValidation(_l("Please use a single line here, without line breaks."))
        if problem is not None:
            raise StopValidation(_l("Please remove the control characters (invisible characters such as NUL) "
                                    "from this field."))
    if any(not INT64_MIN <= number <= INT64_MAX for number in _integers(field.data)):
        raise StopValidation(_l("This number is too large."))


class TandemForm(FlaskForm):
    """The base of every form of the site (a test checks): each field refuses control characters and
    integers beyond 64 bits first, with a message beside it (`plain_input`), whatever database runs below."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Form, unbound_field: Any, options: dict[str, Any]) -> Field:
            field = super().bind_field(form, unbound_field, options)
            field.validators = [plain_input, *field.validators]
            return field


def validated(data: T | None) -> T:
    """The data of a field that the form's validation has passed with DataRequired or InputRequired (or
    an inline validator that refuses an empty value): never None then.

    WTForms types `field.data` as optional (`str | None`, `int | None`, `list | None`), since a field holds
    None until it is given a value. Read a required field through here once `validate_on_submit()` has
    passed; reading one before that fails loudly instead of passing None on.
    """
    if data is None:
        raise ValueError("a required form field is read before the form was validated")
    return data


class LocalTimeField(DateTimeLocalField):
    """A date and time in the club's time zone, with our own message for anything else."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a date and time like 2027-03-01 18:00.")) from error

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()

    def aware(self) -> datetime | None:
        value = self.data
        return value.replace(tzinfo=club_zone()) if isinstance(value, datetime) else None
