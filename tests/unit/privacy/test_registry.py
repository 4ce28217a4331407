"""The personal-data registry (tandem/platform/privacy/registry.py) covers the whole schema.

A new table, or a new column whose name suggests personal data, fails here until it is declared in the
registry (what, why, export, erasure), or, for a column that names no person, listed in ALLOWED below with
its reason. Export, erasure and retention are built on the registry: what it misses, they miss.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tandem import models
from tandem.platform.privacy import registry
from tandem.platform.privacy.registry import (
    REGISTRY,
    Column,
    Erasure,
    NoPersonalData,
    PersonalData,
    Subject,
    personal_tables,
    undeclared,
)

ROOT = Path(__file__).resolve().parents[3]

# Parts of a column's name that suggest personal data (a part of the name that starts with one: `titles`,
# `details`, `answered_at`). Identifiers (`id`, `..._id`) need not be declared and are not checked.
SUSPICIOUS = ("name", "email", "text", "body", "message", "note", "comment", "summary", "description", "quote",
              "photo", "learned", "tip", "title", "reason", "bio", "aims", "city", "address", "place", "url",
              "phone", "subject", "recipient", "answer", "consent", "error", "ip", "agent", "detail", "alt",
              "birth", "gender", "token", "explanation")

# Columns whose names look personal but that hold no person's data, each with its reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("organisations", "name"): "an organisation's name (a legal person)",
    ("cohorts", "name"): "a cohort's name",
    ("organisation_exclusions", "reason"): "the board's reason about two organisations, not about people",
    ("programme_events", "titles"): "an event's title, written by the board for every invitee",
    ("programme_events", "descriptions"): "an event's description, written by the board for every invitee",
    ("programme_events", "venue_name"): "the event's venue: a place",
    ("programme_events", "venue_address"): "the venue's address: a place, not a person's",
    ("programme_events", "online_url"): "the event's online link, the same for every invitee",
    ("data_exports", "token_hash"): "the SHA-256 of the download link's token: a secret, not the person's data",
    ("survey_questions", "text_de"): "a survey question as the board wrote it, the same for every respondent",
    ("survey_questions", "text_fr"): "a survey question as the board wrote it, the same for every respondent",
    ("survey_questions", "text_it"): "a survey question as the board wrote it, the same for every respondent",
    ("survey_questions", "text_en"): "a survey question as the board wrote it, the same for every respondent",
    ("symposium_slots", "title"): "a slot's title in the public programme, written by the board",
    ("matching_runs", "error"): "the engine's refusal: rule names and participation ids, never names or texts",
    ("stories", "photo_version"): "a counter that changes the photo's URL with each new photo",
}


def _suspicious(column: str) -> bool:
    if column == "id" or column.endswith("_id"):
        return False
    return any(part.startswith(word) for part in column.split("_") for word in SUSPICIOUS)


def _declared_columns(table: str) -> set[str]:
    declaration = REGISTRY.get(table)
    return set(declaration.columns) if isinstance(declaration, PersonalData) else set()


def test_every_table_is_declared_and_every_declared_column_exists():
    assert undeclared(models.Base.metadata) == []


def test_a_column_that_suggests_personal_data_is_declared_or_allowed_with_a_reason():
    missing = [
        f"{table.name}.{column.name}"
        for table in models.Base.metadata.sorted_tables
        for column in table.columns
        if _suspicious(column.name)
        and column.name not in _declared_columns(table.name)
        and (table.name, column.name) not in ALLOWED
    ]
    assert missing == [], ("declare these columns in tandem/platform/privacy/registry.py (or, if they hold no "
                           "person's data, add them to ALLOWED with a reason): " + ", ".join(missing))


def test_the_allow_list_is_current():
    tables = models.Base.metadata.tables
    for (table, column), reason in ALLOWED.items():
        assert reason.strip()
        assert table in tables and column in tables[table].columns, f"{table}.{column} no longer exists"
        assert column not in _declared_columns(table), f"{table}.{column} is declared: drop it from ALLOWED"
        assert _suspicious(column), f"{table}.{column} needs no allowance"


def test_every_declaration_says_what_why_and_how():
    for name, declaration in REGISTRY.items():
        if isinstance(declaration, NoPersonalData):
            assert declaration.reason.strip(), name
            continue
        assert isinstance(declaration.subject, Subject) and declaration.subject.columns, name
        assert declaration.subject.path.strip(), name
        assert declaration.columns, f"{name}: a table with personal data declares at least one column"
        for column, meaning in declaration.columns.items():
            assert isinstance(meaning, Column), f"{name}.{column}"
            assert meaning.what.strip() and meaning.why.strip(), f"{name}.{column}"
            assert isinstance(meaning.export, bool) and isinstance(meaning.erasure, Erasure), f"{name}.{column}"


def test_the_tables_that_hold_personal_data():
    personal = personal_tables()
    assert personal == sorted(personal)
    for table in ("users", "identities", "user_sessions", "participations", "profiles", "pair_meetings",
                  "meeting_notes", "pair_check_ins", "stories", "story_consents", "outbox_messages",
                  "audit_events", "event_invitations", "calendar_feeds"):
        assert table in personal
    for table in ("organisations", "organisation_domains", "topics", "cohorts", "cohort_quotas"):
        assert table not in personal
    declaration = REGISTRY["outbox_messages"]
    assert isinstance(declaration, PersonalData)
    assert {"recipient", "subject", "body_text", "body_html", "attachments"} <= set(declaration.columns)


def test_undeclared_names_a_missing_table_and_a_misspelt_column(monkeypatch):
    metadata = sa.MetaData()
    for table in models.Base.metadata.tables.values():
        table.to_metadata(metadata)
    sa.Table("secrets", metadata, sa.Column("id", sa.Integer, primary_key=True))
    assert undeclared(metadata) == ["table 'secrets' is not declared"]

    users = REGISTRY["users"]
    assert isinstance(users, PersonalData)
    misspelt = PersonalData(subject=users.subject, columns={
        **users.columns, "emial": Column("e-mail", "a typo", export=True, erasure=Erasure.DELETE_ROW)})
    monkeypatch.setitem(REGISTRY, "users", misspelt)
    monkeypatch.delitem(REGISTRY, "profiles")
    monkeypatch.setitem(REGISTRY, "profile", NoPersonalData("a typo"))
    assert undeclared(models.Base.metadata) == [
        "table 'profiles' is not declared",
        "table 'profile' is declared but not in the metadata",
        "column users.emial is declared but does not exist",
    ]


def test_the_registry_is_pure():
    """Imported alone, the registry loads neither Flask nor SQLAlchemy nor any other part of Tandem, and its
    module holds only imports, constants, classes and functions."""
    code = (
        "import sys\n"
        "import tandem.platform.privacy.registry\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'flask_login', 'sqlalchemy', "
        "'werkzeug'} or (m.startswith('tandem') and not m.startswith('tandem.platform.privacy'))))\n"
    )
    answer = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            check=True)
    assert answer.stdout.strip() == "['tandem', 'tandem.platform']", answer.stdout + answer.stderr

    tree = ast.parse(Path(registry.__file__).read_text())
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.If):  # only `if TYPE_CHECKING:` imports
            assert isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
            continue
        assert isinstance(node, ast.Import | ast.ImportFrom | ast.ClassDef | ast.FunctionDef | ast.Assign
                          | ast.AnnAssign), ast.dump(node)[:200]
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            assert module and module.split(".")[0] in {"__future__", "collections", "dataclasses", "enum",
                                                       "typing"}, module


@pytest.mark.parametrize("name", ["body_text", "display_name", "titles", "answered_at", "ip_address", "bio"])
def test_the_name_check_sees_personal_names(name):
    assert _suspicious(name)


@pytest.mark.parametrize("name", ["id", "recipient_user_id", "status", "created_at", "sequence"])
def test_the_name_check_skips_ids_and_technical_names(name):
    assert not _suspicious(name)
