"""`tandem privacy erase EMAIL`: the board erases a person at once, e.g. on a request received by mail."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(email: str, yes: bool) -> None:
    """Erase every personal datum of the person with this e-mail address (cannot be undone)."""
    import sqlalchemy as sa

    from tandem.platform.database import db_session
    from tandem.platform.identity.models import User
    from tandem.platform.privacy.erasure.operations import erase
    from tandem.platform.tenancy import club_scope

    session = db_session()
    with club_scope(session):
        person = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if person is None:
            raise click.ClickException(f"Nobody has the address {email}.")
        label = f"{person.display_name} <{person.email}> ({person.organisation.name})"
        if not yes:
            click.confirm(f"Erase every personal datum of {label}? This cannot be undone", abort=True)
        outcome = erase(session, person.id, reason="command", organisation_id=person.organisation_id)
        session.commit()
    kept = outcome.participations_kept
    click.echo(f"Erased {label}: now {outcome.pseudonym} in the audit log; {kept} participation(s) kept "
               f"anonymously for the figures, {outcome.stories_deleted} story(ies) deleted.")
