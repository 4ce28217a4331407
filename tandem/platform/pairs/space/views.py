"""(being built: placeholders replaced by the area's views)"""

from flask import abort



def pair(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def agreement(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def confirm_agreement(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def goal_status(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def help_request(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)


def complete(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)
