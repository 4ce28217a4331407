"""The `tandem` command: Flask's command line over `create_app()`, with Tandem's commands (tandem/platform/cli.py)."""

from __future__ import annotations

from flask.cli import FlaskGroup

from tandem.platform.app import create_app


def main() -> None:
    FlaskGroup(create_app=lambda: create_app(), name="tandem").main()
