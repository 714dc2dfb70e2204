"""Reduced-cost fixing (matchaid.fixing): every plan better than the floor meets the
fixed bounds, whatever the prices; a floor the prices already bound leaves nothing to
fix; and the search that proves a part on the fixed program proves the true optimum."""

from __future__ import annotations

import functools
import itertools
import time

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matchaid import Scenario, SolveParams, objective_value, solve, validate
from matchaid.candidates import generate_candidates
from matchaid.cp_sat import Stopper, to_cp_sat
from matchaid.fixing import count_fixed, fixed_bounds, reduced_costs
from matchaid.generate import generate
from matchaid.program import IntegerProgram, build_program
from matchaid.relax import safe_bound, solve_relaxation
from matchaid.search import _Part, _parts, _Search
from matchaid.weights import ObjectiveWeights
from tests.oracles import mip_optimum
from tests.strategies import scenarios, v2_scenarios


def _every_plan(lm: IntegerProgram) -> list[tuple[int, np.ndarray]]:
    """Every plan of ``lm`` (each set of decisions that completes feasibly), with its
    whole objective."""
    n = len(lm.cands)
    plans = []
    for picks in itertools.product((False, True), repeat=n):
        chosen = np.array(picks, dtype=bool)
        values = lm.complete(chosen)
        if lm.feasible(values):
            plans.append((lm.value(values), values))
    return plans


def _prices(lm: IntegerProgram, kind: str, seed: int) -> np.ndarray:
    """The LP's prices, or random ones (any prices y >= 0 bound every plan)."""
    if kind == "lp":
        relax = solve_relaxation(lm, time_limit=30, method="glop")
        assert relax.prices is not None
        return relax.prices
    rng = np.random.default_rng(seed)
    scale = float(np.abs(lm.objective).max(initial=1))
    return rng.exponential(scale, size=lm.num_rows) * (rng.random(lm.num_rows) < 0.7)


@settings(deadline=None, max_examples=60)
@given(
    st.one_of(
        scenarios(max_experts=3, max_recipients=2, max_months=6),
        v2_scenarios(max_experts=3, max_recipients=2, max_months=6),
    ),
    st.sampled_from(["lp", "random"]),
    st.integers(0, 2**32 - 1),
    st.integers(0, 4),
)
def test_every_plan_better_than_the_floor_meets_the_fixed_bounds(
    s: Scenario, kind: str, seed: int, below: int
) -> None:
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    assume(0 < len(lm.cands) <= 10)
    plans = _every_plan(lm)
    best = max(value for value, _ in plans)
    costs = reduced_costs(lm, _prices(lm, kind, seed))
    prices_bound = safe_bound(lm, _prices(lm, kind, seed))
    assert costs.bound == prices_bound  # the same exact weak-duality bound
    unit = max(lm.scaling.multiplier, 1)
    for floor in (best - 1, best - below * unit - 1, best):
        fixed = fixed_bounds(lm, costs, floor)
        if fixed is None:  # the prices say no plan beats floor: none does
            assert costs.bound <= floor
            assert best <= floor
            continue
        lower, upper = fixed
        assert (lower >= lm.lower).all() and (upper <= lm.upper).all()
        for value, values in plans:
            if value > floor:
                assert (values >= lower).all() and (values <= upper).all()


def test_the_lp_prices_fix_most_decisions_near_the_optimum() -> None:
    """On a scenario whose LP is nearly tight, the fixing one unit below the optimum fixes
    a real share of the decisions, and one for a lower floor never fixes more."""
    s = generate("s-overlap", seed=4)
    lm = build_program(generate_candidates(s), ObjectiveWeights(mode="off"))
    relax = solve_relaxation(lm, time_limit=30, method="glop")
    assert relax.prices is not None and relax.bound is not None
    costs = reduced_costs(lm, relax.prices)
    optimum = mip_optimum(s)
    assert optimum is not None
    floor = round(optimum) - 1
    near, far = count_fixed(lm, costs, floor), count_fixed(lm, costs, floor - 50)
    assert near > 0.2 * len(lm.cands)
    assert far <= near
    fixed = fixed_bounds(lm, costs, floor)
    assert fixed is not None
    assert int(np.count_nonzero(fixed[1][: len(lm.cands)] == 0)) <= near


@pytest.mark.parametrize(("tier", "seed"), [("s-preferred", 2), ("s-none", 3)])
def test_the_proof_on_the_fixed_program_proves_the_optimum(
    monkeypatch: pytest.MonkeyPatch, tier: str, seed: int
) -> None:
    """A programme of one part, made 'big' here, so beside its neighbourhoods CP-SAT
    proves it on the program fixed for the best plan: the plan it ends with is the MIP's
    optimum, valid, and its bound the optimum."""
    monkeypatch.setattr(_Search, "LNS_DECISIONS", 1)
    calls: list[int] = []
    original = _Search._cp_sat

    def spy(self: _Search, *args: object, floor: int | None = None, **kw: object) -> None:
        if floor is not None:
            calls.append(floor)
        original(self, *args, floor=floor, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(_Search, "_cp_sat", spy)
    s = generate(tier, seed=seed)
    result = solve(s, SolveParams(time_limit=60, workers=2, weights=ObjectiveWeights(mode="off")))
    assert validate(s, result.plan) == []
    optimum = mip_optimum(s)
    assert optimum is not None
    assert result.status.value == "optimal"
    assert objective_value(s, result.plan, ObjectiveWeights(mode="off")) == pytest.approx(optimum)
    assert result.best_bound == pytest.approx(optimum)
    assert calls, "no part was proven on a fixed program"


def _one_part_search(tier: str, seed: int) -> tuple[_Search, _Part, float]:
    """A search over ``tier``'s one part, objective coverage alone, its best plan the
    greedy one and its LP's bound and prices known; and the MIP's optimum."""
    s = generate(tier, seed=seed)
    params = SolveParams(workers=2, time_limit=60, weights=ObjectiveWeights(mode="off"))
    parts = _parts(s, generate_candidates(s), params)
    assert len(parts) == 1
    search = _Search(parts, params, None, 1.0)
    search.t_start = time.perf_counter()
    part = parts[0]
    part.use_greedy()
    relax = solve_relaxation(part.linear, time_limit=30, method="glop")
    assert relax.bound is not None and relax.reported_bound is not None
    part.offer_bound(relax.bound, relax.reported_bound)
    part.lp = relax
    return search, part, _optimum(tier, seed)


@functools.cache
def _optimum(tier: str, seed: int) -> float:
    """The MIP's optimum of ``tier`` at ``seed``, coverage alone (HiGHS: seconds)."""
    optimum = mip_optimum(generate(tier, seed=seed))
    assert optimum is not None
    return optimum


def test_the_proof_from_a_plan_below_the_optimum_never_bounds_below_it() -> None:
    """From the greedy plan (below the optimum), the program fixed for it still holds the
    optimum: the bound CP-SAT proves on it, or the floor, never falls below the optimum,
    and the proof ends at the optimum."""
    search, part, optimum = _one_part_search("s-none", 1)
    value = part.scaling.value
    assert value(part.best_int) < optimum - 1e-9 < value(part.bound_int)
    search._prove(part, time.perf_counter() + 30, Stopper())
    assert part.bound_int is not None and value(part.bound_int) >= optimum - 1e-9
    assert part.proven and value(part.best_int) == pytest.approx(optimum)


def test_a_fixed_program_without_a_better_plan_proves_the_floor() -> None:
    """CP-SAT finding no plan at all in a program that holds every plan better than the
    floor (here: the optimum's) proves the floor is the best."""
    search, part, optimum = _one_part_search("s-none", 1)
    lm = part.linear
    search._prove(part, time.perf_counter() + 30, Stopper())  # the optimal plan
    assert part.proven
    best = part.best_int
    part.bound_int = None  # forget the proof; keep the plan
    model = to_cp_sat(lm)
    terms = [
        (model.get_int_var_from_proto_index(j), int(c))
        for j, c in enumerate(lm.objective.tolist())
        if c
    ]
    model.add(sum(v * c for v, c in terms) >= best + 1)  # no such plan
    search._cp_sat(part, model, None, 30.0, None, Stopper(), floor=best)
    assert part.bound_int == best and part.proven
    assert part.scaling.value(best) == pytest.approx(optimum)
