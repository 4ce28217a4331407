"""The board's matching rules of a cohort (weights and threshold, never together, mentor capacities), what
the engine then gets and does with them, and the comparison of two runs."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts.matching_input import load_matching_input
from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationRole
from tandem.platform.database import utcnow
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingSeparation, Pair
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_matching_run,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)

MENTOR, MENTEE = ParticipationRole.MENTOR, ParticipationRole.MENTEE


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def errors_of(html: str) -> dict[str, list[str]]:
    """element id -> the error messages shown beside it."""
    found: dict[str, list[str]] = {}
    for field, message in re.findall(r'<p class="field__error" id="([\w-]+?)-error-\d+">(.*?)</p>', html, re.S):
        found.setdefault(field, []).append(text_of(message).removeprefix("Error: "))
    return found


def flashes(html: str) -> str:
    match = re.search(r'class="flashes"(.*?)</(?:div|ul|section)>', html, re.S)
    return text_of(match.group(1)) if match else ""


def audit_actions(db, action: str) -> list[AuditEvent]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def fresh(db, model, id_):
    with club_scope(db):
        db.expire_all()
        return db.get(model, id_)


def separations(db, cohort) -> list[tuple[int, int, str | None]]:
    with club_scope(db):
        db.expire_all()
        return [(s.participation_a_id, s.participation_b_id, s.reason) for s in db.scalars(
            sa.select(MatchingSeparation).where(MatchingSeparation.cohort_id == cohort.id)
            .order_by(MatchingSeparation.id))]


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta", name="Beta Energie")
    gamma = make_organisation(db, "gamma", name="Gamma Kliniken")
    board = make_board_member(db, alpha, display_name="Regula Widmer", preferred_language="en")
    cohort = make_cohort(db, CohortState.MATCHING, name="Cohort 2027")
    topics = [make_catalogue_topic(db) for _ in range(3)]
    people = {}
    for key, name, organisation, role in (("lea", "Lea Keller", alpha, MENTOR), ("tom", "Tom Frei", beta, MENTOR),
                                          ("ben", "Ben Roth", beta, MENTEE), ("chloe", "Chloé Dubois", gamma, MENTEE)):
        participation = make_participation(db, make_user(db, organisation, display_name=name), cohort, role=role,
                                           status="active")
        make_complete_profile(db, participation, topics, career_band="0-2" if role == MENTOR else "21+")
        people[key] = participation
    db.commit()
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "board": board, "cohort": cohort, "topics": topics,
            **people}


@pytest.fixture()
def board_client(client, sign_in, club):
    return sign_in(client, club["board"])


def url(club, path: str = "") -> str:
    return f"/board/cohorts/{club['cohort'].id}/matching{path}"


# ------------------------------------------------------------------------------------ weights and threshold


def test_the_settings_page_shows_the_default_weights_as_shares(board_client, club):
    response = board_client.get(url(club, "/settings"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name, value in (("topics", 8), ("format", 5), ("weekdays", 3), ("career_gap", 4)):
        assert re.search(rf'id="{name}"[^>]*value="{value}"|value="{value}"[^>]*id="{name}"', html), name
    assert "That is 40% of the score." in text_of(html)
    assert "That is 15% of the score." in text_of(html)
    assert re.search(r'id="threshold"[^>]*value="50"|value="50"[^>]*id="threshold"', html)
    assert "No run has finished yet" in text_of(html)


def test_weights_and_threshold_are_saved_for_the_next_run(board_client, db, club):
    response = board_client.post(url(club, "/settings"), data={
        "topics": "5", "format": "0", "weekdays": "2", "career_gap": "3", "threshold": "65"})
    assert response.status_code == 302
    cohort = fresh(db, Cohort, club["cohort"].id)
    assert cohort.matching_weights == {"topics": 5.0, "format": 0.0, "weekdays": 2.0, "career_gap": 3.0}
    assert cohort.matching_threshold == pytest.approx(0.65)
    event = audit_actions(db, "matching.settings_changed")[-1]
    assert event.target_id == cohort.id and event.details["after"]["threshold"] == pytest.approx(0.65)
    html = board_client.get(url(club, "/settings")).get_data(as_text=True)
    assert "That is 50% of the score." in text_of(html)  # 5 of 10
    assert "The weights are saved: the next run uses them." in text_of(html)

    # The next run takes them.
    from tandem.platform.workbench.runs.queries import cohort_weights

    assert cohort_weights(cohort).normalised()["topics"] == pytest.approx(0.5)

    # Back to the defaults.
    response = board_client.post(url(club, "/settings"), data={"reset": "Back to the defaults"})
    assert response.status_code == 302
    cohort = fresh(db, Cohort, club["cohort"].id)
    assert cohort.matching_weights is None and cohort.matching_threshold == 0.5


def test_wrong_weights_are_shown_beside_their_fields_and_nothing_is_lost(board_client, db, club):
    response = board_client.post(url(club, "/settings"), data={
        "topics": "11", "format": "abc", "weekdays": "4", "career_gap": "", "threshold": "150"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    errors = errors_of(html)
    assert errors["topics"] == ["Between 0 and 10."]
    assert errors["format"] == ["Enter a whole number from 0 to 10."]
    assert errors["career_gap"] == ["Enter a whole number from 0 to 10."]
    assert errors["threshold"] == ["Between 0 and 100."]
    assert "weekdays" not in errors
    assert re.search(r'id="weekdays"[^>]*value="4"|value="4"[^>]*id="weekdays"', html)  # kept as entered
    assert re.search(r'id="topics"[^>]*value="11"|value="11"[^>]*id="topics"', html)
    assert fresh(db, Cohort, club["cohort"].id).matching_weights is None


def test_all_weights_zero_are_refused(board_client, db, club):
    response = board_client.post(url(club, "/settings"), data={
        "topics": "0", "format": "0", "weekdays": "0", "career_gap": "0", "threshold": "40"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert errors_of(html)["weights"] == ["Give at least one criterion a weight above zero."]
    assert re.search(r'id="threshold"[^>]*value="40"|value="40"[^>]*id="threshold"', html)
    cohort = fresh(db, Cohort, club["cohort"].id)
    assert cohort.matching_weights is None and cohort.matching_threshold == 0.5

    # Told at once, with any other problem.
    response = board_client.post(url(club, "/settings"), data={
        "topics": "0", "format": "0", "weekdays": "0", "career_gap": "0", "threshold": "150"})
    assert errors_of(response.get_data(as_text=True)) == {
        "weights": ["Give at least one criterion a weight above zero."], "threshold": ["Between 0 and 100."]}


def test_the_operation_checks_the_weights_too(app_context, db, club):
    from tandem.platform.refusals import FieldProblem
    from tandem.platform.workbench.rules.operations import save_matching_settings

    cohort = club["cohort"]
    zero = {"topics": 0, "format": 0, "weekdays": 0, "career_gap": 0}
    with pytest.raises(FieldProblem) as problem:
        save_matching_settings(db, cohort, zero, 0.5, club["board"].id)
    assert problem.value.field == "weights"
    with pytest.raises(FieldProblem) as problem:
        save_matching_settings(db, cohort, {**zero, "format": 11}, 0.5, club["board"].id)
    assert problem.value.field == "format"
    with pytest.raises(FieldProblem) as problem:
        save_matching_settings(db, cohort, {**zero, "format": 1}, 1.5, club["board"].id)
    assert problem.value.field == "threshold"
    assert save_matching_settings(db, cohort, {**zero, "format": 1}, 0.5, club["board"].id) is True
    assert save_matching_settings(db, cohort, {**zero, "format": 1}, 0.5, club["board"].id) is False


def test_the_settings_show_the_current_runs_parameters(board_client, db, club):
    make_matching_run(db, club["cohort"], parameters={
        "weights": {"topics": 1, "format": 1, "weekdays": 1, "career_gap": 1}, "threshold": 0.7,
        "based_on_run_id": None})
    db.commit()
    html = text_of(board_client.get(url(club, "/settings")).get_data(as_text=True))
    assert "come from run" in html and "25%" in html and "70%" in html


@pytest.mark.parametrize("state", [CohortState.RUNNING, CohortState.ARCHIVED])
def test_rules_cannot_change_after_matching(board_client, db, club, state):
    with club_scope(db):
        db.get(Cohort, club["cohort"].id).state = state
        db.flush()
    db.commit()
    page = board_client.get(url(club, "/settings")).get_data(as_text=True)
    assert "can be changed until the matching step ends" in text_of(page)
    assert 'name="topics"' not in page
    response = board_client.post(url(club, "/settings"), data={
        "topics": "5", "format": "0", "weekdays": "2", "career_gap": "3", "threshold": "65"}, follow_redirects=True)
    assert "can be changed until the matching step ends" in text_of(response.get_data(as_text=True))
    assert fresh(db, Cohort, club["cohort"].id).matching_weights is None
    response = board_client.post(url(club, "/rules"), data={
        "participation_a": club["lea"].id, "participation_b": club["ben"].id}, follow_redirects=True)
    assert separations(db, club["cohort"]) == []
    response = board_client.post(url(club, "/rules/capacity"), data={
        "participation": club["lea"].id, "capacity": "2"}, follow_redirects=True)
    assert fresh(db, Participation, club["lea"].id).mentor_capacity == 1


def test_rules_cannot_change_once_pairs_are_published(board_client, db, club):
    make_matching_run(db, club["cohort"], published_at=utcnow())
    db.commit()
    response = board_client.post(url(club, "/rules/capacity"), data={
        "participation": club["lea"].id, "capacity": "2"}, follow_redirects=True)
    assert "published" in flashes(response.get_data(as_text=True))
    assert fresh(db, Participation, club["lea"].id).mentor_capacity == 1


# ------------------------------------------------------------------------------------------- never together


def test_two_people_are_kept_apart_and_may_be_paired_again(board_client, db, club):
    lea, chloe = club["lea"], club["chloe"]
    response = board_client.post(url(club, "/rules"), data={
        "participation_a": chloe.id, "participation_b": lea.id, "reason": "  Same project team "})
    assert response.status_code == 302
    assert separations(db, club["cohort"]) == [(lea.id, chloe.id, "Same project team")]  # stored a < b
    [event] = audit_actions(db, "matching.separation_added")
    assert event.details["participations"] == [lea.id, chloe.id]

    page = text_of(board_client.get(url(club, "/rules")).get_data(as_text=True))
    assert "Lea Keller" in page and "Chloé Dubois" in page and "Gamma Kliniken" in page
    assert "Same project team" in page

    # The engine gets it.
    with club_scope(db):
        given = load_matching_input(db, club["cohort"].id)
    assert given.rules.never_together == frozenset({frozenset({lea.id, chloe.id})})

    with club_scope(db):
        separation_id = db.scalar(sa.select(MatchingSeparation.id))
    response = board_client.post(url(club, f"/rules/separations/{separation_id}/delete"))
    assert response.status_code == 302
    assert separations(db, club["cohort"]) == []
    assert audit_actions(db, "matching.separation_removed")[0].target_id == separation_id


def test_a_duplicate_the_same_person_and_strangers_are_refused_beside_the_fields(board_client, db, club):
    lea, ben = club["lea"], club["ben"]
    board_client.post(url(club, "/rules"), data={"participation_a": lea.id, "participation_b": ben.id})

    response = board_client.post(url(club, "/rules"), data={"participation_a": ben.id, "participation_b": lea.id})
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True)) == {
        "participation_b": ["These two people are already kept apart."]}

    response = board_client.post(url(club, "/rules"), data={"participation_a": ben.id, "participation_b": ben.id,
                                                            "reason": "kept"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert errors_of(html) == {"participation_b": ["Choose two different people."]}
    assert 'value="kept"' in html  # the reason is not lost

    other = make_cohort(db, CohortState.MATCHING)
    stranger = make_participation(db, make_user(db, club["gamma"]), other, role=MENTEE, status="active")
    withdrawn = make_participation(db, make_user(db, club["gamma"]), club["cohort"], role=MENTEE,
                                   status="withdrawn")
    db.commit()
    response = board_client.post(url(club, "/rules"), data={"participation_a": stranger.id,
                                                            "participation_b": lea.id})
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True)) == {"participation_a": ["Choose a person of this cohort."]}
    response = board_client.post(url(club, "/rules"), data={"participation_a": lea.id,
                                                            "participation_b": withdrawn.id})
    assert errors_of(response.get_data(as_text=True)) == {"participation_b": ["Choose a person of this cohort."]}

    response = board_client.post(url(club, "/rules"), data={"participation_a": "0", "participation_b": lea.id})
    assert errors_of(response.get_data(as_text=True)) == {"participation_a": ["Choose a person."]}
    assert len(separations(db, club["cohort"])) == 1


def test_the_people_to_choose_are_grouped_by_role_with_their_organisations(board_client, club):
    html = board_client.get(url(club, "/rules")).get_data(as_text=True)
    select = re.search(r'<select[^>]*id="participation_a".*?</select>', html, re.S).group(0)
    assert '<optgroup label="Mentors">' in select and '<optgroup label="Mentees">' in select
    assert select.index("Lea Keller (Alpha Bank)") < select.index("Mentees") < select.index("Ben Roth (Beta Energie)")


def test_a_separation_of_another_cohort_is_not_found(board_client, db, club):
    other = make_cohort(db, CohortState.MATCHING)
    first = make_participation(db, make_user(db, club["alpha"]), other, status="active")
    second = make_participation(db, make_user(db, club["beta"]), other, role=MENTEE, status="active")
    with club_scope(db):
        separation = MatchingSeparation(cohort_id=other.id, participation_a_id=first.id,
                                        participation_b_id=second.id)
        db.add(separation)
        db.flush()
    db.commit()
    response = board_client.post(url(club, f"/rules/separations/{separation.id}/delete"))
    assert response.status_code == 404
    assert len(separations(db, other)) == 1


# ------------------------------------------------------------------------------------------ mentor capacity


def test_a_mentor_may_take_two_mentees_and_back_to_one(board_client, db, club):
    lea = club["lea"]
    page = board_client.get(url(club, "/rules")).get_data(as_text=True)
    assert f'id="capacity-{lea.id}-1" name="capacity" value="1" checked' in page

    response = board_client.post(url(club, "/rules/capacity"), data={"participation": lea.id, "capacity": "2"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#mentor-{lea.id}")
    assert fresh(db, Participation, lea.id).mentor_capacity == 2
    assert audit_actions(db, "matching.capacity_changed")[0].details == {
        "cohort_id": club["cohort"].id, "before": 1, "after": 2}
    with club_scope(db):
        given = load_matching_input(db, club["cohort"].id)
    assert {m.id: m.capacity for m in given.mentors} == {lea.id: 2, club["tom"].id: 1}

    response = board_client.post(url(club, "/rules/capacity"), data={"participation": lea.id, "capacity": "1"})
    assert fresh(db, Participation, lea.id).mentor_capacity == 1


def test_capacity_is_only_for_mentors_of_the_cohort(board_client, db, club):
    response = board_client.post(url(club, "/rules/capacity"), data={"participation": club["ben"].id,
                                                                      "capacity": "2"})
    assert response.status_code == 404
    response = board_client.post(url(club, "/rules/capacity"), data={"participation": club["lea"].id,
                                                                      "capacity": "3"})
    assert response.status_code == 400
    assert fresh(db, Participation, club["ben"].id).mentor_capacity == 1


def test_one_mentee_is_refused_while_the_mentor_has_two_in_the_current_run(board_client, db, club):
    lea, ben, chloe = club["lea"], club["ben"], club["chloe"]
    with club_scope(db):
        db.get(Participation, lea.id).mentor_capacity = 2
        db.flush()
    run = make_matching_run(db, club["cohort"])
    make_pair(db, lea, ben, status="proposed", run=run, score=0.8)
    second = make_pair(db, lea, chloe, status="locked", run=run, score=0.7)
    db.commit()
    page = text_of(board_client.get(url(club, "/rules")).get_data(as_text=True))
    assert "Mentees in the current run" in page

    response = board_client.post(url(club, "/rules/capacity"), data={"participation": lea.id, "capacity": "1"},
                                 follow_redirects=True)
    message = flashes(response.get_data(as_text=True))
    assert "Lea Keller has two mentees in the current run, Ben Roth and Chloé Dubois" in message
    assert fresh(db, Participation, lea.id).mentor_capacity == 2

    with club_scope(db):
        db.get(Pair, second.id).status = "ended"
        db.flush()
    db.commit()
    board_client.post(url(club, "/rules/capacity"), data={"participation": lea.id, "capacity": "1"})
    assert fresh(db, Participation, lea.id).mentor_capacity == 1


# ------------------------------------------------------------------------------------------------- a real run


def test_a_run_respects_the_separation_and_the_capacity(board_client, db, club, run_jobs):
    lea, tom, ben, chloe = club["lea"], club["tom"], club["ben"], club["chloe"]
    with club_scope(db):  # Tom does not take part: Lea is the only mentor
        db.get(Participation, tom.id).status = "withdrawn"
        db.flush()
    db.commit()
    board_client.post(url(club, "/rules/capacity"), data={"participation": lea.id, "capacity": "2"})
    board_client.post(url(club, "/rules"), data={"participation_a": lea.id, "participation_b": chloe.id})

    response = board_client.post(url(club, "/runs"))
    assert response.status_code == 302
    run_jobs()
    with club_scope(db):
        db.expire_all()
        run = db.scalars(sa.select(MatchingRun).where(MatchingRun.cohort_id == club["cohort"].id)).one()
        pairs = db.execute(sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id)
                           .where(Pair.matching_run_id == run.id)).all()
    assert run.status == "succeeded", run.error
    assert pairs == [(lea.id, ben.id)]  # Lea could take both, but never Chloé
    assert run.unmatched == [{"id": chloe.id, "role": "mentee", "code": "never_together",
                              "params": run.unmatched[0]["params"]}]
    assert run.figures["mentor_places"] == 2


# ------------------------------------------------------------------------------------------------ comparing


def _finished_run(db, club, figures, pairs, weights=None, threshold=0.5):
    run = make_matching_run(db, club["cohort"], parameters={
        "weights": weights or {"topics": 0.4, "format": 0.25, "weekdays": 0.15, "career_gap": 0.2},
        "threshold": threshold, "based_on_run_id": None}, figures=figures)
    for mentor, mentee, score, *status in pairs:
        make_pair(db, club[mentor], club[mentee], status=status[0] if status else "proposed", run=run, score=score)
    return run


FIGURES_A = {"pairs": 1, "share_matched": 0.5, "share_people_matched": 0.5, "lowest_score": 0.42,
             "mean_score": 0.42, "total_score": 0.42, "below_threshold": 1, "locked_pairs": 0,
             "unmatched_mentors": 1, "unmatched_mentees": 1}
FIGURES_B = {"pairs": 2, "share_matched": 1.0, "share_people_matched": 1.0, "lowest_score": 0.35,
             "mean_score": 0.6, "total_score": 1.2, "below_threshold": 1, "locked_pairs": 1,
             "unmatched_mentors": 0, "unmatched_mentees": 0}


def figure_row(html: str, key: str) -> list[str]:
    row = re.search(rf'<tr id="figure-{key}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def test_two_runs_side_by_side(board_client, db, club):
    first = _finished_run(db, club, FIGURES_A, [("lea", "ben", 0.42)])
    second = _finished_run(db, club, FIGURES_B, [("lea", "ben", 0.85), ("tom", "chloe", 0.35, "locked")],
                           weights={"topics": 1, "format": 1, "weekdays": 1, "career_gap": 1}, threshold=0.4)
    _finished_run(db, club, FIGURES_A, [])  # the latest: the default second run
    db.commit()

    response = board_client.get(url(club, f"/compare?a={first.id}&b={second.id}"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert figure_row(html, "pairs") == ["Pairs", "1", "2", "+1 better"]
    assert figure_row(html, "share_matched") == ["Share of possible pairs formed", "50%", "100%", "+50% better"]
    assert figure_row(html, "lowest_score") == ["Lowest score", "42.0", "35.0", "-7.0 worse"]
    assert figure_row(html, "unmatched_mentees") == ["Mentees without a mentor", "1", "0", "-1 better"]
    assert figure_row(html, "below_threshold") == ["Pairs below the threshold", "1", "1", "±0"]
    assert figure_row(html, "locked_pairs") == ["Locked pairs", "0", "1", "+1"]
    assert 'class="compare-row--worse"' in html and 'class="compare-row--better"' in html
    page = text_of(html)
    assert "The two runs share 1 pair." in page  # Lea and Ben in both
    # The parameters of each: default shares against equal ones.
    parameters = text_of(re.search(r'<table[^>]*id="parameters".*?</table>', html, re.S).group(0))
    assert "Topics 40% 25%" in parameters and "Threshold 50% 40%" in parameters
    # The distribution: first run one pair in 40-50; second one in 30-40 and one in 80-90 (scores out of 100).
    charts = re.findall(r'<ul class="bar-chart score-chart".*?</ul>', html, re.S)
    assert len(charts) == 2
    assert re.findall(r'<span class="bar__label">([^<]*)</span>', charts[0])[4] == "40–50"
    counts = [[int(v) for v in re.findall(r'<span class="bar__value">(\d+)', chart)] for chart in charts]
    assert counts == [[0, 0, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0, 1, 0]]


def test_the_comparison_defaults_to_the_latest_two_runs(board_client, db, club):
    _finished_run(db, club, FIGURES_A, [])
    second = _finished_run(db, club, FIGURES_A, [("lea", "ben", 0.42)])
    make_matching_run(db, club["cohort"], status="failed")
    third = _finished_run(db, club, FIGURES_B, [("lea", "ben", 0.85), ("tom", "chloe", 0.35)])
    db.commit()
    html = board_client.get(url(club, "/compare")).get_data(as_text=True)
    assert re.search(rf'id="run-a".*?<option value="{second.id}" selected', html, re.S)
    assert re.search(rf'id="run-b".*?<option value="{third.id}" selected', html, re.S)
    assert figure_row(html, "pairs")[1:3] == ["1", "2"]


def test_runs_of_another_cohort_or_unfinished_are_not_found(board_client, db, club):
    mine = _finished_run(db, club, FIGURES_A, [])
    _finished_run(db, club, FIGURES_A, [])
    failed = make_matching_run(db, club["cohort"], status="failed")
    foreign = make_matching_run(db, make_cohort(db, CohortState.MATCHING))
    db.commit()
    assert board_client.get(url(club, f"/compare?a={foreign.id}&b={mine.id}")).status_code == 404
    assert board_client.get(url(club, f"/compare?a={mine.id}&b={foreign.id}")).status_code == 404
    assert board_client.get(url(club, f"/compare?a={failed.id}")).status_code == 404
    assert board_client.get(url(club, "/compare?a=x")).status_code == 404


def test_comparing_needs_two_finished_runs(board_client, db, club):
    _finished_run(db, club, FIGURES_A, [])
    db.commit()
    response = board_client.get(url(club, "/compare"))
    assert response.status_code == 200
    assert "Not enough runs to compare" in text_of(response.get_data(as_text=True))


def test_runs_with_no_recorded_figures_compare_without_error(board_client, db, club):
    make_matching_run(db, club["cohort"])
    make_matching_run(db, club["cohort"], parameters={})
    db.commit()
    html = board_client.get(url(club, "/compare")).get_data(as_text=True)
    # The figures come from the runs' pairs (none); without a recorded threshold, none is below it.
    assert figure_row(html, "pairs")[1:] == ["0", "0", "±0"]
    assert figure_row(html, "below_threshold")[1:] == ["0", "– not recorded", "–"]


# ---------------------------------------------------------------------------------------- languages, queries


@pytest.mark.parametrize("language", ["de", "fr", "it", "en"])
def test_every_page_renders_in_every_language(board_client, db, club, language):
    _finished_run(db, club, FIGURES_A, [("lea", "ben", 0.42)])
    _finished_run(db, club, FIGURES_B, [("lea", "ben", 0.85), ("tom", "chloe", 0.35)])
    with club_scope(db):
        db.add(MatchingSeparation(cohort_id=club["cohort"].id, participation_a_id=club["lea"].id,
                                  participation_b_id=club["chloe"].id, reason="colleagues"))
    db.commit()
    board_client.post("/language", data={"language": language})
    for path in ("/settings", "/rules", "/compare"):
        response = board_client.get(url(club, path))
        assert response.status_code == 200, path
        assert f'<html lang="{language}"' in response.get_data(as_text=True)
    response = board_client.post(url(club, "/settings"), data={"topics": "0", "format": "0", "weekdays": "0",
                                                               "career_gap": "0", "threshold": "x"})
    assert response.status_code == 400


def _grow(db, club, size: int) -> None:
    """`size` more mentors and mentees, a separation and pairs in two runs for each pair of them."""
    cohort = club["cohort"]
    runs = [make_matching_run(db, cohort, figures=FIGURES_A) for _ in range(2)]
    for _ in range(size):
        mentor = make_participation(db, make_user(db, club["alpha"]), cohort, role=MENTOR, status="active")
        mentee = make_participation(db, make_user(db, club["beta"]), cohort, role=MENTEE, status="invited")
        with club_scope(db):
            db.add(MatchingSeparation(cohort_id=cohort.id, participation_a_id=mentor.id,
                                      participation_b_id=mentee.id))
        for run in runs:
            make_pair(db, mentor, mentee, status="proposed", run=run, score=0.6)
    db.commit()


def test_the_pages_read_a_fixed_number_of_queries_whatever_the_cohorts_size(board_client, db, club,
                                                                             count_queries):
    counts = []
    for size in (1, 8):
        _grow(db, club, size)
        counted = []
        for path in ("/settings", "/rules", "/compare"):
            with count_queries() as counter:
                assert board_client.get(url(club, path)).status_code == 200
            counted.append(counter.count)
        counts.append(counted)
    assert counts[0] == counts[1], counts
