"""The anonymity rule of the reports, decided once per figure tree (pure: no Flask, no database).

A figure tree is a `Node` with a count of people and children that partition it (overall -> cohorts ->
organisations; a question's answers: cohort -> organisations, or across cohorts by the question's key). The
decision says, for every node, whether its figures are shown, hidden ("fewer than k answers"), or empty (0
people: "no answers", shown, since nobody can be found in it):

1. primary: a node with 1..k-1 people is hidden;
2. below a HIDDEN node, at least one child with people is hidden (else the hidden node would be the sum of
   its shown children); the smallest is chosen;
3. complementary, among the children of EVERY node (shown or hidden): the hidden ones together are none or at
   least k people, so that a total minus its shown parts never gives a group under k; while not, the
   smallest shown child (with people) is hidden too. A hidden node counts too: a hidden cohort may still be
   derivable together with its hidden siblings (overall minus the shown cohorts), and minus its own shown
   organisations it would give those hidden siblings plus its hidden organisations, a group that may be small.

Rules 2 and 3 are applied top-down, and repeated until nothing changes. Every report (the club's cohort and
across-cohort reports, each organisation's report, their CSV and XLSX) renders from this one decision, so two
reports read together show nothing one of them would not (tests/unit/outcomes/test_suppression*.py checks
with linear algebra that no hidden group of 1..k-1 people can be derived).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Visibility(StrEnum):
    SHOWN = "shown"
    HIDDEN = "hidden"  # "fewer than k answers"
    EMPTY = "empty"    # 0 people: "no answers"


@dataclass(frozen=True)
class Node:
    key: Hashable
    people: int
    children: tuple[Node, ...] = field(default=())

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Decision:
    """Which nodes (by key) are hidden, under the threshold `k`."""

    k: int
    hidden: frozenset[Hashable]
    people: dict[Hashable, int]

    def visibility(self, key: Hashable) -> Visibility:
        if key in self.hidden:
            return Visibility.HIDDEN
        if self.people.get(key, 0) == 0:
            return Visibility.EMPTY
        return Visibility.SHOWN

    def shown(self, key: Hashable) -> bool:
        return self.visibility(key) == Visibility.SHOWN

    def is_hidden(self, key: Hashable) -> bool:
        return key in self.hidden


def decide(root: Node, k: int) -> Decision:
    """The one decision for the tree under threshold `k` (at least 1). Keys must be unique in the tree."""
    if k < 1:
        raise ValueError("the threshold is at least 1")
    nodes = list(root.walk())
    people = {node.key: node.people for node in nodes}
    if len(people) != len(nodes):
        raise ValueError("a figure tree's keys must be unique")
    hidden = {node.key for node in nodes if 0 < node.people < k}
    changed = True
    while changed:
        changed = False
        for node in nodes:  # pre-order: parents before their children
            with_people = [child for child in node.children if child.people > 0]
            if not with_people:
                continue
            if node.key in hidden and not any(child.key in hidden for child in with_people):
                hidden.add(min(with_people, key=_order).key)
                changed = True
            while True:
                total = sum(child.people for child in with_people if child.key in hidden)
                if total == 0 or total >= k:
                    break
                shown = [child for child in with_people if child.key not in hidden]
                if not shown:
                    break
                hidden.add(min(shown, key=_order).key)
                changed = True
    return Decision(k=k, hidden=frozenset(hidden), people=people)


def _order(node: Node) -> tuple[int, str]:
    return node.people, repr(node.key)
