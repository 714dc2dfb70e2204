"""The planner's integer program, stated once, rule by rule.

:func:`build_program` turns a :class:`~matchaid.candidates.CandidateSet` into an
:class:`IntegerProgram`: variables with upper bounds (one Boolean per candidate posting
first, then whatever the rules need), rows ``sum(coef x var) <= rhs`` in compressed
sparse row form, each tagged with the rule it states, and an integer objective to
maximise. Every rule of :data:`matchaid.rules.RULES` adds its part through a
:class:`ProgramBuilder`; nothing here names a rule. :mod:`matchaid.cp_sat` gives the
program to CP-SAT and :mod:`matchaid.relax` solves its linear relaxation: both read the
same arrays, so they cannot state different rules.

Everything is computed with NumPy over the candidates (never an experts x recipients x
months cube). Capacity rules ("at most k of a group away at once, in every month") are
stated only at months where some posting of the group starts: the postings active in any
month are a subset of those active at the latest start month before it, so the other
months add nothing. Rows that can never bind (no more postings than the cap) are left
out.

**The objective.** Rules add *primary* terms (weights per unit, such as a gap's weight
per covered expert-month) and *tie-break* terms (bonuses and penalties). Every weight
is scaled by :data:`WEIGHT_SCALE` to an integer. In ``tiebreak`` mode the primary
objective is multiplied by more than the tie-breaks can ever add up to, so they never
cost any of it (:class:`ObjectiveScaling`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matchaid.arrays import IntArray, expand
from matchaid.candidates import CandidateSet
from matchaid.exceptions import ParamsError, Problem
from matchaid.rulenames import RuleName
from matchaid.rules.base import FORCED
from matchaid.weights import ObjectiveWeights

__all__ = [
    "FORCED",
    "RULE_ORDER",
    "WEIGHT_SCALE",
    "IntegerProgram",
    "ObjectiveScaling",
    "ProgramBuilder",
    "build_program",
]

logger = logging.getLogger("matchaid")

#: CP-SAT has no floats. Every weight (gap weights, and the secondary ``preferred`` and
#: ``travel`` weights times travel hours) is multiplied by this and rounded to an
#: integer. Gap weights with more than three decimals are rounded (a warning is logged):
#: the plan is then optimal for the rounded weights.
WEIGHT_SCALE = 1000

_INT_LIMIT = 2**62  # keep every objective sum well inside CP-SAT's int64 arithmetic

#: The rule each row states (``IntegerProgram.row_rule`` indexes this).
RULE_ORDER: tuple[RuleName, ...] = tuple(RuleName)
_RULE_CODE = {name: k for k, name in enumerate(RULE_ORDER)}

FloatArray = npt.NDArray[np.float64]


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


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class IntegerProgram:
    """The planner's integer program: maximise ``objective @ v`` subject to
    ``A v <= rhs`` and ``0 <= v <= upper``, ``v`` integer.

    Attributes
    ----------
    cands
        The candidate postings and placements; variable ``i < len(cands)`` is decision
        ``i``'s Boolean (see :class:`~matchaid.candidates.CandidateSet`).
    lower
        Per variable: lower bound (1 for a fixed pin's Boolean, else 0).
    upper, level, objective
        Per variable: upper bound, level (0 for a decision's Boolean; a variable of level
        ``k > 0`` is defined by rows over variables of lower levels, see
        :meth:`ProgramBuilder.add_variables`), integer objective coefficient.
    primary
        Per variable: coefficient of the reported objective (see
        :class:`ObjectiveScaling`), so that it can be proven apart from the tie-breaks.
    indptr, cols, coefs, rhs, row_rule, row_of_term
        The rows in compressed sparse row form (and the row of each entry of ``cols``): row ``r`` is
        ``sum(coefs[k] * v[cols[k]] for k in range(indptr[r], indptr[r+1])) <= rhs[r]``,
        stating rule ``RULE_ORDER[row_rule[r]]``.
    scaling
        How the integer objective maps back to weight units.
    coverage_coef, coverage_gap, coverage_full
        Weighted coverage alone, in the units of :attr:`primary`: per variable its
        coefficient and the gap it covers (-1: none); per gap (scenario order) the value
        of covering it fully.
    """

    cands: CandidateSet
    upper: IntArray
    lower: IntArray
    level: IntArray
    objective: IntArray
    primary: IntArray
    indptr: IntArray
    cols: IntArray
    coefs: IntArray
    rhs: IntArray
    row_rule: IntArray
    row_of_term: IntArray
    scaling: ObjectiveScaling
    coverage_coef: IntArray | None = None
    coverage_gap: IntArray | None = None
    coverage_full: IntArray | None = None

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
        counts = np.bincount(self.row_rule, minlength=len(RULE_ORDER))
        return {str(name): int(c) for name, c in zip(RULE_ORDER, counts.tolist(), strict=True) if c}

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
        forced = (self.level[self.cols] == FORCED) & (self.coefs < 0)
        if forced.any():  # each as small as the postings' rows require
            excess = self.activity(values).astype(np.int64) - self.rhs
            need = -(-excess[rows[forced]] // -self.coefs[forced])  # ceiling
            low = np.zeros(self.num_vars, dtype=np.int64)
            np.maximum.at(low, self.cols[forced], need)
            mine = self.level == FORCED
            values[mine] = np.minimum(low[mine], self.upper[mine])
        for level in range(1, int(self.level.max(initial=0)) + 1):
            defining = (self.level[self.cols] == level) & (self.coefs > 0)
            # Variables of this kind are 0 so far: a row's activity is that of the others.
            slack = self.rhs - self.activity(values).astype(np.int64)
            best = self.upper.copy()
            np.minimum.at(best, self.cols[defining], slack[rows[defining]] // self.coefs[defining])
            mine = self.level == level
            values[mine] = np.maximum(best[mine], 0)
        return values

    def feasible(self, values: npt.ArrayLike) -> bool:
        """Whether ``values`` satisfy every row and bound."""
        v = np.asarray(values, dtype=np.int64)
        return bool(
            (self.activity(v) <= self.rhs + 1e-9).all()
            and (v >= self.lower).all()
            and (v <= self.upper).all()
        )

    def value(self, values: npt.ArrayLike) -> int:
        """The integer objective of ``values`` (exact: no sum of a valid plan's terms
        leaves int64, see :func:`build_program`)."""
        return int(np.dot(self.objective, np.asarray(values, dtype=np.int64)))

    def reported_value(self, values: npt.ArrayLike) -> int:
        """The reported objective of ``values`` in integer units (see
        :class:`ObjectiveScaling`)."""
        return int(np.dot(self.primary, np.asarray(values, dtype=np.int64)))


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
        rule: RuleName,
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
        self.rule.append(np.full(kept.shape[0], _RULE_CODE[rule], dtype=np.int64))

    def add_defined(self, rule: RuleName, var: IntArray, point: IntArray, member: IntArray) -> None:
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
        self.rule.append(np.full(var.size, _RULE_CODE[rule], dtype=np.int64))

    def add_general(
        self, rule: RuleName, point: IntArray, member: IntArray, coef: IntArray, rhs: IntArray
    ) -> None:
        """Rows ``p = 0 .. rhs.size-1``: ``sum(coef x v[member] for terms of p) <= rhs[p]``
        (terms in any order; a variable given twice in a row has its coefficients
        summed; zero coefficients dropped)."""
        width = int(member.max(initial=0)) + 1
        pairs, where = np.unique(point * width + member, return_inverse=True)
        summed = np.zeros(pairs.size, dtype=np.int64)
        np.add.at(summed, where, coef)
        keep = summed != 0
        point, member, coef = pairs[keep] // width, pairs[keep] % width, summed[keep]
        self.sizes.append(np.bincount(point, minlength=rhs.size))
        self.cols.append(member)
        self.coefs.append(coef)
        self.rhs.append(rhs.astype(np.int64))
        self.rule.append(np.full(rhs.size, _RULE_CODE[rule], dtype=np.int64))

    def add_pairs(self, rule: RuleName, left: IntArray, right: IntArray) -> None:
        """Rows ``v[left[k]] - v[right[k]] <= 0``."""
        if left.size == 0:
            return
        self.sizes.append(np.full(left.size, 2, dtype=np.int64))
        self.cols.append(np.stack((left, right), axis=1).reshape(-1))
        self.coefs.append(np.tile(np.array([1, -1], dtype=np.int64), left.size))
        self.rhs.append(np.zeros(left.size, dtype=np.int64))
        self.rule.append(np.full(left.size, _RULE_CODE[rule], dtype=np.int64))

    def arrays(self) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
        """``indptr, cols, coefs, rhs, row_rule, row_of_term``."""

        def cat(parts: list[IntArray]) -> IntArray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        sizes = cat(self.sizes)
        indptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        row_of_term = np.repeat(np.arange(sizes.shape[0], dtype=np.int64), sizes)
        return indptr, cat(self.cols), cat(self.coefs), cat(self.rhs), cat(self.rule), row_of_term


@dataclass(frozen=True, slots=True)
class _Primary:
    """Primary terms: ``units[k] x weights[weight_of[k]] / per`` on variable ``var[k]``;
    no plan holds more than ``max_units[w]`` units of weight ``w`` (in absolute value:
    a term whose units are negative is a cost)."""

    weights: FloatArray
    max_units: IntArray
    var: IntArray
    weight_of: IntArray
    units: IntArray
    per: int = 1
    gaps: IntArray | None = None  # per weight: the gap it covers (coverage terms only)

    @property
    def sign(self) -> int:
        return -1 if bool((self.units < 0).any()) else 1


@dataclass(frozen=True, slots=True)
class _Bonus:
    """A tie-break bonus of ``amount`` per unit: ``units[k]`` on ``var[k]``; no plan holds
    more than ``max_units``."""

    amount: float
    var: IntArray
    units: IntArray
    max_units: int


@dataclass(frozen=True, slots=True)
class _Penalty:
    """A tie-break cost ``amounts[k]`` on ``var[k]``; ``most(scaled)`` is the largest total
    any plan can pay, given the amounts as scaled integers."""

    var: IntArray
    amounts: FloatArray
    most: Callable[[IntArray], int]


class ProgramBuilder:
    """What a rule module adds its variables, rows and objective terms to.

    Attributes read by rules: ``cands``, ``scenario``, ``tables``, ``weights``, ``n``
    (number of candidate postings; variables ``0..n-1`` are their Booleans), ``start``,
    ``end`` and ``expert``, ``donor``, ``recipient`` (per candidate posting, int64),
    ``placement_var`` (the Booleans of the candidate training placements, which follow
    the postings'), ``span`` (a number larger than every month, for combined keys), and
    ``facts`` (what earlier rules published for later ones, by rule name), and
    ``binds_from`` (the first period that rules stated period by period bind in: ``now``
    when re-planning, else 0).
    """

    def __init__(self, cands: CandidateSet, weights: ObjectiveWeights) -> None:
        self.cands = cands
        self.scenario = cands.scenario
        self.tables = cands.tables
        self.weights = weights
        self.n = cands.num_postings
        self.placement_var = np.arange(self.n, len(cands), dtype=np.int64)
        self.start = cands.start.astype(np.int64)
        self.end = self.start + cands.months
        self.span = self.scenario.horizon.months + 1  # every start and end month is < span
        past = self.scenario.past
        self.binds_from = 0 if past is None else past.now
        self.expert = cands.expert.astype(np.int64)
        self.donor = self.tables.expert_donor[self.expert]
        self.recipient = cands.recipient.astype(np.int64)
        self.facts: dict[RuleName, Any] = {}
        self._upper = [np.ones(len(cands), dtype=np.int64)]
        self._fixed: list[IntArray] = []
        self._level = [np.zeros(len(cands), dtype=np.int64)]
        self._num_vars = len(cands)
        self._rows = _Rows()
        self._primary: list[_Primary] = []
        self._bonus: list[_Bonus] = []
        self._penalty: list[_Penalty] = []

    # Variables and rows.

    def add_variables(self, upper: IntArray, level: int) -> IntArray:
        """New integer variables ``0 <= v <= upper`` (one per entry); returns their
        indices. A variable of level ``k >= 1`` must be defined by rows in which it has a
        positive coefficient over variables of lower levels only, as a count that
        maximisation makes as large as those rows allow (``cov <= postings active``).
        A variable of level :data:`FORCED` is an indicator that postings force up: it
        has a negative coefficient in rows over postings (``x - used <= 0``), is as
        small as those rows allow in every plan a search keeps, and may have positive
        coefficients in rows over such indicators only (``sum(used) <= K``); its
        objective coefficient is never positive."""
        index = self._num_vars + np.arange(upper.size, dtype=np.int64)
        self._upper.append(upper.astype(np.int64))
        self._level.append(np.full(upper.size, level, dtype=np.int64))
        self._num_vars += int(upper.size)
        return index

    def fix(self, var: IntArray) -> None:
        """Variables ``var`` are at least 1 in every plan (fixed pins)."""
        self._fixed.append(var.astype(np.int64))

    def add_capacity(
        self,
        rule: RuleName,
        key: IntArray,
        cap: IntArray,
        spans: tuple[IntArray, IntArray, IntArray] | None = None,
    ) -> None:
        """At most ``cap[key[i]]`` postings of each group active in any month from
        ``binds_from`` on (``key < 0``: no limit), stated at the months where a posting of
        the group starts. With ``spans = (var, start, end)``, the same over those
        variables active in ``[start, end)`` (training placements), ``key`` giving each
        one's group. (When re-planning, the postings active at ``t >= now`` are active at
        the latest start of a new one at or before ``t``, or else are all past.)"""
        var, start, end = spans or (np.arange(self.n, dtype=np.int64), self.start, self.end)
        sel = np.flatnonzero(key >= 0)
        if sel.size == 0:
            return
        k, span = key[sel], self.span
        points = np.unique(k * span + start[sel])
        if self.binds_from:  # re-planning: also where the past alone is active at now
            points = np.union1d(points, np.unique(k) * span + self.binds_from)
        point, item = expand(points, k * span + start[sel], k * span + end[sel])
        size = np.bincount(point, minlength=points.shape[0])
        limit = cap[points // span]
        binding = (size > limit) & (points % span >= self.binds_from)
        self._rows.add(rule, point, var[sel[item]], binding, limit)

    def add_count_limit(self, rule: RuleName, key: IntArray, cap: IntArray) -> None:
        """At most ``cap[key[i]]`` postings of each group in all (``cap < 0``: no limit)."""
        per_group = np.bincount(key, minlength=cap.size)
        capped = (cap >= 0) & (per_group > cap)
        if capped.any():
            order = np.argsort(key, kind="stable")
            self._rows.add(rule, key[order], order, capped, cap)

    def add_defined(self, rule: RuleName, var: IntArray, point: IntArray, member: IntArray) -> None:
        """Rows ``var[p] - sum(v[member] for terms of p) <= 0`` for ``p = 0, 1, ...``
        (``point``/``member`` grouped by point, every point with a term)."""
        self._rows.add_defined(rule, var, point, member)

    def add_at_most(self, rule: RuleName, left: IntArray, right: IntArray) -> None:
        """Rows ``v[left[k]] - v[right[k]] <= 0``."""
        self._rows.add_pairs(rule, left, right)

    def add_distinct_limit(
        self, rule: RuleName, group: IntArray, key: IntArray, cap: IntArray
    ) -> None:
        """The postings of each group use at most ``cap[group]`` distinct keys
        (``group[i] < 0`` or ``cap < 0``: no limit): a forced indicator per (group, key)
        used, ``x - used <= 0``, and ``sum(used) <= cap`` per group. Groups that cannot
        reach more keys than their cap get no rows."""
        sel = np.flatnonzero(group >= 0)
        sel = sel[cap[group[sel]] >= 0]
        if sel.size == 0:
            return
        width = int(key.max(initial=0)) + 1
        pairs, where = np.unique(group[sel] * width + key[sel], return_inverse=True)
        pair_group = pairs // width
        distinct = np.bincount(pair_group, minlength=cap.size)
        binding = (cap >= 0) & (distinct > cap)
        bound_pair = binding[pair_group]
        if not bound_pair.any():
            return
        used = self.add_variables(np.ones(int(bound_pair.sum()), dtype=np.int64), level=FORCED)
        var_of_pair = np.full(pairs.size, -1, dtype=np.int64)
        var_of_pair[bound_pair] = used
        posting = bound_pair[where]
        self._rows.add_pairs(rule, sel[posting], var_of_pair[where[posting]])
        groups = np.flatnonzero(binding)
        local = np.searchsorted(groups, pair_group[bound_pair])
        self._rows.add_general(rule, local, used, np.ones(used.size, dtype=np.int64), cap[groups])

    def add_rows(
        self, rule: RuleName, point: IntArray, member: IntArray, coef: IntArray, rhs: IntArray
    ) -> None:
        """Any rows: row ``p`` (``0 <= p < rhs.size``) is ``sum(coef[k] x v[member[k]]
        for the terms k with point[k] = p) <= rhs[p]``. The empty plan must satisfy
        them (``rhs >= 0`` over postings alone)."""
        if rhs.size:
            self._rows.add_general(rule, point, member, coef, rhs)

    # Objective terms.

    def add_primary(
        self,
        weights: FloatArray,
        max_units: IntArray,
        var: IntArray,
        weight_of: IntArray,
        units: IntArray,
        per: int = 1,
        gaps: IntArray | None = None,
    ) -> None:
        """Primary terms: ``units[k]`` units of weight ``weights[weight_of[k]] / per`` on
        ``var[k]``, where no plan holds more than ``max_units[w]`` units of weight ``w``
        (used to bound what rounding a weight can hide). Weights are > 0; a cost has
        negative ``units`` (all of one term's units have one sign). ``per`` states a
        unit finer than the weight's own (100: hundredths of an expert-period); the
        objective stays exact. ``gaps`` marks coverage terms: the gap each weight
        covers (fairness reads them, :attr:`IntegerProgram.coverage_coef`)."""
        if units.size and bool((units < 0).any()) and bool((units > 0).any()):
            raise ValueError("a primary term's units must all have one sign")
        self._primary.append(_Primary(weights, max_units, var, weight_of, units, per, gaps))

    def add_bonus(self, amount: float, var: IntArray, units: IntArray, max_units: int) -> None:
        """A tie-break bonus of ``amount`` per unit; ``units[k]`` on ``var[k]``. A bonus
        that no plan can earn (``max_units = 0``) still sets the grid the tie-break
        amounts are stated on (their common divisor), so that the same weights give the
        same integer objective whether or not a part of a programme can earn them."""
        if amount > 0:
            self._bonus.append(_Bonus(amount, var, units, max_units))

    def add_penalty(
        self, var: IntArray, amounts: FloatArray, most: Callable[[IntArray], int]
    ) -> None:
        """A tie-break cost ``amounts[k]`` on ``var[k]``; ``most(scaled)`` bounds the total
        any plan pays, for the amounts scaled to integers."""
        self._penalty.append(_Penalty(var, amounts, most))

    def finish(self) -> IntegerProgram:
        """The program: rows frozen, objective scaled to integers."""
        upper = np.concatenate(self._upper)
        lower = np.zeros(upper.size, dtype=np.int64)
        for var in self._fixed:
            lower[var] = 1
        objective, primary, scaling = _objective(self, upper.size)
        coverage = _coverage(self, upper.size, divide=scaling.mode != "weighted")
        indptr, cols, coefs, rhs, row_rule, row_of_term = self._rows.arrays()
        return IntegerProgram(
            cands=self.cands,
            upper=upper,
            lower=lower,
            level=np.concatenate(self._level),
            objective=objective,
            primary=primary,
            indptr=indptr,
            cols=cols,
            coefs=coefs,
            rhs=rhs,
            row_rule=row_rule,
            row_of_term=row_of_term,
            scaling=scaling,
            coverage_coef=coverage[0],
            coverage_gap=coverage[1],
            coverage_full=coverage[2],
        )


def build_program(cands: CandidateSet, weights: ObjectiveWeights) -> IntegerProgram:
    """The planner's integer program for ``cands``: every rule's part of it."""
    from matchaid.rules import RULES

    builder = ProgramBuilder(cands, weights)
    for rule in RULES:
        if rule.build is not None:
            rule.build(builder)
    return builder.finish()


def _scaled(values: FloatArray) -> tuple[IntArray, FloatArray]:
    """``values x WEIGHT_SCALE`` rounded to integers, and what rounding added to each
    (positive: the integer is larger). Differences under 1e-6 of a unit are float noise
    (0.1 + 0.2 hours), not rounding, and count as 0."""
    scaled = values * WEIGHT_SCALE
    ints = np.rint(scaled).astype(np.int64)
    error = ints - scaled
    error[np.abs(error) <= 1e-6] = 0.0
    return ints, error


def _padded(slack: float) -> float:
    """A rounding slack made safe against the float sums it is compared with."""
    return slack * (1 + 1e-9) + 1e-9 if slack > 0 else 0.0


@dataclass(frozen=True, slots=True)
class _Scaled:
    """The primary weights per unit as integers (not yet divided by ``divisor``):
    ``weight / per x scale``."""

    weights: IntArray  # per weight, all terms' tables laid end to end
    first: list[int]  # where each term's table starts
    max_units: IntArray
    divisor: int
    slack: float  # in weight units
    rounded: bool
    scale: int  # WEIGHT_SCALE x the least common multiple of the terms' ``per``


def _scale_primary(terms: list[_Primary]) -> _Scaled:
    common = math.lcm(*(t.per for t in terms)) if terms else 1
    raw = np.concatenate([t.weights for t in terms]) if terms else np.zeros(0)
    times = np.concatenate(
        [np.full(t.weights.size, common // t.per, dtype=np.int64) for t in terms]
        or [np.zeros(0, dtype=np.int64)]
    )
    sign = np.concatenate(
        [np.full(t.weights.size, t.sign, dtype=np.int64) for t in terms]
        or [np.zeros(0, dtype=np.int64)]
    )
    ints, _ = _scaled(raw.astype(np.float64))
    ints = np.maximum(ints, 1)  # weights are > 0; never let rounding drop one
    error = ints - raw * WEIGHT_SCALE
    error[np.abs(error) <= 1e-6] = 0.0
    ints = ints * times
    error = error * times
    max_units = (
        np.concatenate([t.max_units for t in terms]) if terms else np.zeros(0, dtype=np.int64)
    )
    # What the exact weights can be worth above the integer ones, in weight units: a
    # gain whose weight was rounded down, a cost whose weight was rounded up.
    slack = float(np.dot(np.maximum(-sign * error, 0.0), max_units)) / (WEIGHT_SCALE * common)
    rounded = bool(error.any())
    if rounded:
        logger.warning(
            "weights with more than %d decimals were rounded to multiples of 1/%d for CP-SAT",
            int(math.log10(WEIGHT_SCALE)),
            WEIGHT_SCALE,
        )
    first = np.cumsum([0] + [t.weights.size for t in terms]).tolist()
    divisor = int(np.gcd.reduce(ints)) if ints.size else 1
    return _Scaled(ints, first, max_units, divisor, slack, rounded, WEIGHT_SCALE * common)


def _coverage(b: ProgramBuilder, size: int, divide: bool) -> tuple[IntArray, IntArray, IntArray]:
    """Weighted coverage alone (the primary terms marked with their gaps), in the units
    of the primary objective: coefficient and gap per variable, full value per gap."""
    sc = _scale_primary(b._primary)
    weights = sc.weights // sc.divisor if divide else sc.weights
    coef = np.zeros(size, dtype=np.int64)
    gap = np.full(size, -1, dtype=np.int64)
    full = np.zeros(len(b.tables.gaps), dtype=np.int64)
    for k, t in enumerate(b._primary):
        if t.gaps is None:
            continue
        w = weights[sc.first[k] : sc.first[k] + t.weights.size]
        np.add.at(coef, t.var, t.units * w[t.weight_of])
        gap[t.var] = t.gaps[t.weight_of]
        # coverage and community state a shared gap's full value alike: count it once
        np.maximum.at(full, t.gaps, w * t.max_units)
    return coef, gap, full


def _primary_coefficients(terms: list[_Primary], sc: _Scaled, divide: bool, size: int) -> IntArray:
    coef = np.zeros(size, dtype=np.int64)
    weights = sc.weights // sc.divisor if divide else sc.weights
    for k, t in enumerate(terms):
        np.add.at(coef, t.var, t.units * weights[sc.first[k] + t.weight_of])
    return coef


@dataclass(frozen=True, slots=True)
class _Secondary:
    """The tie-break terms as integers."""

    bonus: list[int]  # per bonus term, per unit
    bonus_error: list[float]
    penalty: list[IntArray]  # per penalty term, per entry
    penalty_error: list[FloatArray]
    max_penalty: int


def _scale_secondary(b: ProgramBuilder, times: int) -> _Secondary | None:
    """The tie-break amounts as integers; ``None`` if they cannot be represented in
    64-bit integers, also ``times`` larger (the primary's grid, in weighted mode)."""
    for p in b._penalty:
        if p.amounts.size and float(p.amounts.max()) * WEIGHT_SCALE >= 2.0**53:
            return None
    for bonus in b._bonus:
        if bonus.amount * WEIGHT_SCALE * max(bonus.max_units, 1) >= 2.0**53:
            return None
    bonus_ints, bonus_errors = _scaled(np.array([t.amount for t in b._bonus], dtype=np.float64))
    scaled = [_scaled(p.amounts) for p in b._penalty]
    max_penalty = sum(
        p.most(ints) for p, (ints, _) in zip(b._penalty, scaled, strict=True) if ints.any()
    )
    max_bonus = sum(
        int(a) * t.max_units for a, t in zip(bonus_ints.tolist(), b._bonus, strict=True)
    )
    if (max_penalty + max_bonus) * times >= _INT_LIMIT:
        return None
    return _Secondary(
        bonus_ints.tolist(),
        bonus_errors.tolist(),
        [ints for ints, _ in scaled],
        [err for _, err in scaled],
        max_penalty,
    )


def _add_secondary(
    b: ProgramBuilder, coef: IntArray, sec: _Secondary, common: int, times: int = 1
) -> None:
    for t, amount in zip(b._bonus, sec.bonus, strict=True):
        np.add.at(coef, t.var, t.units * (amount // common) * times)
    for p, ints in zip(b._penalty, sec.penalty, strict=True):
        np.add.at(coef, p.var, -(ints // common) * times)


def _objective(b: ProgramBuilder, size: int) -> tuple[IntArray, IntArray, ObjectiveScaling]:
    """Integer objective coefficients (whole and reported) and their scaling."""
    weights = b.weights
    sc = _scale_primary(b._primary)
    unit = sc.divisor / sc.scale
    times = sc.scale // WEIGHT_SCALE  # the tie-breaks' scale to the primary's
    sec = _scale_secondary(b, times) if weights.mode != "off" else None
    if sec is None and weights.mode == "weighted":
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
    if sec is not None and weights.mode == "weighted":
        slack = (
            sc.slack
            + (
                sum(
                    max(-e, 0.0) * t.max_units
                    for e, t in zip(sec.bonus_error, b._bonus, strict=True)
                )
                + sum(float(np.maximum(e, 0.0).sum()) for e in sec.penalty_error)
            )
            / WEIGHT_SCALE
        )
        rounded = (
            sc.rounded
            or any(e != 0 for e in sec.bonus_error)
            or any(e.any() for e in sec.penalty_error)
        )
        max_bonus = sum(a * t.max_units for a, t in zip(sec.bonus, b._bonus, strict=True))
        scaling = ObjectiveScaling(
            "weighted",
            1 / sc.scale,
            1,
            max_bonus * times,
            sec.max_penalty * times,
            rounded,
            _padded(slack),
        )
        whole = _primary_coefficients(b._primary, sc, False, size)
        _add_secondary(b, whole, sec, 1, times)
        return whole, whole, scaling
    primary = _primary_coefficients(b._primary, sc, True, size)
    if sec is not None and weights.mode == "tiebreak":
        amounts = [*sec.bonus, *(int(np.gcd.reduce(p)) for p in sec.penalty if p.size)]
        common = max(math.gcd(*amounts), 1) if amounts else 1
        max_bonus = sum(a // common * t.max_units for a, t in zip(sec.bonus, b._bonus, strict=True))
        max_penalty = sec.max_penalty // common
        multiplier = max_bonus + max_penalty + 1
        max_primary = int(np.dot(sc.weights // sc.divisor, sc.max_units))
        if multiplier * max_primary + max_bonus + max_penalty < _INT_LIMIT:  # Python ints
            scaling = ObjectiveScaling(
                "tiebreak", unit, multiplier, max_bonus, max_penalty, sc.rounded, _padded(sc.slack)
            )
            whole = multiplier * primary
            _add_secondary(b, whole, sec, common)
            return whole, primary, scaling
    dropped = weights.mode == "tiebreak"  # the tie-breaks could not be scaled
    if dropped:
        logger.warning("tie-break terms dropped: scaled, they would overflow 64-bit integers")
    scaling = ObjectiveScaling(
        weights.mode, unit, 1, 0, 0, sc.rounded, _padded(sc.slack), dropped=dropped
    )
    return primary, primary.copy(), scaling
