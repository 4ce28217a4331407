"""`tandem privacy export EMAIL FILE`: the board exports a person's data, e.g. for a request received by mail.

The file is the same JSON as the person's own download (docs/privacy-export.md); `-` writes it to standard
output. The export is recorded in the audit log (`personal_data.exported`, about the person).
"""

from __future__ import annotations

from typing import BinaryIO

import click
from flask.cli import with_appcontext


@click.command("export")
@click.argument("email")
@click.argument("file", type=click.File("wb"))
@with_appcontext
def export_command(email: str, file: BinaryIO) -> None:
    """Write everything Tandem holds about the person with this e-mail address to FILE (JSON)."""
    import sqlalchemy as sa

    from tandem.platform import audit
    from tandem.platform.clock import now
    from tandem.platform.database import db_session
    from tandem.platform.identity.models import User
    from tandem.platform.privacy.export.operations import export_bytes
    from tandem.platform.tenancy import club_scope

    session = db_session()
    with club_scope(session):
        person = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if person is None:
            raise click.ClickException(f"Nobody has the address {email}.")
        content = export_bytes(session, person.id, now())
        assert content is not None
        audit.record(session, "personal_data.exported", actor_user_id=None, organisation_id=person.organisation_id,
                     target_type="user", target_id=person.id, details={"what": "export", "by": "command"})
        session.commit()
        label = f"{person.display_name} <{person.email}>"
    file.write(content)
    if getattr(file, "name", "-") != "-":
        click.echo(f"Wrote the data of {label} ({len(content)} bytes) to {file.name}.", err=True)
