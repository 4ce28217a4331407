"""Being built (scaffolding: every view answers 501 until its helper writes it)."""

from typing import Any

from flask import abort



def story(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def edit_story(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def confirm_story(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def consent(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def upload_photo(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def remove_photo(*args: Any, **kwargs: Any) -> Any:
    abort(501)


def story_photo(*args: Any, **kwargs: Any) -> Any:
    abort(501)
