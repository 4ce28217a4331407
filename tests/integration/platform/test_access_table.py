"""Every route, as every role: the expected status. A route missing from the table fails the test.

The table is kept per area in tests/access/*.py (each module has `ACCESS` and may have `arrange`),
so that every feature adds its own rows.
"""

from __future__ import annotations

import pytest

from tests.access import ACCESS
from tests.fixtures.form_probe import build_access_club, route_path

ROLES = ("anonymous", "participant", "org_admin", "board")
@pytest.fixture()
def club(db):
    return build_access_club(db)


def test_every_route_is_in_the_access_table(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - set(ACCESS) == set(), "add these routes to ACCESS with the status each role gets"
    assert set(ACCESS) - routes == set(), "these routes no longer exist"


@pytest.mark.parametrize(("endpoint", "method"), sorted(ACCESS))
def test_route_by_role(app, db, sign_in, club, endpoint, method):
    people, values = club
    path = route_path(app, endpoint, method, values)
    observed = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, people[role])
        observed.append(client.open(path, method=method).status_code)
    assert tuple(observed) == ACCESS[(endpoint, method)], dict(zip(ROLES, observed, strict=True))
