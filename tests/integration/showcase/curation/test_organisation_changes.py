"""What every published showcase shows of the organisations (their names and logos) changes the revision of
the published showcases (their pages' cache key), and only theirs."""

from __future__ import annotations

from tandem.platform.board.operations import update_organisation
from tandem.platform.cohorts.models import CohortState
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, tiny_png
from tests.integration.showcase.curation.conftest import revision_of


def test_a_new_name_or_logo_bumps_the_published_showcases(app, db, club):
    published = make_cohort(db, CohortState.SHOWCASE_PUBLISHED, name="Pilot")
    archived = make_cohort(db, CohortState.ARCHIVED, name="Older")
    db.commit()
    before = {cohort.id: revision_of(db, cohort) for cohort in (published, archived, club.cohort)}
    alpha = club.organisations["alpha"]
    domains = [domain.domain for domain in alpha.domains]
    with app.app_context(), club_scope(db):
        update_organisation(db, alpha, name=alpha.name, domains=domains, actor_user_id=None)
        db.commit()
    assert {cohort.id: revision_of(db, cohort) for cohort in (published, archived, club.cohort)} == before
    with app.app_context(), club_scope(db):
        update_organisation(db, alpha, name="Alpha Bank AG", domains=domains, actor_user_id=None)
        db.commit()
        update_organisation(db, alpha, name="Alpha Bank AG", domains=domains, actor_user_id=None,
                            logo=tiny_png(), logo_content_type="image/png")
        db.commit()
    assert revision_of(db, published) == before[published.id] + 2
    assert revision_of(db, archived) == before[archived.id] + 2
    assert revision_of(db, club.cohort) == before[club.cohort.id]  # running: nothing public
