"""The planner's model as arrays: one integer program, stated once.

:func:`linear_model` turns a :class:`~matchaid.candidates.CandidateSet` into a
:class:`LinearModel`: variables with upper bounds (one Boolean per candidate posting
first, then coverage counts and preferred-coverage counts), rows
``sum(coef x var) <= rhs`` in compressed sparse row form, each tagged with the rule it
states, and an integer objective to maximise. :mod:`matchaid.model` gives it to CP-SAT;
:mod:`matchaid.relax` solves its linear relaxation for a bound and a starting plan. Both
read the same arrays, so they cannot state different rules.

Everything is computed with NumPy over the candidates (never an experts x recipients x
months cube). Capacity rules ("at most k of a group away at once, in every month") are
stated only at months where some posting of the group starts: the postings active in any
month are a subset of those active at the latest start month before it, so the other
months add nothing. Rows that can never bind (no more postings than the cap) are left
out.

Coverage of a gap in a month of its window is ``min(demand, postings active)``: where
the postings that could be active never exceed demand, the sum of their Booleans is the
coverage (a coefficient on each Boolean, no variable); elsewhere a coverage variable
``cov <= demand`` with the row ``cov - sum(x) <= 0``, which maximisation makes the
minimum. Preferred-donor coverage likewise: ``pref <= cov`` and ``pref <= preferred
postings active``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matchaid.candidates import CandidateSet
from matchaid.exceptions import ParamsError, Problem
from matchaid.params import ObjectiveWeights

__all__ = [
    "RULES",
    "WEIGHT_SCALE",
    "LinearModel",
    "ObjectiveScaling",
    "linear_model",
]

logger = logging.getLogger("matchaid")

#: CP-SAT has no floats. Every weight (gap weights, and the secondary ``preferred`` and
#: ``travel`` weights times travel hours) is multiplied by this and rounded to an
#: integer. Gap weights with more than three decimals are rounded (a warning is logged):
#: the plan is then optimal for the rounded weights.
WEIGHT_SCALE = 1000

_INT_LIMIT = 2**62  # keep every objective sum well inside CP-SAT's int64 arithmetic

#: The rule each row states (``LinearModel.row_rule`` indexes this).
RULES: tuple[str, ...] = (
    "expert_no_overlap",
    "max_postings",
    "department_release",
    "donor_max_away",
    "hosting",
    "coverage",
    "preferred",
)
_OVERLAP, _MAX_POSTINGS, _RELEASE, _AWAY, _HOSTING, _COVERAGE, _PREFERRED = range(len(RULES))

#: Variable kinds (``LinearModel.kind``): a posting's Boolean, a coverage count, a
#: preferred-coverage count. A variable of a later kind is defined by rows over earlier
#: kinds only.
POSTING, COVERAGE, PREFERRED = 0, 1, 2

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ObjectiveScaling:
    """How the integer objective maps back to weight units.

    The integer objective is ``multiplier x primary_int + secondary_int``. In
    ``tiebreak`` mode ``multiplier`` exceeds every possible difference in
    ``secondary_int`` (which lies in ``[-max_penalty, max_bonus]``), so coverage always
    comes first. The *reported* objective (:attr:`LinearModel.primary`) is what a result
    states: coverage in ``tiebreak`` and ``off`` modes, the combined value in
    ``weighted`` mode; ``reported_int x unit`` is it in weight units.

    Attributes
    ----------
    rounded
        Some weight was rounded to the integer grid (more than three decimals in a gap
        weight, or tie-break amounts that are not multiples of 1/1000).
    slack
        In weight units: how much more than its integer value any plan can be worth with
        the exact weights (0 when nothing was rounded). Bounds add it.
    dropped
        The tie-break terms were dropped because, scaled, they would overflow CP-SAT's
        64-bit integers.
    """

    mode: str
    unit: float
    multiplier: int
    max_bonus: int
    max_penalty: int
    rounded: bool
    slack: float = 0.0
    dropped: bool = False

    def reported(self, whole: int) -> int:
        """The reported objective (integer units) of a plan whose whole integer objective
        is ``whole``; applied to a bound on the whole objective, a bound on it."""
        if self.mode == "weighted":
            return int(whole)
        return (int(whole) + self.max_penalty) // self.multiplier

    def value(self, reported: int) -> float:
        """A reported integer objective in weight units."""
        return reported * self.unit


@dataclass(frozen=True, slots=True, eq=False)
class LinearModel:
    """The planner's integer program: maximise ``objective @ v`` subject to
    ``A v <= rhs`` and ``0 <= v <= upper``, ``v`` integer.

    Attributes
    ----------
    cands
        The candidate postings; variable ``i < len(cands)`` is candidate ``i``'s Boolean.
    upper, kind, objective
        Per variable: upper bound, kind (:data:`POSTING`, :data:`COVERAGE`,
        :data:`PREFERRED`), integer objective coefficient.
    primary
        Per variable: coefficient of the reported objective (see
        :class:`ObjectiveScaling`), so that it can be proven apart from the tie-breaks.
    indptr, cols, coefs, rhs, row_rule, row_of_term
        The rows in compressed sparse row form (and the row of each entry of ``cols``): row ``r`` is
        ``sum(coefs[k] * v[cols[k]] for k in range(indptr[r], indptr[r+1])) <= rhs[r]``,
        stating rule ``RULES[row_rule[r]]``.
    scaling
        How the integer objective maps back to weight units.
    """

    cands: CandidateSet
    upper: IntArray
    kind: IntArray
    objective: IntArray
    primary: IntArray
    indptr: IntArray
    cols: IntArray
    coefs: IntArray
    rhs: IntArray
    row_rule: IntArray
    row_of_term: IntArray
    scaling: ObjectiveScaling

    @property
    def num_vars(self) -> int:
        """Number of variables."""
        return int(self.upper.shape[0])

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return int(self.rhs.shape[0])

    def rows_by_rule(self) -> dict[str, int]:
        """Number of rows stating each rule."""
        counts = np.bincount(self.row_rule, minlength=len(RULES))
        return {name: int(c) for name, c in zip(RULES, counts.tolist(), strict=True)}

    def activity(self, values: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """``A v`` for variable values ``values``."""
        v = np.asarray(values, dtype=np.float64)
        sums = np.bincount(
            self.row_of_term, weights=self.coefs * v[self.cols], minlength=self.num_rows
        )
        return np.asarray(sums, dtype=np.float64)

    def complete(self, chosen: npt.NDArray[np.bool_]) -> IntArray:
        """Every variable's value for the plan that takes the candidates marked in
        ``chosen``: each count as large as its rows allow (what maximisation makes it)."""
        values = np.zeros(self.num_vars, dtype=np.int64)
        values[: len(self.cands)] = chosen
        rows = self.row_of_term
        for kind in (COVERAGE, PREFERRED):
            defining = (self.kind[self.cols] == kind) & (self.coefs > 0)
            # Variables of this kind are 0 so far: a row's activity is that of the others.
            slack = self.rhs - self.activity(values).astype(np.int64)
            best = self.upper.copy()
            np.minimum.at(best, self.cols[defining], slack[rows[defining]])
            mine = self.kind == kind
            values[mine] = np.maximum(best[mine], 0)
        return values

    def value(self, values: npt.ArrayLike) -> int:
        """The integer objective of ``values`` (exact: no sum of a valid plan's terms
        leaves int64, see :func:`linear_model`)."""
        return int(np.dot(self.objective, np.asarray(values, dtype=np.int64)))

    def reported_value(self, values: npt.ArrayLike) -> int:
        """The reported objective of ``values`` in integer units (see
        :class:`ObjectiveScaling`)."""
        return int(np.dot(self.primary, np.asarray(values, dtype=np.int64)))


def _offsets(counts: IntArray) -> IntArray:
    """``0, 1, ..., counts[0]-1, 0, 1, ..., counts[1]-1, ...``: each entry's rank within
    its group, for groups of ``counts`` entries laid end to end."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)


def _expand(points: IntArray, lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """For each item ``j``, the points ``p`` (indices into sorted ``points``) with
    ``lo[j] <= points[p] < hi[j]``. Returns ``(point, item)`` per pair, grouped by
    point, items ascending within a point."""
    first = np.searchsorted(points, lo, side="left")
    last = np.searchsorted(points, hi, side="left")
    counts = last - first
    item = np.repeat(np.arange(lo.shape[0], dtype=np.int64), counts)
    point = np.repeat(first, counts) + _offsets(counts)
    order = np.argsort(point, kind="stable")
    return point[order], item[order]


class _Rows:
    """Rows collected rule by rule, then frozen into CSR arrays."""

    def __init__(self) -> None:
        self.sizes: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.coefs: list[IntArray] = []
        self.rhs: list[IntArray] = []
        self.rule: list[IntArray] = []

    def add(
        self,
        rule: int,
        point: IntArray,
        member: IntArray,
        keep: npt.NDArray[np.bool_],
        rhs: IntArray,
    ) -> None:
        """Rows ``p`` with ``keep[p]``: ``sum(x[member] for terms of p) <= rhs[p]``
        (``point``/``member`` grouped by point)."""
        sel = keep[point]
        point, member = point[sel], member[sel]
        if point.size == 0:
            return
        kept = np.flatnonzero(keep)
        self.sizes.append(np.bincount(point, minlength=keep.shape[0])[kept])
        self.cols.append(member)
        self.coefs.append(np.ones(member.shape[0], dtype=np.int64))
        self.rhs.append(rhs[kept])
        self.rule.append(np.full(kept.shape[0], rule, dtype=np.int64))

    def add_defined(self, rule: int, var: IntArray, point: IntArray, member: IntArray) -> None:
        """Rows ``var[p] - sum(x[member] for terms of p) <= 0`` for ``p = 0, 1, ...``
        (``point``/``member`` grouped by point, every point with a term)."""
        if var.size == 0:
            return
        cols = np.concatenate((var, member))
        row = np.concatenate((np.arange(var.size, dtype=np.int64), point))
        order = np.argsort(row, kind="stable")  # each row: its variable, then the terms
        self.sizes.append(np.bincount(point, minlength=var.size) + 1)
        self.cols.append(cols[order])
        self.coefs.append(np.where(order < var.size, 1, -1).astype(np.int64))
        self.rhs.append(np.zeros(var.size, dtype=np.int64))
        self.rule.append(np.full(var.size, rule, dtype=np.int64))

    def add_pairs(self, rule: int, left: IntArray, right: IntArray) -> None:
        """Rows ``v[left[k]] - v[right[k]] <= 0``."""
        if left.size == 0:
            return
        self.sizes.append(np.full(left.size, 2, dtype=np.int64))
        self.cols.append(np.stack((left, right), axis=1).reshape(-1))
        self.coefs.append(np.tile(np.array([1, -1], dtype=np.int64), left.size))
        self.rhs.append(np.zeros(left.size, dtype=np.int64))
        self.rule.append(np.full(left.size, rule, dtype=np.int64))

    def arrays(self) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
        """``indptr, cols, coefs, rhs, row_rule, row_of_term``."""

        def cat(parts: list[IntArray]) -> IntArray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        sizes = cat(self.sizes)
        indptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        row_of_term = np.repeat(np.arange(sizes.shape[0], dtype=np.int64), sizes)
        return indptr, cat(self.cols), cat(self.coefs), cat(self.rhs), cat(self.rule), row_of_term


def _capacity(
    rows: _Rows,
    rule: int,
    key: IntArray,
    cap: IntArray,
    start: IntArray,
    end: IntArray,
    span: int,
) -> None:
    """At most ``cap[key]`` postings of each group ``key`` active at once (``key < 0``:
    no limit), stated at the group's start months."""
    sel = np.flatnonzero(key >= 0)
    if sel.size == 0:
        return
    k = key[sel]
    points = np.unique(k * span + start[sel])
    point, item = _expand(points, k * span + start[sel], k * span + end[sel])
    size = np.bincount(point, minlength=points.shape[0])
    limit = cap[points // span]
    rows.add(rule, point, sel[item], size > limit, limit)


def _department_keys(cands: CandidateSet, e_donor: IntArray) -> tuple[IntArray, IntArray]:
    """Per candidate, its department (donor, primary specialty) if that department has
    a release cap, else -1; and the caps."""
    s = cands.scenario
    dept: dict[tuple[int, str], int] = {}
    caps: list[int] = []
    e_dept = np.full(len(s.experts), -1, dtype=np.int64)
    for i, e in enumerate(s.experts):
        cap = s.donors[int(e_donor[i])].release.get(e.primary)
        if cap is not None:
            key = (int(e_donor[i]), e.primary)
            if key not in dept:
                dept[key] = len(caps)
                caps.append(cap)
            e_dept[i] = dept[key]
    return e_dept[cands.expert], np.asarray(caps, dtype=np.int64)


def linear_model(cands: CandidateSet, weights: ObjectiveWeights) -> LinearModel:
    """The planner's integer program for ``cands`` (see the module docstring)."""
    s = cands.scenario
    n = len(cands)
    start = cands.start.astype(np.int64)
    end = start + cands.months
    span = s.horizon.months + 1  # every start and end month is < span
    donor_index = {d.id: i for i, d in enumerate(s.donors)}
    e_donor = np.array([donor_index[e.donor] for e in s.experts], dtype=np.int64)
    expert = cands.expert.astype(np.int64)
    rows = _Rows()

    # Capacities.
    _capacity(rows, _OVERLAP, expert, np.ones(len(s.experts), dtype=np.int64), start, end, span)
    max_posts = np.array(
        [-1 if e.max_postings is None else e.max_postings for e in s.experts], dtype=np.int64
    )
    per_expert = np.bincount(expert, minlength=len(s.experts))
    capped = (max_posts >= 0) & (per_expert > max_posts)
    if capped.any():
        order = np.argsort(expert, kind="stable")
        rows.add(_MAX_POSTINGS, expert[order], order, capped, max_posts)
    dept, dept_cap = _department_keys(cands, e_donor)
    _capacity(rows, _RELEASE, dept, dept_cap, start, end, span)
    away = np.array([-1 if d.max_away is None else d.max_away for d in s.donors], dtype=np.int64)
    donor = e_donor[expert]
    _capacity(rows, _AWAY, np.where(away[donor] >= 0, donor, -1), away, start, end, span)
    hosting = np.array([r.hosting for r in s.recipients], dtype=np.int64)
    _capacity(rows, _HOSTING, cands.recipient.astype(np.int64), hosting, start, end, span)

    # Coverage: one point per gap-month of a window.
    gaps = cands.gaps
    demand = np.array([g.demand for _, g in gaps], dtype=np.int64)
    win_lo = np.array([g.window[0] for _, g in gaps], dtype=np.int64)
    win_len = np.array([g.window[1] - g.window[0] for _, g in gaps], dtype=np.int64)
    total = int(win_len.sum())
    gap_of_point = np.repeat(np.arange(len(gaps), dtype=np.int64), win_len)
    month_of_point = np.repeat(win_lo, win_len) + _offsets(win_len)
    points = gap_of_point * span + month_of_point  # sorted: gaps in order, months ascending
    g = cands.gap.astype(np.int64)
    lo = np.maximum(start, win_lo[g])
    hi = np.minimum(end, win_lo[g] + win_len[g])
    point, item = _expand(points, g * span + lo, g * span + hi)
    size = np.bincount(point, minlength=total)
    need = demand[gap_of_point]
    direct = (size > 0) & (size <= need)  # coverage = sum of the Booleans
    x_cov = np.bincount(item[direct[point]], minlength=n)
    counted = np.flatnonzero(size > need)  # a coverage variable each
    cov_var = n + np.arange(counted.size, dtype=np.int64)
    cov_of_point = np.full(total, -1, dtype=np.int64)
    cov_of_point[counted] = cov_var
    rows.add_defined(_COVERAGE, cov_var, *_renumber(point, item, size > need))
    upper = [np.ones(n, dtype=np.int64), need[counted]]
    kind = [np.zeros(n, dtype=np.int64), np.full(counted.size, COVERAGE, dtype=np.int64)]

    pref_x = np.zeros(n, dtype=np.int64)
    pref_count = 0
    max_pref = 0
    wants_preferred = (
        weights.mode != "off" and weights.preferred > 0 and bool(cands.preferred.any())
    )
    if wants_preferred:
        is_pref = cands.preferred[item]
        npref = np.bincount(point[is_pref], minlength=total)
        all_pref = direct & (npref == size)
        pref_x = np.bincount(item[all_pref[point]], minlength=n)
        max_pref += int(size[all_pref].sum())
        counted_pref = np.flatnonzero((npref > 0) & ~all_pref)
        bound = np.minimum(np.minimum(size, need), npref)[counted_pref]
        pref_var = n + counted.size + np.arange(counted_pref.size, dtype=np.int64)
        pref_count = int(counted_pref.size)
        max_pref += int(bound.sum())
        # pref <= preferred postings active
        pmask = np.zeros(total, dtype=bool)
        pmask[counted_pref] = True
        rows.add_defined(_PREFERRED, pref_var, *_renumber(point[is_pref], item[is_pref], pmask))
        # pref <= cov, where coverage is a variable (elsewhere the row above implies it)
        with_cov = cov_of_point[counted_pref] >= 0
        rows.add_pairs(_PREFERRED, pref_var[with_cov], cov_of_point[counted_pref][with_cov])
        upper.append(bound)
        kind.append(np.full(counted_pref.size, PREFERRED, dtype=np.int64))

    objective, primary, scaling = _objective(
        cands, weights, x_cov, pref_x, gap_of_point[counted], pref_count, max_pref
    )
    indptr, cols, coefs, rhs, row_rule, row_of_term = rows.arrays()
    return LinearModel(
        cands=cands,
        upper=np.concatenate(upper),
        kind=np.concatenate(kind),
        objective=objective,
        primary=primary,
        indptr=indptr,
        cols=cols,
        coefs=coefs,
        rhs=rhs,
        row_rule=row_rule,
        row_of_term=row_of_term,
        scaling=scaling,
    )


def _renumber(
    point: IntArray, item: IntArray, keep: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray]:
    """The terms of the points marked ``keep``, points renumbered ``0..keep.sum()-1``."""
    new = np.cumsum(keep) - 1
    sel = keep[point]
    return new[point[sel]], item[sel]


def _scaled(values: npt.NDArray[np.float64]) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """``values x WEIGHT_SCALE`` rounded to integers, and what rounding added to each
    (positive: the integer is larger). Differences under 1e-6 of a unit are float noise
    (0.1 + 0.2 hours), not rounding, and count as 0."""
    scaled = values * WEIGHT_SCALE
    ints = np.rint(scaled).astype(np.int64)
    error = ints - scaled
    error[np.abs(error) <= 1e-6] = 0.0
    return ints, error


def _objective(
    cands: CandidateSet,
    weights: ObjectiveWeights,
    x_cov: IntArray,
    pref_x: IntArray,
    cov_gap: IntArray,
    pref_count: int,
    max_pref: int,
) -> tuple[IntArray, IntArray, ObjectiveScaling]:
    """Integer objective coefficients (whole and reported): weighted covered
    expert-months, then (by ``weights.mode``) the preferred pairings and low travel."""
    gap_w = np.array([g.weight for _, g in cands.gaps], dtype=np.float64)
    gap_int, _ = _scaled(gap_w)
    gap_int = np.maximum(gap_int, 1)  # weights are > 0; never let rounding drop a gap
    gap_err = gap_int - gap_w * WEIGHT_SCALE
    gap_err[np.abs(gap_err) <= 1e-6] = 0.0
    demand_months = np.array([g.demand_months for _, g in cands.gaps], dtype=np.int64)
    # What the exact weights can be worth above the integer ones, in weight units.
    slack = float(np.dot(np.maximum(-gap_err, 0.0), demand_months)) / WEIGHT_SCALE
    rounded = bool(gap_err.any())
    if rounded:
        logger.warning(
            "gap weights with more than %d decimals were rounded to multiples of 1/%d for CP-SAT",
            int(math.log10(WEIGHT_SCALE)),
            WEIGHT_SCALE,
        )
    divisor = int(np.gcd.reduce(gap_int)) if gap_int.size else 1
    unit = divisor / WEIGHT_SCALE
    nothing = np.zeros(len(cands), dtype=np.int64)
    secondary = _secondary(cands, weights, max_pref) if weights.mode != "off" else None
    if secondary is None and weights.mode == "weighted":
        raise ParamsError(
            "<params>",
            [
                Problem(
                    "weights",
                    "the weighted objective is too large for CP-SAT's 64-bit integers with "
                    "these weights and travel hours: lower weights.preferred, "
                    "weights.travel or weights.posted_month",
                )
            ],
        )
    if secondary is None:  # coverage alone: "off", or tie-breaks that cannot be scaled
        dropped = weights.mode == "tiebreak"
        if dropped:
            logger.warning("tie-break terms dropped: scaled, they would overflow 64-bit integers")
        scaling = ObjectiveScaling(weights.mode, unit, 1, 0, 0, rounded, slack, dropped)
        return _assemble(
            cands, x_cov, pref_x, cov_gap, pref_count, gap_int // divisor, 0, nothing, scaling
        )
    bonus, penalty, bonus_err, pen_err, max_penalty = secondary
    if weights.mode == "weighted":
        # Exact value - integer value <= what rounding took off every term a plan can hold.
        slack += (max(-bonus_err, 0.0) * max_pref + float(np.maximum(pen_err, 0.0).sum())) / (
            WEIGHT_SCALE
        )
        rounded = rounded or bonus_err != 0 or bool(pen_err.any())
        scaling = ObjectiveScaling(
            "weighted", 1 / WEIGHT_SCALE, 1, bonus * max_pref, max_penalty, rounded, slack
        )
        return _assemble(
            cands, x_cov, pref_x, cov_gap, pref_count, gap_int, bonus, penalty, scaling
        )
    common = math.gcd(bonus, int(np.gcd.reduce(penalty)) if penalty.size else 0)
    if common > 1:
        bonus, penalty, max_penalty = bonus // common, penalty // common, max_penalty // common
    max_bonus = bonus * max_pref
    multiplier = max_bonus + max_penalty + 1
    primary = gap_int // divisor
    max_primary = int(np.dot(primary, demand_months))
    if multiplier * max_primary + max_bonus + max_penalty >= _INT_LIMIT:  # Python ints
        logger.warning("tie-break terms dropped: scaled, they would overflow 64-bit integers")
        scaling = ObjectiveScaling("tiebreak", unit, 1, 0, 0, rounded, slack, dropped=True)
        return _assemble(cands, x_cov, pref_x, cov_gap, pref_count, primary, 0, nothing, scaling)
    scaling = ObjectiveScaling("tiebreak", unit, multiplier, max_bonus, max_penalty, rounded, slack)
    return _assemble(cands, x_cov, pref_x, cov_gap, pref_count, primary, bonus, penalty, scaling)


def _secondary(
    cands: CandidateSet, weights: ObjectiveWeights, max_pref: int
) -> tuple[int, IntArray, float, npt.NDArray[np.float64], int] | None:
    """The tie-break amounts as integers: the bonus per preferred covered month, the
    penalty per candidate, their rounding errors, and the largest total penalty any plan
    can pay; ``None`` if they cannot be represented in 64-bit integers."""
    hours = np.nan_to_num(cands.travel_hours, nan=0.0)
    raw_penalty = weights.travel * hours + weights.posted_month * cands.months
    raw_bonus = weights.preferred
    if raw_penalty.size and float(raw_penalty.max()) * WEIGHT_SCALE >= 2.0**53:
        return None
    if raw_bonus * WEIGHT_SCALE * max(max_pref, 1) >= 2.0**53:
        return None
    penalty, pen_err = _scaled(raw_penalty)
    bonus_arr, bonus_err = _scaled(np.array([raw_bonus]))
    bonus = int(bonus_arr[0])
    max_penalty = 0
    if penalty.any():
        s = cands.scenario
        order = np.argsort(cands.expert, kind="stable")
        experts, first = np.unique(cands.expert[order], return_index=True)
        shortest = np.minimum.reduceat(cands.months[order].astype(np.int64), first)
        worst = np.maximum.reduceat(penalty[order], first)
        span = np.array(
            [s.experts[e].available[1] - s.experts[e].available[0] for e in experts.tolist()],
            dtype=np.int64,
        )
        # Each expert takes at most (available months // shortest candidate term) postings.
        most = span // shortest
        caps = np.array(
            [
                s.experts[e].max_postings if s.experts[e].max_postings is not None else -1
                for e in experts.tolist()
            ],
            dtype=np.int64,
        )
        most = np.where(caps >= 0, np.minimum(most, caps), most)
        max_penalty = sum(
            int(m) * int(w) for m, w in zip(most.tolist(), worst.tolist(), strict=True)
        )
    if max_penalty + bonus * max_pref >= _INT_LIMIT:
        return None
    return bonus, penalty, float(bonus_err[0]), pen_err, max_penalty


def _padded(slack: float) -> float:
    """A rounding slack made safe against the float sums it is compared with."""
    return slack * (1 + 1e-9) + 1e-9 if slack > 0 else 0.0


def _assemble(
    cands: CandidateSet,
    x_cov: IntArray,
    pref_x: IntArray,
    cov_gap: IntArray,
    pref_count: int,
    primary: IntArray,
    bonus: int,
    penalty: IntArray,
    scaling: ObjectiveScaling,
) -> tuple[IntArray, IntArray, ObjectiveScaling]:
    """The whole and the reported objective coefficients of every variable."""
    scaling = dataclasses.replace(scaling, slack=_padded(scaling.slack))
    m = scaling.multiplier
    x_primary = primary[cands.gap] * x_cov
    reported = np.concatenate(
        (x_primary, primary[cov_gap], np.zeros(pref_count, dtype=np.int64))
    ).astype(np.int64)
    if scaling.mode == "weighted":
        reported[: len(cands)] += bonus * pref_x - penalty
        reported[len(reported) - pref_count :] = bonus
        return reported, reported, scaling
    whole = m * reported
    whole[: len(cands)] += bonus * pref_x - penalty
    if pref_count:
        whole[len(whole) - pref_count :] = bonus
    return whole, reported, scaling
