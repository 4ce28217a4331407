"""Tenant scoping is central and fails closed: another tenant's rows are invisible and untouchable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.tenancy import (
    TenantScopeError,
    clear_scope,
    club_scope,
    tenant_scope,
    use_club_scope,
    use_tenant,
)
from tests.factories import make_cohort, make_organisation, make_participation, make_user


@pytest.fixture()
def two_tenants(db):
    a = make_organisation(db, "alpha")
    b = make_organisation(db, "beta")
    cohort = make_cohort(db)
    people = {
        "a1": make_user(db, a), "a2": make_user(db, a),
        "b1": make_user(db, b), "b2": make_user(db, b), "b3": make_user(db, b),
    }
    for key, person in people.items():
        make_participation(db, person, cohort, role="mentor" if key.endswith("1") else "mentee")
    db.expunge_all()  # start each test from the database, not the identity map
    return a, b, people


def test_select_sees_only_the_current_tenant(db, two_tenants):
    a, b, people = two_tenants
    use_tenant(db, a.id)
    emails = set(db.scalars(sa.select(User.email)))
    assert emails == {people["a1"].email, people["a2"].email}


def test_get_of_another_tenants_row_returns_none_from_the_database_and_the_identity_map(db, two_tenants):
    a, b, people = two_tenants
    use_tenant(db, a.id)
    assert db.get(User, people["b1"].id) is None
    with club_scope(db):
        loaded = db.get(User, people["b1"].id)  # now in the identity map
    assert loaded is not None
    assert db.get(User, people["b1"].id) is None
    assert db.get(User, people["a1"].id) is not None


def test_joins_and_relationships_are_scoped(db, two_tenants):
    a, b, people = two_tenants
    use_tenant(db, b.id)
    rows = db.execute(
        sa.select(User.email, Participation.role).join(Participation, Participation.user_id == User.id)
    ).all()
    assert {email for email, _ in rows} == {people["b1"].email, people["b2"].email, people["b3"].email}
    # A join from an unscoped side still cannot reach another tenant's rows.
    from tandem.platform.cohorts.models import Cohort

    cohort_rows = db.execute(sa.select(Cohort.id, Participation.id).join(
        Participation, Participation.cohort_id == Cohort.id)).all()
    assert len(cohort_rows) == 3


def test_count_is_scoped(db, two_tenants):
    a, b, _ = two_tenants
    use_tenant(db, a.id)
    assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 2
    assert db.scalar(sa.select(sa.func.count(Participation.id))) == 2
    use_tenant(db, b.id)
    assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 3


def test_bulk_update_and_delete_touch_only_the_current_tenant(db, two_tenants):
    a, b, people = two_tenants
    use_tenant(db, a.id)
    result = db.execute(sa.update(Participation).values(status=ParticipationStatus.WITHDRAWN))
    assert result.rowcount == 2
    db.execute(sa.delete(Participation).where(Participation.role == "mentee"))
    with club_scope(db):
        statuses = dict(db.execute(sa.select(Participation.organisation_id, Participation.status)
                                   .where(Participation.organisation_id == b.id)).all())
        assert statuses == {b.id: ParticipationStatus.NOMINATED}
        assert db.scalar(sa.select(sa.func.count(Participation.id))
                         .where(Participation.organisation_id == b.id)) == 3


def test_new_rows_take_the_current_tenant(db, two_tenants):
    a, _, _ = two_tenants
    use_tenant(db, a.id)
    person = User(email="new.person@alpha.example", display_name="New Person")
    db.add(person)
    db.flush()
    assert person.organisation_id == a.id


def test_writing_another_tenants_row_is_refused(db, two_tenants):
    a, b, people = two_tenants
    use_tenant(db, a.id)
    db.add(User(email="intruder@beta.example", display_name="Intruder", organisation_id=b.id))
    with pytest.raises(TenantScopeError):
        db.flush()
    db.rollback()


def test_moving_a_row_to_another_tenant_is_refused(db, two_tenants):
    a, b, people = two_tenants
    use_tenant(db, a.id)
    person = db.get(User, people["a1"].id)
    person.organisation_id = b.id
    with pytest.raises(TenantScopeError):
        db.flush()
    db.rollback()


def test_no_scope_returns_nothing_and_refuses_writes(db, two_tenants):
    a, _, people = two_tenants
    clear_scope(db)
    assert db.scalars(sa.select(User)).all() == []
    assert db.get(User, people["a1"].id) is None
    assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert db.execute(sa.update(User).values(display_name="x")).rowcount == 0
    db.add(User(email="nobody@alpha.example", display_name="Nobody", organisation_id=a.id))
    with pytest.raises(TenantScopeError):
        db.flush()
    db.rollback()


def test_club_scope_sees_everything_and_must_name_the_organisation(db, two_tenants):
    a, b, _ = two_tenants
    use_club_scope(db)
    assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 5
    db.add(User(email="orphan@alpha.example", display_name="Orphan"))
    with pytest.raises(TenantScopeError):
        db.flush()
    db.rollback()


def test_scopes_nest_and_restore(db, two_tenants):
    a, b, _ = two_tenants
    use_tenant(db, a.id)
    with tenant_scope(db, b.id):
        assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 3
        with club_scope(db):
            assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 5
    assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_scoping_is_enforced_by_the_session_class_for_every_session(app, db, two_tenants):
    """A brand-new session from the app's sessionmaker starts with no scope: it sees nothing."""
    fresh = app.extensions["tandem.db"].sessionmaker()
    try:
        assert fresh.scalars(sa.select(User)).all() == []
    finally:
        fresh.close()
