"""The engine's inputs and outputs: frozen, typed, JSON-friendly values. No Flask, no SQLAlchemy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any

from tandem.platform.matching.vocabulary import CAREER_BANDS, CRITERIA, FORMATS, MENTEE, MENTOR, WEEKDAYS

DEFAULT_THRESHOLD = 0.5
CAPACITIES = (1, 2)  # mentees a mentor may take: 1, or 2 where the board allows (as the database allows)


class MatchingError(ValueError):
    """The input cannot be matched as given (a locked pair breaks a rule, an id is repeated, ...).

    `code` and `params` name the problem for a translated message; `str(error)` is English.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Candidate:
    """One participation (a mentor or a mentee) with what the engine weighs.

    `id` is the participation id; `person_key` identifies the person across cohorts (the user id) and is
    what earlier pairs refer to. `topics` maps a topic id to its rank (1-3) or None: for a mentee the topics
    wanted, for a mentor those offered. `capacity` is how many mentees a mentor may take (1, or 2 where the
    board allows); mentees always take one mentor.
    """

    id: int
    person_key: int
    organisation_id: int
    languages: frozenset[str] = frozenset()
    topics: Mapping[int, int | None] = field(default_factory=dict, hash=False)
    format: str | None = None
    city: str | None = None
    weekdays: frozenset[str] = frozenset()
    career_band: str | None = None
    capacity: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", frozenset(self.languages))
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "topics", MappingProxyType(dict(self.topics)))
        if self.format is not None and self.format not in FORMATS:
            raise MatchingError("invalid_format", f"candidate {self.id}: unknown format {self.format!r}",
                                id=self.id, value=self.format)
        if self.career_band is not None and self.career_band not in CAREER_BANDS:
            raise MatchingError("invalid_career_band", f"candidate {self.id}: unknown career band "
                                f"{self.career_band!r}", id=self.id, value=self.career_band)
        unknown_days = self.weekdays - set(WEEKDAYS)
        if unknown_days:
            raise MatchingError("invalid_weekdays", f"candidate {self.id}: unknown weekdays {sorted(unknown_days)}",
                                id=self.id, value=sorted(unknown_days))
        ranks = [rank for rank in self.topics.values() if rank is not None]
        if any(rank not in (1, 2, 3) for rank in ranks) or len(ranks) != len(set(ranks)):
            raise MatchingError("invalid_topic_ranks", f"candidate {self.id}: topic ranks must be 1, 2, 3, "
                                "each at most once", id=self.id)
        if not isinstance(self.capacity, int) or isinstance(self.capacity, bool) or self.capacity not in CAPACITIES:
            raise MatchingError("invalid_capacity", f"candidate {self.id}: capacity must be 1 or 2",
                                id=self.id, value=self.capacity)


@dataclass(frozen=True)
class Rules:
    """The hard rules besides "different organisations" and "a shared language", which always hold.

    - `excluded_organisation_pairs`: organisations whose people are never paired, each as {a, b}.
    - `earlier_pairs`: (mentor person key, mentee person key) of earlier cohorts. The same two people are
      never paired again, in either role.
    - `locked`: (mentor id, mentee id) pairs the board has fixed; they are kept as they are.
    - `never_together`: {candidate id, candidate id} the board keeps apart.
    """

    excluded_organisation_pairs: frozenset[frozenset[int]] = frozenset()
    earlier_pairs: frozenset[tuple[int, int]] = frozenset()
    locked: tuple[tuple[int, int], ...] = ()
    never_together: frozenset[frozenset[int]] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "excluded_organisation_pairs",
                           frozenset(frozenset(pair) for pair in self.excluded_organisation_pairs))
        object.__setattr__(self, "earlier_pairs", frozenset(tuple(pair) for pair in self.earlier_pairs))
        object.__setattr__(self, "locked", tuple(sorted(tuple(pair) for pair in self.locked)))
        object.__setattr__(self, "never_together", frozenset(frozenset(pair) for pair in self.never_together))
        for pair in self.excluded_organisation_pairs:
            if len(pair) != 2:
                raise MatchingError("invalid_exclusion", "an excluded organisation pair needs two organisations")
        for pair in self.never_together:
            if len(pair) != 2:
                raise MatchingError("invalid_never_together", "a never-together pair needs two candidates")


@dataclass(frozen=True)
class Weights:
    """How much each weighed criterion counts; the score is their weighted mean, in [0, 1]."""

    topics: float = 0.4
    format: float = 0.25
    weekdays: float = 0.15
    career_gap: float = 0.2

    def __post_init__(self) -> None:
        values = self.as_tuple()
        if any(value < 0 for value in values) or sum(values) <= 0:
            raise MatchingError("invalid_weights", "weights must be non-negative and not all zero")

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.topics, self.format, self.weekdays, self.career_gap)

    def normalised(self) -> dict[str, float]:
        total = sum(self.as_tuple())
        return {name: value / total for name, value in zip(CRITERIA, self.as_tuple(), strict=True)}


@dataclass(frozen=True)
class Criterion:
    """One weighed criterion of a pair: its value in [0, 1], its share of the score, and why.

    `code` and `params` are the structured explanation (ids and facts, no words), rendered by
    `explain_en` or by a translated template.
    """

    name: str
    value: float
    weight: float
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ProposedPair:
    mentor_id: int
    mentee_id: int
    score: float
    locked: bool
    criteria: tuple[Criterion, ...]

    def criterion(self, name: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.name == name:
                return criterion
        raise KeyError(name)

    def explanation(self) -> dict[str, Any]:
        """JSON for `Pair.explanation`: per criterion its value, weight, code and parameters."""
        return {c.name: {"value": c.value, "weight": c.weight, "code": c.code, "params": dict(c.params)}
                for c in self.criteria}


def stored_criteria(explanation: Any) -> dict[str, Mapping[str, Any]]:
    """A pair's stored explanation (`ProposedPair.explanation()`) by criterion. Anything else (None, or the
    free-text format of data written before the engine) gives no criteria rather than an error."""
    if not isinstance(explanation, Mapping):
        return {}
    return {name: part for name, part in explanation.items() if isinstance(part, Mapping)}


def explanation_topic_ids(explanation: Any, which: str = "wanted") -> set[int]:
    """The topic ids a stored explanation names: the mentee's `wanted` topics, or the `shared` ones."""
    params = stored_criteria(explanation).get("topics", {}).get("params") or {}
    return {int(item[0]) for item in params.get(which) or () if isinstance(item, (list, tuple)) and item}


@dataclass(frozen=True)
class Unmatched:
    """A person left without a partner (a mentor: with no mentee at all), and why.

    Codes, checked in this order against everyone on the other side:
    `nobody_on_other_side`, `only_same_organisation`, `no_languages`, `no_shared_language`,
    `excluded_organisations`, `earlier_pairs`, `never_together` (every remaining candidate is ruled out by
    that rule), `compatible_partners_locked` (compatible partners exist but locked pairs fill them all),
    `mostly_same_organisation` (compatible partners exist and are paired with others, and at least 90% of the
    other side is from the person's own organisation; params `compatible`, `same_organisation`,
    `candidates`), `all_compatible_taken` (compatible partners exist but an assignment matching as many
    people as possible gives them to others).
    """

    id: int
    role: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        assert self.role in (MENTOR, MENTEE)


@dataclass(frozen=True)
class Figures:
    """Quality figures of a result.

    `possible_pairs` is min(mentees, mentor places): the number of pairs if nothing stood in the way;
    `share_matched` is pairs / possible_pairs (1.0 when nobody could be paired). `share_people_matched` is
    the share of all people (mentors and mentees) with at least one partner. Scores cover all pairs,
    locked ones included; `below_threshold` counts pairs whose score is under `threshold`.
    """

    mentors: int
    mentees: int
    mentor_places: int
    possible_pairs: int
    pairs: int
    locked_pairs: int
    share_matched: float
    share_people_matched: float
    unmatched_mentors: int
    unmatched_mentees: int
    lowest_score: float | None
    mean_score: float | None
    total_score: float
    threshold: float
    below_threshold: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Certificate:
    """The proof that the pairs the solver chose (locked pairs aside) are the lexicographic optimum.

    `pairs` (k) is the largest number of pairs and `level` (t, in 1/SCALE) the highest lowest score of k
    pairs, both checked on the whole graph of allowed pairs. `total` (in 1/SCALE) is the chosen pairs' sum;
    the dual prices that prove no k pairs at or above t have a larger total were checked against every
    pair of the whole score matrix: `largest_violation` is 0 and `duality_gap` (prices minus the
    assignment's worth) is 0. `pricing_rounds` counts the passes over the whole matrix, `added_pairs` the
    pairs those passes added to the candidates, `candidate_pairs` the pairs (per mentor place) step 3
    finally ran on; `exact` is True when every allowed pair was a candidate from the start.
    """

    exact: bool = True
    pairs: int = 0
    level: int | None = None
    total: int = 0
    pricing_rounds: int = 0
    added_pairs: int = 0
    candidate_pairs: int = 0
    largest_violation: int = 0
    duality_gap: int = 0

    @property
    def proven(self) -> bool:
        return self.largest_violation == 0 and self.duality_gap == 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MatchResult:
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[Unmatched, ...]
    figures: Figures
    certificate: Certificate = field(default_factory=Certificate)
