"""The lexicographic assignment: most pairs, then the best lowest pair, then the best total, with a proof.

Input: a score matrix (mentors x mentees, integers of 1/SCALE >= 0; FORBIDDEN = -1 where a hard rule
forbids) and each mentor's capacity. A mentor with capacity c has c identical "places".

1. Most pairs: Hopcroft-Karp (`scipy.sparse.csgraph.maximum_bipartite_matching`) gives k, the largest
   number of pairs the rules permit.
2. Fairness level: t is the highest score such that k pairs exist using only pairs scoring >= t. Binary
   search over the integer scores between a lower bound (the lowest pair of a matching of size k) and an
   upper bound (the k-th best row and column maxima); each probe is a Hopcroft-Karp run.
3. Total: among k pairs all scoring >= t, the largest sum of scores. This is the maximum-weight matching
   where each pair at or above t is worth BIG + score (BIG exceeds any total, so k pairs are taken, and
   among them the best total).

Small problems (up to EXACT_CELLS places x mentees) run all three steps on every allowed pair, step 3 with
`scipy.optimize.linear_sum_assignment` on a dense matrix.

Large problems work on candidate pairs: each mentee's and each mentor's K_BEST best allowed pairs. Steps 1
and 2 stay exact: when the candidates give fewer pairs than the full graph, the full graph's matching is
added; after the search the full graph is probed at t + 1 and, if k pairs still exist there, that matching
is added and the search goes on. Step 3 runs `scipy.sparse.csgraph.min_weight_full_bipartite_matching` on
the candidates at or above t.

The certificate (both paths): from the assignment, dual prices u (per place) and v (per mentee) are
computed as shortest-path distances in its residual graph (Bellman-Ford, frontier by frontier): u, v >= 0,
u + v = BIG + score on every chosen pair, price 0 for anyone left free, so the prices cost exactly as much
as the assignment is worth. Then every pair of the whole matrix at or above t is priced, block by block: a
pair with BIG + score > u + v is a violation. Violating pairs join the candidates and step 3 runs again,
until none is left (in the first NARROW_ROUNDS repeats on the most promising candidates only: the chosen
pairs and each place's pairs of least slack under the last prices; the pricing decides all the same).
With no violation the prices are a feasible dual solution of the linear programme of
step 3 over the whole matrix with the same value as the assignment: by LP duality no assignment of k pairs
at or above t has a larger total. Together with the full-graph checks of steps 1 and 2 this proves the
lexicographic optimum.

The result depends only on the matrix, so it is deterministic for a given (sorted) input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from tandem.platform.matching.scoring import BLOCK_CELLS
from tandem.platform.matching.types import Certificate
from tandem.platform.matching.vocabulary import SCALE

Report = Callable[[float], None]  # fraction of the solver's work done, 0..1

EXACT_CELLS = 2_250_000  # up to about 1,500 x 1,500: every step exact, dense assignment
K_BEST = 32  # candidate pairs per mentee and per mentor above that size (pricing adds what they miss)
MAX_DUMMY_EDGES = 20_000_000
NARROW_ROUNDS = 8  # pricing rounds after the first that run step 3 on the most promising candidates only
NARROW_PER_ROW = 8  # candidates per mentor place in those rounds (besides the chosen pairs)
ADDED_PER_ROW = 32  # at most this many violating pairs per mentor join the candidates in one pricing round
MAX_PRICING_ROUNDS = 1_000  # a guard: every round adds pairs, so the loop ends long before


@dataclass(frozen=True)
class Solution:
    mentors: np.ndarray  # mentor indices of the chosen pairs, ordered by mentee
    mentees: np.ndarray
    certificate: Certificate
    # the dual prices of the certificate (empty when nobody is paired): one per mentor place (a mentor's
    # places are consecutive, in mentor order) and one per mentee, with the worth BIG of a pair (BIG + score)
    place_prices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    mentee_prices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    big: int = 0


class _Graph:
    """Allowed pairs as CSR rows (places) with their scores."""

    def __init__(self, shape: tuple[int, int], indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> None:
        self.shape, self.indptr, self.indices, self.data = shape, indptr, indices, data

    @classmethod
    def dense(cls, scores: np.ndarray, places: _Places, minimum: int) -> _Graph:
        """Every pair scoring at least `minimum` (built row block by row block, already in CSR order: no
        sorting, and 8 bytes per pair)."""
        n_rows, n_cols = scores.shape
        step = max(1, BLOCK_CELLS // max(1, n_cols))
        counts = np.zeros(n_rows, dtype=np.int64)
        indices, data = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)]
        for start in range(0, n_rows, step):
            block = scores[start:start + step]
            r, c = np.nonzero(block >= minimum)
            counts[start:start + len(block)] = np.bincount(r, minlength=len(block))
            indices.append(c.astype(np.int32))
            data.append(block[r, c].astype(np.int32))
        columns, values = np.concatenate(indices), np.concatenate(data)
        del indices, data
        if places.count != n_rows:  # each place of a mentor gets the mentor's row
            first = (np.cumsum(counts) - counts)[places.mentor]
            counts = counts[places.mentor]
            picked = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            columns, values = columns[picked], values[picked]
        indptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls((places.count, n_cols), indptr, columns, values)

    @classmethod
    def edges(cls, scores: np.ndarray, places: _Places, rows: np.ndarray, cols: np.ndarray, *,
              mentor_rows: bool = False) -> _Graph:
        """The given pairs (duplicates removed), with their scores; `rows` are places, or mentors whose
        every place gets the pair (`mentor_rows`)."""
        if mentor_rows:
            rows, cols = places.expand(rows, cols)
        n_rows, n_cols = places.count, scores.shape[1]
        key = _sorted_unique(rows.astype(np.int64) * n_cols + cols)
        rows, cols = key // n_cols, key % n_cols
        counts = np.zeros(n_rows + 1, dtype=np.int64)
        counts[1:] = np.bincount(rows, minlength=n_rows)
        return cls((n_rows, n_cols), np.cumsum(counts), cols.astype(np.int32),
                   scores[places.mentor[rows], cols].astype(np.int32))

    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

    def with_edges(self, scores: np.ndarray, places: _Places, rows: np.ndarray, cols: np.ndarray, *,
                   mentor_rows: bool = False) -> _Graph:
        if mentor_rows:
            rows, cols = places.expand(rows, cols)
        return _Graph.edges(scores, places, np.concatenate([self.rows(), rows]),
                            np.concatenate([self.indices.astype(np.int64), cols]))

    def thinned(self, minimum: int) -> _Graph:
        keep = self.data >= minimum
        kept = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=kept[1:])
        return _Graph(self.shape, kept[self.indptr], self.indices[keep], self.data[keep])

    def matching(self) -> np.ndarray:
        """For each row the matched column, or -1 (a maximum matching)."""
        if len(self.indices) == 0:
            return np.full(self.shape[0], -1, dtype=np.int64)
        graph = csr_matrix((np.ones(len(self.indices), dtype=np.int8), self.indices, self.indptr),
                           shape=self.shape)
        return np.asarray(maximum_bipartite_matching(graph, perm_type="column"), dtype=np.int64)


class _Places:
    """Mentor places: a mentor of capacity c owns c consecutive places with the mentor's scores."""

    def __init__(self, capacity: np.ndarray) -> None:
        self.capacity = capacity.astype(np.int64)
        self.mentor = np.repeat(np.arange(len(capacity)), self.capacity)
        self.first = np.concatenate([[0], np.cumsum(self.capacity)[:-1]]).astype(np.int64)
        self.count = len(self.mentor)

    def expand(self, mentors: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (mentor, mentee) as pairs (place, mentee), one for every place of the mentor."""
        if len(self.mentor) == len(self.capacity):
            return mentors.astype(np.int64), cols.astype(np.int64)
        times = self.capacity[mentors]
        offset = np.arange(int(times.sum())) - np.repeat(np.cumsum(times) - times, times)
        return np.repeat(self.first[mentors], times) + offset, np.repeat(cols, times).astype(np.int64)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending. (`np.unique` does the same, but NumPy 2.4 hashes first: 50 times
    slower on the million candidate keys of 5,000 per side.)"""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _matched(matching: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.flatnonzero(matching >= 0)
    return rows, matching[rows]


def _best_pairs(scores: np.ndarray, k_best: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's and each column's k_best highest allowed pairs (row indices, column indices)."""
    n_rows, n_cols = scores.shape
    found_rows, found_cols = [], []
    for axis, length, other in ((1, n_rows, n_cols), (0, n_cols, n_rows)):
        step = max(1, BLOCK_CELLS // max(1, other))
        for start in range(0, length, step):
            block = scores[start:start + step] if axis == 1 else scores[:, start:start + step].T
            if other > k_best:
                best = np.argpartition(block, other - k_best, axis=1)[:, other - k_best:]
            else:
                best = np.broadcast_to(np.arange(other), (len(block), other))
            own = np.repeat(np.arange(start, start + len(block)), best.shape[1])
            theirs = best.ravel()
            allowed = block[own - start, theirs] >= 0
            own, theirs = own[allowed], theirs[allowed]
            found_rows.append(own if axis == 1 else theirs)
            found_cols.append(theirs if axis == 1 else own)
    return np.concatenate(found_rows), np.concatenate(found_cols)


def _kth_largest(values: np.ndarray, k: int) -> int:
    return int(np.partition(values, len(values) - k)[len(values) - k])


def _highest_level(graph: _Graph, k: int, low: int, high: int, report: Report) -> int:
    """The highest level in [low, high] at which `graph` still has k pairs (it has them at `low`)."""
    graph = graph.thinned(low)
    probes = max(1, int(np.ceil(np.log2(max(2, high - low + 1)))))
    done = 0
    while low < high:
        middle = (low + high + 1) // 2
        candidate = graph.thinned(middle)
        if int((candidate.matching() >= 0).sum()) == k:
            low, graph = middle, candidate
        else:
            high = middle - 1
        done += 1
        report(min(1.0, done / probes))
    return low


def solve(scores: np.ndarray, capacity: np.ndarray, report: Report | None = None, *,
          exact_cells: int | None = None, k_best: int | None = None) -> Solution:
    """The chosen pairs (mentor and mentee indices, ordered by mentee) and the certificate of optimality.

    `exact_cells` and `k_best` override EXACT_CELLS and K_BEST (tests force the candidate path with them).
    """
    exact_cells = EXACT_CELLS if exact_cells is None else exact_cells
    k_best = K_BEST if k_best is None else k_best
    report = report or (lambda fraction: None)
    empty = np.zeros(0, dtype=np.int64)
    places = _Places(np.asarray(capacity))
    shape = (places.count, scores.shape[1])
    exact = shape[0] * shape[1] <= exact_cells
    if scores.size == 0 or min(shape) == 0:
        return Solution(empty, empty, Certificate(exact=exact, pairs=0))

    # 1. the largest number of pairs
    graph = (_Graph.dense(scores, places, 0) if exact
             else _Graph.edges(scores, places, *_best_pairs(scores, k_best), mentor_rows=True))
    first = graph.matching()
    k = int((first >= 0).sum())
    if not exact and k < min(shape):
        full = _Graph.dense(scores, places, 0).matching()
        if int((full >= 0).sum()) > k:
            graph = graph.with_edges(scores, places, *_matched(full))
            first, k = full, int((full >= 0).sum())
        del full
    report(0.15)
    if k == 0:
        return Solution(empty, empty, Certificate(exact=exact, pairs=0))

    # 2. the highest level t at which k pairs still exist
    rows, cols = _matched(first)
    low = int(scores[places.mentor[rows], cols].min())
    high = min(_kth_largest(np.repeat(scores.max(axis=1), places.capacity), k),
               _kth_largest(scores.max(axis=0), k))
    level = _highest_level(graph, k, low, high, lambda f: report(0.15 + 0.4 * f))
    while not exact and level < high:  # do the candidates hide a higher level? the full graph tells
        check = _Graph.dense(scores, places, level + 1).matching()
        if int((check >= 0).sum()) < k:
            break
        graph = graph.with_edges(scores, places, *_matched(check))
        level = _highest_level(graph, k, level + 1, high, lambda f: None)
    report(0.6)

    # 3. the largest total among k pairs all scoring >= t, priced against the whole matrix
    big = (min(shape) + 1) * SCALE
    graph = _Graph.dense(scores, places, level) if exact else graph.thinned(level)
    pool = graph  # every candidate found so far; `graph` is the part step 3 runs on this round
    rounds = added = 0
    while True:
        if exact or not _sparse_possible(graph, k):
            rows, cols = _dense_assignment(scores, places, level, big)
        else:
            rows, cols = _sparse_assignment(graph, k)
        real = scores[places.mentor[rows], cols] >= level
        rows, cols = rows[real], cols[real]
        if not exact and not _sparse_possible(graph, k):  # the dense assignment may use other pairs
            graph = graph.with_edges(scores, places, rows, cols)
        if len(rows) != k:  # cannot happen: k pairs exist at this level and each is worth more than all scores
            raise AssertionError(f"assignment found {len(rows)} pairs, expected {k}")
        u, v = _duals(graph, rows, cols, big)
        rounds += 1
        report(min(0.95, 0.7 + 0.05 * rounds))
        violation, more_rows, more_cols = _price(scores, places, level, big, u, v)
        if not len(more_rows):
            break
        if rounds >= MAX_PRICING_ROUNDS:
            raise AssertionError(f"no proof after {rounds} pricing rounds (largest violation {violation})")
        added += len(more_rows)
        pool = pool.with_edges(scores, places, more_rows, more_cols, mentor_rows=True)
        graph = _promising(pool, u, v, big, rows, cols) if rounds < NARROW_ROUNDS else pool
    total = int(scores[places.mentor[rows], cols].astype(np.int64).sum())
    gap = int(u.sum() + v.sum()) - (k * big + total)
    if gap != 0 or violation != 0:  # cannot happen: the duals are built tight on the assignment
        raise AssertionError(f"no proof: duality gap {gap}, largest violation {violation}")
    report(1.0)
    order = np.argsort(cols, kind="stable")
    certificate = Certificate(exact=exact, pairs=k, level=level, total=total, pricing_rounds=rounds,
                              added_pairs=added, candidate_pairs=len(graph.indices), largest_violation=0,
                              duality_gap=gap)
    return Solution(places.mentor[rows[order]], cols[order].astype(np.int64), certificate, u, v, big)


def _duals(graph: _Graph, rows: np.ndarray, cols: np.ndarray, big: int) -> tuple[np.ndarray, np.ndarray]:
    """Dual prices (u per place, v per mentee) proving the assignment (rows, cols) optimal on `graph`,
    where each pair is worth BIG + score.

    Complementary slackness fixes u = BIG + score - v on a chosen pair and 0 for a free place or mentee;
    what is left are difference constraints on the v of the chosen mentees: for a pair (p, j) not chosen,
    with p's partner m(p), v[m(p)] <= v[j] + score(p, m(p)) - score(p, j) (v[j] = 0 when j is free), and
    u >= 0: v[m(p)] <= BIG + score(p, m(p)). Their largest solution is the shortest-path distances from a
    free node, found by Bellman-Ford over the arcs of the nodes whose distance changed last time. A
    negative cycle would mean the assignment is not optimal: after as many frontiers as nodes, it raises.
    The constraints that end in the free node (v >= 0, and v[j] >= BIG + score for a pair of a free place)
    are checked afterwards, with every other constraint, on all pairs of the graph.
    """
    n_rows, n_cols = graph.shape
    partner = np.full(n_rows, -1, dtype=np.int64)
    partner[rows] = cols
    mentee_taken = np.zeros(n_cols, dtype=bool)
    mentee_taken[cols] = True
    own = np.zeros(n_rows, dtype=np.int64)  # score of each place's chosen pair
    edge_rows = graph.rows()
    edge_cols = graph.indices.astype(np.int64)
    edge_scores = graph.data.astype(np.int64)
    chosen = partner[edge_rows] == edge_cols
    own[edge_rows[chosen]] = edge_scores[chosen]

    infinity = np.iinfo(np.int64).max // 4
    v = np.full(n_cols, infinity, dtype=np.int64)
    v[cols] = big + own[rows]  # u >= 0
    arcs = (partner[edge_rows] >= 0) & ~chosen
    source, target = edge_cols[arcs], partner[edge_rows[arcs]]
    length = own[edge_rows[arcs]] - edge_scores[arcs]
    from_free = ~mentee_taken[source]
    np.minimum.at(v, target[from_free], length[from_free])  # arcs from a free mentee, whose price is 0
    source, target, length = source[~from_free], target[~from_free], length[~from_free]
    order = np.argsort(source, kind="stable")
    source, target, length = source[order], target[order], length[order]
    start = np.searchsorted(source, np.arange(n_cols + 1))
    active = np.flatnonzero(mentee_taken)
    frontiers = 0
    while len(active):
        frontiers += 1
        if frontiers > n_cols + 1:
            raise AssertionError("negative cycle: the assignment is not optimal on its candidates")
        first, counts = start[active], start[active + 1] - start[active]
        total = int(counts.sum())
        if total == 0:
            break
        arc = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(total)
        before = v.copy()
        np.minimum.at(v, target[arc], v[source[arc]] + length[arc])
        active = np.flatnonzero(v < before)
    v[~mentee_taken] = 0
    u = np.zeros(n_rows, dtype=np.int64)
    u[rows] = big + own[rows] - v[cols]
    slack = u[edge_rows] + v[edge_cols] - (big + edge_scores)
    if (u < 0).any() or (v < 0).any() or (slack < 0).any():
        raise AssertionError("the assignment is not optimal on its candidates")
    return u, v


def _promising(pool: _Graph, u: np.ndarray, v: np.ndarray, big: int, rows: np.ndarray,
               cols: np.ndarray) -> _Graph:
    """The candidates most likely to change the assignment: the chosen pairs and each place's NARROW_PER_ROW
    pairs of least slack (u + v - BIG - score) under the last prices, violations first. Step 3 runs faster on
    them; the pricing over the whole matrix still decides, and after NARROW_ROUNDS rounds every candidate is
    back (the candidates then only grow, so the rounds end)."""
    edge_rows, edge_cols = pool.rows(), pool.indices.astype(np.int64)
    slack = u[edge_rows] + v[edge_cols] - big - pool.data
    order = np.lexsort((slack, edge_rows))  # by place, least slack first (CSR rows are already grouped)
    rank = np.arange(len(order)) - pool.indptr[edge_rows[order]]
    keep = order[rank < NARROW_PER_ROW]
    shape = pool.shape
    key = _sorted_unique(np.concatenate([edge_rows[keep] * shape[1] + edge_cols[keep], rows * shape[1] + cols]))
    kept_rows, kept_cols = key // shape[1], key % shape[1]
    position = np.searchsorted(edge_rows * shape[1] + edge_cols, key)  # the pool is sorted by (place, mentee)
    counts = np.zeros(shape[0] + 1, dtype=np.int64)
    counts[1:] = np.bincount(kept_rows, minlength=shape[0])
    return _Graph(shape, np.cumsum(counts), kept_cols.astype(np.int32), pool.data[position])


def _price(scores: np.ndarray, places: _Places, level: int, big: int, u: np.ndarray,
           v: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Every pair of the whole matrix at or above `level` against the prices: the largest violation
    (BIG + score - u - v, in 1/SCALE; 0 when none) and violating pairs (mentor, mentee) to add, at most
    ADDED_PER_ROW per mentor (the largest violations)."""
    lowest = np.full(len(places.capacity), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(lowest, places.mentor, u)  # a pair must be covered for every place of its mentor
    # violation = score - (lowest[r] + v[j] - big) > 0; in int32 (|values| < 2**31: big <= 10**8 + 10**4)
    offset = np.clip(big - v, -2 * SCALE, 2 * big).astype(np.int32)[None, :]
    bound = np.clip(lowest, -2 * SCALE, 2 * big).astype(np.int32)[:, None]
    step = max(1, BLOCK_CELLS // max(1, scores.shape[1]))
    worst = 0
    found_rows, found_cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start in range(0, scores.shape[0], step):
        block = scores[start:start + step]
        excess = block + offset
        excess -= bound[start:start + step]
        excess[block < level] = 0
        r, c = np.nonzero(excess > 0)
        if not len(r):
            continue
        amount = excess[r, c]
        worst = max(worst, int(amount.max()))
        order = np.lexsort((-amount, r))  # by mentor, largest violation first
        r, c = r[order], c[order]
        rank = np.arange(len(r)) - np.searchsorted(r, r)
        keep = rank < ADDED_PER_ROW
        found_rows.append(r[keep] + start)
        found_cols.append(c[keep])
    return worst, np.concatenate(found_rows), np.concatenate(found_cols)


def _dense_assignment(scores: np.ndarray, places: _Places, level: int, big: int) -> tuple[np.ndarray, np.ndarray]:
    matrix = scores[places.mentor] if places.count != len(places.capacity) else scores
    cost = np.empty(matrix.shape, dtype=np.float64)
    step = max(1, BLOCK_CELLS // max(1, matrix.shape[1]))
    for start in range(0, matrix.shape[0], step):
        block = matrix[start:start + step]
        cost[start:start + step] = np.where(block >= level, -(float(big) + block), 0.0)
    rows, cols = linear_sum_assignment(cost)
    return rows.astype(np.int64), cols.astype(np.int64)


def _sparse_possible(graph: _Graph, k: int) -> bool:
    smaller = min(graph.shape)
    return (smaller - k) * smaller <= MAX_DUMMY_EDGES


def _sparse_assignment(graph: _Graph, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Min-cost full matching of the smaller side; when only k < smaller side can be paired, the rest go to
    dummy partners that anyone may take, so exactly k real pairs remain."""
    n_rows, n_cols = graph.shape
    rows, cols = graph.rows(), graph.indices.astype(np.int64)
    weights = (2 * SCALE + 1 - graph.data).astype(np.float64)  # positive; lower is better
    transposed = n_rows > n_cols
    if transposed:
        rows, cols, n_rows, n_cols = cols, rows, n_cols, n_rows
    dummies = n_rows - k
    if dummies:
        extra_rows = np.repeat(np.arange(n_rows), dummies)
        extra_cols = n_cols + np.tile(np.arange(dummies), n_rows)
        rows = np.concatenate([rows, extra_rows])
        cols = np.concatenate([cols, extra_cols])
        weights = np.concatenate([weights, np.ones(len(extra_rows))])
    matrix = csr_matrix((weights, (rows, cols)), shape=(n_rows, n_cols + dummies))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(matrix)
    real = matched_cols < n_cols
    matched_rows, matched_cols = matched_rows[real].astype(np.int64), matched_cols[real].astype(np.int64)
    if transposed:
        matched_rows, matched_cols = matched_cols, matched_rows
    return matched_rows, matched_cols
