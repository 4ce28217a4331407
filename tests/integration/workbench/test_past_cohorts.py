"""The matching page of a cohort whose programme is over: the published tandems as they were, completed or
ended after a rematch request, in the right words, read-only."""

from __future__ import annotations

import re

import pytest

from tandem.platform.cohorts.models import CohortState
from tandem.platform.database import utcnow
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.tenancy import club_scope
from tests.factories import make_matching_run
from tests.fixtures.workbench import add_person, page, propose, setup_cohort


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def past_cohort(db, state: str, *, ended: bool):
    """Three published tandems; the third ended after an accepted rematch request. `ended`: the other two
    ended with the programme (as the demo's pilot leaves them), else they are still active."""
    setup = setup_cohort(db, size=3, state=CohortState.MATCHING)
    cohort = setup["cohort"]
    run = make_matching_run(db, cohort, published_at=utcnow(),
                            figures={"pairs": 3, "lowest_score": 0.5, "mean_score": 0.6, "share_matched": 1.0,
                                     "below_threshold": 0})
    pairs = [propose(db, cohort, run, mentor, mentee, status="active")
             for mentor, mentee in zip(setup["mentors"], setup["mentees"], strict=True)]
    with club_scope(db):
        for pair in pairs[:2]:
            pair.activated_at = utcnow()
            if ended:
                pair.status, pair.ended_at = "ended", utcnow()
        rematched = pairs[2]
        rematched.status, rematched.ended_at = "ended", utcnow()
        db.add(RematchRequest(organisation_id=setup["mentees"][2].organisation_id,
                              participation_id=setup["mentees"][2].id, pair_id=rematched.id,
                              reason="We never found a time.", status=RematchStatus.ACCEPTED, decided_at=utcnow()))
        cohort.state = state
        db.flush()
    db.commit()
    return {**setup, "run": run, "pairs": pairs}


@pytest.mark.parametrize("ended", [True, False])
def test_an_archived_cohort_shows_its_tandems_as_they_were(client, db, sign_in, ended):
    past = past_cohort(db, CohortState.ARCHIVED, ended=ended)
    sign_in(client, past["board"])
    html = page(client, past["cohort"])
    text = text_of(html)

    # The two tandems that ran to the end are listed, as completed; the figures count them.
    for pair in past["pairs"][:2]:
        assert f'id="pair-{pair.id}"' in html
    assert re.search(r'id="figure-pairs">\s*<dt>Pairs</dt>\s*<dd>2</dd>', html), html
    assert html.count('class="badge badge--completed"') == 2
    assert 'class="badge badge--active"' not in html
    # Nobody of those two tandems is "without a partner"; the ones of the ended tandem are, in past words.
    for person in past["mentors"][:2] + past["mentees"][:2]:
        assert f'id="unmatched-{person.id}"' not in html
    for person in (past["mentors"][2], past["mentees"][2]):
        assert f'id="unmatched-{person.id}"' in html
    assert "The tandem of Mentee C ended after a rematch request." in text
    assert "pair them with someone new" not in text
    # Read-only: no change, no pairing by hand, no new run.
    assert "/pair-by-hand" not in html and "/unpair" not in html and 'id="swap-form"' not in html
    assert "The programme of this cohort is over" in text


def test_a_running_cohort_still_asks_to_pair_again_after_a_rematch(client, db, sign_in):
    past = past_cohort(db, CohortState.RUNNING, ended=False)
    sign_in(client, past["board"])
    html = page(client, past["cohort"])
    text = text_of(html)
    assert html.count('class="badge badge--active"') == 2 and "badge--completed" not in html
    assert "The tandem of Mentee C ended after a rematch request: pair them with someone new." in text
    assert "/pair-by-hand" in html


def test_an_ended_tandem_with_someone_new_leaves_nobody_without_a_partner(client, db, sign_in):
    """After a rematch the board pairs the mentee anew: the archived page lists the new tandem, not the person."""
    past = past_cohort(db, CohortState.RUNNING, ended=False)
    cohort = past["cohort"]
    newcomer = add_person(db, cohort, past["orgs"][2], "mentor", past["topics"][:3], name="Mentor New")
    db.commit()
    with club_scope(db):
        again = propose(db, cohort, past["run"], newcomer, past["mentees"][2], status="active")
        cohort.state = CohortState.ARCHIVED
        db.flush()
    db.commit()
    sign_in(client, past["board"])
    html = page(client, cohort)
    assert f'id="pair-{again.id}"' in html
    assert f'id="unmatched-{past["mentees"][2].id}"' not in html
    assert f'id="unmatched-{past["mentors"][2].id}"' in html
