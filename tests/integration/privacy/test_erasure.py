"""Erasing a person (erase_person walks the registry): afterwards a dump of the whole database holds none of
their strings, no row refers to their id (the audit log names them by their pseudonym only), their partner and
the cohort's figures stay, their stories are gone from the showcase."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from tandem.platform.database import Base
from tandem.platform.privacy.erasure.erase import ERASED_DOMAIN, erase_person, pseudonym_of, subject_clause
from tandem.platform.privacy.erasure.operations import erase
from tandem.platform.privacy.registry import REGISTRY, PersonalData
from tandem.platform.tenancy import club_scope
from tests.fixtures.everything import make_person_with_everything


def dump(db: Any) -> list[tuple[str, str, Any]]:
    """Every value of every text, JSON and binary column of every table: (table, column, value)."""
    values = []
    for table in Base.metadata.sorted_tables:
        for row in db.execute(sa.select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, (str, bytes)):
                    values.append((table.name, column, value))
                elif isinstance(value, (dict, list)):
                    values.append((table.name, column, json.dumps(value, ensure_ascii=False)))
    return values


def references_to(db: Any, user_id: int) -> list[str]:
    """Every row that still refers to the person's id: foreign keys to users, the audit log's targets."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(key.column.table.name == "users" and key.column.name == "id" for key in column.foreign_keys) \
                    or (table.name == "users" and column.name == "id"):
                count = db.scalar(sa.select(sa.func.count()).select_from(table).where(column == user_id))
                if count:
                    found.append(f"{table.name}.{column.name}")
    events = Base.metadata.tables["audit_events"]
    if db.scalar(sa.select(sa.func.count()).select_from(events).where(events.c.target_type == "user",
                                                                     events.c.target_id == user_id)):
        found.append("audit_events.target_id")
    return found


@pytest.fixture()
def everything(db, app_context):
    return make_person_with_everything(db)


def test_every_registry_subject_leads_somewhere():
    """erase_person knows how to follow every PersonalData table's subject to a person."""
    from tandem.platform.privacy.erasure.erase import _Person

    nobody = _Person(user_id=0, email="nobody@example.org", organisation_id=0, participations=[1], pairs=[1],
                     stories=[1], responses=["x"])
    for name, declaration in REGISTRY.items():
        if isinstance(declaration, PersonalData):
            subject_clause(name, nobody)  # raises LookupError for a subject it cannot follow


def test_after_erasure_nothing_of_the_person_is_left(db, app_context, everything):
    person_id = everything.person.id
    with club_scope(db):
        before = dump(db)
        assert any(everything.text("users", "display_name") in str(value) for _t, _c, value in before)
        outcome = erase(db, person_id, reason="test")
        db.commit()
        db.expire_all()
        after = dump(db)
        leftovers = [(table, column, marker) for table, column, value in after
                     for marker in everything.strings.values()
                     if (marker.encode() in value if isinstance(value, bytes) else marker in value)]
        assert leftovers == []
        assert not any(isinstance(value, bytes) and everything.photo[-16:] in value for _t, _c, value in after)
        assert references_to(db, person_id) == []
        events = Base.metadata.tables["audit_events"]
        pseudonymised = db.scalars(sa.select(events.c.details).where(
            sa.cast(events.c.details, sa.Text).contains(outcome.pseudonym))).all()
        assert pseudonymised, "the audit log keeps the person's events under their pseudonym"
        assert outcome.pseudonym == pseudonym_of(person_id)
        # the figures stay: the pair and an anonymous participation, the partner untouched
        pairs = Base.metadata.tables["pairs"]
        assert db.scalar(sa.select(sa.func.count()).select_from(pairs).where(pairs.c.id == everything.pair.id)) == 1
        users = Base.metadata.tables["users"]
        placeholder = db.execute(sa.select(users).join(
            Base.metadata.tables["participations"],
            Base.metadata.tables["participations"].c.user_id == users.c.id).where(
            Base.metadata.tables["participations"].c.id == everything.participation.id)).mappings().one()
        assert placeholder["email"].endswith("@" + ERASED_DOMAIN) and not placeholder["is_active"]
        # erased while taking part (the cohort runs): withdrawn, the tandem ended
        participations = Base.metadata.tables["participations"]
        assert db.scalar(sa.select(participations.c.status).where(
            participations.c.id == everything.participation.id)) == "withdrawn"
        assert db.scalar(sa.select(pairs.c.status).where(pairs.c.id == everything.pair.id)) == "ended"
        assert db.scalar(sa.select(sa.func.count()).select_from(users).where(
            users.c.id == everything.partner.id)) == 1
        stories = Base.metadata.tables["stories"]
        assert db.scalar(sa.select(sa.func.count()).select_from(stories).where(
            stories.c.pair_id == everything.pair.id)) == 0
        # the stranger's rows are untouched
        assert any(value == "XX-participations-note" for _t, _c, value in after)


def test_erasing_twice_finds_nobody(db, app_context, everything):
    with club_scope(db):
        erase_person(db, everything.person.id)
        with pytest.raises(LookupError):
            erase_person(db, everything.person.id)


def test_the_audit_log_names_the_person_by_their_pseudonym(db, app_context, everything):
    from tandem.platform import audit

    person_id, board_id = everything.person.id, everything.board.id
    with club_scope(db):
        named = audit.record(db, "board.note", actor_user_id=board_id, organisation_id=None,
                             target_type="participation", target_id=everything.participation.id,
                             details={"user_id": person_id, "user_ids": [board_id, person_id], "count": person_id,
                                      "words": f"about {everything.text('users', 'display_name')}"})
        other = audit.record(db, "board.other", actor_user_id=board_id, organisation_id=None,
                             details={"user_id": person_id + 1000})
        db.flush()
        named_id, other_id = named.id, other.id
        pseudonym = erase(db, person_id, reason="test").pseudonym
        events = Base.metadata.tables["audit_events"]
        details = db.scalar(sa.select(events.c.details).where(events.c.id == named_id))
        assert details == {"user_id": pseudonym, "user_ids": [board_id, pseudonym], "count": person_id,
                           "words": "about [erased]"}
        assert db.scalar(sa.select(events.c.actor_user_id).where(events.c.id == named_id)) == board_id
        assert db.scalar(sa.select(events.c.details).where(events.c.id == other_id)) == {"user_id": person_id + 1000}
