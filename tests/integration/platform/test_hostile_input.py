"""Hostile input never makes a server error: NUL bytes, integers beyond 64 bits, control characters, line
breaks where one line is expected, and bytes that are not UTF-8, in every field of every form at once and
in each field alone (the form otherwise filled plausibly), as each role that reaches it (tests/access);
integers beyond 64 bits in every URL.

The suite runs on SQLite and on PostgreSQL, and only PostgreSQL refuses a NUL byte in text: the database
guard below refuses, on either, what PostgreSQL would (a NUL in a text parameter, an integer beyond 64 bits),
so that the forms are proven to stop it before the database, whichever the suite runs on. In TESTING mode an
exception in a view reaches the test client (PROPAGATE_EXCEPTIONS), so "no exception" is checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.access import ACCESS
from tests.fixtures.form_probe import (
    ROLES,
    build_access_club,
    discover_fields,
    form_data,
    one_field_at_a_time,
    post_and_follow,
    post_targets,
    route_path,
)

INT64 = 2**63
PAYLOADS = {
    "nul": "before\x00after",
    "huge": str(2**70),
    "huge negative": str(-(2**70)),
    "controls": "a\x01\x08\x1b[31m\x7f\x85\u2028b",
    "line break": "Name\r\nBcc: probe@example.com",
}
NOT_UTF8 = b"\xff\xfe\xc0\xaf\xed\xa0\x80%00%FF"  # raw bytes, an overlong slash, a surrogate, a NUL, %FF


class PostgresWouldRefuse(AssertionError):
    """A parameter PostgreSQL refuses (a NUL in text, an integer beyond 64 bits) reached the database."""


def _refused_by_postgres(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, int) and not isinstance(value, bool):
        return not -INT64 <= value < INT64
    return False


def _values(parameters: Any) -> Iterator[Any]:
    if isinstance(parameters, dict):
        yield from parameters.values()
    elif isinstance(parameters, list | tuple):
        for item in parameters:
            yield from _values(item) if isinstance(item, dict | list | tuple) else (item,)
    else:
        yield parameters


@pytest.fixture()
def database_guard(app):
    """Refuse, on SQLite as on PostgreSQL, the parameters PostgreSQL refuses."""
    engine = app.extensions["tandem.db"].engine

    def _check(_conn, _cursor, statement, parameters, _context, _many):  # noqa: ANN001
        bad = [value for value in _values(parameters) if _refused_by_postgres(value)]
        if bad:
            raise PostgresWouldRefuse(f"{bad!r} reached the database in {statement[:200]}")

    sa.event.listen(engine, "before_cursor_execute", _check)
    yield
    sa.event.remove(engine, "before_cursor_execute", _check)


def _signed_in(app, sign_in, people, role):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, people[role])
    return client


def _post(client, path, problems, label, **request):
    try:
        exchange = post_and_follow(client, path, **request)
    except Exception as error:  # noqa: BLE001 - every exception is a finding, reported together
        problems.append((label, f"{type(error).__name__}: {str(error)[:300]}"))
        return
    if 500 in exchange.statuses:
        problems.append((label, exchange.statuses))


@pytest.mark.parametrize(("endpoint", "role"), post_targets())
def test_hostile_input_in_every_field_is_no_server_error(app, db, sign_in, database_guard, endpoint, role):
    people, values = build_access_club(db)
    path = route_path(app, endpoint, "POST", values)
    client = _signed_in(app, sign_in, people, role)
    fields = discover_fields(app, client, endpoint, path, role, values)
    problems: list[tuple[str, object]] = []
    for name, payload in PAYLOADS.items():
        for valid_choices in (False, True):
            for data in form_data(fields, payload, valid_choices=valid_choices):
                _post(client, path, problems, f"{name} in every field (valid choices: {valid_choices})", data=data)
        for field_name, data in one_field_at_a_time(fields, payload):
            _post(client, path, problems, f"{name} in {field_name}", data=data)
    body = b"&".join(name.encode() + b"=" + NOT_UTF8 for name in fields if fields[name].kind != "file")
    _post(client, path, problems, "not UTF-8", data=body or NOT_UTF8,
          content_type="application/x-www-form-urlencoded")
    assert problems == [], f"{endpoint} as {role} (fields {sorted(fields)})"


def test_integers_beyond_64_bits_in_urls_are_not_found(app, db, sign_in, database_guard):
    """Every route with an id in its URL, as every role, with an id of 2**70: never a server error."""
    people, values = build_access_club(db)
    problems = []
    clients = {role: _signed_in(app, sign_in, people, role) for role in ROLES}
    for (endpoint, method), _statuses in sorted(ACCESS.items()):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods)
        if "<int:" not in rule.rule:
            continue
        huge = {**values, **{name: 2**70 for name in rule.arguments if f"<int:{name}>" in rule.rule}}
        path = route_path(app, endpoint, method, huge)
        for role, client in clients.items():
            _post(client, path, problems, f"{method} {path} as {role}") if method == "POST" else None
            if method == "GET":
                try:
                    status = client.get(path).status_code
                except Exception as error:  # noqa: BLE001
                    problems.append((f"GET {path} as {role}", f"{type(error).__name__}: {error}"))
                    continue
                if status == 500:
                    problems.append((f"GET {path} as {role}", status))
    assert problems == []


def test_a_nul_byte_is_refused_beside_its_field(app, db, sign_in):
    people, values = build_access_club(db)
    client = _signed_in(app, sign_in, people, "board")
    response = client.post("/board/organisations/new", data={"slug": "nul", "name": "Nul\x00Corp",
                                                             "domains": "nul.example"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="name-error-1"' in page and "control characters" in page


def test_line_breaks_are_kept_in_multi_line_fields_and_refused_in_single_line_ones(app, db, sign_in):
    people, values = build_access_club(db)
    client = _signed_in(app, sign_in, people, "board")
    response = client.post("/board/organisations/new", data={"slug": "lines", "name": "Lines\r\nBcc: x@example.com",
                                                             "domains": "lines.example\r\n\tmore.example"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="name-error-1"' in page and 'id="domains-error-1"' not in page


def test_an_integer_beyond_64_bits_is_refused_with_a_message(app, db, sign_in):
    people, values = build_access_club(db)
    client = _signed_in(app, sign_in, people, "board")
    alpha = values["organisation_id"]
    response = client.post(route_path(app, "cohorts.quotas", "POST", values),
                           data={f"mentors_{alpha}": str(2**70), f"mentees_{alpha}": "1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="mentors_{alpha}-error-1"' in page and "This number is too large." in page
    # a hidden id beyond 64 bits (a mentor's capacity): refused as a bad request, never looked up
    response = client.post(route_path(app, "workbench.capacity", "POST", values),
                           data={"participation": str(2**70), "capacity": "1"})
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: x=1", "/ok\nLocation: https://evil.example", "/\x00",
                                    "/\\evil.example", "/\t/evil.example"])
def test_redirect_targets_with_control_characters_are_refused(app, db, target):
    response = app.test_client().post("/language", data={"language": "fr", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
