"""`tandem privacy export EMAIL FILE`: the same file as the person's download, for a request received by mail."""

from __future__ import annotations

import json

import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.privacy.export.cli import export_command
from tandem.platform.tenancy import club_scope
from tests.fixtures.everything import make_person_with_everything


def test_the_command_writes_the_persons_file_and_records_it(app, db, tmp_path) -> None:
    everything = make_person_with_everything(db, app)
    target = tmp_path / "export.json"

    result = app.test_cli_runner().invoke(export_command, [everything.person.email.upper(), str(target)])

    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["person"]["id"] == everything.person.id
    assert everything.text("profiles", "bio") in text and everything.text("meeting_notes", "text") in text
    assert not [value for value in everything.other_strings.values() if value in text]
    with club_scope(db):
        db.expire_all()
        assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "personal_data.exported", AuditEvent.target_id == everything.person.id)) == 1


def test_an_unknown_address_is_refused(app, db, tmp_path) -> None:
    result = app.test_cli_runner().invoke(export_command, ["nobody@nowhere.example", str(tmp_path / "x.json")])
    assert result.exit_code != 0
    assert "Nobody has the address nobody@nowhere.example" in result.output


def test_the_command_is_tandem_privacy_export(app, db, tmp_path) -> None:
    everything = make_person_with_everything(db, app)
    result = app.test_cli_runner().invoke(args=["privacy", "export", everything.person.email, "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout_bytes)["person"]["id"] == everything.person.id
