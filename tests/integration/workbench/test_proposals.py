"""The board steers the proposals: lock, unlock, unpair, swap, pair by hand; refusals; a re-run keeps locks."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts.matching_input import load_matching_input
from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.database import utcnow
from tandem.platform.identity.models import User
from tandem.platform.matching import evaluate_pair
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingSeparation, Pair
from tandem.platform.workbench.proposals import operations
from tandem.platform.workbench.runs.queries import cohort_weights
from tests.factories import make_cohort, make_exclusion, make_matching_run, make_pair, make_participation
from tests.fixtures.workbench import (
    add_person,
    page,
    pairs_of,
    proposals,
    propose,
    setup_cohort,
    start_and_run,
)

EN = {"Accept-Language": "en"}


def url(cohort, path: str = "") -> str:
    return f"/board/cohorts/{cohort.id}/matching{path}"


def post(client, cohort, path: str, data: dict | None = None):
    return client.post(url(cohort, path), data=data or {}, headers=EN)


def audit_actions(db) -> list[str]:
    with club_scope(db):
        return list(db.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("matching.%"))
                               .order_by(AuditEvent.id)))


def pair_row(db, pair_id: int) -> Pair | None:
    with club_scope(db):
        db.expire_all()
        return db.get(Pair, pair_id)


@pytest.fixture()
def board(client, db, sign_in):
    """A cohort in matching with a finished run pairing Mentor A-Mentee A and Mentor B-Mentee B."""
    setup = setup_cohort(db, size=2)
    run, pairs = proposals(db, setup)
    sign_in(client, setup["board"])
    return {**setup, "run": run, "pairs": pairs}


# --- lock, unlock, unpair -----------------------------------------------------------------------------------


def test_lock_and_unlock_a_pair(client, db, board):
    cohort, pair = board["cohort"], board["pairs"][0]
    response = post(client, cohort, f"/pairs/{pair.id}/lock", {"sort": "mentor", "q": "Mentee"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/matching?sort=mentor&q=Mentee#pair-{pair.id}")
    assert pair_row(db, pair.id).status == "locked"
    html = page(client, cohort)
    assert "Mentor A and Mentee A are locked: a new run keeps them together." in html
    assert re.search(rf'<tr id="pair-{pair.id}" class="workbench-pair workbench-pair--locked">', html)
    assert f"/pairs/{pair.id}/unlock" in html and f"/pairs/{pair.id}/lock\"" not in html

    # Locking twice is refused with a message, not an error page.
    post(client, cohort, f"/pairs/{pair.id}/lock")
    assert "This pair is already locked." in page(client, cohort)

    assert post(client, cohort, f"/pairs/{pair.id}/unlock").status_code == 302
    assert pair_row(db, pair.id).status == "proposed"
    assert "Mentor A and Mentee A are unlocked" in page(client, cohort)
    assert audit_actions(db) == ["matching.pair_locked", "matching.pair_unlocked"]


def test_unpair_leaves_both_without_a_partner(client, db, board):
    cohort, pair = board["cohort"], board["pairs"][1]
    assert post(client, cohort, f"/pairs/{pair.id}/unpair").status_code == 302
    assert pair_row(db, pair.id) is None
    assert [p.id for p in pairs_of(db, board["run"].id)] == [board["pairs"][0].id]
    html = page(client, cohort)
    assert "Mentor B and Mentee B are no longer paired" in html
    for person in (board["mentors"][1], board["mentees"][1]):
        assert f'id="unmatched-{person.id}"' in html
    assert "had a partner in this run, but the pair was undone here" in html
    # a locked pair can be unpaired too
    first = board["pairs"][0]
    post(client, cohort, f"/pairs/{first.id}/lock")
    post(client, cohort, f"/pairs/{first.id}/unpair")
    assert pairs_of(db, board["run"].id) == []
    with club_scope(db):
        event = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "matching.pair_removed")
                           .order_by(AuditEvent.id)).first()
    assert event.target_type == "matching_run" and event.target_id == board["run"].id
    assert event.details["mentee_participation_id"] == board["mentees"][1].id


def test_a_pair_with_someone_who_withdrew_cannot_be_locked_but_can_be_unpaired(client, db, board):
    cohort, pair = board["cohort"], board["pairs"][0]
    with club_scope(db):
        db.get(Participation, board["mentees"][0].id).status = "withdrawn"
        db.flush()
    db.commit()
    html = page(client, cohort)
    assert "no longer taking part" in html
    post(client, cohort, f"/pairs/{pair.id}/lock")
    assert "Mentee A no longer takes part in this cohort: unpair them instead." in page(client, cohort)
    assert pair_row(db, pair.id).status == "proposed"
    post(client, cohort, f"/pairs/{pair.id}/unpair")
    assert pair_row(db, pair.id) is None
    html = page(client, cohort)
    assert f'id="unmatched-{board["mentors"][0].id}"' in html
    assert f'id="unmatched-{board["mentees"][0].id}"' not in html  # she no longer takes part


def test_an_unknown_pair_or_another_cohorts_pair_is_refused(client, db, board):
    cohort = board["cohort"]
    other = setup_cohort(db, size=1)
    _run, (foreign,) = proposals(db, other)
    for pair_id in (foreign.id, 999_999):
        assert post(client, cohort, f"/pairs/{pair_id}/lock").status_code == 302
        assert "This pair no longer exists." in page(client, cohort)
    assert pair_row(db, foreign.id).status == "proposed"
    assert client.post(url(cohort, f"/pairs/{board['pairs'][0].id}/lock").replace(
        f"/{cohort.id}/", "/999999/")).status_code == 404


# --- swap -----------------------------------------------------------------------------------------------------


def test_swap_the_mentees_of_two_pairs(client, db, board):
    cohort, (first, second) = board["cohort"], board["pairs"]
    (mentor_a, mentor_b), (mentee_a, mentee_b) = board["mentors"], board["mentees"]
    response = post(client, cohort, "/swap", {"pair_ids": [str(first.id), str(second.id)], "show": "by_hand"})
    assert response.status_code == 302 and "show=by_hand" in response.headers["Location"]
    after = {p.id: p for p in pairs_of(db, board["run"].id)}
    assert (after[first.id].mentor_participation_id, after[first.id].mentee_participation_id) == (mentor_b.id,
                                                                                                  mentee_a.id)
    assert (after[second.id].mentor_participation_id, after[second.id].mentee_participation_id) == (mentor_a.id,
                                                                                                    mentee_b.id)
    given = load_matching_input(db, cohort.id)
    candidates = {c.id: c for c in (*given.mentors, *given.mentees)}
    for pair in after.values():
        assert pair.by_hand and pair.status == "proposed"
        expected = evaluate_pair(candidates[pair.mentor_participation_id], candidates[pair.mentee_participation_id],
                                 given.rules, cohort_weights(cohort))
        assert pair.score == expected.score and pair.explanation == expected.explanation()
    html = page(client, cohort)
    assert "The mentees are swapped: Mentee A is now with Mentor B, Mentee B with Mentor A." in html
    assert html.count("badge--by-hand") == 2
    assert audit_actions(db) == ["matching.mentees_swapped"]


def test_a_swap_that_breaks_a_rule_is_refused(client, db, board):
    cohort, (first, second) = board["cohort"], board["pairs"]
    alpha, beta, gamma = board["orgs"]
    # A third pair whose mentor is of beta: Mentee A (beta) would get a mentor of her own organisation.
    mentor_c = add_person(db, cohort, beta, "mentor", board["topics"], name="Mentor C")
    mentee_c = add_person(db, cohort, gamma, "mentee", board["topics"], name="Mentee C")
    third = propose(db, cohort, board["run"], mentor_c, mentee_c)
    db.commit()
    response = post(client, cohort, "/swap", {"pair_ids": [str(first.id), str(third.id)]})
    assert response.status_code == 302
    assert "Not swapped: Mentor C and Mentee A work for the same organisation." in page(client, cohort)
    assert pair_row(db, first.id).mentor_participation_id == board["mentors"][0].id
    assert pair_row(db, third.id).mentor_participation_id == mentor_c.id
    assert not pair_row(db, first.id).by_hand and audit_actions(db) == []

    # never together (the board's separation) is refused as well
    with club_scope(db):
        low, high = sorted((board["mentors"][1].id, board["mentees"][0].id))
        db.add(MatchingSeparation(cohort_id=cohort.id, participation_a_id=low, participation_b_id=high))
        db.flush()
    db.commit()
    post(client, cohort, "/swap", {"pair_ids": [str(first.id), str(second.id)]})
    assert "The board keeps Mentor B and Mentee A apart." in page(client, cohort)
    assert pair_row(db, second.id).mentor_participation_id == board["mentors"][1].id


def test_a_swap_needs_two_unlocked_pairs_with_different_mentors(client, db, board):
    cohort, (first, second) = board["cohort"], board["pairs"]
    post(client, cohort, "/swap", {"pair_ids": [str(first.id)]})
    assert "choose exactly two pairs" in page(client, cohort)
    post(client, cohort, f"/pairs/{second.id}/lock")
    post(client, cohort, "/swap", {"pair_ids": [str(first.id), str(second.id)]})
    assert "unlock it first" in page(client, cohort)
    assert pair_row(db, first.id).mentee_participation_id == board["mentees"][0].id
    assert pair_row(db, second.id).status == "locked"


def test_a_swap_warns_about_poor_criteria(client, db, board):
    cohort = board["cohort"]
    alpha, beta, gamma = board["orgs"]
    # Mentor D meets only in person in Basel on Fridays and offers none of Mentee A's topics.
    mentor_d = add_person(db, cohort, gamma, "mentor", board["topics"][3:], name="Mentor D", format="in_person",
                          city="Basel", weekdays=["fri"])
    mentee_d = add_person(db, cohort, beta, "mentee", board["topics"][3:], name="Mentee D", format="in_person",
                          city="Basel", weekdays=["fri"])
    fourth = propose(db, cohort, board["run"], mentor_d, mentee_d)
    db.commit()
    post(client, cohort, "/swap", {"pair_ids": [str(board["pairs"][0].id), str(fourth.id)]})
    html = page(client, cohort)
    assert "The mentees are swapped" in html
    assert "Mentor D and Mentee A: Weekdays is poor." in html


# --- pair by hand ---------------------------------------------------------------------------------------------


def test_pair_by_hand_refuses_a_broken_rule(client, db, board):
    cohort = board["cohort"]
    alpha, beta, gamma = board["orgs"]
    mentor = add_person(db, cohort, beta, "mentor", board["topics"], name="Mentor Same")
    mentee = add_person(db, cohort, beta, "mentee", board["topics"], name="Mentee Same")
    db.commit()
    html = client.get(url(cohort, "/pair-by-hand"), headers=EN).get_data(as_text=True)
    assert "Mentor Same" in html and "Mentee Same" in html
    assert "Mentor A" not in html  # no free place left: not offered
    response = post(client, cohort, "/pair-by-hand", {"mentor": mentor.id, "mentee": mentee.id})
    assert response.status_code == 400
    assert "Mentor Same and Mentee Same work for the same organisation." in response.get_data(as_text=True)
    assert len(pairs_of(db, board["run"].id)) == 2

    # excluded organisations, and an earlier pair of the same two people
    mentee_gamma = add_person(db, cohort, gamma, "mentee", board["topics"], name="Mentee Gamma")
    make_exclusion(db, beta, gamma)
    db.commit()
    response = post(client, cohort, "/pair-by-hand", {"mentor": mentor.id, "mentee": mentee_gamma.id})
    assert "The organisations of Mentor Same and Mentee Gamma are never paired." in response.get_data(as_text=True)

    # the same two people were a pair in an earlier cohort (roles reversed)
    mentee_alpha = add_person(db, cohort, alpha, "mentee", board["topics"], name="Mentee Alpha")
    earlier = make_cohort(db, CohortState.ARCHIVED)
    with club_scope(db):
        users = {p.id: p.user_id for p in db.scalars(sa.select(Participation).where(
            Participation.id.in_([mentor.id, mentee_alpha.id])))}
        people = {pid: db.get(User, uid) for pid, uid in users.items()}
    make_pair(db, make_participation(db, people[mentee_alpha.id], earlier, role="mentor", status="active"),
              make_participation(db, people[mentor.id], earlier, role="mentee", status="active"), status="ended")
    db.commit()
    response = post(client, cohort, "/pair-by-hand", {"mentor": mentor.id, "mentee": mentee_alpha.id})
    assert ("Mentor Same and Mentee Alpha were already paired in an earlier cohort."
            in response.get_data(as_text=True))
    assert len(pairs_of(db, board["run"].id)) == 2 and audit_actions(db) == []


def test_pair_by_hand_warns_then_pairs_when_confirmed(client, db, board):
    cohort = board["cohort"]
    alpha, beta, gamma = board["orgs"]
    mentor = add_person(db, cohort, gamma, "mentor", board["topics"][3:], name="Mentor Far", format="in_person",
                        city="Basel", weekdays=["fri"], career_band="21+")
    mentee = add_person(db, cohort, alpha, "mentee", board["topics"][:1], name="Mentee Near", format="in_person",
                        city="Bern", weekdays=["mon"], career_band="0-2")
    db.commit()
    response = post(client, cohort, "/pair-by-hand", {"mentor": mentor.id, "mentee": mentee.id, "sort": "mentee"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Pair them anyway" in html and 'name="confirmed" value="y"' in html
    assert "The engine scores Mentor Far and Mentee Near 0 of 100. Weak points:" in html
    assert "<li>Topics is poor.</li>" in html and "<li>Weekdays is poor.</li>" in html
    assert "The score is below the threshold of 50." in html
    assert '<input type="hidden" name="sort" value="mentee">' in html
    assert len(pairs_of(db, board["run"].id)) == 2 and audit_actions(db) == []  # nothing written yet

    response = post(client, cohort, "/pair-by-hand", {"mentor": mentor.id, "mentee": mentee.id, "confirmed": "y",
                                                       "sort": "mentee"})
    assert response.status_code == 302
    assert "sort=mentee" in response.headers["Location"]
    new = [p for p in pairs_of(db, board["run"].id) if p.mentee_participation_id == mentee.id]
    assert len(new) == 1 and new[0].by_hand and new[0].status == "proposed" and new[0].score < 0.5
    assert new[0].mentor_participation_id == mentor.id and new[0].explanation["topics"]["code"] == "none_offered"
    html = page(client, cohort)
    assert "Mentor Far and Mentee Near are paired by hand." in html and f'id="unmatched-{mentee.id}"' not in html
    assert audit_actions(db) == ["matching.paired_by_hand"]


def test_pair_by_hand_without_warnings_pairs_at_once_and_respects_capacity(client, db, board):
    cohort = board["cohort"]
    alpha, beta, gamma = board["orgs"]
    mentor = add_person(db, cohort, gamma, "mentor", board["topics"][1:4], name="Mentor Two", capacity=2)
    first, second = (add_person(db, cohort, alpha, "mentee", board["topics"][1:4], name=f"Mentee {n}")
                     for n in ("One", "Two"))
    third = add_person(db, cohort, beta, "mentee", board["topics"][1:4], name="Mentee Three")
    db.commit()
    for mentee in (first, second):
        response = post(client, cohort, "/pair-by-hand", {"mentor": mentor.id, "mentee": mentee.id})
        assert response.status_code == 302, response.get_data(as_text=True)
    assert {p.mentee_participation_id for p in pairs_of(db, board["run"].id)
            if p.mentor_participation_id == mentor.id} == {first.id, second.id}
    response = post(client, cohort, "/pair-by-hand", {"mentor": mentor.id, "mentee": third.id})
    assert response.status_code == 400
    assert "Mentor Two has no free place: 2 of 2 taken." in response.get_data(as_text=True)
    # a mentee already paired cannot be paired again
    other = add_person(db, cohort, gamma, "mentor", board["topics"], name="Mentor Other")
    db.commit()
    response = post(client, cohort, "/pair-by-hand", {"mentor": other.id, "mentee": first.id})
    assert "Mentee One already has a mentor in these proposals" in response.get_data(as_text=True)
    # a mentee is not a mentor
    response = post(client, cohort, "/pair-by-hand", {"mentor": third.id, "mentee": first.id})
    assert "Mentee Three is not a mentor taking part in this cohort." in response.get_data(as_text=True)


def test_pair_by_hand_sent_empty_shows_the_form_with_errors(client, db, board):
    response = post(client, board["cohort"], "/pair-by-hand", {})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose a mentor." in html and "Choose a mentee." in html


# --- when changes are refused ---------------------------------------------------------------------------------


def _try_every_change(client, db, board) -> None:
    cohort, (first, second) = board["cohort"], board["pairs"]
    post(client, cohort, f"/pairs/{first.id}/lock")
    post(client, cohort, f"/pairs/{first.id}/unpair")
    post(client, cohort, "/swap", {"pair_ids": [str(first.id), str(second.id)]})
    response = post(client, cohort, "/pair-by-hand", {"mentor": board["mentors"][0].id,
                                                       "mentee": board["mentees"][1].id, "confirmed": "y"})
    assert response.status_code == 400


def _unchanged(db, board) -> None:
    after = pairs_of(db, board["run"].id)
    assert [(p.id, p.mentor_participation_id, p.mentee_participation_id, p.status, p.by_hand) for p in after] == [
        (p.id, p.mentor_participation_id, p.mentee_participation_id, "proposed", False) for p in board["pairs"]]
    assert audit_actions(db) == []


def test_changes_are_refused_outside_the_matching_step(client, db, board):
    with club_scope(db):
        db.get(Cohort, board["cohort"].id).state = CohortState.RUNNING
        db.flush()
    db.commit()
    _try_every_change(client, db, board)
    _unchanged(db, board)
    html = page(client, board["cohort"])
    assert "Proposals can be changed only while the cohort is in its matching step." in html
    assert "/lock\"" not in html


def test_changes_are_refused_after_publishing(client, db, board):
    with club_scope(db):
        db.get(MatchingRun, board["run"].id).published_at = utcnow()
        db.flush()
    db.commit()
    _try_every_change(client, db, board)
    _unchanged(db, board)
    html = page(client, board["cohort"])
    assert "These pairs are published" in html and "/unpair" not in html


def test_changes_are_refused_while_a_run_is_queued(client, db, board):
    with club_scope(db):
        make_matching_run(db, board["cohort"], status="queued")
    db.commit()
    _try_every_change(client, db, board)
    _unchanged(db, board)
    assert "A matching run is queued or running" in page(client, board["cohort"])


def test_pairs_of_an_earlier_run_cannot_be_changed(client, db, board):
    cohort = board["cohort"]
    with club_scope(db):
        newer = make_matching_run(db, cohort)
    db.commit()
    first, second = board["pairs"]
    post(client, cohort, f"/pairs/{first.id}/lock")
    assert "This pair belongs to an earlier run" in page(client, cohort)
    post(client, cohort, "/swap", {"pair_ids": [str(first.id), str(second.id)]})
    post(client, cohort, f"/pairs/{second.id}/unpair")
    _unchanged(db, board)
    # pairing by hand works on the newer (current) run
    response = post(client, cohort, "/pair-by-hand", {"mentor": board["mentors"][0].id,
                                                       "mentee": board["mentees"][0].id, "confirmed": "y"})
    assert response.status_code == 302
    assert [p.mentee_participation_id for p in pairs_of(db, newer.id)] == [board["mentees"][0].id]


def test_a_stale_page_cannot_corrupt_the_run(client, db, board, app, sign_in):
    """Two board members: one unpairs, the other (with the old page) locks, swaps and pairs the same people."""
    cohort, (first, second) = board["cohort"], board["pairs"]
    other = app.test_client()
    sign_in(other, board["board"])
    assert post(client, cohort, f"/pairs/{first.id}/unpair").status_code == 302
    for response in (post(other, cohort, f"/pairs/{first.id}/lock"),
                     post(other, cohort, "/swap", {"pair_ids": [str(first.id), str(second.id)]})):
        assert response.status_code == 302
    assert "This pair no longer exists." in page(other, cohort)
    # Both pair the freed mentee: the first wins, the second is refused (no error page).
    mentor, mentee = board["mentors"][0].id, board["mentees"][0].id
    assert post(client, cohort, "/pair-by-hand", {"mentor": mentor, "mentee": mentee,
                                                  "confirmed": "y"}).status_code == 302
    response = post(other, cohort, "/pair-by-hand", {"mentor": mentor, "mentee": mentee, "confirmed": "y"})
    assert response.status_code == 400
    assert [(p.mentor_participation_id, p.mentee_participation_id) for p in pairs_of(db, board["run"].id)] == [
        (board["mentors"][1].id, board["mentees"][1].id), (mentor, mentee)]


def test_the_database_refusal_becomes_a_message(app_context, db, board, monkeypatch):
    """If a mentee is paired between the check and the insert, the unique index refuses: no 500."""
    cohort = board["cohort"]
    alpha, beta, gamma = board["orgs"]
    mentor = add_person(db, cohort, gamma, "mentor", board["topics"], name="Mentor Late")
    db.commit()
    taken = board["mentees"][0].id
    original = db.scalar

    def blind_scalar(statement, *args, **kwargs):  # the check "already paired" sees nothing
        text = str(statement)
        if "count(pairs.id)" in text and "mentee_participation_id" in text:
            return 0
        return original(statement, *args, **kwargs)

    monkeypatch.setattr(db, "scalar", blind_scalar)
    with pytest.raises(operations.WorkbenchRefused, match="Someone else paired one of them meanwhile"):
        operations.pair_by_hand(db, cohort, mentor.id, taken, board["board"].id, confirmed=True)
    db.rollback()
    assert len(pairs_of(db, board["run"].id)) == 2


# --- a new run keeps the locks -------------------------------------------------------------------------------


def test_a_new_run_keeps_the_locked_pairs(client, db, board, run_jobs):
    cohort = board["cohort"]
    first, second = board["pairs"]
    # Lock a pair the engine would not choose on its own: Mentor A with Mentee B after a swap.
    post(client, cohort, "/swap", {"pair_ids": [str(first.id), str(second.id)]})
    swapped = pair_row(db, first.id)
    post(client, cohort, f"/pairs/{swapped.id}/lock")
    locked = (swapped.mentor_participation_id, swapped.mentee_participation_id)

    run = start_and_run(client, db, run_jobs, cohort)
    assert run.status == "succeeded" and run.parameters["based_on_run_id"] == board["run"].id
    new_pairs = pairs_of(db, run.id)
    assert (locked[0], locked[1], "locked") in {(p.mentor_participation_id, p.mentee_participation_id, p.status)
                                               for p in new_pairs}
    assert len(new_pairs) == 2
    # The workbench now shows the new run, with the locked pair marked.
    html = page(client, cohort)
    assert f"Figures of run {run.number}" in html and "badge--locked" in html
    # the old run's pairs are untouched
    assert {p.status for p in pairs_of(db, board["run"].id)} == {"proposed", "locked"}

