"""A cohort's people, profiles and rules as the matching engine gets them, and a first run on them."""

from __future__ import annotations

from tandem.platform.cohorts.matching_input import load_matching_input
from tandem.platform.cohorts.models import CohortState
from tandem.platform.matching import match
from tests.factories import (
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_exclusion,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)


def test_the_engine_gets_active_people_their_profiles_and_the_rules(db, count_queries):
    alpha, beta, gamma = (make_organisation(db) for _ in range(3))
    make_exclusion(db, alpha, gamma, reason="competitors")
    topics = [make_catalogue_topic(db) for _ in range(4)]
    earlier = make_cohort(db, CohortState.ARCHIVED)
    cohort = make_cohort(db, CohortState.MATCHING)

    lea, ben, chloe, dora = (make_user(db, org) for org in (alpha, beta, gamma, beta))
    # Lea mentored Ben in an earlier cohort: never again.
    make_pair(db, make_participation(db, lea, earlier, status="active"),
              make_participation(db, ben, earlier, role="mentee", status="active"), status="ended")
    lea_now = make_participation(db, lea, cohort, status="active")
    ben_now = make_participation(db, ben, cohort, role="mentee", status="active")
    chloe_now = make_participation(db, chloe, cohort, role="mentee", status="active")
    make_participation(db, dora, cohort, role="mentee", status="invited")  # has not accepted: not matched
    make_complete_profile(db, lea_now, topics[:3], languages=["de", "fr"])
    make_complete_profile(db, ben_now, topics[1:4], languages=["de"])
    db.commit()

    with count_queries() as counter:
        given = load_matching_input(db, cohort.id)
    # Six reads, whatever the cohort's size (on PostgreSQL, plus the scope's set_config statements).
    assert len([s for s in counter.statements if "set_config" not in s]) == 6

    assert [m.id for m in given.mentors] == [lea_now.id]
    assert [m.id for m in given.mentees] == [ben_now.id, chloe_now.id]
    lea_in = given.mentors[0]
    assert lea_in.languages == frozenset({"de", "fr"}) and lea_in.topics == {topics[0].id: 1, topics[1].id: 2,
                                                                               topics[2].id: 3}
    assert lea_in.person_key == lea.id and lea_in.organisation_id == alpha.id
    assert given.mentees[1].languages == frozenset()  # Chloé has no profile yet
    assert frozenset({alpha.id, gamma.id}) in given.rules.excluded_organisation_pairs
    assert (lea.id, ben.id) in given.rules.earlier_pairs

    result = match(given.mentors, given.mentees, given.rules)
    assert result.pairs == ()  # Ben was Lea's mentee before; Chloé's organisation is excluded for Lea
    assert {u.code for u in result.unmatched} >= {"earlier_pairs"}
