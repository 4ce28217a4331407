"""Command line: `tandem migrate`, `tandem seed-demo`, `tandem worker`, `tandem run` (Flask's), ..."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app


def register_commands(app: Flask) -> None:
    @app.cli.command("migrate")
    @click.option("--revision", default="head", show_default=True)
    def migrate(revision: str) -> None:
        """Apply the Alembic migrations to DATABASE_URL."""
        from tandem.platform.migrate import current_revision, upgrade

        engine = current_app.extensions["tandem.db"].engine
        upgrade(engine, revision)
        click.echo(f"Database {engine.url.render_as_string(hide_password=True)} is at revision "
                   f"{current_revision(engine)}.")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Create the demo club once (running it again duplicates nothing)."""
        from tandem.platform.database import db_session
        from tandem.platform.demo.seed import seed_demo

        # The seed runs hundreds of in-process jobs (the demo's mail): their log lines would bury the summary.
        app_log = logging.getLogger("tandem")
        level = app_log.level
        app_log.setLevel(logging.WARNING)
        try:
            report = seed_demo(db_session())
        finally:
            app_log.setLevel(level)
        click.echo(report.describe())

    @app.cli.command("add-board-member")
    @click.argument("email")
    @click.argument("name")
    @click.option("--organisation", "organisation_slug", required=True, help="Slug of their organisation.")
    @click.option("--organisation-name", help="Creates the organisation with this name if it does not exist.")
    def add_board_member_command(email: str, name: str, organisation_slug: str, organisation_name: str | None) -> None:
        """Make someone a member of the club board (how a new deployment gets its first one)."""
        from tandem.platform.board.operations import add_board_member
        from tandem.platform.database import db_session
        from tandem.platform.tenancy import club_scope

        session = db_session()
        with club_scope(session):
            try:
                person = add_board_member(session, email=email, display_name=name,
                                          organisation_slug=organisation_slug, organisation_name=organisation_name)
            except ValueError as error:
                session.rollback()
                raise click.ClickException(str(error)) from error
            session.commit()
        click.echo(f"{person.display_name} <{person.email}> is on the board; they sign in at "
                   f"{current_app.config['TANDEM'].base_url}/sign-in with an e-mailed link.")

    @app.cli.group("privacy")
    def privacy_commands() -> None:
        """Personal data: a person's export and erasure (requests received by mail)."""

    from tandem.platform.privacy.erasure.cli import erase_command
    from tandem.platform.privacy.export.cli import export_command

    privacy_commands.add_command(erase_command)
    privacy_commands.add_command(export_command)

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
    @click.argument("queues", nargs=-1)
    def worker(burst: bool, queues: tuple[str, ...]) -> None:
        """Run an RQ worker with the scheduler (needs REDIS_URL)."""
        from tandem.workers.queues import QUEUE_NAMES
        from tandem.workers.running import run_worker

        run_worker(current_app._get_current_object(), queues=queues or QUEUE_NAMES, burst=burst)  # type: ignore[attr-defined]

    @app.cli.command("cron")
    def cron() -> None:
        """Enqueue the periodic jobs on time (run one beside the workers; needs REDIS_URL)."""
        from tandem.workers.queues import get_queues
        from tandem.workers.schedule import build_cron_scheduler

        queues = get_queues()
        if not queues.is_async:
            raise click.ClickException("REDIS_URL is not set: there is no queue to schedule jobs on.")
        build_cron_scheduler(queues.connection).start()

    @app.cli.command("settings")
    def settings() -> None:
        """Print the configuration reference (docs/configuration.md)."""
        from tandem.platform.config import settings_markdown

        click.echo(settings_markdown(), nl=False)

    @app.cli.command("demo-guide")
    def demo_guide() -> None:
        """Print where to go and how to try each role in the demo."""
        from tandem.platform.demo.guide import guide_text

        click.echo(guide_text(current_app._get_current_object()))  # type: ignore[attr-defined]
