"""Erasing one person: `erase_person` walks the registry (tandem/platform/privacy/registry.py).

For each table that holds personal data, the rows that lead to the person (its `Subject`) are found, and the
erasure declared for its columns is done:

- a table with a DELETE_ROW column loses those rows (children before parents, in the metadata's order);
- otherwise CLEAR columns are emptied (a column that may not be empty keeps its value: a moment, not a text),
  ANONYMISE links are cut, PSEUDONYMISE (the audit log) replaces the person by their pseudonym;
- the person's participations stay for the cohorts' figures, moved to an anonymous placeholder account of
  their own (`@erased.invalid`, never active, no identity): a participation's `user_id` may not be empty, and
  the pairs, check-ins and matching runs that count it keep counting it without leading to anybody; in a
  cohort not yet archived the participation is withdrawn and an active pair ended (the partner is paired anew);
- stories of their pairs are unpublished and deleted (the cohort's showcase revision grows), open survey
  responses found by their respondent key are deleted (closed ones are anonymous already);
- what they wrote or were called (name, e-mail, free texts of the deleted rows) is struck out of mails to
  other people and of the audit log's details, and every remaining reference to their id is set to NULL
  before their account row goes (sessions and identities with it).

Flushes, never commits; runs in club scope (the caller's job or command opens it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform.database import Base, matched_rows, utcnow
from tandem.platform.privacy.registry import REGISTRY, Erasure, PersonalData

ERASED_DOMAIN = "erased.invalid"
PLACEHOLDER_NAME = "Erased person"
STRUCK = "[erased]"
MIN_STRUCK_LENGTH = 4

# Columns whose values are the person's own words or names: struck out wherever else they appear.
FREE_TEXT = frozenset({
    "email", "display_name", "bio", "aims", "note", "reason", "summary", "place", "online_url", "comment",
    "message", "body", "text", "title", "mentee_learned", "mentor_learned", "tip", "mentor_quote", "mentee_quote",
    "photo_alt", "description", "board_note", "subject",
})  # not `city` (a town others live in too) nor the mails' own texts (collected from the tables they quote)

FREE_TEXT_KEY_PARTS = ("name", "email", "reason", "text", "note", "comment", "message", "title", "body")

# Tables whose rows are treated by hand below (their subject is the person, but the rows stay or go last).
SPECIAL = frozenset({"users", "participations", "erasure_requests", "audit_events", "outbox_messages",
                     "matching_runs"})


def pseudonym_of(user_id: int) -> str:
    """The person's stable name in the audit log once erased: HMAC-SHA256 of their id under the server's secret."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"tandem/erasure/{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"erased-{digest[:16]}"


@dataclass
class Erased:
    """What erasing one person did, for the caller's audit event and the tests."""

    pseudonym: str
    deleted: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] = field(default_factory=dict)
    participations_kept: int = 0
    stories_deleted: int = 0
    mails_rewritten: int = 0
    audit_events_pseudonymised: int = 0


@dataclass
class _Person:
    user_id: int
    email: str
    organisation_id: int
    participations: list[int]
    pairs: list[int]
    stories: list[int]
    responses: list[str]


def _table(name: str) -> sa.Table:
    return Base.metadata.tables[name]


def _ids(session: Session, statement: Any) -> list[Any]:
    return list(session.execute(statement).scalars())


def _in(column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
    values = list(values)
    return column.in_(values) if values else sa.false()


def _find(session: Session, user_id: int) -> _Person | None:
    users, participations, pairs = _table("users"), _table("participations"), _table("pairs")
    row = session.execute(sa.select(users.c.email, users.c.organisation_id).where(users.c.id == user_id)).first()
    if row is None:
        return None
    own = _ids(session, sa.select(participations.c.id).where(participations.c.user_id == user_id))
    pair_ids = _ids(session, sa.select(pairs.c.id).where(
        sa.or_(_in(pairs.c.mentor_participation_id, own), _in(pairs.c.mentee_participation_id, own))))
    stories = _table("stories")
    story_ids = _ids(session, sa.select(stories.c.id).where(_in(stories.c.pair_id, pair_ids)))
    return _Person(user_id=user_id, email=row.email, organisation_id=row.organisation_id, participations=own,
                   pairs=pair_ids, stories=story_ids, responses=_open_responses(session, own))


def _open_responses(session: Session, participation_ids: list[int]) -> list[str]:
    """The person's survey responses while their survey is open (found by the respondent key)."""
    if not participation_ids:
        return []
    from tandem.platform.outcomes.surveys.operations import respondent_key

    participations, surveys = _table("participations"), _table("surveys")
    rows = session.execute(sa.select(participations.c.id, surveys.c.id.label("survey_id"))
                           .join(surveys, surveys.c.cohort_id == participations.c.cohort_id)
                           .where(_in(participations.c.id, participation_ids))).all()
    keys = [respondent_key(row.survey_id, row.id) for row in rows]
    responses = _table("survey_responses")
    return _ids(session, sa.select(responses.c.id).where(_in(responses.c.respondent_key, keys)))


def subject_clause(name: str, person: _Person) -> sa.ColumnElement[bool]:
    """The rows of table `name` that lead to the person, following its registry `Subject`."""
    declaration = REGISTRY[name]
    assert isinstance(declaration, PersonalData)
    table = _table(name)
    columns = declaration.subject.columns
    c = table.c
    if columns == ("id",):
        return c.id == person.user_id
    if columns == ("user_id",):
        return c.user_id == person.user_id
    if columns in (("participation_id",), ("author_participation_id",)):
        return _in(c[columns[0]], person.participations)
    if set(columns) <= {"participation_a_id", "participation_b_id", "mentor_participation_id",
                        "mentee_participation_id"}:
        return sa.or_(*(_in(c[column], person.participations) for column in columns))
    if columns == ("pair_id",):
        return _in(c.pair_id, person.pairs)
    if columns == ("story_id",):
        return _in(c.story_id, person.stories)
    if columns == ("respondent_key",):
        return _in(c.id, person.responses)
    if columns == ("response_id",):
        return _in(c.response_id, person.responses)
    if columns == ("recipient_user_id", "recipient"):
        return sa.or_(c.recipient_user_id == person.user_id, c.recipient == person.email)
    if columns == ("actor_user_id", "target_id"):
        return sa.or_(c.actor_user_id == person.user_id,
                      sa.and_(c.target_type == "user", c.target_id == person.user_id))
    if columns == ("unmatched",):
        return sa.false()  # entries name participations, which stay (anonymous)
    raise LookupError(f"erasure does not know how to follow {name}.{columns} to a person")


def _collect_words(session: Session, name: str, clause: sa.ColumnElement[bool], words: set[str]) -> None:
    table = _table(name)
    texts = [table.c[column] for column in list(table.c.keys()) if column in FREE_TEXT
             and isinstance(table.c[column].type, sa.String)]
    if not texts:
        return
    for row in session.execute(sa.select(*texts).where(clause)):
        for value in row:
            if isinstance(value, str) and len(value.strip()) >= MIN_STRUCK_LENGTH:
                words.add(value.strip())


def _id_patterns(user_id: int) -> tuple[str, ...]:
    """The id as a value in JSON text (`"user_id": 12,`, `[12]`, ...), to find the events that may name it."""
    return tuple(f"{before}{user_id}{after}" for before in (": ", "[", ", ") for after in (",", "}", "]"))


def _json_patterns(words: list[str]) -> set[str]:
    """The words as JSON text may hold them: as they are, and with non-ASCII letters escaped."""
    return {*words, *(json.dumps(word)[1:-1] for word in words)}


def _strike(value: Any, words: list[str]) -> Any:
    """`value` with every word struck out (strings, and the strings inside JSON lists and objects)."""
    if isinstance(value, str):
        for word in words:
            if word in value:
                value = value.replace(word, STRUCK)
        return value
    if isinstance(value, list):
        return [_strike(item, words) for item in value]
    if isinstance(value, dict):
        return {key: _strike(item, words) for key, item in value.items()}
    return value


def erase_person(session: Session, user_id: int) -> Erased:
    """Erase everything that leads to the person `user_id`, as the registry declares. Flushes, never commits.

    Raises LookupError when there is no such person (already erased).
    """
    session.flush()
    person = _find(session, user_id)
    if person is None:
        raise LookupError(user_id)
    outcome = Erased(pseudonym=pseudonym_of(user_id))
    words: set[str] = set()
    clauses = {name: subject_clause(name, person) for name, declaration in REGISTRY.items()
               if isinstance(declaration, PersonalData)}
    for name, clause in clauses.items():
        if name not in ("audit_events", "outbox_messages", "matching_runs"):
            _collect_words(session, name, clause, words)

    _unpublish_stories(session, person, outcome)
    _keep_participations(session, person, outcome)

    # Rows deleted or cleared, children before parents.
    for table in reversed(Base.metadata.sorted_tables):
        declaration = REGISTRY.get(table.name)
        if not isinstance(declaration, PersonalData) or table.name in SPECIAL:
            continue
        kinds = {column.erasure for column in declaration.columns.values()}
        if Erasure.DELETE_ROW in kinds:
            deleted = matched_rows(session, sa.delete(table).where(clauses[table.name]))
            if deleted:
                outcome.deleted[table.name] = deleted
        else:
            _clear(session, table, declaration, clauses[table.name], outcome)

    deleted = matched_rows(session, sa.delete(_table("outbox_messages")).where(clauses["outbox_messages"]))
    if deleted:
        outcome.deleted["outbox_messages"] = deleted
    ordered = sorted(words, key=len, reverse=True)
    outcome.mails_rewritten = _strike_mails(session, ordered)
    outcome.audit_events_pseudonymised = _pseudonymise_audit(session, person, outcome.pseudonym, ordered)
    _close_requests(session, person, outcome.pseudonym)
    _let_go_of_references(session, person)
    session.execute(sa.delete(_table("users")).where(_table("users").c.id == user_id))
    outcome.deleted["users"] = 1
    session.flush()
    return outcome


def _unpublish_stories(session: Session, person: _Person, outcome: Erased) -> None:
    if not person.stories:
        return
    from tandem.platform.showcase.revision import bump

    stories = _table("stories")
    cohorts = set(_ids(session, sa.select(stories.c.cohort_id).where(_in(stories.c.id, person.stories))))
    outcome.stories_deleted = matched_rows(session, sa.delete(stories).where(_in(stories.c.id, person.stories)))
    for cohort_id in sorted(cohorts):
        bump(session, cohort_id)


def _keep_participations(session: Session, person: _Person, outcome: Erased) -> None:
    """The person's participations stay for the figures, moved to a placeholder account of their own (never
    active, no identity, no e-mail that reaches anybody), with every CLEAR column emptied."""
    if not person.participations:
        return
    users, participations = _table("users"), _table("participations")
    pseudonym = pseudonym_of(person.user_id)
    placeholder_id = session.execute(sa.insert(users).values(
        email=f"{pseudonym}@{ERASED_DOMAIN}", display_name=PLACEHOLDER_NAME, preferred_language=None,
        is_active=False, created_at=utcnow(), organisation_id=person.organisation_id,
    ).returning(users.c.id)).scalar_one()
    declaration = REGISTRY["participations"]
    assert isinstance(declaration, PersonalData)
    values: dict[str, Any] = {"user_id": placeholder_id}
    for column, what in declaration.columns.items():
        if what.erasure == Erasure.CLEAR and participations.c[column].nullable:
            values[column] = None
    outcome.participations_kept = matched_rows(session,
        sa.update(participations).where(_in(participations.c.id, person.participations)).values(**values))
    # Someone erased while taking part leaves: their place is free, their running tandems end (the board
    # pairs the partner anew, as after a rematch). Figures of finished cohorts are untouched.
    cohorts, pairs = _table("cohorts"), _table("pairs")
    running = sa.select(cohorts.c.id).where(cohorts.c.state != "archived").scalar_subquery()
    session.execute(sa.update(participations).where(
        _in(participations.c.id, person.participations), participations.c.cohort_id.in_(running),
        participations.c.status.in_(("nominated", "invited", "active"))).values(status="withdrawn"))
    session.execute(sa.update(pairs).where(_in(pairs.c.id, person.pairs), pairs.c.status == "active")
                    .values(status="ended", ended_at=utcnow()))


def _clear(session: Session, table: sa.Table, declaration: PersonalData, clause: sa.ColumnElement[bool],
           outcome: Erased) -> None:
    values = {column: None for column, what in declaration.columns.items()
              if what.erasure == Erasure.CLEAR and table.c[column].nullable}
    if not values:
        return
    cleared = matched_rows(session, sa.update(table).where(clause).values(**values))
    if cleared:
        outcome.cleared[table.name] = cleared


def _strike_mails(session: Session, words: list[str]) -> int:
    """Mails to other people that name the person or quote their words: those words struck out."""
    if not words:
        return 0
    outbox = _table("outbox_messages")
    texts = (outbox.c.subject, outbox.c.body_text, outbox.c.body_html, outbox.c.last_error)
    found = session.execute(sa.select(outbox.c.id, *texts, outbox.c.attachments).where(sa.or_(
        *(column.contains(word, autoescape=True) for column in texts for word in words),
        # attachments are JSON text: the words as they appear there
        *(sa.cast(outbox.c.attachments, sa.Text).contains(pattern, autoescape=True)
          for pattern in _json_patterns(words)),
    ))).all()
    for row in found:
        session.execute(sa.update(outbox).where(outbox.c.id == row.id).values(
            subject=_strike(row.subject, words)[:300], body_text=_strike(row.body_text, words),
            body_html=_strike(row.body_html, words), last_error=_strike(row.last_error, words),
            attachments=_strike(row.attachments, words)))
    return len(found)


def _pseudonymise_audit(session: Session, person: _Person, pseudonym: str, words: list[str]) -> int:
    """The audit log keeps its events, with the person replaced by their pseudonym: as actor (and their IP
    address cleared), as target, as an id in the details; their words struck out of every event's details."""
    events = _table("audit_events")
    details_text = sa.cast(events.c.details, sa.Text)
    rows = session.execute(sa.select(events.c.id, events.c.actor_user_id, events.c.target_type, events.c.target_id,
                                     events.c.details).where(sa.or_(
        events.c.actor_user_id == person.user_id,
        sa.and_(events.c.target_type == "user", events.c.target_id == person.user_id),
        *(details_text.contains(pattern) for pattern in _id_patterns(person.user_id)),
        *(details_text.contains(pattern, autoescape=True) for pattern in _json_patterns(words)),
    ))).all()
    changed = 0
    for row in rows:
        details = dict(row.details or {})
        values: dict[str, Any] = {}
        if row.actor_user_id == person.user_id:
            values.update(actor_user_id=None, ip_address=None)
            details["actor"] = pseudonym
        if row.target_type == "user" and row.target_id == person.user_id:
            values.update(target_id=None)
            details["target"] = pseudonym
        if values:  # the person's own event: the free texts in its details go too
            details = _strike_free_texts(details)
        new_details = _strike(_replace_ids(details, person.user_id, pseudonym), words)
        if new_details != (row.details or {}):
            values["details"] = new_details
        if values:
            session.execute(sa.update(events).where(events.c.id == row.id).values(**values))
            changed += 1
    return changed


def _strike_free_texts(value: Any, key: str = "") -> Any:
    """Texts under keys that name a free text (reason, text, note, name, e-mail, ...) struck out."""
    if isinstance(value, dict):
        return {name: _strike_free_texts(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_strike_free_texts(item, key) for item in value]
    if isinstance(value, str) and (key in FREE_TEXT or any(part in key for part in FREE_TEXT_KEY_PARTS)):
        return STRUCK
    return value


def _replace_ids(value: Any, user_id: int, pseudonym: str) -> Any:
    """Ids of the person under a key naming a user (`user_id`, `actor_user_id`, `user_ids`, ...)."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if "user" in key and (item == user_id or (isinstance(item, list) and user_id in item)):
                result[key] = pseudonym if item == user_id else [pseudonym if i == user_id else i for i in item]
            else:
                result[key] = _replace_ids(item, user_id, pseudonym)
        return result
    if isinstance(value, list):
        return [_replace_ids(item, user_id, pseudonym) for item in value]
    return value


def _close_requests(session: Session, person: _Person, pseudonym: str) -> None:
    """The person's erasure requests stay as proof, without the person: done, with their pseudonym."""
    requests = _table("erasure_requests")
    session.execute(sa.update(requests).where(requests.c.user_id == person.user_id).values(
        user_id=None, pseudonym=pseudonym, refusal_reason=None,
        status=sa.case((requests.c.status.in_(("requested", "confirmed")), "done"), else_=requests.c.status),
        done_at=sa.case((requests.c.status.in_(("requested", "confirmed")), utcnow()), else_=requests.c.done_at)))


def _let_go_of_references(session: Session, person: _Person) -> None:
    """Every other column that refers to the person's id (who nominated, decided, reviewed, sent, ...): NULL
    where it may be, the row deleted where it may not (all such rows are the person's own, DELETE_ROW)."""
    for table in reversed(Base.metadata.sorted_tables):
        for column in table.columns:
            if not any(key.column.table.name == "users" and key.column.name == "id"
                       for key in column.foreign_keys):
                continue
            if table.name == "users":
                continue
            where = column == person.user_id
            if column.nullable:
                session.execute(sa.update(table).where(where).values({column.name: None}))
            else:
                session.execute(sa.delete(table).where(where))
