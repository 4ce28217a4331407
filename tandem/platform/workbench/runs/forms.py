"""The form that starts or retries a run."""

from __future__ import annotations

from tandem.platform.forms import TandemForm


class RunForm(TandemForm):
    """A button: starting or retrying a run needs nothing but the CSRF token."""
