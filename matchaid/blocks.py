"""A bound at least as tight as the LP's: each expert's own rows solved exactly.

Weak duality (:func:`matchaid.relax.safe_bound`) prices every row of the program.
Lagrangian relaxation prices only the rows that link experts (coverage, donors' and
recipients' capacities, ...) and keeps each expert's own rows, solving them exactly,
expert by expert. For prices ``y >= 0`` on the priced rows ``R`` and reduced costs
``r = c - A_R^T y``:

    ``L(y) = b_R.y + sum_j u_j max(0, r_j) + sum_e max { r.x : x meets e's own rows }``

(the first sum over the variables outside the experts' blocks). Every plan meets each
expert's rows, so ``L(y)`` bounds every plan; and for the same prices on ``R``,
``L(y)`` is at most the weak-duality bound whatever the prices of the kept rows, so it
is never weaker than :func:`~matchaid.relax.safe_bound` at the LP's own prices.

**The kept rows**, read from the program, not from the rules' meaning:

- *one place at a time*: rows ``sum x <= 1`` over postings of one expert (the
  ``overlap`` rule's), which, ordered by month, each posting meets in a contiguous run;
  an expert whose rows do not have that shape keeps none of them;
- *at most k postings*: one row ``sum x <= k`` over all of an expert's postings (the
  ``max_postings`` rule's).

Two postings of an expert then conflict exactly when their runs of rows meet, so the
expert's best choice is a longest-path over the runs, with a count of postings when
``k`` binds (:func:`_best_choices`), computed in exact integers.

**Why it is tighter.** The LP may take half of each of two postings of an expert
allowed only one; the block cannot. Tier m with 20 donors and overlapping pairings
(``matchaid generate m-overlap-few``), at GLOP's optimal prices: seed 2's bound falls
from 36,009 to 36,007, its optimum (proven at once, where CP-SAT took 14-42 s to prove
it); seed 4's from 36,911 to 36,909 (optimum 36,897); seed 3's is unchanged (30,742).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matchaid.arrays import BoolArray, IntArray, offsets
from matchaid.program import RULE_ORDER, IntegerProgram
from matchaid.rulenames import RuleName

__all__ = ["ExpertBlocks", "block_bound", "expert_blocks"]

_OVERLAP = RULE_ORDER.index(RuleName.OVERLAP)
_MAX_POSTINGS = RULE_ORDER.index(RuleName.MAX_POSTINGS)


@dataclass(frozen=True, slots=True)
class ExpertBlocks:
    """Each expert's own rows, kept out of the prices and solved exactly.

    Attributes
    ----------
    rows
        Per row of the program: kept (not priced).
    posting
        The postings in some expert's block (their experts keep a row).
    block
        Per such posting, its expert's block number.
    first, last
        Per such posting, the first and last of its expert's kept one-place rows it is
        in (numbered from 0 within the expert, in month order), or -1 for both when it
        is in none.
    span
        Per block, how many one-place rows its expert keeps.
    limit
        Per block, the most postings its expert may take (-1: no count row kept).
    """

    rows: BoolArray
    posting: IntArray
    block: IntArray
    first: IntArray
    last: IntArray
    span: IntArray
    limit: IntArray


_CACHE: weakref.WeakKeyDictionary[IntegerProgram, ExpertBlocks | None] = weakref.WeakKeyDictionary()


def expert_blocks(lm: IntegerProgram) -> ExpertBlocks | None:
    """The experts' own rows of ``lm`` in the shape :func:`block_bound` solves, or
    ``None`` if no expert keeps one. Computed once per program."""
    if lm not in _CACHE:
        _CACHE[lm] = _find_blocks(lm)
    return _CACHE[lm]


def _row_experts(lm: IntegerProgram, n: int, expert: IntArray) -> IntArray:
    """Per row of the two kinds a block can keep: the one expert all its terms are
    postings of, with coefficient 1; -1 for every other row."""
    kinds = (lm.row_rule == _OVERLAP) | (lm.row_rule == _MAX_POSTINGS)
    term = kinds[lm.row_of_term]
    row, col, coef = lm.row_of_term[term], lm.cols[term], lm.coefs[term]
    who = np.where(col < n, expert[np.minimum(col, n - 1)], -1)
    who[coef != 1] = -1
    low = np.full(lm.num_rows, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(lm.num_rows, -2, dtype=np.int64)
    np.minimum.at(low, row, who)
    np.maximum.at(high, row, who)
    single = (low == high) & (low >= 0)
    return np.where(single, low, -1)


def _find_blocks(lm: IntegerProgram) -> ExpertBlocks | None:
    n = lm.cands.num_postings
    if n == 0:
        return None
    expert = lm.cands.expert[:n].astype(np.int64)
    num_experts = int(expert.max()) + 1
    owner = _row_experts(lm, n, expert)
    # experts with a pinned (forced) or closed posting keep nothing: a block takes each
    # posting once or not at all
    pinned = np.zeros(num_experts, dtype=bool)
    pinned[expert[(lm.lower[:n] > 0) | (lm.upper[:n] != 1)]] = True
    owner[(owner >= 0) & pinned[np.maximum(owner, 0)]] = -1
    per_expert = np.bincount(expert, minlength=num_experts)
    sizes = np.diff(lm.indptr)
    place = (lm.row_rule == _OVERLAP) & (owner >= 0) & (lm.rhs == 1)
    count = (
        (lm.row_rule == _MAX_POSTINGS)
        & (owner >= 0)
        & (lm.rhs >= 0)
        & (sizes == per_expert[np.maximum(owner, 0)])
    )
    limit = np.full(num_experts, -1, dtype=np.int64)
    count_rows = np.flatnonzero(count)
    # the tightest count row of each expert is kept, any other priced
    order = count_rows[np.lexsort((lm.rhs[count_rows], owner[count_rows]))]
    firsts = order[np.r_[True, owner[order][1:] != owner[order][:-1]]] if order.size else order
    count[:] = False
    count[firsts] = True
    limit[owner[firsts]] = lm.rhs[firsts]
    place, first, last, span = _runs(lm, place, owner, expert, num_experts)
    keeps = (span > 0) | (limit >= 0)
    if not keeps.any():
        return None
    block_of = np.cumsum(keeps) - 1
    posting = np.flatnonzero(keeps[expert])
    return ExpertBlocks(
        rows=place | count,
        posting=posting,
        block=block_of[expert[posting]],
        first=first[posting],
        last=last[posting],
        span=span[keeps],
        limit=limit[keeps],
    )


def _runs(
    lm: IntegerProgram, place: BoolArray, owner: IntArray, expert: IntArray, num_experts: int
) -> tuple[BoolArray, IntArray, IntArray, IntArray]:
    """Number each expert's one-place rows in month order (the latest start among their
    postings, all active then) and give each posting the first and last it is in; an
    expert where some posting's rows are not a contiguous run keeps none. Returns the
    rows kept, and per posting ``first`` and ``last`` (-1: none), and per expert the
    number of rows kept."""
    n = expert.size
    for _ in range(2):  # the second pass runs only if some expert was dropped
        rows = np.flatnonzero(place)
        term = place[lm.row_of_term]
        t_row, t_col = lm.row_of_term[term], lm.cols[term]
        month = np.full(lm.num_rows, -1, dtype=np.int64)
        np.maximum.at(month, t_row, lm.cands.start[t_col].astype(np.int64))
        rows = rows[np.lexsort((rows, month[rows], owner[rows]))]
        span = np.bincount(owner[rows], minlength=num_experts)
        index = np.full(lm.num_rows, -1, dtype=np.int64)
        index[rows] = offsets(span[span > 0]) if rows.size else rows
        first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        last = np.full(n, -1, dtype=np.int64)
        hits = np.zeros(n, dtype=np.int64)
        np.minimum.at(first, t_col, index[t_row])
        np.maximum.at(last, t_col, index[t_row])
        np.add.at(hits, t_col, 1)
        broken = (hits > 0) & (hits != last - first + 1)
        if not broken.any():
            first[hits == 0] = -1
            return place, first, last, span
        bad = np.zeros(num_experts, dtype=bool)
        bad[expert[broken]] = True
        place = place & ~bad[np.maximum(owner, 0)]
    raise AssertionError("runs are contiguous once the broken experts keep no rows")


def block_bound(
    lm: IntegerProgram, prices: npt.NDArray[np.float64], objective: IntArray | None = None
) -> int | None:
    """``L(y)`` (module docstring) on ``objective @ v`` (default: ``lm.objective``) for
    row prices ``max(prices, 0)`` on the rows not kept, rounded down: an exact bound on
    every plan's value, never above :func:`~matchaid.relax.safe_bound` for the same
    prices. ``None`` if no expert keeps a row, or the sums would leave int64."""
    from matchaid.relax import clipped_prices, column_terms, exact_reduced_costs

    blocks = expert_blocks(lm)
    if blocks is None:
        return None
    c = lm.objective if objective is None else objective
    y = clipped_prices(prices)
    y[blocks.rows] = 0.0
    denominator, total, reduced = exact_reduced_costs(lm, y, c, coarse=True)
    outside = np.ones(lm.num_vars, dtype=bool)
    outside[blocks.posting] = False
    total += column_terms(lm, reduced, np.flatnonzero(outside))
    best = _best_choices(blocks, reduced[blocks.posting])
    if best is None:
        return None
    return (total + best) // denominator


#: Sums of reduced costs in a block stay below this to be summed in int64.
_SUM_LIMIT = 2.0**61


def _best_choices(blocks: ExpertBlocks, reduced: npt.NDArray[np.object_]) -> int | None:
    """``sum_e max { r.x : x meets e's kept rows }`` for the reduced costs ``reduced``
    of ``blocks.posting``, exactly; ``None`` if a block's sum would leave int64."""
    take = np.flatnonzero(reduced > 0)  # a posting worth nothing is never taken
    if take.size == 0:
        return 0
    value = reduced[take]
    block = blocks.block[take]
    if np.bincount(block, weights=value.astype(np.float64)).max() >= _SUM_LIMIT:
        return None
    gain = value.astype(np.int64)
    first, last = blocks.first[take], blocks.last[take]
    # a posting in no kept one-place row conflicts with none: each gets a row of its own
    alone = np.flatnonzero(first < 0)
    if alone.size:
        order = alone[np.argsort(block[alone], kind="stable")]
        rank = offsets(np.bincount(block[order])[np.unique(block[order])])
        first[order] = last[order] = blocks.span[block[order]] + rank
    best = 0
    limit = blocks.limit[block]
    for counted in (False, True):
        sel = np.flatnonzero((limit >= 0) == counted)
        if sel.size:
            best += _longest_paths(
                block[sel], first[sel], last[sel], gain[sel], blocks.limit, counted
            )
    return best


def _longest_paths(
    block: IntArray, first: IntArray, last: IntArray, gain: IntArray, limit: IntArray, counted: bool
) -> int:
    """Per block, the most gain from postings whose runs ``[first, last]`` do not meet
    (and, if ``counted``, at most ``limit`` of them), summed over the blocks.

    ``f[b, i, k]``: the best over the postings ending before row ``i`` with at most
    ``k`` of them; a posting ending at row ``i - 1`` extends ``f[b, first, k - 1]``."""
    used, local = np.unique(block, return_inverse=True)
    rows = int(last.max()) + 1
    cap = limit[used] if counted else np.zeros(used.size, dtype=np.int64)
    depth = int(min(cap.max(), rows)) if counted else 0
    f = np.zeros((used.size, rows + 1, depth + 1), dtype=np.int64)
    order = np.argsort(last, kind="stable")
    ends = np.searchsorted(last[order], np.arange(rows + 1))
    for i in range(1, rows + 1):
        f[:, i] = f[:, i - 1]
        at = order[ends[i - 1] : ends[i]]
        if at.size == 0:
            continue
        b, a, g = local[at], first[at], gain[at]
        if counted:
            np.maximum.at(f[:, i, 1:], b, f[b, a, :-1] + g[:, None])
        else:
            np.maximum.at(f[:, i, 0], b, f[b, a, 0] + g)
    pick = np.minimum(cap, depth)
    return sum(int(v) for v in f[np.arange(used.size), rows, pick].tolist())
