"""Tandem: cross-organisation reverse mentoring.

`create_app` is the only entry point that builds anything; importing this package does no work and loads
no web framework (the matching engine, say, is used without Flask).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from tandem.platform.app import create_app

        return create_app
    raise AttributeError(f"module 'tandem' has no attribute {name!r}")
