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


def test_reopening_nominations_and_unpublishing_the_showcase_are_the_steps_back():
    backward = [t for t in TRANSITIONS if not t.primary]
    assert [(t.name, t.source, t.target) for t in backward] == [
        ("reopen_nominations", CohortState.MATCHING, CohortState.NOMINATIONS_OPEN),
        ("unpublish_showcase", CohortState.SHOWCASE_PUBLISHED, CohortState.CLOSING)]


@pytest.mark.parametrize(("state", "names"), [
    (CohortState.DRAFT, ["open_nominations"]),
    (CohortState.NOMINATIONS_OPEN, ["close_nominations"]),
    (CohortState.MATCHING, ["start_programme", "reopen_nominations"]),
    (CohortState.RUNNING, ["begin_closing"]),
    (CohortState.CLOSING, ["publish_showcase"]),
    (CohortState.SHOWCASE_PUBLISHED, ["archive", "unpublish_showcase"]),
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


# ------------------------------------------------------------------- the programme calendar's guards


def test_starting_needs_a_published_kickoff_in_the_programme():
    facts = CohortFacts(state=CohortState.MATCHING, active_pairs=3, kickoff_event=None)
    assert texts(problems_for("start_programme", facts, TODAY)) == [
        "Create and publish the kick-off in the programme: the people are invited to it there."]
    assert texts(problems_for("start_programme", replace(facts, kickoff_event="draft"), TODAY)) == [
        "Publish the kick-off in the programme: it is still a draft, and nobody is invited yet."]
    assert problems_for("start_programme", replace(facts, kickoff_event="published"), TODAY) == []
    # The pairs come first: without them, the kick-off is not mentioned yet.
    assert texts(problems_for("start_programme", replace(facts, active_pairs=0), TODAY)) == [
        "Publish the pairs first: the cohort has no active pair yet."]


def test_closing_begins_without_a_reason_from_seven_days_before_the_closing_date():
    running = CohortFacts(state=CohortState.RUNNING, closing_on=date(2026, 5, 11))  # TODAY + 7 days
    assert problems_for("begin_closing", running, TODAY) == []
    (option,) = options_for(running, TODAY)
    assert option.allowed and option.confirm and option.reason_needed is None

    early = replace(running, closing_on=date(2026, 5, 12))  # TODAY + 8 days
    (option,) = options_for(early, TODAY)
    assert option.allowed and str(option.reason_needed) == (
        "Closing begins on 2026-05-05, 7 days before the closing date: give a reason to begin earlier.")
    assert texts(problems_for("begin_closing", early, TODAY)) == [str(option.reason_needed)]
    assert texts(problems_for("begin_closing", early, TODAY, reason="   ")) == [str(option.reason_needed)]
    assert problems_for("begin_closing", early, TODAY, reason="The sponsor ends the programme early.") == []
    assert texts(problems_for("begin_closing", early, TODAY, reason="x" * 501)) == [
        "The reason may have at most 500 characters."]
    assert problems_for("begin_closing", early, TODAY, reason="x" * 500) == []


def test_closing_without_a_closing_date_needs_a_reason():
    facts = CohortFacts(state=CohortState.RUNNING, closing_on=None)
    assert texts(problems_for("begin_closing", facts, TODAY)) == [
        "The cohort has no closing date: give a reason to begin closing."]
    assert problems_for("begin_closing", facts, TODAY, reason="No date was ever set.") == []


@pytest.mark.parametrize(("facts", "confirmed"), [
    (READY_DRAFT, {"open_nominations": False}),
    (CohortFacts(state=CohortState.NOMINATIONS_OPEN), {"close_nominations": False}),
    (CohortFacts(state=CohortState.NOMINATIONS_OPEN, unanswered_invitations=2), {"close_nominations": True}),
    (CohortFacts(state=CohortState.MATCHING), {"start_programme": True, "reopen_nominations": False}),
    (CohortFacts(state=CohortState.RUNNING), {"begin_closing": True}),
    (CohortFacts(state=CohortState.CLOSING), {"publish_showcase": True}),
    (CohortFacts(state=CohortState.SHOWCASE_PUBLISHED), {"archive": True, "unpublish_showcase": True}),
])
def test_the_steps_that_cannot_be_undone_are_confirmed_first(facts, confirmed):
    assert {o.name: o.confirm for o in options_for(facts, TODAY)} == confirmed


def test_publishing_the_showcase_needs_the_symposium_date_and_a_chosen_ready_story():
    facts = CohortFacts(state=CohortState.CLOSING, symposium_on=date(2027, 9, 10), publishable_stories=0)
    assert [str(p) for p in problems_for("publish_showcase", facts, TODAY)] == [
        "Choose at least one story for the showcase that both partners confirmed (and their organisations "
        "approved, where they ask to)."]
    facts = CohortFacts(state=CohortState.CLOSING, publishable_stories=2)
    assert [str(p) for p in problems_for("publish_showcase", facts, TODAY)] == [
        "Set the symposium's date: create the symposium in the programme."]
    ready = CohortFacts(state=CohortState.CLOSING, symposium_on=date(2027, 9, 10), publishable_stories=1)
    assert problems_for("publish_showcase", ready, TODAY) == []
