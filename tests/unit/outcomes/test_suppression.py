"""The anonymity rule (reports/suppression.py): for random trees (overall -> cohorts -> organisations) and
thresholds 3..7, no group of 1..k-1 people can be derived from the shown figures, in one report or two
reports read together.

"Derived" is checked with linear algebra: the unknowns are the hidden nodes' people; the constraints are
parent = sum(children) with the shown values put in; a hidden node (or a sum of hidden siblings) is determined
when its row lies in the span of the constraints (numpy's matrix_rank does not grow when it is added).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.platform.outcomes.reports.suppression import Decision, Node, Visibility, decide

counts = st.integers(min_value=0, max_value=14)
cohort_shapes = st.lists(st.lists(counts, min_size=1, max_size=5), min_size=1, max_size=4)


def build(shape: list[list[int]]) -> Node:
    cohorts = []
    for c, organisations in enumerate(shape):
        leaves = tuple(Node(("org", c, o), people) for o, people in enumerate(organisations))
        cohorts.append(Node(("cohort", c), sum(leaf.people for leaf in leaves), leaves))
    return Node("overall", sum(cohort.people for cohort in cohorts), tuple(cohorts))


def determined(root: Node, known: set[Hashable], target: set[Hashable]) -> bool:
    """Whether the sum of the target nodes' people follows from the known nodes and parent = sum(children)."""
    unknown = [node.key for node in root.walk() if node.key not in known]
    index = {key: i for i, key in enumerate(unknown)}
    rows = []
    for node in root.walk():
        if not node.children:
            continue
        row = np.zeros(len(unknown))
        if node.key in index:
            row[index[node.key]] += 1
        for child in node.children:
            if child.key in index:
                row[index[child.key]] -= 1
        if row.any():
            rows.append(row)
    wanted = np.zeros(len(unknown))
    for key in target:
        wanted[index[key]] = 1
    if not rows:
        return False
    matrix = np.array(rows)
    return bool(np.linalg.matrix_rank(np.vstack([matrix, wanted])) == np.linalg.matrix_rank(matrix))


def assert_nothing_small_derivable(root: Node, decision: Decision, known: set[Hashable]) -> None:
    k = decision.k
    people = {node.key: node.people for node in root.walk()}
    for node in root.walk():
        if node.key not in known and 0 < node.people < k:
            assert not determined(root, known, {node.key}), ("derivable node", node.key, node.people)
        siblings = [child.key for child in node.children if child.key not in known]
        for size in range(1, min(len(siblings), 5) + 1):
            for group in itertools.combinations(siblings, size):
                total = sum(people[key] for key in group)
                if 0 < total < k:
                    assert not determined(root, known, set(group)), ("derivable group", group, total)
    # Groups across levels: any two or three hidden nodes none of which contains another (a hidden cohort with
    # a hidden organisation of another cohort, ...), whose people together are fewer than k.
    ancestors = {node.key: set() for node in root.walk()}
    for node in root.walk():
        for child in node.children:
            for below in child.walk():
                ancestors[below.key].add(node.key)
    unknown = [key for key in people if key not in known and people[key] > 0]
    for size in (2, 3):
        for group in itertools.combinations(unknown, size):
            if any(a in ancestors[b] or b in ancestors[a] for a, b in itertools.combinations(group, 2)):
                continue
            total = sum(people[key] for key in group)
            if 0 < total < k:
                assert not determined(root, known, set(group)), ("derivable group across levels", group, total)


def shown_keys(decision: Decision, keys: list[Hashable]) -> set[Hashable]:
    return {key for key in keys if not decision.is_hidden(key)}


@settings(max_examples=300, deadline=None)
@given(cohort_shapes, st.integers(min_value=3, max_value=7))
def test_no_group_under_k_is_derivable_from_the_club_report(shape, k):
    root = build(shape)
    decision = decide(root, k)
    every = [node.key for node in root.walk()]
    for node in root.walk():
        if 0 < node.people < k:
            assert decision.visibility(node.key) == Visibility.HIDDEN
        if node.people == 0:
            assert decision.visibility(node.key) == Visibility.EMPTY
    assert_nothing_small_derivable(root, decision, shown_keys(decision, every))


def organisation_report(decision: Decision, root: Node, cohort: int, organisation: int) -> dict[Hashable, str]:
    """What an organisation's report shows: its own node and the cohort as a whole (and the overall figure)."""
    keys = [("org", cohort, organisation), ("cohort", cohort), "overall"]
    return {key: decision.visibility(key) for key in keys if key in decision.people}


@settings(max_examples=300, deadline=None)
@given(cohort_shapes, st.integers(min_value=3, max_value=7), st.data())
def test_two_reports_together_reveal_no_group_under_k(shape, k, data):
    root = build(shape)
    decision = decide(root, k)
    club = {node.key: decision.visibility(node.key) for node in root.walk()}
    cohort = data.draw(st.integers(min_value=0, max_value=len(shape) - 1))
    first = data.draw(st.integers(min_value=0, max_value=len(shape[cohort]) - 1))
    other_cohort = data.draw(st.integers(min_value=0, max_value=len(shape) - 1))
    second = data.draw(st.integers(min_value=0, max_value=len(shape[other_cohort]) - 1))
    one = organisation_report(decision, root, cohort, first)
    two = organisation_report(decision, root, other_cohort, second)
    # Every report renders from the same decision: what one shows, the club's shows alike.
    for report in (one, two):
        for key, visibility in report.items():
            assert club[key] == visibility
    # An organisation's report alone, two organisations' reports together, and one with the club's report.
    for known in ({k_ for k_, v in one.items() if v != Visibility.HIDDEN},
                  {k_ for k_, v in {**one, **two}.items() if v != Visibility.HIDDEN},
                  {k_ for k_, v in {**one, **club}.items() if v != Visibility.HIDDEN}):
        assert_nothing_small_derivable(root, decision, known)


def test_the_smallest_shown_sibling_is_hidden_beside_a_small_group():
    root = build([[2, 9, 6, 30]])
    decision = decide(root, 5)
    assert decision.is_hidden(("org", 0, 0))
    assert decision.is_hidden(("org", 0, 2))  # 2 + 6 >= 5: the smallest shown sibling was enough
    assert not decision.is_hidden(("org", 0, 1))
    assert not decision.is_hidden(("org", 0, 3))


def test_a_hidden_cohort_hides_one_of_its_organisations():
    # cohort 1 has 3 people (hidden); cohort 0 is hidden beside it; cohort 0's organisations are all shown
    # otherwise, so the smallest of them is hidden, else cohort 0 (and with it cohort 1) would be their sum.
    root = build([[10, 20], [3]])
    decision = decide(root, 5)
    assert decision.is_hidden(("cohort", 1)) and decision.is_hidden(("cohort", 0))
    assert decision.is_hidden(("org", 0, 0)) and not decision.is_hidden(("org", 0, 1))
    assert decision.visibility("overall") == Visibility.SHOWN


def test_a_hidden_cohort_keeps_its_hidden_organisations_at_k_or_more():
    # Overall 20: cohort 0 (2 people) is hidden, cohort 1 (6) beside it. Cohort 1's organisations have 1 and 5
    # people: showing the 5 would give cohort 0 and cohort 1's first organisation together (20 - 12 - 5 = 3
    # people), so both of cohort 1's organisations are hidden.
    root = build([[2], [1, 5], [12]])
    decision = decide(root, 5)
    assert decision.is_hidden(("cohort", 0)) and decision.is_hidden(("cohort", 1))
    assert decision.is_hidden(("org", 1, 0)) and decision.is_hidden(("org", 1, 1))
    assert decision.visibility(("cohort", 2)) == Visibility.SHOWN
    assert_nothing_small_derivable(root, decision, shown_keys(decision, [node.key for node in root.walk()]))


def test_nobody_is_empty_not_hidden():
    root = build([[0, 7, 8]])
    decision = decide(root, 5)
    assert decision.visibility(("org", 0, 0)) == Visibility.EMPTY
    assert decision.hidden == frozenset()
