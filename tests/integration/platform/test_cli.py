"""The command line: the first board member of a new deployment."""

from __future__ import annotations

import sqlalchemy as sa

from tandem.platform.board.models import BoardMember
from tandem.platform.identity.models import User
from tandem.platform.tenancy import club_scope


def test_add_board_member_creates_the_organisation_and_the_person_once(app, db):
    runner = app.test_cli_runner()
    arguments = ["add-board-member", "Regula.Widmer@alpenbank.example", "Regula Widmer",
                 "--organisation", "alpenbank", "--organisation-name", "Alpenbank Zürich"]
    first = runner.invoke(args=arguments)
    assert first.exit_code == 0, first.output
    assert "is on the board" in first.output
    second = runner.invoke(args=arguments)
    assert second.exit_code == 0
    with club_scope(db):
        person = db.scalar(sa.select(User).where(User.email == "regula.widmer@alpenbank.example"))
        assert person.organisation.slug == "alpenbank"
        assert db.scalar(sa.select(sa.func.count(BoardMember.id))) == 1


def test_add_board_member_explains_what_is_wrong(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["add-board-member", "x@nowhere.example", "X", "--organisation", "missing"])
    assert result.exit_code != 0
    assert "does not exist" in result.output
