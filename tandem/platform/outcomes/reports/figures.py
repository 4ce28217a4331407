"""The reports' figures: the club's counts (queries.py) arranged in figure trees, the anonymity rule decided
once over all of them (suppression.py), and the sections every report renders from (page, CSV and XLSX alike).

Trees (keys are tuples, unique across trees; one merged decision):
- check-ins: ("ci",) -> ("ci", cohort) -> ("ci", cohort, organisation); people = distinct participations
  that checked in, by the participant's organisation;
- a default question (with a key): ("q", survey kind, key) -> (..., cohort) -> (..., cohort, organisation),
  so that the across-cohort report and each cohort's reports share one decision;
- a board's own question: ("qid", id) -> ("qid", id, organisation);
- learnings: ("learn", cohort) -> ("learn", cohort, organisation), people = mentees who answered the final
  survey.

Facts the board already sees per pair (people, pairs, meetings, goals, outcomes, response rates) are shown as
they are; figures from answers (check-ins, survey results, shared texts, learnings) obey the decision.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from tandem.platform.outcomes.models import QuestionKind, SurveyKind, SurveyQuestion
from tandem.platform.outcomes.reports.queries import ClubCounts
from tandem.platform.outcomes.reports.suppression import Decision, Node, Visibility, decide

Cell = int | float | str | None


@dataclass
class Bar:
    label: str
    value: float | None  # None: hidden or empty (the text says which)
    text: str


@dataclass
class Chart:
    title: str
    description: str
    bars: list[Bar]


@dataclass
class Section:
    """One part of a report: a table (a sheet of the XLSX, a block of the CSV), a chart, shared texts."""

    id: str
    title: str
    header: list[str]
    rows: list[list[Cell]]
    chart: Chart | None = None
    texts: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Figure:
    visibility: Visibility
    people: int
    average: float | None
    counts: list[int]


def fewer_than(k: int) -> str:
    return _("fewer than %(num)d answers", num=k)


def no_answers() -> str:
    return _("no answers")


@dataclass
class ClubFigures:
    counts: ClubCounts
    k: int
    language: str
    decision: Decision
    figures: dict[Hashable, Figure]
    question_nodes: dict[int, tuple[Any, ...]]  # question id -> its cohort-level node key

    # ---------------------------------------------------------------- helpers

    def cell(self, key: Hashable, value: Cell) -> Cell:
        """A figure's value as shown: the value, or the words for hidden and empty."""
        visibility = self.decision.visibility(key)
        if visibility == Visibility.HIDDEN:
            return fewer_than(self.k)
        if visibility == Visibility.EMPTY:
            return no_answers()
        return value

    def organisation_name(self, organisation_id: int | None) -> str:
        if organisation_id is None:
            return _("No longer a member")
        return self.counts.organisations.get(organisation_id, "?")

    def cohort_organisations(self, cohort_id: int) -> list[int | None]:
        ids = {org for (c, org, _role) in self.counts.people if c == cohort_id}
        return sorted(ids, key=lambda org: (org is None, self.organisation_name(org).lower()))

    def people(self, cohort_id: int, organisation_id: Any = ..., role: str | None = None) -> int:
        return sum(n for (c, org, r), n in self.counts.people.items()
                   if c == cohort_id and (organisation_id is ... or org == organisation_id)
                   and (role is None or r == role))

    def pair_facts(self, cohort_id: int, organisation_id: Any = ...) -> tuple[int, int, int, int, int]:
        """Pairs (with a person of the organisation), completed, ended early, goals set, goals done."""
        def includes(mentor_org: Any, mentee_org: Any) -> bool:
            return organisation_id is ... or organisation_id in (mentor_org, mentee_org)
        pairs = [v for (c, a, b), v in self.counts.pairs.items() if c == cohort_id and includes(a, b)]
        goals = [v for (c, a, b), v in self.counts.goals.items() if c == cohort_id and includes(a, b)]
        return (sum(v[0] for v in pairs), sum(v[1] for v in pairs), sum(v[2] for v in pairs),
                sum(v[0] for v in goals), sum(v[1] for v in goals))

    def meetings_by_month(self, cohort_id: int, organisation_id: Any = ...) -> dict[str, int]:
        months: dict[str, int] = defaultdict(int)
        for (c, a, b, month), n in self.counts.meetings.items():
            if c == cohort_id and (organisation_id is ... or organisation_id in (a, b)):
                months[month] += n
        return dict(sorted(months.items()))

    def cohort_surveys(self, cohort_id: int) -> list[Any]:
        return [s for s in self.counts.surveys if s.cohort_id == cohort_id]

    def invitations(self, survey_id: int, organisation_id: Any = ...) -> tuple[int, int]:
        rows = [v for (s, org), v in self.counts.invitations.items()
                if s == survey_id and (organisation_id is ... or org == organisation_id)]
        return sum(v[0] for v in rows), sum(v[1] for v in rows)

    def questions_of(self, cohort_id: int) -> list[tuple[Any, SurveyQuestion]]:
        surveys = {s.id: s for s in self.cohort_surveys(cohort_id)}
        return [(surveys[q.survey_id], q) for q in self.counts.questions if q.survey_id in surveys]

    def question_org_key(self, question_id: int, organisation_id: int | None) -> Hashable:
        return (*self.question_nodes[question_id], organisation_id)

    def labels(self, question: SurveyQuestion) -> list[str]:
        if question.kind == QuestionKind.SCALE and question.scale_min is not None and question.scale_max is not None:
            values = [str(v) for v in range(question.scale_min, question.scale_max + 1)]
            ends = question.end_labels(self.language)
            if len(ends) == 2 and values:
                values[0] = f"{values[0]} ({ends[0]})"
                values[-1] = f"{values[-1]} ({ends[1]})"
            return values
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            return question.option_texts(self.language)
        return []


def _scale_figure(values: dict[int, int], question: SurveyQuestion | None, low: int, high: int) -> Figure:
    people = sum(values.values())
    total = sum(v * n for v, n in values.items())
    counts = [values.get(v, 0) for v in range(low, high + 1)]
    return Figure(Visibility.SHOWN, people, round(total / people, 2) if people else None, counts)


def _choice_counts(sets: dict[str, int], options: int) -> tuple[int, list[int]]:
    people, counts = 0, [0] * options
    for text, n in sets.items():
        people += n
        try:
            chosen = json.loads(text)
        except ValueError:
            continue
        for position in chosen if isinstance(chosen, list) else []:
            if isinstance(position, int) and 0 <= position < options:
                counts[position] += n
    return people, counts


def build(counts: ClubCounts, k: int, language: str) -> ClubFigures:
    """Arrange the counts in trees, decide once, and keep each node's figure."""
    trees: list[Node] = []
    figures: dict[Hashable, Figure] = {}

    # Check-ins: usefulness 1..4.
    values: dict[tuple[int, int | None], dict[int, int]] = defaultdict(dict)
    for (c, org, value), n in counts.check_in_values.items():
        values[(c, org)][value] = n
    cohort_nodes = []
    all_values: dict[int, int] = defaultdict(int)
    all_people = 0
    for cohort in counts.cohorts:
        org_nodes = []
        cohort_values: dict[int, int] = defaultdict(int)
        cohort_people = 0
        for (c, org), people in counts.check_in_people.items():
            if c != cohort.id:
                continue
            figure = _scale_figure(values[(c, org)], None, 1, 4)
            figure.people = people
            figures[("ci", c, org)] = figure
            org_nodes.append(Node(("ci", c, org), people))
            cohort_people += people
            for v, n in values[(c, org)].items():
                cohort_values[v] += n
        figure = _scale_figure(cohort_values, None, 1, 4)
        figure.people = cohort_people
        figures[("ci", cohort.id)] = figure
        cohort_nodes.append(Node(("ci", cohort.id), cohort_people, tuple(org_nodes)))
        all_people += cohort_people
        for v, n in cohort_values.items():
            all_values[v] += n
    figure = _scale_figure(all_values, None, 1, 4)
    figure.people = all_people
    figures[("ci",)] = figure
    trees.append(Node(("ci",), all_people, tuple(cohort_nodes)))

    # Survey questions.
    survey_of = {s.id: s for s in counts.surveys}
    cohort_ids = {cohort.id for cohort in counts.cohorts}
    question_nodes: dict[int, tuple[Any, ...]] = {}
    by_org: dict[int, dict[int | None, Figure]] = {}
    for question in counts.questions:
        survey = survey_of.get(question.survey_id)
        if survey is None or survey.cohort_id not in cohort_ids:
            continue
        organisations: dict[int | None, Figure] = {}
        if question.kind == QuestionKind.SCALE and question.scale_min is not None and question.scale_max is not None:
            grouped: dict[int | None, dict[int, int]] = defaultdict(dict)
            for (q, org, value), n in counts.scale_values.items():
                if q == question.id:
                    grouped[org][value] = n
            for org, vals in grouped.items():
                organisations[org] = _scale_figure(vals, question, question.scale_min, question.scale_max)
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            sets: dict[int | None, dict[str, int]] = defaultdict(dict)
            for (q, org, text), n in counts.choice_sets.items():
                if q == question.id:
                    sets[org][text] = n
            for org, chosen in sets.items():
                people, option_counts = _choice_counts(chosen, len(question.options or []))
                organisations[org] = Figure(Visibility.SHOWN, people, None, option_counts)
        else:
            for (q, org), n in counts.text_people.items():
                if q == question.id:
                    organisations[org] = Figure(Visibility.SHOWN, n, None, [])
        by_org[question.id] = organisations
        question_nodes[question.id] = (("q", survey.kind, question.key, survey.cohort_id) if question.key
                                       else ("qid", question.id))

    def total(figs: list[Figure]) -> Figure:
        people = sum(f.people for f in figs)
        width = max((len(f.counts) for f in figs), default=0)
        counts_ = [sum(f.counts[i] for f in figs if i < len(f.counts)) for i in range(width)]
        weighted = [f.average * f.people for f in figs if f.average is not None]
        average = round(sum(weighted) / people, 2) if weighted and people else None
        return Figure(Visibility.SHOWN, people, average, counts_)

    keyed: dict[tuple[str, str], list[SurveyQuestion]] = defaultdict(list)
    for question in counts.questions:
        if question.id not in question_nodes:
            continue
        survey = survey_of[question.survey_id]
        base = question_nodes[question.id]
        question_orgs = []
        for org, figure in by_org[question.id].items():
            figures[(*base, org)] = figure
            question_orgs.append(Node((*base, org), figure.people))
        figures[base] = total(list(by_org[question.id].values()))
        node = Node(base, figures[base].people, tuple(question_orgs))
        if question.key:
            keyed[(survey.kind, question.key)].append(question)
        else:
            trees.append(node)
    for (kind, question_key), questions in keyed.items():
        children = []
        for question in questions:
            base = question_nodes[question.id]
            children.append(Node(base, figures[base].people, tuple(
                Node((*base, org), figure.people) for org, figure in by_org[question.id].items())))
        root = ("q", kind, question_key)
        scale_like = [figures[question_nodes[q.id]] for q in questions]
        figures[root] = total(scale_like) if len({len(f.counts) for f in scale_like}) <= 1 else Figure(
            Visibility.SHOWN, sum(f.people for f in scale_like), None, [])
        trees.append(Node(root, figures[root].people, tuple(children)))

    # Learnings: mentees who answered the final survey.
    finals = {s.id: s.cohort_id for s in counts.surveys if s.kind == SurveyKind.FINAL}
    for cohort in counts.cohorts:
        learners = tuple(Node(("learn", cohort.id, org), n) for (survey_id, org, role), n in counts.responses.items()
                         if finals.get(survey_id) == cohort.id and role == "mentee")
        trees.append(Node(("learn", cohort.id), sum(node.people for node in learners), learners))

    hidden: set[Hashable] = set()
    everyone: dict[Hashable, int] = {}
    for tree in trees:
        decision = decide(tree, k)
        hidden |= decision.hidden
        everyone.update(decision.people)
    merged = Decision(k=k, hidden=frozenset(hidden), people=everyone)
    for key, figure in figures.items():
        figure.visibility = merged.visibility(key)
    return ClubFigures(counts=counts, k=k, language=language, decision=merged, figures=figures,
                       question_nodes=question_nodes)
