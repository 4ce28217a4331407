"""Hard rules and weighed criteria over the whole mentor x mentee matrix, vectorised with NumPy.

Both sides are encoded once into arrays (sorted by id). Every criterion is written once, elementwise, and
evaluated either over a block of the matrix (`block_scores`) or over a list of pairs (`pair_values`), so
the numbers in an explanation are exactly those the solver saw. Scores are integers of 1/SCALE; a
forbidden pair is -1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tandem.platform.matching.types import Candidate, MatchingError, Rules, Weights
from tandem.platform.matching.vocabulary import (
    CAREER_BANDS,
    FORMATS,
    GAP_VALUES,
    RANK_WEIGHTS,
    SCALE,
    UNKNOWN_VALUE,
    WEEKDAYS,
)

FORBIDDEN = -1
BLOCK_CELLS = 2_000_000  # cells per block when building the matrix: bounds temporary memory

_POPCOUNT = np.array([bin(i).count("1") for i in range(1 << len(WEEKDAYS))], dtype=np.int8)
_GAP = np.array(GAP_VALUES, dtype=np.float64)

# Kinds of pair-level rules (earlier pairs, never together), as found in `Problem.blocked_kind`.
EARLIER_PAIR = 1
NEVER_TOGETHER = 2


@dataclass(frozen=True)
class Side:
    """One side (mentors or mentees) as arrays, in the order of `candidates` (sorted by id)."""

    candidates: tuple[Candidate, ...]
    ids: np.ndarray  # int64
    org: np.ndarray  # int64, index into Problem.organisations
    lang: np.ndarray  # int64 bit mask over Problem.languages
    topics: np.ndarray  # float32 (n, topics): mentee rank weights, or 1.0 for a mentor's offered topics
    topic_total: np.ndarray  # float64 row sums
    fmt: np.ndarray  # int8: index into FORMATS, -1 unknown
    city: np.ndarray  # int32: index into Problem.cities, -1 unknown
    days: np.ndarray  # uint8 bit mask over WEEKDAYS
    band: np.ndarray  # int8: index into CAREER_BANDS, -1 unknown
    capacity: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.candidates)


def normalise_city(city: str | None) -> str | None:
    if city is None:
        return None
    city = " ".join(city.split()).casefold()
    return city or None


@dataclass(frozen=True)
class Problem:
    mentors: Side
    mentees: Side
    weights: np.ndarray  # float64 (4,), normalised
    excluded: np.ndarray  # bool (organisations, organisations)
    organisations: tuple[int, ...]
    topics: tuple[int, ...]
    # pair-level rules, as (mentor index, mentee index, kind)
    blocked_mentor: np.ndarray
    blocked_mentee: np.ndarray
    blocked_kind: np.ndarray

    @classmethod
    def build(cls, mentors: Sequence[Candidate], mentees: Sequence[Candidate], rules: Rules,
              weights: Weights) -> Problem:
        organisations = tuple(sorted({c.organisation_id for c in (*mentors, *mentees)}))
        languages = tuple(sorted({lang for c in (*mentors, *mentees) for lang in c.languages}))
        if len(languages) > 62:
            raise MatchingError("too_many_languages", "at most 62 distinct languages are supported")
        topics = tuple(sorted({t for c in (*mentors, *mentees) for t in c.topics}))
        cities = tuple(sorted({city for c in (*mentors, *mentees) if (city := normalise_city(c.city))}))
        org_index = {org: i for i, org in enumerate(organisations)}
        lang_bit = {lang: 1 << i for i, lang in enumerate(languages)}
        topic_index = {t: i for i, t in enumerate(topics)}
        city_index = {city: i for i, city in enumerate(cities)}

        def side(candidates: Sequence[Candidate], wanted: bool) -> Side:
            n = len(candidates)
            matrix = np.zeros((n, len(topics)), dtype=np.float32)
            for row, c in enumerate(candidates):
                for topic, rank in c.topics.items():
                    matrix[row, topic_index[topic]] = RANK_WEIGHTS[rank] if wanted else 1.0
            return Side(
                candidates=tuple(candidates),
                ids=np.array([c.id for c in candidates], dtype=np.int64),
                org=np.array([org_index[c.organisation_id] for c in candidates], dtype=np.int64),
                lang=np.array([sum(lang_bit[x] for x in c.languages) for c in candidates], dtype=np.int64),
                topics=matrix,
                topic_total=matrix.sum(axis=1, dtype=np.float64),
                fmt=np.array([FORMATS.index(c.format) if c.format else -1 for c in candidates], dtype=np.int8),
                city=np.array([city_index.get(normalise_city(c.city) or "", -1) for c in candidates],
                              dtype=np.int32),
                days=np.array([sum(1 << WEEKDAYS.index(d) for d in c.weekdays) for c in candidates],
                              dtype=np.uint8),
                band=np.array([CAREER_BANDS.index(c.career_band) if c.career_band else -1 for c in candidates],
                              dtype=np.int8),
                capacity=np.array([c.capacity for c in candidates], dtype=np.int64),
            )

        excluded = np.zeros((len(organisations), len(organisations)), dtype=bool)
        for pair in rules.excluded_organisation_pairs:
            a, b = sorted(pair)
            if a in org_index and b in org_index:
                excluded[org_index[a], org_index[b]] = excluded[org_index[b], org_index[a]] = True

        mentor_index = {c.id: i for i, c in enumerate(mentors)}
        mentee_index = {c.id: i for i, c in enumerate(mentees)}
        mentors_of_person: dict[int, list[int]] = {}
        mentees_of_person: dict[int, list[int]] = {}
        for i, c in enumerate(mentors):
            mentors_of_person.setdefault(c.person_key, []).append(i)
        for i, c in enumerate(mentees):
            mentees_of_person.setdefault(c.person_key, []).append(i)
        blocked: set[tuple[int, int, int]] = set()
        for a, b in rules.earlier_pairs:  # the same two people, in either role
            for x, y in ((a, b), (b, a)):
                for r in mentors_of_person.get(x, ()):
                    for e in mentees_of_person.get(y, ()):
                        blocked.add((r, e, EARLIER_PAIR))
        for pair in rules.never_together:
            x, y = sorted(pair)
            for r_id, e_id in ((x, y), (y, x)):
                if r_id in mentor_index and e_id in mentee_index:
                    blocked.add((mentor_index[r_id], mentee_index[e_id], NEVER_TOGETHER))
        ordered = np.array(sorted(blocked), dtype=np.int64).reshape(-1, 3)

        normalised = weights.normalised()
        return cls(
            mentors=side(mentors, wanted=False),
            mentees=side(mentees, wanted=True),
            weights=np.array(list(normalised.values()), dtype=np.float64),
            excluded=excluded,
            organisations=organisations,
            topics=topics,
            blocked_mentor=ordered[:, 0],
            blocked_mentee=ordered[:, 1],
            blocked_kind=ordered[:, 2],
        )

    # -- criteria, elementwise over broadcastable index arrays ---------------------------------------------

    def _values(self, r: np.ndarray, e: np.ndarray, topic_hits: np.ndarray) -> tuple[np.ndarray, ...]:
        m, s = self.mentors, self.mentees
        # topics: the weighted share of the mentee's wanted topics the mentor offers
        wanted, offered = s.topic_total[e], m.topic_total[r]
        with np.errstate(divide="ignore", invalid="ignore"):
            topics = np.where((wanted > 0) & (offered > 0), topic_hits / np.where(wanted > 0, wanted, 1.0),
                              UNKNOWN_VALUE)
        # format and city
        fr, fe = m.fmt[r], s.fmt[e]
        remote = ((fr == 1) | (fr == 2)) & ((fe == 1) | (fe == 2))
        in_person = ((fr == 0) | (fr == 2)) & ((fe == 0) | (fe == 2))
        cr, ce = m.city[r], s.city[e]
        same_city = (cr == ce) & (cr >= 0)
        city_unknown = (cr < 0) | (ce < 0)
        fmt = np.where((fr < 0) | (fe < 0), UNKNOWN_VALUE,
                       np.where(remote | (in_person & same_city), 1.0,
                                np.where(in_person & city_unknown, UNKNOWN_VALUE, 0.0)))
        # weekdays: shared days over the days of the one with fewer
        dr, de = m.days[r], s.days[e]
        fewer = np.minimum(_POPCOUNT[dr], _POPCOUNT[de]).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            days = np.where(fewer > 0, _POPCOUNT[dr & de] / np.where(fewer > 0, fewer, 1.0), UNKNOWN_VALUE)
        # career gap: bands the mentee is above the mentor
        br, be = m.band[r].astype(np.int64), s.band[e].astype(np.int64)
        gap = np.where((br < 0) | (be < 0), UNKNOWN_VALUE, _GAP[np.clip(be - br, 0, len(GAP_VALUES) - 1)])
        return topics, fmt, days, gap

    def _score(self, values: tuple[np.ndarray, ...]) -> np.ndarray:
        w = self.weights
        total = w[0] * values[0] + w[1] * values[1] + w[2] * values[2] + w[3] * values[3]
        return np.rint(total * SCALE).astype(np.int32)

    def _allowed(self, r: np.ndarray, e: np.ndarray) -> np.ndarray:
        m, s = self.mentors, self.mentees
        return ((m.org[r] != s.org[e]) & ((m.lang[r] & s.lang[e]) != 0)
                & ~self.excluded[m.org[r], s.org[e]])

    def pair_values(self, r: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Scores (integers of 1/SCALE) and criterion values of the pairs (r[i], e[i])."""
        r, e = np.asarray(r, dtype=np.int64), np.asarray(e, dtype=np.int64)
        hits = (self.mentors.topics[r] * self.mentees.topics[e]).sum(axis=1, dtype=np.float64)
        values = self._values(r, e, hits)
        return self._score(values), values

    def block_scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The int16 score matrix of mentors `rows` x mentees `cols`, FORBIDDEN where a hard rule forbids
        (scores are at most SCALE = 10,000: int16 holds them, in half the memory of int32)."""
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        out = np.empty((len(rows), len(cols)), dtype=np.int16)
        step = max(1, BLOCK_CELLS // max(1, len(cols)))
        mentee_topics_t = np.ascontiguousarray(self.mentees.topics[cols].T)
        c = cols[None, :]
        for start in range(0, len(rows), step):
            r = rows[start:start + step, None]
            hits = (self.mentors.topics[r[:, 0]] @ mentee_topics_t).astype(np.float64)
            block = self._score(self._values(r, c, hits))
            block[~self._allowed(r, c)] = FORBIDDEN
            out[start:start + step] = block
        if len(self.blocked_kind):
            row_pos = np.full(len(self.mentors), -1, dtype=np.int64)
            row_pos[rows] = np.arange(len(rows))
            col_pos = np.full(len(self.mentees), -1, dtype=np.int64)
            col_pos[cols] = np.arange(len(cols))
            br, bc = row_pos[self.blocked_mentor], col_pos[self.blocked_mentee]
            keep = (br >= 0) & (bc >= 0)
            out[br[keep], bc[keep]] = FORBIDDEN
        return out

    # -- rules, one by one, for explaining why someone is unmatched --------------------------------------

    def rule_stages(self, role_is_mentee: bool, people: np.ndarray) -> list[np.ndarray]:
        """For each of `people` (indices on one side), boolean rows over the other side:
        [different organisation, + shared language, + organisations not excluded, + not an earlier pair,
        + not kept apart]: each stage adds one rule to the one before."""
        people = np.asarray(people, dtype=np.int64)
        other = np.arange(len(self.mentors) if role_is_mentee else len(self.mentees))
        if role_is_mentee:
            r, e = other[None, :], people[:, None]
        else:
            r, e = people[:, None], other[None, :]
        m, s = self.mentors, self.mentees
        stage1 = np.broadcast_to(m.org[r] != s.org[e], (len(people), len(other)))
        stage2 = stage1 & ((m.lang[r] & s.lang[e]) != 0)
        stage3 = stage2 & ~self.excluded[m.org[r], s.org[e]]
        stage4, stage5 = stage3.copy(), stage3.copy()
        pos = np.full(len(self.mentees) if role_is_mentee else len(self.mentors), -1, dtype=np.int64)
        pos[people] = np.arange(len(people))
        own, theirs = ((self.blocked_mentee, self.blocked_mentor) if role_is_mentee
                       else (self.blocked_mentor, self.blocked_mentee))
        p = pos[own]
        for kind, stage in ((EARLIER_PAIR, stage4), (NEVER_TOGETHER, stage5)):
            hit = (p >= 0) & (self.blocked_kind == kind)
            stage[p[hit], theirs[hit]] = False
        stage5 &= stage4
        return [stage1, stage2, stage3, stage4, stage5]
