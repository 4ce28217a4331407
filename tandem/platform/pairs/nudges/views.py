"""(being built: placeholders replaced by the area's views)"""

from flask import abort



def settings(**_kwargs):  # type: ignore[no-untyped-def]
    abort(501)
