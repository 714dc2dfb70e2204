"""Large neighbourhoods of a plan, read off the integer program alone.

On a programme that does not split (one part of 100,000 and more decisions) CP-SAT on
the whole model improves a plan slowly: each of its own neighbourhood searches goes
through the whole model. :func:`neighbourhood` cuts out a small exact sub-program
instead: every decision outside a chosen set is fixed at its value in the plan, and
only the rows that can still move are kept, with the fixed decisions' share moved to
the right-hand side. The sub-program's plans are exactly the plans that agree with the
current one outside the set; its objective differs from the whole one by a constant.
:func:`pick_decisions` chooses the set around one gap or one donor (their experts, and
those serving the gaps they could serve), so that moves between gaps are inside;
:func:`pick_disagreements` around the postings where the plan and the LP disagree.

Nothing here names a rule: rows, variables and levels are all it reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matchaid.arrays import IntArray
from matchaid.program import IntegerProgram

__all__ = ["Neighbourhood", "neighbourhood", "pick_decisions", "pick_disagreements"]


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """A sub-program: maximise ``objective @ w`` subject to ``A w <= rhs`` and
    ``lower <= w <= upper``, where ``w`` are the whole program's variables ``var``.

    Attributes
    ----------
    var
        The whole program's indices of the sub-program's variables (ascending).
    indptr, cols, coefs, rhs
        Its rows in CSR form, ``cols`` indexing ``var``; ``rhs`` has the fixed
        variables' share taken off.
    lower, upper, objective
        Per sub-program variable.
    """

    var: IntArray
    indptr: IntArray
    cols: IntArray
    coefs: IntArray
    rhs: IntArray
    lower: IntArray
    upper: IntArray
    objective: IntArray

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return int(self.rhs.shape[0])


def neighbourhood(lm: IntegerProgram, values: IntArray, free: IntArray) -> Neighbourhood:
    """The sub-program of ``lm`` around the plan ``values`` (every variable's value, as
    :meth:`IntegerProgram.complete` gives them) in which only the decisions ``free``
    may change.

    Kept: the rows with a free decision, every other variable in them that is not a
    decision (a count or an indicator, which the decisions' rows define), and, until
    nothing more is added, every row of such a variable and its other such variables.
    A row left out holds only fixed variables, so the plan satisfies it whatever the
    sub-program chooses."""
    n = len(lm.cands)
    row_of = lm.row_of_term
    kept = np.zeros(lm.num_vars, dtype=bool)
    kept[free] = True
    rows = np.zeros(lm.num_rows, dtype=bool)
    rows[row_of[kept[lm.cols]]] = True
    derived = lm.cols >= n
    while True:
        grown = kept.copy()
        grown[lm.cols[rows[row_of] & derived]] = True
        if (grown == kept).all():
            break
        kept = grown
        rows[row_of[kept[lm.cols] & derived]] = True
    var = np.flatnonzero(kept)
    local = np.full(lm.num_vars, -1, dtype=np.int64)
    local[var] = np.arange(var.size)
    row_ids = np.flatnonzero(rows)
    in_rows = rows[row_of]
    term_kept = in_rows & kept[lm.cols]
    term_fixed = in_rows & ~kept[lm.cols]
    # in exact integers: a budget row's coefficients (costs in thousandths) summed over
    # many fixed postings can pass 2**53, where floats would round
    fixed_share = np.zeros(lm.num_rows, dtype=np.int64)
    np.add.at(fixed_share, row_of[term_fixed], lm.coefs[term_fixed] * values[lm.cols[term_fixed]])
    row_local = np.full(lm.num_rows, -1, dtype=np.int64)
    row_local[row_ids] = np.arange(row_ids.size)
    r = row_local[row_of[term_kept]]
    order = np.argsort(r, kind="stable")
    sizes = np.bincount(r, minlength=row_ids.size)
    return Neighbourhood(
        var=var,
        indptr=np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
        cols=local[lm.cols[term_kept]][order],
        coefs=lm.coefs[term_kept][order],
        rhs=(lm.rhs - fixed_share)[row_ids],
        lower=lm.lower[var],
        upper=lm.upper[var],
        objective=lm.objective[var],
    )


def pick_decisions(
    lm: IntegerProgram,
    chosen: npt.NDArray[np.bool_],
    rng: np.random.Generator,
    size: int,
) -> IntArray:
    """About ``size`` decisions to free for the plan ``chosen``, all candidate postings
    of a set of experts: half the time around a random gap (the experts who could serve
    it), half the time around a random donor (its experts, whose release and
    ``max_away`` rows tie them in time); then the experts serving the gaps those experts
    could serve, in random order until ``size`` is reached. Placements (which have no
    expert) go in with probability one in four: which of them compete with the
    postings (through seats or a budget) is not known here."""
    cands = lm.cands
    m = cands.num_postings
    if m == 0:
        return np.arange(len(cands), dtype=np.int64)
    gap = cands.gap.astype(np.int64)
    expert = cands.expert.astype(np.int64)
    if rng.random() < 0.5:
        seed_gap = gap[int(rng.integers(m))]
        able = np.unique(expert[gap == seed_gap])
    else:
        donor_of = cands.tables.expert_donor[expert]
        able = np.unique(expert[donor_of == donor_of[int(rng.integers(m))]])
    near_gaps = np.unique(gap[np.isin(expert, able)])
    serving = np.unique(expert[:m][chosen[:m] & np.isin(gap, near_gaps)])
    rng.shuffle(able)
    rng.shuffle(serving)
    # the seed's own experts first, then those serving near them
    pool = np.concatenate((able, serving[~np.isin(serving, able)]))
    return _postings_of(lm, pool, rng, size)


def pick_disagreements(
    lm: IntegerProgram,
    disagree: npt.NDArray[np.bool_],
    rng: np.random.Generator,
    size: int,
) -> IntArray:
    """About ``size`` decisions to free, all candidate postings of experts drawn at
    random from those with a posting marked in ``disagree`` (where the plan and the LP's
    values disagree: RINS's free set, cut down to a neighbourhood); empty if no posting
    is marked. Placements go in as in :func:`pick_decisions`."""
    cands = lm.cands
    m = cands.num_postings
    experts = np.unique(cands.expert[:m][disagree[:m]].astype(np.int64))
    if experts.size == 0:
        return np.zeros(0, dtype=np.int64)
    rng.shuffle(experts)
    return _postings_of(lm, experts, rng, size)


def _postings_of(
    lm: IntegerProgram, pool: IntArray, rng: np.random.Generator, size: int
) -> IntArray:
    """Every candidate posting of the experts ``pool``, taken in order until about
    ``size`` decisions; every placement with probability one in four (which of them
    compete with the postings, through seats or a budget, is not known here)."""
    cands = lm.cands
    m = cands.num_postings
    expert = cands.expert[:m].astype(np.int64)
    per_expert = np.bincount(expert, minlength=int(expert.max()) + 1)
    take = np.searchsorted(np.cumsum(per_expert[pool]), size, side="right") + 1
    picked = pool[: max(1, int(take))]
    free = np.flatnonzero(np.isin(expert, picked))
    if len(cands) > m and rng.random() < 0.25:
        free = np.concatenate((free, np.arange(m, len(cands), dtype=np.int64)))
    return free
