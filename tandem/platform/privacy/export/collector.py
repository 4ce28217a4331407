"""Everything Tandem holds about one person, read by walking the registry (`privacy/registry.py`).

For each `PersonalData` table the rows that lead to the person through its `Subject` columns are read, with the
columns the registry marks `export=True` (and the row's id). How a subject column leads to the person is decided
by its name (`_SUBJECT_KINDS`): a column the collector does not know makes `collect` fail, so a new table with a
new kind of path is noticed by the tests, never silently left out.

Special cases, all stated in docs/privacy-export.md:
- `matching_runs.unmatched`: only the person's own entries;
- `calendar_feeds`: `revoked_at` becomes `active` (true or false), the token's hash is never read;
- `stories.photo`: base64 up to `MAX_PHOTO_BYTES`, else omitted with its size;
- `audit_events`: events the person did, and events about them (target_type "user" or "participation"); for an
  event someone else did, the actor's name and role are given and their IP address is not;
- `outbox_messages`: mails to the person's user id or to their address.

The result is plain JSON data (`SCHEMA`, `SCHEMA_VERSION`). Needs an app context (the survey's respondent keys
are HMACs under the server's secret); reads in club scope, only rows that lead to `user_id`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.database import Base
from tandem.platform.privacy.registry import REGISTRY, PersonalData
from tandem.platform.tenancy import club_scope

SCHEMA = "tandem.personal-data-export"
SCHEMA_VERSION = 1
MAX_PHOTO_BYTES = 5 * 1024 * 1024

# How a subject column leads to the person, by the column's name.
_SUBJECT_KINDS: dict[str, str] = {
    "id": "user",                           # users: the row is the person
    "user_id": "user",
    "actor_user_id": "user",
    "recipient_user_id": "user",
    "participation_id": "participation",
    "author_participation_id": "participation",
    "mentor_participation_id": "participation",
    "mentee_participation_id": "participation",
    "participation_a_id": "participation",
    "participation_b_id": "participation",
    "pair_id": "pair",
    "story_id": "story",
    "respondent_key": "respondent_key",
    "response_id": "response",
    "recipient": "email",
    "target_id": "audit_target",
    "unmatched": "unmatched",
}

_PERSON_TARGETS = ("user", "participation")


class UnknownSubject(RuntimeError):
    """A registry subject column the collector cannot follow to the person."""


@dataclass(frozen=True)
class _Person:
    user_id: int
    email: str
    participation_ids: tuple[int, ...]
    pair_ids: tuple[int, ...]
    story_ids: tuple[int, ...]
    respondent_keys: tuple[str, ...]
    response_ids: tuple[str, ...]


def subject_kind(table: str, column: str) -> str:
    kind = _SUBJECT_KINDS.get(column)
    if kind is None or (column == "id" and table != "users"):
        raise UnknownSubject(f"{table}.{column}: no known path to the person")
    return kind


def exported_columns(table: str) -> list[str]:
    declaration = REGISTRY[table]
    assert isinstance(declaration, PersonalData)
    return [name for name, column in declaration.columns.items() if column.export]


def exported_tables() -> list[str]:
    """The personal tables of which the export holds something, in the registry's order."""
    return [name for name, declaration in REGISTRY.items()
            if isinstance(declaration, PersonalData) and exported_columns(name)]


def _person(session: Session, user_id: int) -> _Person | None:
    from tandem.platform.cohorts.models import Participation
    from tandem.platform.identity.models import User
    from tandem.platform.outcomes.models import Survey, SurveyResponse
    from tandem.platform.outcomes.surveys.operations import respondent_key
    from tandem.platform.showcase.models import Story
    from tandem.platform.workbench.models import Pair

    email = session.scalar(sa.select(User.email).where(User.id == user_id))
    if email is None:
        return None
    participations = session.execute(sa.select(Participation.id, Participation.cohort_id)
                                     .where(Participation.user_id == user_id)).all()
    participation_ids = tuple(row.id for row in participations)
    pair_ids = tuple(session.scalars(sa.select(Pair.id).where(sa.or_(
        Pair.mentor_participation_id.in_(participation_ids),
        Pair.mentee_participation_id.in_(participation_ids)))).all()) if participation_ids else ()
    story_ids = tuple(session.scalars(sa.select(Story.id).where(Story.pair_id.in_(pair_ids))).all()) \
        if pair_ids else ()
    keys: list[str] = []
    cohorts = {row.cohort_id: row.id for row in participations}
    if cohorts:
        for survey_id, cohort_id in session.execute(sa.select(Survey.id, Survey.cohort_id).where(
                Survey.cohort_id.in_(cohorts), Survey.closed_at.is_(None))).all():
            keys.append(respondent_key(survey_id, cohorts[cohort_id]))
    response_ids = tuple(session.scalars(sa.select(SurveyResponse.id).where(
        SurveyResponse.respondent_key.in_(keys))).all()) if keys else ()
    return _Person(user_id=user_id, email=email, participation_ids=participation_ids, pair_ids=pair_ids,
                   story_ids=story_ids, respondent_keys=tuple(keys), response_ids=response_ids)


def _condition(table: sa.Table, column: str, person: _Person) -> sa.ColumnElement[bool] | None:
    kind = subject_kind(table.name, column)
    target = table.c[column]
    values: Iterable[Any]
    if kind == "user":
        return target == person.user_id
    if kind == "email":
        return target == person.email
    if kind == "audit_target":
        return sa.or_(
            sa.and_(table.c.target_type == "user", target == person.user_id),
            sa.and_(table.c.target_type == "participation", target.in_(person.participation_ids or (-1,))))
    if kind == "unmatched":
        return None  # read by cohort below, filtered in Python
    values = {"participation": person.participation_ids, "pair": person.pair_ids, "story": person.story_ids,
              "respondent_key": person.respondent_keys, "response": person.response_ids}[kind]
    values = tuple(values)
    return target.in_(values) if values else sa.false()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def _photo(data: bytes | None) -> Any:
    if data is None:
        return None
    if len(data) > MAX_PHOTO_BYTES:
        return {"omitted": True, "size_bytes": len(data), "content_type": _image_type(data)}
    return {"content_type": _image_type(data), "size_bytes": len(data),
            "base64": base64.b64encode(data).decode("ascii")}


def _rows(session: Session, name: str, person: _Person, photos: bool) -> list[dict[str, Any]]:
    declaration = REGISTRY[name]
    assert isinstance(declaration, PersonalData)
    table = Base.metadata.tables[name]
    columns = exported_columns(name)
    conditions = [condition for column in declaration.subject.columns
                  if (condition := _condition(table, column, person)) is not None]
    keys = [key for key in ("id", "response_id", "position", "question_id") if key in table.c]
    extra = ["target_type", "actor_user_id"] if name == "audit_events" else []
    if name == "matching_runs":
        return _unmatched(session, person)
    selected = [table.c[c] for c in dict.fromkeys([*keys, *columns, *extra])]
    query = sa.select(*selected).where(sa.or_(*conditions)).order_by(*[table.c[k] for k in keys])
    rows = []
    for row in session.execute(query).mappings():
        record = {key: _plain(row[key]) for key in keys}
        for column in columns:
            value = row[column]
            if name == "stories" and column == "photo":
                record[column] = _photo(value) if photos or value is None else {
                    "omitted": True, "size_bytes": len(value), "content_type": _image_type(value)}
            elif name == "calendar_feeds" and column == "revoked_at":
                record["active"] = value is None
            else:
                record[column] = _plain(value)
        if name == "audit_events":
            record["target_type"] = row["target_type"]
            if row["actor_user_id"] != person.user_id:
                record.pop("ip_address", None)
        rows.append(record)
    if name == "audit_events":
        _name_actors(session, rows, person)
    return rows


def _unmatched(session: Session, person: _Person) -> list[dict[str, Any]]:
    from tandem.platform.cohorts.models import Participation
    from tandem.platform.workbench.models import MatchingRun

    if not person.participation_ids:
        return []
    cohorts = sa.select(Participation.cohort_id).where(Participation.id.in_(person.participation_ids))
    mine = set(person.participation_ids)
    rows = []
    for run_id, unmatched in session.execute(sa.select(MatchingRun.id, MatchingRun.unmatched)
                                             .where(MatchingRun.cohort_id.in_(cohorts)).order_by(MatchingRun.id)):
        entries = [entry for entry in unmatched or [] if isinstance(entry, dict) and entry.get("id") in mine]
        if entries:
            rows.append({"id": run_id, "unmatched": entries})
    return rows


def _name_actors(session: Session, rows: list[dict[str, Any]], person: _Person) -> None:
    """Events someone else did about the person: who (name and role), as "who saw my data" shows them."""
    from tandem.platform.board.models import BoardMember
    from tandem.platform.identity.models import User
    from tandem.tenants.models import OrganisationAdmin

    others = {row["actor_user_id"] for row in rows if row.get("actor_user_id") not in (None, person.user_id)}
    if not others:
        return
    names = dict(session.execute(sa.select(User.id, User.display_name).where(User.id.in_(others))).all())
    board = set(session.scalars(sa.select(BoardMember.user_id).where(BoardMember.user_id.in_(others))))
    admins = set(session.scalars(sa.select(OrganisationAdmin.user_id).where(OrganisationAdmin.user_id.in_(others))))
    for row in rows:
        actor = row.get("actor_user_id")
        if isinstance(actor, int) and actor in others:
            role = "board" if actor in board else "org_admin" if actor in admins else "participant"
            row["actor"] = {"name": names.get(actor), "role": role}


def collect(session: Session, user_id: int, *, created_at: datetime, photos: bool = True) -> dict[str, Any] | None:
    """The export of everything Tandem holds about `user_id` (None when there is no such person). Without
    `photos` (the readable page) a photo is given by its size only."""
    from tandem.platform.identity.models import User
    from tandem.tenants.models import Organisation

    with club_scope(session):
        person = _person(session, user_id)
        if person is None:
            return None
        display_name, organisation = session.execute(
            sa.select(User.display_name, Organisation.name).join(Organisation, Organisation.id == User.organisation_id)
            .where(User.id == user_id)).one()
        tables: dict[str, Any] = {}
        for name in exported_tables():
            declaration = REGISTRY[name]
            assert isinstance(declaration, PersonalData)
            tables[name] = {
                "about": declaration.note or None,
                "columns": {column: {"what": spec.what, "why": spec.why}
                            for column, spec in declaration.columns.items() if spec.export},
                "rows": _rows(session, name, person, photos),
            }
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "created_at": created_at.isoformat(),
        "person": {"id": user_id, "display_name": display_name, "email": person.email, "organisation": organisation},
        "tables": tables,
    }
