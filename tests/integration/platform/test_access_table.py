"""Every route, as every role: the expected status. A route missing from the table fails the test.

The table is kept per area in tests/access/*.py (each module has `ACCESS` and may have `arrange`),
so that every feature adds its own rows.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationAdmin
from tests.access import ACCESS, ARRANGERS
from tests.factories import (
    make_board_member,
    make_cohort,
    make_org_admin,
    make_organisation,
    make_participation,
    make_user,
)

ROLES = ("anonymous", "participant", "org_admin", "board")
@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha")
    beta = make_organisation(db, "beta")
    cohort = make_cohort(db)
    people = {
        "participant": make_user(db, alpha),
        "org_admin": make_org_admin(db, alpha),
        "board": make_board_member(db, beta),
    }
    participation = make_participation(db, people["participant"], cohort)
    with club_scope(db):
        admin_id = db.scalar(sa.select(OrganisationAdmin.id).where(OrganisationAdmin.organisation_id == alpha.id))
    db.commit()
    values = {"org_slug": alpha.slug, "participation_id": participation.id, "admin_id": admin_id,
              "organisation_id": alpha.id, "cohort_id": cohort.id, "token": "not-a-real-token",
              "filename": "css/tandem.css"}
    context = {"alpha": alpha, "beta": beta, "cohort": cohort, "people": people, "participation": participation}
    for arrange in ARRANGERS:
        values.update(arrange(db, context))
    db.commit()
    return people, values


def test_every_route_is_in_the_access_table(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - set(ACCESS) == set(), "add these routes to ACCESS with the status each role gets"
    assert set(ACCESS) - routes == set(), "these routes no longer exist"


@pytest.mark.parametrize(("endpoint", "method"), sorted(ACCESS))
def test_route_by_role(app, db, sign_in, club, endpoint, method):
    people, values = club
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods)
    path = rule.rule
    for argument in rule.arguments:
        path = path.replace(f"<int:{argument}>", str(values[argument])).replace(f"<{argument}>",
                                                                               str(values[argument]))
    observed = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, people[role])
        observed.append(client.open(path, method=method).status_code)
    assert tuple(observed) == ACCESS[(endpoint, method)], dict(zip(ROLES, observed, strict=True))
