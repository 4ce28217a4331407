"""(being built: placeholders replaced by the area's views)"""

from flask import abort



def health(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def pair(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def message(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def end(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def resolve_help(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def organisation_pairs(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)
