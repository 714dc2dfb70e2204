"""The model stated as arrays (matchaid.program) and its LP relaxation (matchaid.relax),
checked against the independent validator and oracles."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchaid import ObjectiveWeights, Plan, Scenario, SolveStatus, objective_value, solve, validate
from matchaid.candidates import generate_candidates
from matchaid.program import IntegerProgram, build_program
from matchaid.relax import rounded_selection, safe_bound, solve_relaxation
from tests.oracles import mip_optimum
from tests.planner.helpers import EXACT
from tests.strategies import scenarios

SOLVER_EXAMPLES = settings(deadline=None)
WEIGHTED = ObjectiveWeights(mode="weighted")


def full_objective(s: Scenario, plan: Plan, weights: ObjectiveWeights) -> int:
    """The integer objective (coverage and tie-break terms) of ``plan``."""
    cands = generate_candidates(s)
    lm = build_program(cands, weights)
    where = {cands.posting(i): i for i in range(len(cands))}
    chosen = np.zeros(len(cands), dtype=bool)
    chosen[[where[p] for p in plan.postings]] = True
    return lm.value(lm.complete(chosen))


@settings(deadline=None)
@given(scenarios(), st.data())
def test_rows_accept_exactly_the_plans_the_validator_accepts(
    s: Scenario, data: st.DataObject
) -> None:
    cands = generate_candidates(s)
    lm = build_program(cands, ObjectiveWeights())
    mask = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(cands), max_size=len(cands))), dtype=bool
    )
    plan = Plan(s, cands.postings(np.flatnonzero(mask)))
    values = lm.complete(mask)
    fits = bool(np.all(lm.activity(values) <= lm.rhs)) and bool(np.all(values <= lm.upper))
    assert fits == (validate(s, plan) == [])
    if fits:
        assert lm.scaling.value(lm.reported_value(values)) == pytest.approx(
            objective_value(s, plan)
        )
        assert lm.scaling.reported(lm.value(values)) == lm.reported_value(values)


@SOLVER_EXAMPLES
@given(scenarios())
def test_relaxation_bounds_the_optimum_and_its_rounding_is_valid(s: Scenario) -> None:
    cands = generate_candidates(s)
    lm = build_program(cands, ObjectiveWeights())
    relax = solve_relaxation(lm)
    assert relax.solved
    assert relax.bound is not None and relax.reported_bound is not None
    assert lm.scaling.value(relax.reported_bound) >= mip_optimum(s) - 1e-6
    assert relax.reported_bound <= lm.scaling.reported(relax.bound)
    chosen = rounded_selection(lm, relax.values, 0.5)
    plan = Plan(s, cands.postings(chosen))
    assert validate(s, plan) == []
    mask = np.zeros(len(cands), dtype=bool)
    mask[chosen] = True
    assert lm.value(lm.complete(mask)) <= relax.bound


@SOLVER_EXAMPLES
@given(scenarios(), st.sampled_from([ObjectiveWeights(), WEIGHTED]))
def test_the_relaxation_changes_no_optimum(s: Scenario, weights: ObjectiveWeights) -> None:
    """With the LP's bound and hints, solve() must prove the same optimum (the whole
    objective, tie-break terms included) as CP-SAT alone."""
    with_lp = solve(s, EXACT.with_(weights=weights))
    alone = solve(s, EXACT.with_(weights=weights, relaxation=False))
    assert with_lp.status is alone.status is SolveStatus.OPTIMAL
    assert full_objective(s, with_lp.plan, weights) == full_objective(s, alone.plan, weights)
    assert with_lp.objective == pytest.approx(objective_value(s, with_lp.plan, weights))


def test_safe_bound_holds_for_any_prices() -> None:
    """Weak duality: every price vector gives a bound at least the optimum."""
    s = _medium()
    cands = generate_candidates(s)
    lm = build_program(cands, ObjectiveWeights(mode="off"))
    optimum = solve(s, EXACT.with_(weights=ObjectiveWeights(mode="off"))).objective
    rng = np.random.default_rng(0)
    for _ in range(20):
        prices = (
            rng.exponential(scale=rng.uniform(0.1, 5.0), size=lm.num_rows) * lm.scaling.multiplier
        )
        bound = safe_bound(lm, prices)
        assert isinstance(bound, int)
        assert lm.scaling.value(lm.scaling.reported(bound)) >= optimum - 1e-9
        assert lm.scaling.value(safe_bound(lm, prices, lm.primary)) >= optimum - 1e-9
    assert lm.scaling.value(safe_bound(lm, np.zeros(lm.num_rows))) >= optimum


def _exact_bound(lm: IntegerProgram, prices: np.ndarray) -> Fraction:
    """The weak-duality bound for prices ``max(prices, 0)`` in exact rationals (each
    float price taken as the number it is), written apart from :func:`safe_bound`."""
    y = [Fraction(max(float(p), 0.0)) for p in prices]
    used = [Fraction(0)] * lm.num_vars
    for row in range(lm.num_rows):
        for t in range(int(lm.indptr[row]), int(lm.indptr[row + 1])):
            used[int(lm.cols[t])] += int(lm.coefs[t]) * y[row]
    total = sum((int(b) * p for b, p in zip(lm.rhs, y, strict=True)), Fraction(0))
    for j in range(lm.num_vars):
        reduced = int(lm.objective[j]) - used[j]
        total += int(lm.upper[j]) * reduced if reduced > 0 else int(lm.lower[j]) * reduced
    return total


@settings(deadline=None, max_examples=60)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_safe_bound_is_the_exact_bound_for_prices_of_any_size(s: Scenario, seed: int) -> None:
    """For prices spread from 1e-6 to 1e18 (a simplex's degenerate prices reach 1e17
    on chained rows, and cancel along columns), the bound is the exact one, rounded
    down, within the one unit that cutting the prices to a fine grid may cost."""
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    rng = np.random.default_rng(seed)
    prices = 10.0 ** rng.uniform(-6.0, 18.0, lm.num_rows) * (rng.random(lm.num_rows) < 0.7)
    if lm.num_rows >= 2:  # two huge equal prices: their columns' sums cancel exactly
        prices[rng.choice(lm.num_rows, 2, replace=False)] = 2.0**57 + 0.5
    exact = math.floor(_exact_bound(lm, prices))
    assert exact - 1 <= safe_bound(lm, prices) <= exact + 1
    zero = np.zeros(lm.num_rows)
    assert safe_bound(lm, zero) == math.floor(_exact_bound(lm, zero))


def _medium() -> Scenario:
    from matchaid.generate import generate

    return generate("xs", seed=3)


def test_the_reported_lp_bound_is_no_looser_than_the_whole_ones() -> None:
    """Found by hypothesis: with no hosting capacity the whole objective's LP bound is 0,
    while the duals priced for coverage alone gave 1. A bound on the whole objective also
    bounds coverage, so the reported bound must be the tighter of the two."""
    from matchaid.domain import (
        DisciplineGap,
        DonorHospital,
        Expert,
        Horizon,
        Level,
        RecipientHospital,
        Seniority,
    )

    s = Scenario(
        Horizon(2),
        (1,),
        (DonorHospital("D0", "Lhasa", "Lhasa"),),
        (Expert("E0", "D0", ("cardiology",), Seniority.CHIEF, (0, 2), max_postings=1),),
        (
            RecipientHospital(
                "R0",
                "Lhasa",
                "Lhasa",
                Level.COUNTY,
                0,
                (DisciplineGap("cardiology", 1, (0, 2), 1),),
            ),
        ),
    )
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    relax = solve_relaxation(lm)
    assert relax.bound == 0 and relax.reported_bound == 0


@settings(deadline=None, max_examples=40)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_polished_prices_bound_no_higher_and_never_below_the_lp(s: Scenario, seed: int) -> None:
    """Price polishing (coordinate descent on the weak-duality bound) never raises the
    bound it starts from, and never goes below the LP's optimum (GLOP's value), from
    random prices and from no prices at all."""
    from matchaid.relax import lp_prices, polish_prices

    lm = build_program(generate_candidates(s), ObjectiveWeights())
    unit = float(max(lm.scaling.multiplier, 1))
    status, _, values = lp_prices(lm)
    if status != "optimal":
        return
    lp_value = float(values @ lm.objective)
    rng = np.random.default_rng(seed)
    starts = [np.zeros(lm.num_rows), rng.exponential(rng.uniform(0.1, 5.0), lm.num_rows)]
    for start in starts:
        polished = polish_prices(lm, start, unit, time_limit=None)
        assert (polished >= 0).all()
        after = safe_bound(lm, polished * unit)
        assert after <= safe_bound(lm, start * unit)
        assert after >= lp_value - 1e-6 * max(abs(lp_value), 1.0) - 1


def test_polishing_descends_from_no_prices() -> None:
    """From no prices (the bound of every term at its best), one sweep moves the bound
    down on a program where coverage competes for experts."""
    from matchaid.relax import lp_prices, polish_prices

    lm = build_program(generate_candidates(_medium()), ObjectiveWeights())
    unit = float(max(lm.scaling.multiplier, 1))
    trivial = safe_bound(lm, np.zeros(lm.num_rows))
    polished = safe_bound(lm, polish_prices(lm, np.zeros(lm.num_rows), unit, None) * unit)
    _, _, values = lp_prices(lm)
    assert float(values @ lm.objective) - 1 <= polished < trivial
