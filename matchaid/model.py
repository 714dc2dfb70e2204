"""The CP-SAT model of the planner (the only module that imports ``ortools.sat``).

Built in the fixed order data -> variables -> constraints -> objective, from the arrays
of a :class:`~matchaid.candidates.CandidateSet`: one Boolean per eligible posting
(:class:`PostingVars`), one function per rule, and the objective assembled in
:func:`add_objective`. Call :func:`build_model`; :mod:`matchaid.solve` runs it.

Capacity rules ("at most k at once in every month") are stated only at months where some
posting starts: the postings active in any month are a subset of those active at the
latest start month before it, so the other months add nothing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from matchaid.candidates import CandidateSet, group_indices
from matchaid.exceptions import Problem
from matchaid.params import ObjectiveWeights

__all__ = [
    "WEIGHT_SCALE",
    "BuiltModel",
    "ObjectiveScaling",
    "PostingVars",
    "build_model",
    "check_cp_sat_parameters",
]

logger = logging.getLogger("matchaid")

#: CP-SAT has no floats. Every weight (gap weights, and the secondary ``preferred`` and
#: ``travel`` weights times travel hours) is multiplied by this and rounded to an
#: integer. Gap weights with more than three decimals are rounded (a warning is logged):
#: the plan is then optimal for the rounded weights.
WEIGHT_SCALE = 1000

_INT_LIMIT = 2**62  # keep every objective sum well inside CP-SAT's int64 arithmetic

IntArray = npt.NDArray[np.int64]


class PostingVars:
    """One Boolean per candidate posting, and the groups rules are stated over.

    ``x[i]`` is true when candidate ``i`` of :attr:`cands` is in the plan.
    """

    def __init__(self, model: cp_model.CpModel, cands: CandidateSet) -> None:
        self.cands = cands
        self.start = cands.start.astype(np.int64)
        self.end = self.start + cands.months
        self.x = [
            model.new_bool_var(f"x[e{e},g{g},s{s},m{m}]")
            for e, g, s, m in zip(
                cands.expert.tolist(),
                cands.gap.tolist(),
                cands.start.tolist(),
                cands.months.tolist(),
                strict=True,
            )
        ]
        scenario = cands.scenario
        donor_index = {d.id: i for i, d in enumerate(scenario.donors)}
        self.expert_donor = np.array(
            [donor_index[e.donor] for e in scenario.experts], dtype=np.int64
        )

    def postings_of_experts(self) -> list[tuple[int, IntArray]]:
        """``(expert index, candidate indices)`` per expert with candidates."""
        return group_indices(self.cands.expert)

    def postings_of_gaps(self) -> list[tuple[int, IntArray]]:
        """``(gap index, candidate indices)`` per gap with candidates."""
        return group_indices(self.cands.gap)

    def postings_of_recipients(self) -> list[tuple[int, IntArray]]:
        """``(recipient index, candidate indices)``."""
        return group_indices(self.cands.recipient)

    def postings_of_donors(self) -> list[tuple[int, IntArray]]:
        """``(donor index, candidate indices)``."""
        return group_indices(self.expert_donor[self.cands.expert])

    def active_at(self, idx: IntArray, month: int) -> IntArray:
        """The candidates among ``idx`` active in ``month``."""
        return idx[(self.start[idx] <= month) & (self.end[idx] > month)]

    def expr(self, idx: IntArray) -> cp_model.LinearExpr:
        """The number of chosen postings among ``idx``."""
        return cp_model.LinearExpr.sum([self.x[i] for i in idx.tolist()])


def add_at_most_at_once(model: cp_model.CpModel, v: PostingVars, idx: IntArray, cap: int) -> int:
    """In every month, at most ``cap`` of the postings ``idx`` are active.

    Returns the number of constraints added.
    """
    if idx.size <= cap:
        return 0
    added = 0
    for t in np.unique(v.start[idx]).tolist():
        active = v.active_at(idx, t)
        if active.size <= cap:
            continue
        if cap == 1:
            model.add_at_most_one([v.x[i] for i in active.tolist()])
        else:
            model.add(v.expr(active) <= cap)
        added += 1
    return added


def add_expert_no_overlap(model: cp_model.CpModel, v: PostingVars) -> int:
    """An expert is in one place at a time: their postings never overlap."""
    return sum(add_at_most_at_once(model, v, idx, 1) for _, idx in v.postings_of_experts())


def add_max_postings(model: cp_model.CpModel, v: PostingVars) -> int:
    """An expert takes at most ``max_postings`` postings over the horizon."""
    added = 0
    for e, idx in v.postings_of_experts():
        cap = v.cands.scenario.experts[e].max_postings
        if cap is not None and idx.size > cap:
            model.add(v.expr(idx) <= cap)
            added += 1
    return added


def add_department_release(model: cp_model.CpModel, v: PostingVars) -> int:
    """A donor department (its experts of one primary specialty) has at most its
    ``release`` experts away at once, all recipients together."""
    scenario = v.cands.scenario
    primaries: dict[str, int] = {}
    primary = np.array(
        [primaries.setdefault(e.primary, len(primaries)) for e in scenario.experts], dtype=np.int64
    )
    names = list(primaries)
    key = v.expert_donor[v.cands.expert] * max(len(names), 1) + primary[v.cands.expert]
    added = 0
    for k, idx in group_indices(key):
        donor = scenario.donors[k // max(len(names), 1)]
        cap = donor.release.get(names[k % max(len(names), 1)])
        if cap is not None:
            added += add_at_most_at_once(model, v, idx, cap)
    return added


def add_donor_max_away(model: cp_model.CpModel, v: PostingVars) -> int:
    """A donor has at most ``max_away`` of its experts away at once."""
    added = 0
    for d, idx in v.postings_of_donors():
        cap = v.cands.scenario.donors[d].max_away
        if cap is not None:
            added += add_at_most_at_once(model, v, idx, cap)
    return added


def add_hosting(model: cp_model.CpModel, v: PostingVars) -> int:
    """A recipient houses at most ``hosting`` visiting experts at once."""
    return sum(
        add_at_most_at_once(model, v, idx, v.cands.scenario.recipients[r].hosting)
        for r, idx in v.postings_of_recipients()
    )


@dataclass(frozen=True, slots=True)
class CoverageTerms:
    """Coverage of every gap-month as linear terms.

    ``x_coef[i]`` counts, per candidate, the gap-months where that posting's Boolean
    stands directly for coverage (months where the postings that could be active do not
    exceed demand); ``cov_vars`` / ``cov_gap`` are integer coverage variables (one per
    gap-month where they could), bounded by demand and by the postings active.
    ``pref_*`` likewise for covered months served by preferred donors.
    """

    x_coef: IntArray
    cov_vars: list[cp_model.IntVar]
    cov_gap: IntArray
    cov_active: list[tuple[IntArray, int]]
    pref_x_coef: IntArray
    pref_vars: list[cp_model.IntVar]
    pref_active: list[tuple[IntArray, IntArray, int]]
    max_preferred_months: int

    def hint(self, model: cp_model.CpModel, chosen: npt.NDArray[np.bool_]) -> None:
        """Hint every coverage variable from a choice of postings (a complete hint
        lets CP-SAT take the plan as its first solution)."""
        for var, (active, cap) in zip(self.cov_vars, self.cov_active, strict=True):
            model.add_hint(var, min(int(chosen[active].sum()), cap))
        for var, (active, pref_active, cap) in zip(self.pref_vars, self.pref_active, strict=True):
            covered = min(int(chosen[active].sum()), cap)
            model.add_hint(var, min(covered, int(chosen[pref_active].sum())))


def add_coverage(model: cp_model.CpModel, v: PostingVars, *, preferred: bool) -> CoverageTerms:
    """Coverage of a gap in a month of its window is ``min(demand, postings active)``.

    Stated as ``cov <= demand`` and ``cov <= postings active``; maximisation makes it the
    minimum. Where the postings that could be active never exceed demand, the sum of
    their Booleans is the coverage and no variable is needed. With ``preferred``, also
    the covered months served by preferred donors: ``pref <= cov`` and ``pref <=
    preferred postings active``.
    """
    cands = v.cands
    n = len(cands)
    x_coef = np.zeros(n, dtype=np.int64)
    pref_x_coef = np.zeros(n, dtype=np.int64)
    cov_vars: list[cp_model.IntVar] = []
    cov_gap: list[int] = []
    cov_active: list[tuple[IntArray, int]] = []
    pref_vars: list[cp_model.IntVar] = []
    pref_active_sets: list[tuple[IntArray, IntArray, int]] = []
    max_pref = 0
    for g, idx in v.postings_of_gaps():
        _, gap = cands.gaps[g]
        lo, hi = gap.window
        for t in range(lo, hi):
            active = v.active_at(idx, t)
            if active.size == 0:
                continue
            if active.size <= gap.demand:
                x_coef[active] += 1
                term: cp_model.LinearExprT = v.expr(active)
                cap = int(active.size)
            else:
                cap = gap.demand
                cov = model.new_int_var(0, cap, f"cov[g{g},t{t}]")
                model.add(cov <= v.expr(active))
                cov_vars.append(cov)
                cov_gap.append(g)
                cov_active.append((active, cap))
                term = cov
            if not preferred:
                continue
            pref_active = active[cands.preferred[active]]
            if pref_active.size == 0:
                continue
            if pref_active.size == active.size and active.size <= gap.demand:
                pref_x_coef[active] += 1  # every covering posting is preferred
                max_pref += int(active.size)
                continue
            bound = min(cap, int(pref_active.size))
            pref = model.new_int_var(0, bound, f"pref[g{g},t{t}]")
            model.add(pref <= term)
            model.add(pref <= v.expr(pref_active))
            pref_vars.append(pref)
            pref_active_sets.append((active, pref_active, cap))
            max_pref += bound
    return CoverageTerms(
        x_coef=x_coef,
        cov_vars=cov_vars,
        cov_gap=np.asarray(cov_gap, dtype=np.int64),
        cov_active=cov_active,
        pref_x_coef=pref_x_coef,
        pref_vars=pref_vars,
        pref_active=pref_active_sets,
        max_preferred_months=max_pref,
    )


@dataclass(frozen=True, slots=True)
class ObjectiveScaling:
    """How the integer objective maps back to weight units.

    The CP-SAT objective is ``multiplier x primary_int + secondary_int``, where
    ``primary_int x unit`` is the weighted covered expert-months. In ``tiebreak`` mode,
    ``multiplier`` exceeds every possible difference in ``secondary_int`` (which lies in
    ``[-max_penalty, max_bonus]``), so coverage always comes first.
    """

    mode: str
    unit: float
    multiplier: int
    max_bonus: int
    max_penalty: int
    rounded: bool

    def primary_bound(self, bound: float) -> float:
        """An upper bound on the primary objective (weight units) from a bound on the
        CP-SAT objective."""
        if self.mode == "weighted":
            return bound * self.unit
        return math.floor((bound + self.max_penalty) / self.multiplier + 1e-9) * self.unit

    def value(self, objective: float) -> float:
        """The CP-SAT objective in weight units (``weighted`` mode: the combined value)."""
        if self.mode == "weighted":
            return objective * self.unit
        return math.floor((objective + self.max_penalty) / self.multiplier + 1e-9) * self.unit


def _scaled(values: npt.NDArray[np.float64]) -> tuple[IntArray, bool]:
    ints = np.rint(values * WEIGHT_SCALE).astype(np.int64)
    rounded = bool(np.any(np.abs(ints - values * WEIGHT_SCALE) > 1e-6))
    return ints, rounded


def add_objective(
    model: cp_model.CpModel, v: PostingVars, cov: CoverageTerms, weights: ObjectiveWeights
) -> ObjectiveScaling:
    """Maximise weighted covered expert-months, then (by ``weights.mode``) the preferred
    pairings and low travel."""
    cands = v.cands
    gap_w = np.array([g.weight for _, g in cands.gaps], dtype=np.float64)
    gap_int, rounded = _scaled(gap_w)
    if rounded:
        logger.warning(
            "gap weights with more than %d decimals were rounded to multiples of 1/%d for CP-SAT",
            int(math.log10(WEIGHT_SCALE)),
            WEIGHT_SCALE,
        )
    gap_int = np.maximum(gap_int, 1)  # weights are > 0; never let rounding drop a gap

    mode = weights.mode
    hours = np.nan_to_num(cands.travel_hours, nan=0.0)
    bonus = round(weights.preferred * WEIGHT_SCALE) if mode != "off" else 0
    penalty = (
        np.rint(
            (weights.travel * hours + weights.posted_month * cands.months) * WEIGHT_SCALE
        ).astype(np.int64)
        if mode != "off"
        else np.zeros(len(cands), dtype=np.int64)
    )
    if mode == "weighted":
        unit, divisor = 1.0 / WEIGHT_SCALE, 1
    else:
        divisor = int(np.gcd.reduce(gap_int)) if gap_int.size else 1
        unit = divisor / WEIGHT_SCALE
        if mode == "tiebreak":
            common = math.gcd(bonus, int(np.gcd.reduce(penalty)) if penalty.size else 0)
            if common > 1:
                bonus //= common
                penalty //= common
    primary = gap_int // divisor

    max_bonus = bonus * cov.max_preferred_months
    # Each expert takes at most (available months // shortest candidate term) postings.
    max_penalty = 0
    if penalty.any():
        scenario = cands.scenario
        for e, idx in v.postings_of_experts():
            expert = scenario.experts[e]
            span = expert.available[1] - expert.available[0]
            most = span // int(cands.months[idx].min())
            if expert.max_postings is not None:
                most = min(most, expert.max_postings)
            max_penalty += most * int(penalty[idx].max())
    multiplier = max_bonus + max_penalty + 1 if mode == "tiebreak" else 1
    max_primary = int(
        sum(int(primary[g]) * gap.demand_months for g, (_, gap) in enumerate(cands.gaps))
    )
    if multiplier * max_primary + max_bonus + max_penalty >= _INT_LIMIT:
        logger.warning("secondary objective terms dropped: the scaled objective would overflow")
        bonus, penalty = 0, np.zeros_like(penalty)
        multiplier, max_bonus, max_penalty = 1, 0, 0

    x_coef = multiplier * primary[cands.gap] * cov.x_coef + bonus * cov.pref_x_coef - penalty
    terms: list[cp_model.IntVar] = list(v.x)
    coefs: list[int] = x_coef.tolist()
    terms += cov.cov_vars
    coefs += (multiplier * primary[cov.cov_gap]).tolist()
    if bonus:
        terms += cov.pref_vars
        coefs += [bonus] * len(cov.pref_vars)
    keep = [(t, c) for t, c in zip(terms, coefs, strict=True) if c != 0]
    model.maximize(cp_model.LinearExpr.weighted_sum([t for t, _ in keep], [c for _, c in keep]))
    return ObjectiveScaling(
        mode=mode,
        unit=unit,
        multiplier=multiplier,
        max_bonus=max_bonus,
        max_penalty=max_penalty,
        rounded=rounded,
    )


@dataclass(frozen=True, slots=True)
class BuiltModel:
    """A CP-SAT model ready to solve, with what is needed to read its solution."""

    model: cp_model.CpModel
    vars: PostingVars
    coverage: CoverageTerms
    scaling: ObjectiveScaling
    weights: ObjectiveWeights
    num_constraints: Mapping[str, int]

    def add_hint(self, chosen: npt.NDArray[np.bool_]) -> None:
        """Hint the solution that takes exactly the candidates marked in ``chosen``."""
        for var, value in zip(self.vars.x, chosen.tolist(), strict=True):
            self.model.add_hint(var, value)
        self.coverage.hint(self.model, chosen)


def build_model(cands: CandidateSet, weights: ObjectiveWeights) -> BuiltModel:
    """The CP-SAT model for ``cands``: variables, every rule, the objective."""
    model = cp_model.CpModel()
    v = PostingVars(model, cands)
    counts = {
        "expert_no_overlap": add_expert_no_overlap(model, v),
        "max_postings": add_max_postings(model, v),
        "department_release": add_department_release(model, v),
        "donor_max_away": add_donor_max_away(model, v),
        "hosting": add_hosting(model, v),
    }
    wants_preferred = (
        weights.mode != "off" and weights.preferred > 0 and bool(cands.preferred.any())
    )
    cov = add_coverage(model, v, preferred=wants_preferred)
    counts["coverage"] = len(cov.cov_vars)
    scaling = add_objective(model, v, cov, weights)
    return BuiltModel(
        model=model, vars=v, coverage=cov, scaling=scaling, weights=weights, num_constraints=counts
    )


def check_cp_sat_parameters(values: Mapping[str, Any]) -> list[Problem]:
    """Problems with raw CP-SAT parameters given by name (unknown names, wrong types)."""
    problems = []
    for name, value in values.items():
        probe = sat_parameters_pb2.SatParameters()
        try:
            setattr(probe, name, value)
        except (AttributeError, TypeError, ValueError) as exc:
            problems.append(
                Problem(f"cp_sat.{name}", f"not a CP-SAT parameter or wrong type: {exc}")
            )
    return problems


def apply_parameters(solver: cp_model.CpSolver, values: Mapping[str, Any]) -> None:
    """Set CP-SAT parameters by name on ``solver``."""
    for name, value in values.items():
        setattr(solver.parameters, name, value)
