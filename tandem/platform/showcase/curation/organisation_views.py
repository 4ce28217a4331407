"""Being built (scaffolding: every view answers 501 until its helper writes it)."""

from typing import Any

from flask import abort



def stories(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def settings(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def story(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def story_photo(*args: Any, **kwargs: Any) -> Any:
    abort(501)
