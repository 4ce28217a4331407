"""The cohort lifecycle's pure parts: which steps leave which state, and their preconditions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tandem.platform.cohorts.forms import date_order_problems
from tandem.platform.cohorts.lifecycle import (
    BY_NAME,
    TRANSITIONS,
    CohortFacts,
    TransitionRefused,
    options_for,
    problems_for,
    transitions_from,
)
from tandem.platform.cohorts.models import CohortState

TODAY = date(2026, 5, 4)

READY_DRAFT = CohortFacts(
    state=CohortState.DRAFT,
    nomination_deadline=date(2026, 6, 1),
    kickoff_on=date(2026, 9, 1),
    closing_on=date(2027, 3, 1),
    symposium_on=date(2027, 3, 20),
    languages=("de", "fr"),
    organisations_with_quota=2,
)


def texts(problems) -> list[str]:
    return [str(p) for p in problems]


def test_the_lifecycle_goes_forward_through_every_state_once():
    forward = [t for t in TRANSITIONS if t.primary]
    assert [t.source for t in forward] == list(CohortState)[:-1]
    assert [t.target for t in forward] == list(CohortState)[1:]
    assert {t.name for t in TRANSITIONS} == set(BY_NAME)


def test_reopening_nominations_is_the_one_step_back():
    backward = [t for t in TRANSITIONS if not t.primary]
    assert [(t.name, t.source, t.target) for t in backward] == [
        ("reopen_nominations", CohortState.MATCHING, CohortState.NOMINATIONS_OPEN)]


@pytest.mark.parametrize(("state", "names"), [
    (CohortState.DRAFT, ["open_nominations"]),
    (CohortState.NOMINATIONS_OPEN, ["close_nominations"]),
    (CohortState.MATCHING, ["start_programme", "reopen_nominations"]),
    (CohortState.RUNNING, ["begin_closing"]),
    (CohortState.CLOSING, ["publish_showcase"]),
    (CohortState.SHOWCASE_PUBLISHED, ["archive"]),
    (CohortState.ARCHIVED, []),
])
def test_only_the_steps_from_the_current_state_are_offered(state, names):
    assert [t.name for t in transitions_from(state)] == names
    assert [o.name for o in options_for(CohortFacts(state=state), TODAY)] == names


def test_a_ready_draft_may_open_nominations():
    (option,) = options_for(READY_DRAFT, TODAY)
    assert option.allowed and option.problems == () and option.target == CohortState.NOMINATIONS_OPEN
    assert str(option.label) == "Open nominations"


def test_an_empty_draft_lists_everything_that_is_missing():
    problems = texts(problems_for("open_nominations", CohortFacts(state=CohortState.DRAFT), TODAY))
    assert problems == [
        "Set the nomination deadline.",
        "Set the kick-off date.",
        "Set the closing date.",
        "Set the symposium date.",
        "Give at least two member organisations a quota of mentors or mentees.",
        "Choose at least one language for the meetings.",
    ]


@pytest.mark.parametrize(("change", "problem"), [
    ({"nomination_deadline": TODAY}, "The nomination deadline must be in the future."),
    ({"nomination_deadline": date(2026, 1, 1)}, "The nomination deadline must be in the future."),
    ({"organisations_with_quota": 1}, "Give at least two member organisations a quota of mentors or mentees."),
    ({"languages": ()}, "Choose at least one language for the meetings."),
    ({"symposium_on": None}, "Set the symposium date."),
])
def test_opening_nominations_needs_each_precondition(change, problem):
    assert texts(problems_for("open_nominations", replace(READY_DRAFT, **change), TODAY)) == [problem]


def test_closing_nominations_needs_a_mentor_and_a_mentee_holding_places():
    facts = CohortFacts(state=CohortState.NOMINATIONS_OPEN)
    assert len(problems_for("close_nominations", facts, TODAY)) == 2
    only_mentors = replace(facts, mentors_holding_places=3)
    assert texts(problems_for("close_nominations", only_mentors, TODAY)) == [
        "At least one mentee must hold a place (nominated, invited or taking part)."]
    assert problems_for("close_nominations", replace(only_mentors, mentees_holding_places=1), TODAY) == []


def test_running_needs_an_active_pair():
    facts = CohortFacts(state=CohortState.MATCHING)
    assert texts(problems_for("start_programme", facts, TODAY)) == [
        "Publish the pairs first: the cohort has no active pair yet."]
    assert problems_for("start_programme", replace(facts, active_pairs=1), TODAY) == []


def test_nominations_cannot_reopen_while_matching_runs():
    facts = CohortFacts(state=CohortState.MATCHING, matching_in_progress=True)
    assert len(problems_for("reopen_nominations", facts, TODAY)) == 1
    assert problems_for("reopen_nominations", replace(facts, matching_in_progress=False), TODAY) == []


def test_steps_from_another_state_or_unknown_steps_are_refused():
    assert texts(problems_for("archive", READY_DRAFT, TODAY)) == [
        "This step is not possible from the cohort's current state."]
    assert texts(problems_for("jump", READY_DRAFT, TODAY)) == ["This is not a step of the cohort lifecycle."]


def test_a_refusal_carries_its_problems():
    refused = TransitionRefused(["one", "two"])
    assert refused.problems == ("one", "two") and str(refused) == "one; two"


@pytest.mark.parametrize(("dates", "wrong"), [
    ({"nomination_deadline": date(2027, 1, 1), "kickoff_on": date(2027, 1, 1), "closing_on": date(2027, 6, 1),
      "symposium_on": date(2027, 6, 1)}, {}),
    ({"nomination_deadline": date(2027, 2, 1), "kickoff_on": date(2027, 1, 1)}, {"kickoff_on"}),
    ({"kickoff_on": date(2027, 1, 1), "closing_on": date(2027, 1, 1)}, {"closing_on"}),
    ({"closing_on": date(2027, 6, 1), "symposium_on": date(2027, 5, 31)}, {"symposium_on"}),
    # Missing dates in between: the nearest earlier date counts, strictly across kick-off -> closing.
    ({"nomination_deadline": date(2027, 1, 1), "closing_on": date(2027, 1, 1)}, {"closing_on"}),
    ({"nomination_deadline": date(2027, 1, 1), "symposium_on": date(2027, 1, 1)}, {"symposium_on"}),
    ({"kickoff_on": date(2027, 1, 1), "symposium_on": date(2026, 12, 1)}, {"symposium_on"}),
    ({}, {}),
])
def test_date_order(dates, wrong):
    assert set(date_order_problems(dates)) == set(wrong)
