"""Tandem: cross-organisation reverse mentoring.

`create_app` is the only entry point that builds anything; importing this package does no work.
"""

from tandem.platform.app import create_app

__all__ = ["create_app"]
