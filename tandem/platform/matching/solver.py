"""The lexicographic assignment: most pairs, then the best lowest pair, then the best total.

Input: an int32 score matrix (mentors x mentees, integers of 1/SCALE >= 0; FORBIDDEN = -1 where a hard rule
forbids) and each mentor's capacity. A mentor with capacity c becomes c identical rows ("places").

1. Most pairs: Hopcroft-Karp (`scipy.sparse.csgraph.maximum_bipartite_matching`) gives k, the largest
   number of pairs the rules permit.
2. Fairness level: t is the highest score such that k pairs exist using only pairs scoring >= t. Binary
   search over the integer scores between a lower bound (the lowest pair of a matching of size k) and an
   upper bound (the k-th best row and column maxima); each probe is a Hopcroft-Karp run.
3. Total: among k pairs all scoring >= t, the largest sum of scores (an assignment problem).

Small problems (up to EXACT_CELLS places x mentees) run all three steps on every allowed pair, step 3 with
`scipy.optimize.linear_sum_assignment` on a dense matrix where each pair at or above t is worth
BIG + score (BIG exceeds any total, so k pairs are taken, and among them the best total).

Large problems work on candidate pairs: each mentee's and each mentor place's K_BEST best allowed pairs,
plus whatever a full check adds. Steps 1 and 2 stay exact: when the candidates give fewer pairs than the
full graph, the full graph's matching is added; after the search, the full graph is probed at t + 1 and,
if k pairs still exist there, that matching is added and the search continues. Step 3 runs the sparse
solver `scipy.sparse.csgraph.min_weight_full_bipartite_matching` on the candidates at or above t, so the
total is the best over those candidates (docs/matching.md gives the measured gap to the exact optimum).

The result depends only on the matrix, so it is deterministic for a given (sorted) input.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from tandem.platform.matching.scoring import BLOCK_CELLS
from tandem.platform.matching.vocabulary import SCALE

Report = Callable[[float], None]  # fraction of the solver's work done, 0..1

EXACT_CELLS = 2_250_000  # up to about 1,500 x 1,500: every step exact, dense assignment
K_BEST = 96  # candidate pairs per mentee and per mentor place above that size
MAX_DUMMY_EDGES = 20_000_000


class _Graph:
    """Allowed pairs as CSR rows (places) with their scores."""

    def __init__(self, shape: tuple[int, int], indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> None:
        self.shape, self.indptr, self.indices, self.data = shape, indptr, indices, data

    @classmethod
    def dense(cls, scores: np.ndarray, minimum: int) -> _Graph:
        """Every pair scoring at least `minimum`."""
        n_rows, n_cols = scores.shape
        step = max(1, BLOCK_CELLS // max(1, n_cols))
        counts = np.zeros(n_rows + 1, dtype=np.int64)
        indices, data = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)]
        for start in range(0, n_rows, step):
            block = scores[start:start + step]
            rows, cols = np.nonzero(block >= minimum)
            counts[start + 1:start + 1 + len(block)] = np.bincount(rows, minlength=len(block))
            indices.append(cols.astype(np.int32))
            data.append(block[rows, cols])
        return cls((n_rows, n_cols), np.cumsum(counts), np.concatenate(indices), np.concatenate(data))

    @classmethod
    def edges(cls, scores: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> _Graph:
        """The given pairs (duplicates removed), with their scores."""
        n_rows, n_cols = scores.shape
        key = _sorted_unique(rows.astype(np.int64) * n_cols + cols)
        rows, cols = key // n_cols, key % n_cols
        counts = np.zeros(n_rows + 1, dtype=np.int64)
        counts[1:] = np.bincount(rows, minlength=n_rows)
        return cls((n_rows, n_cols), np.cumsum(counts), cols.astype(np.int32), scores[rows, cols])

    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

    def with_edges(self, scores: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> _Graph:
        return _Graph.edges(scores, np.concatenate([self.rows(), rows]), np.concatenate([self.indices, cols]))

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
          exact_cells: int | None = None, k_best: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mentor indices and mentee indices of the chosen pairs, ordered by mentee."""
    exact_cells = EXACT_CELLS if exact_cells is None else exact_cells
    k_best = K_BEST if k_best is None else k_best
    report = report or (lambda fraction: None)
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if scores.size == 0:
        return empty
    places = np.repeat(np.arange(len(capacity)), capacity)
    matrix = scores if len(places) == len(capacity) else scores[places]
    exact = matrix.size <= exact_cells

    # 1. the largest number of pairs
    graph = _Graph.dense(matrix, 0) if exact else _Graph.edges(matrix, *_best_pairs(matrix, k_best))
    first = graph.matching()
    k = int((first >= 0).sum())
    if not exact and k < min(matrix.shape):
        full = _Graph.dense(matrix, 0).matching()
        if int((full >= 0).sum()) > k:
            graph = graph.with_edges(matrix, *_matched(full))
            first, k = full, int((full >= 0).sum())
        del full
    report(0.15)
    if k == 0:
        return empty

    # 2. the highest level t at which k pairs still exist
    rows, cols = _matched(first)
    low = int(matrix[rows, cols].min())
    high = min(_kth_largest(matrix.max(axis=1), k), _kth_largest(matrix.max(axis=0), k))
    level = _highest_level(graph, k, low, high, lambda f: report(0.15 + 0.45 * f))
    while not exact and level < high:  # do the candidates hide a higher level? the full graph tells
        check = _Graph.dense(matrix, level + 1).matching()
        if int((check >= 0).sum()) < k:
            break
        graph = graph.with_edges(matrix, *_matched(check))
        level = _highest_level(graph, k, level + 1, high, lambda f: None)
    report(0.65)

    # 3. the largest total among k pairs all scoring >= t
    if exact or not _sparse_possible(graph, k):
        rows, cols = _dense_assignment(matrix, level)
    else:
        rows, cols = _sparse_assignment(graph.thinned(level), k)
    real = matrix[rows, cols] >= level
    rows, cols = rows[real], cols[real]
    if len(rows) != k:  # cannot happen: k pairs exist at this level and each is worth more than all scores
        raise AssertionError(f"assignment found {len(rows)} pairs, expected {k}")
    report(1.0)
    order = np.argsort(cols, kind="stable")
    return places[rows[order]], cols[order].astype(np.int64)


def _dense_assignment(matrix: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray]:
    big = float((min(matrix.shape) + 1) * SCALE)
    cost = np.empty(matrix.shape, dtype=np.float64)
    step = max(1, BLOCK_CELLS // max(1, matrix.shape[1]))
    for start in range(0, matrix.shape[0], step):
        block = matrix[start:start + step]
        cost[start:start + step] = np.where(block >= level, -(big + block), 0.0)
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
