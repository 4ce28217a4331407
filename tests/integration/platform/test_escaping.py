"""Markup sent in any field of any form comes back escaped: in the form's errors, in what the page shows
again, and on the pages a success redirects to.

Every POST route (tests/access), as each role that reaches it, with every field of its form filled with
markup: once with every field so (choices too), once with the choices the page offers and markup in the
rest, and once for each field with markup in it alone and the form otherwise filled plausibly. No response,
nor any page a redirect leads to, may hold the markup as markup.
"""

from __future__ import annotations

import pytest

from tests.fixtures.form_probe import (
    build_access_club,
    discover_fields,
    form_data,
    one_field_at_a_time,
    post_and_follow,
    post_targets,
    route_path,
)

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
RAW_MARKERS = ("<script>alert(1)", "<img src=x", '"><img')


@pytest.mark.parametrize(("endpoint", "role"), post_targets())
def test_markup_in_every_field_comes_back_escaped(app, db, sign_in, endpoint, role):
    people, values = build_access_club(db)
    path = route_path(app, endpoint, "POST", values)
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, people[role])
    fields = discover_fields(app, client, endpoint, path, role, values)
    leaks = []
    for payload in PAYLOADS:
        attempts = [("every field", data) for valid_choices in (False, True)
                    for data in form_data(fields, payload, valid_choices=valid_choices)]
        attempts += list(one_field_at_a_time(fields, payload))
        for where, data in attempts:
            exchange = post_and_follow(client, path, data=data)
            for status, body in zip(exchange.statuses, exchange.bodies, strict=True):
                found = [marker for marker in RAW_MARKERS if marker in body]
                if found:
                    leaks.append((payload, where, status, found,
                                  body[max(0, body.find(found[0]) - 120):body.find(found[0]) + 60]))
    assert leaks == [], f"{endpoint} as {role} (fields {sorted(fields)}) shows markup unescaped: {leaks}"


def test_the_probe_reaches_the_forms_it_should(app, db, sign_in):
    """The probe finds the fields of a form with a page and of a button form on another page."""
    people, values = build_access_club(db)
    client = sign_in(app.test_client(), people["board"])
    organisation = discover_fields(app, client, "board.organisation_new",
                                   route_path(app, "board.organisation_new", "POST", values), "board", values)
    assert {"slug", "name", "domains", "logo"} <= set(organisation)
    assert organisation["domains"].kind == "multiline"
    capacity = discover_fields(app, client, "workbench.capacity", route_path(app, "workbench.capacity", "POST", values),
                               "board", values)
    assert {"participation", "capacity"} <= set(capacity)
    language = discover_fields(app, client, "public.choose_language", "/language", "board", values)
    assert {"language", "next"} <= set(language)
