"""(being built: placeholders replaced by the area's views)"""

from flask import abort



def plan(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def log_unplanned(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def meeting(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def edit(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def log_planned(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def not_held(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def cancel(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def note(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def check_in(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def meeting_file(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)
