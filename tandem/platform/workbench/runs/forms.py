"""The form that starts or retries a run."""

from __future__ import annotations

from flask_wtf import FlaskForm


class RunForm(FlaskForm):
    """A button: starting or retrying a run needs nothing but the CSRF token."""
