"""Every route declares who may use it; tenant routes never reach another organisation's rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem import create_app
from tandem.platform.access import Role, declared_roles
from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_board_member,
    make_cohort,
    make_org_admin,
    make_organisation,
    make_participation,
    make_user,
)
from tests.fixtures.services import config_for_tests


def test_every_route_declares_its_access(app):
    missing = [
        rule.rule for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and declared_roles(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


def test_an_undeclared_view_is_refused(database_url):
    application = create_app(config_for_tests(database_url))

    @application.route("/forgotten")
    def forgotten() -> str:
        return "secret"

    response = application.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"secret" not in response.data
    application.extensions["tandem.db"].dispose()


def test_demo_routes_exist_only_in_demo_mode(database_url):
    demo = create_app(config_for_tests(database_url, TANDEM_ENV="demo"))
    test = create_app(config_for_tests(database_url))
    demo_rules = {r.rule for r in demo.url_map.iter_rules()}
    test_rules = {r.rule for r in test.url_map.iter_rules()}
    assert {"/dev/sign-in-as", "/dev/mail"} <= demo_rules
    assert not any(rule.startswith("/dev") for rule in test_rules)
    assert test.test_client().get("/dev/sign-in-as").status_code == 404
    for application in (demo, test):
        application.extensions["tandem.db"].dispose()


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha")
    beta = make_organisation(db, "beta")
    cohort = make_cohort(db)
    people = {
        "board": make_board_member(db, alpha),
        "admin_a": make_org_admin(db, alpha),
        "admin_b": make_org_admin(db, beta),
        "participant_a": make_user(db, alpha),
        "participant_b": make_user(db, beta),
    }
    participations = {
        "a": make_participation(db, people["participant_a"], cohort),
        "b": make_participation(db, people["participant_b"], cohort, role="mentee"),
    }
    db.commit()
    return alpha, beta, people, participations


@pytest.mark.parametrize(
    ("who", "path", "expected"),
    [
        (None, "/", 200),
        (None, "/board/", 401),
        (None, "/me/", 401),
        (None, "/o/alpha/", 401),
        (None, "/o/nowhere/", 404),
        ("participant_a", "/me/", 200),
        ("participant_a", "/board/", 403),
        ("participant_a", "/o/alpha/", 404),
        ("admin_a", "/o/alpha/", 200),
        ("admin_a", "/o/beta/", 404),
        ("admin_a", "/board/", 403),
        ("board", "/board/", 200),
        ("board", "/o/beta/", 200),
    ],
)
def test_who_may_open_which_page(client, sign_in, club, who, path, expected):
    _, _, people, _ = club
    if who:
        sign_in(client, people[who])
    assert client.get(path).status_code == expected


def test_an_org_admin_sees_only_their_own_people(client, sign_in, club):
    _, _, people, _ = club
    sign_in(client, people["admin_a"])
    page = client.get("/o/alpha/").get_data(as_text=True)
    assert people["participant_a"].email in page
    assert people["participant_b"].email not in page


def _fill(rule, values):
    path = rule.rule
    for argument in rule.arguments:
        if argument not in values:
            pytest.fail(f"the isolation sweep does not know how to fill <{argument}> in {rule.rule}: "
                        "add arrange_foreign() to a module in tests/access")
        path = path.replace(f"<{argument}>", str(values[argument]))
        for converter in ("int", "string", "path"):
            path = path.replace(f"<{converter}:{argument}>", str(values[argument]))
    return path


def test_isolation_sweep_every_tenant_route_with_another_organisations_ids(app, client, sign_in, club, db):
    """Each tenant route, as each role of organisation A, with B's ids: 404, and B's rows unchanged."""
    alpha, beta, people, participations = club
    from tandem.tenants.models import OrganisationAdmin

    with club_scope(db):
        foreign_admin = db.scalar(sa.select(OrganisationAdmin.id).where(OrganisationAdmin.organisation_id == beta.id))
    foreign_ids = {"participation_id": participations["b"].id, "admin_id": foreign_admin}
    from tests.access import FOREIGN_ARRANGERS

    context = {"alpha": alpha, "beta": beta, "people": people, "participations": participations,
               "cohort": participations["a"].cohort}
    for arrange in FOREIGN_ARRANGERS:
        foreign_ids.update(arrange(db, context))
    db.commit()

    def snapshot():
        from tandem.tenants.models import OrganisationDomain, OrganisationSSO

        with club_scope(db):
            db.expire_all()
            return (
                db.execute(sa.select(Participation.id, Participation.status, Participation.invited_at)
                           .where(Participation.organisation_id == beta.id)).all(),
                db.execute(sa.select(OrganisationAdmin.id, OrganisationAdmin.user_id)
                           .where(OrganisationAdmin.organisation_id == beta.id)).all(),
                db.execute(sa.select(OrganisationDomain.domain)
                           .where(OrganisationDomain.organisation_id == beta.id)).all(),
                db.execute(sa.select(OrganisationSSO.id).where(OrganisationSSO.organisation_id == beta.id)).all(),
            )

    before = snapshot()
    tenant_rules = [r for r in app.url_map.iter_rules() if "org_slug" in r.arguments
                    and Role.PUBLIC not in declared_roles(app.view_functions[r.endpoint])]
    assert tenant_rules, "the organisation area has routes"
    for who in ("admin_a", "participant_a"):
        sign_in(client, people[who])
        for rule in tenant_rules:
            for slug in (alpha.slug, beta.slug):
                path = _fill(rule, {"org_slug": slug, **foreign_ids})
                if slug == alpha.slug and who == "admin_a" and not set(rule.arguments) - {"org_slug"}:
                    continue  # A's own pages without ids in them: A's admin may use those
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    response = client.open(path, method=method)
                    assert response.status_code == 404, (who, method, path, response.status_code)
    assert snapshot() == before
    assert before[0][0][1] == ParticipationStatus.NOMINATED


def test_roles_are_declared_with_known_values(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        assert declared_roles(app.view_functions[rule.endpoint]) <= set(Role)
