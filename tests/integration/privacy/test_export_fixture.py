"""The shared fixture of issue 15 (tests/fixtures/everything.py) covers every table of the registry."""

from __future__ import annotations

import sqlalchemy as sa

from tandem.platform.database import Base
from tandem.platform.privacy.registry import personal_tables
from tandem.platform.tenancy import club_scope
from tests.fixtures.everything import make_person_with_everything


def test_the_person_has_a_row_in_every_personal_table(db, app_context) -> None:
    everything = make_person_with_everything(db)

    assert sorted(everything.rows) == personal_tables()
    with club_scope(db):
        for table_name, ids in everything.rows.items():
            table = Base.metadata.tables[table_name]
            key = table.c.response_id if "response_id" in table.c else table.c.id
            found = db.execute(sa.select(sa.func.count()).select_from(table).where(key.in_(ids))).scalar_one()
            assert found >= 1, table_name
    assert all(value.lower().startswith(("zz-", "https://zz-", "https://meet.example/zz-", "<p>zz-"))
               for value in everything.strings.values())
    assert everything.text("profiles", "bio") == "ZZ-profiles-bio"
