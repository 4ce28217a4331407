"""Being built (scaffolding: every view answers 501 until its helper writes it)."""

from typing import Any

from flask import abort



def index(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def cohort(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def story(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def photo(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def symposium_file(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def robots(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def sitemap(*args: Any, **kwargs: Any) -> Any:
    abort(501)
