"""Reading a validated form's fields with the types they have once validated."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


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
