"""A new run keeps what the board did by hand: pairs it made by hand or by a swap are kept like locked pairs,
and the run says what it kept, in the flash after starting it and on its page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingSeparation, PairStatus
from tests.fixtures.workbench import add_person, pairs_of, proposals, setup_cohort

EN = {"Accept-Language": "en"}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def url(cohort, path: str = "") -> str:
    return f"/board/cohorts/{cohort.id}/matching{path}"


def test_a_rerun_keeps_pairs_made_by_hand_and_by_a_swap_and_says_so(client, db, sign_in, run_jobs):
    setup = setup_cohort(db, size=3)
    cohort, (_alpha, _beta, gamma) = setup["cohort"], setup["orgs"]
    extra = add_person(db, cohort, gamma, "mentor", setup["topics"][:3], name="Mentor Hand")
    run, pairs = proposals(db, setup)  # Mentor A-Mentee A, B-B, C-C
    sign_in(client, setup["board"])
    mentors, mentees = setup["mentors"], setup["mentees"]

    # The board swaps the mentees of the first two pairs, and pairs Mentee C with Mentor Hand by hand.
    assert client.post(url(cohort, "/swap"), data={"pair_ids": [pairs[0].id, pairs[1].id]},
                       headers=EN).status_code == 302
    assert client.post(url(cohort, f"/pairs/{pairs[2].id}/unpair"), headers=EN).status_code == 302
    response = client.post(url(cohort, "/pair-by-hand"), headers=EN,
                           data={"mentor": extra.id, "mentee": mentees[2].id, "confirmed": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    wanted = {(mentors[0].id, mentees[1].id), (mentors[1].id, mentees[0].id), (extra.id, mentees[2].id)}
    assert {(p.mentor_participation_id, p.mentee_participation_id) for p in pairs_of(db, run.id)} == wanted

    response = client.post(url(cohort, "/runs"), headers=EN)
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    run_jobs()
    with club_scope(db):
        db.expire_all()
        assert db.get(MatchingRun, new_id).status == "succeeded"
    kept = {(p.mentor_participation_id, p.mentee_participation_id): p for p in pairs_of(db, new_id)}
    assert wanted <= set(kept), kept
    assert all(kept[key].status == PairStatus.LOCKED and kept[key].by_hand for key in wanted)

    # The flash after starting, and the run's page, say what it kept.
    run_page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    said = text_of(run_page)
    assert "It keeps 3 pairs as they are:" in said, said
    for mentor, mentee in (("Mentor A", "Mentee B"), ("Mentor B", "Mentee A"), ("Mentor Hand", "Mentee C")):
        assert f"{mentor} and {mentee} (set by hand)" in said
    assert run_page.count('class="kept-pairs__item"') == 3
    again = text_of(client.get(response.headers["Location"], headers=EN).get_data(as_text=True))
    assert "It keeps 3 pairs as they are:" not in again  # the flash is gone; the page still lists them
    assert "Mentor Hand and Mentee C (set by hand)" in again


def test_a_rerun_drops_a_pair_made_by_hand_with_someone_who_left_and_says_nothing_of_it(client, db, sign_in,
                                                                                       run_jobs):
    setup = setup_cohort(db, size=2)
    cohort = setup["cohort"]
    run, pairs = proposals(db, setup)
    sign_in(client, setup["board"])
    assert client.post(url(cohort, "/swap"), data={"pair_ids": [pairs[0].id, pairs[1].id]},
                       headers=EN).status_code == 302
    with club_scope(db):
        db.execute(sa.update(Participation).where(Participation.id == setup["mentees"][0].id)
                   .values(status=ParticipationStatus.WITHDRAWN))
    db.commit()
    response = client.post(url(cohort, "/runs"), headers=EN)
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    run_jobs()
    kept = {(p.mentor_participation_id, p.mentee_participation_id): p for p in pairs_of(db, new_id)}
    assert kept[(setup["mentors"][0].id, setup["mentees"][1].id)].status == PairStatus.LOCKED
    assert all(mentee != setup["mentees"][0].id for _mentor, mentee in kept)
    said = text_of(client.get(response.headers["Location"], headers=EN).get_data(as_text=True))
    assert "It keeps 1 pair as it is: Mentor A and Mentee B (set by hand)." in said, said


def test_a_pair_set_by_hand_that_a_later_rule_forbids_is_proposed_anew_not_kept(client, db, sign_in, run_jobs):
    setup = setup_cohort(db, size=2)
    cohort = setup["cohort"]
    run, pairs = proposals(db, setup)
    sign_in(client, setup["board"])
    assert client.post(url(cohort, "/swap"), data={"pair_ids": [pairs[0].id, pairs[1].id]},
                       headers=EN).status_code == 302
    # Since the swap, the board keeps Mentor A and Mentee B apart.
    first, second = sorted((setup["mentors"][0].id, setup["mentees"][1].id))
    with club_scope(db):
        db.add(MatchingSeparation(cohort_id=cohort.id, participation_a_id=first, participation_b_id=second))
        db.flush()
    db.commit()
    response = client.post(url(cohort, "/runs"), headers=EN)
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    run_jobs()
    with club_scope(db):
        db.expire_all()
        assert db.get(MatchingRun, new_id).status == "succeeded"
    kept = {(p.mentor_participation_id, p.mentee_participation_id): p for p in pairs_of(db, new_id)}
    assert (setup["mentors"][0].id, setup["mentees"][1].id) not in kept
    assert kept[(setup["mentors"][1].id, setup["mentees"][0].id)].status == PairStatus.LOCKED
    said = text_of(client.get(response.headers["Location"], headers=EN).get_data(as_text=True))
    assert "It keeps 1 pair as it is: Mentor B and Mentee A (set by hand)." in said, said
