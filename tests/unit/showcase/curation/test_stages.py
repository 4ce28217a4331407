"""Where a story stands (`queries.stage_of`) and whether the board reads it, from its readiness facts alone."""

from __future__ import annotations

import pytest

from tandem.platform.showcase.curation.queries import StoryStage, readable_by_board, stage_of
from tandem.platform.showcase.readiness import Review, StoryState

ALPHA, BETA = 1, 2


def state(version=2, mentor=2, mentee=2, approving=(), reviews=()) -> StoryState:
    return StoryState(story_id=7, version=version, mentor_confirmed_version=mentor, mentee_confirmed_version=mentee,
                      approving_organisations=frozenset(approving), reviews=tuple(reviews))


@pytest.mark.parametrize(("facts", "stage"), [
    (None, StoryStage.NOT_STARTED),
    (state(mentor=None, mentee=None), StoryStage.DRAFT),
    (state(mentor=1, mentee=1), StoryStage.DRAFT),  # both confirmed an earlier version only
    (state(mentor=2, mentee=1), StoryStage.WAITING_FOR_PARTNER),
    (state(mentor=None, mentee=2), StoryStage.WAITING_FOR_PARTNER),
    (state(), StoryStage.READY),
    (state(approving=[ALPHA]), StoryStage.AWAITING_APPROVAL),
    (state(approving=[ALPHA], reviews=[Review(ALPHA, 1, "approved")]), StoryStage.AWAITING_APPROVAL),
    (state(approving=[ALPHA], reviews=[Review(ALPHA, 2, "approved")]), StoryStage.READY),
    (state(approving=[ALPHA, BETA], reviews=[Review(ALPHA, 2, "approved")]), StoryStage.AWAITING_APPROVAL),
    (state(approving=[ALPHA, BETA], reviews=[Review(ALPHA, 2, "approved"), Review(BETA, 2, "sent_back")]),
     StoryStage.SENT_BACK),
    (state(approving=[ALPHA], reviews=[Review(ALPHA, 1, "sent_back")]), StoryStage.AWAITING_APPROVAL),
    (state(mentor=None, approving=[ALPHA], reviews=[Review(ALPHA, 2, "sent_back")]),
     StoryStage.WAITING_FOR_PARTNER),
])
def test_the_stage_of_a_story(facts, stage):
    assert stage_of(facts) == stage


def test_the_board_reads_a_story_once_both_confirmed_it_or_it_is_chosen():
    assert not readable_by_board(None, chosen=True)
    assert not readable_by_board(state(mentor=1), chosen=False)
    assert readable_by_board(state(mentor=1), chosen=True)
    assert readable_by_board(state(approving=[ALPHA]), chosen=False)
