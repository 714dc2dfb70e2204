"""Large neighbourhood search (issue 14): a neighbourhood is an exact sub-program (the
plan satisfies it, its solutions put back are valid plans, and freeing every decision
gives back the whole optimum), and the search that uses it keeps plans valid."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import matchaid
from matchaid import Scenario, SolveParams, greedy_plan, objective_value, solve, validate
from matchaid.candidates import generate_candidates
from matchaid.cp_sat import Stopper, solve_neighbourhood
from matchaid.fill import greedy_fill
from matchaid.generate import generate
from matchaid.lns import neighbourhood, pick_decisions, pick_disagreements
from matchaid.program import IntegerProgram, build_program
from matchaid.search import _Search
from matchaid.weights import ObjectiveWeights
from tests.oracles import mip_optimum
from tests.strategies import v2_scenarios


def _greedy_values(lm: IntegerProgram) -> np.ndarray:
    chosen = np.zeros(len(lm.cands), dtype=bool)
    chosen[greedy_fill(lm)] = True
    return lm.complete(chosen)


def _sub_rows_hold(nb: object, w: np.ndarray) -> bool:
    indptr, cols, coefs, rhs = nb.indptr, nb.cols, nb.coefs, nb.rhs  # type: ignore[attr-defined]
    row_of = np.repeat(np.arange(rhs.size), np.diff(indptr))
    activity = np.bincount(row_of, weights=coefs * w[cols], minlength=rhs.size)
    return bool((activity <= rhs + 1e-9).all())


@settings(deadline=None, max_examples=30)
@given(
    v2_scenarios(max_experts=5, max_recipients=3, max_months=8),
    st.integers(0, 2**16),
    st.booleans(),
)
def test_a_neighbourhood_is_an_exact_sub_program(s: Scenario, seed: int, greedy: bool) -> None:
    s = replace(s, pins=())
    lm = build_program(generate_candidates(s), ObjectiveWeights(mode="off"))
    if len(lm.cands) == 0:
        return
    # around the greedy plan, or the empty one (which most neighbourhoods improve)
    values = _greedy_values(lm) if greedy else lm.complete(np.zeros(len(lm.cands), bool))
    rng = np.random.default_rng(seed)
    chosen = values[: len(lm.cands)] > 0
    free = pick_decisions(lm, chosen, rng, int(rng.integers(1, 20)))
    nb = neighbourhood(lm, values, free)
    assert set(nb.var[nb.var < len(lm.cands)].tolist()) == set(free.tolist())
    assert _sub_rows_hold(nb, values[nb.var])  # the plan is a solution of it
    found = solve_neighbourhood(nb, values[nb.var], 10.0, 0, Stopper())
    event("a better plan in the neighbourhood" if found is not None else "none better")
    if found is None:
        return
    assert _sub_rows_hold(nb, found)
    trial = values.copy()
    trial[nb.var] = found
    assert lm.feasible(trial)  # put back, a valid plan of the whole program
    assert lm.value(trial) > lm.value(values)
    plan = matchaid.Plan.of_decisions(lm.cands, np.flatnonzero(trial[: len(lm.cands)]))
    assert validate(s, plan) == []


@settings(deadline=None, max_examples=20)
@given(v2_scenarios(max_experts=4, max_recipients=3, max_months=6))
def test_freeing_every_decision_gives_the_whole_optimum(s: Scenario) -> None:
    s = replace(s, pins=())
    lm = build_program(generate_candidates(s), ObjectiveWeights(mode="off"))
    if len(lm.cands) == 0:
        return
    values = _greedy_values(lm)
    nb = neighbourhood(lm, values, np.arange(len(lm.cands)))
    found = solve_neighbourhood(nb, values[nb.var], 20.0, 0, Stopper())
    trial = values.copy()
    if found is not None:
        trial[nb.var] = found
    plan = matchaid.Plan.of_decisions(lm.cands, np.flatnonzero(trial[: len(lm.cands)]))
    assert objective_value(s, plan) == pytest.approx(mip_optimum(s), abs=1e-6)


@settings(deadline=None, max_examples=30)
@given(v2_scenarios(max_experts=6, max_recipients=3, max_months=8), st.data())
def test_neighbourhoods_where_the_lp_disagrees_free_whole_experts_who_disagree(
    s: Scenario, data: st.DataObject
) -> None:
    lm = build_program(generate_candidates(s), ObjectiveWeights(mode="off"))
    m = lm.cands.num_postings
    if m == 0:
        return
    disagree = np.array(data.draw(st.lists(st.booleans(), min_size=m, max_size=m)), dtype=bool)
    size = data.draw(st.integers(1, 2 * m))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    free = pick_disagreements(lm, disagree, rng, size)
    postings = free[free < m]
    if not disagree.any():
        assert free.size == 0
        return
    expert = lm.cands.expert.astype(np.int64)
    picked = np.unique(expert[postings])
    assert picked.size >= 1  # at least one expert, whatever the size
    assert set(postings.tolist()) == set(np.flatnonzero(np.isin(expert, picked)).tolist())
    assert np.isin(picked, expert[disagree]).all()  # each has a posting that disagrees
    # experts are added only while under the size: without the last one it is at most
    # the size, and so without the one with the most postings
    assert postings.size - np.bincount(expert[postings]).max() <= size


@pytest.mark.parametrize("guided", [0.0, 1.0])
def test_the_search_with_neighbourhoods_keeps_plans_valid(
    monkeypatch: pytest.MonkeyPatch, guided: float
) -> None:
    """Every part is 'big' here, so its main pass is the neighbourhood search; with
    ``guided`` 1 every neighbourhood is drawn where the plan and the LP disagree."""
    monkeypatch.setattr(_Search, "GUIDED_SHARE", guided)
    monkeypatch.setattr(_Search, "LNS_DECISIONS", 1)
    monkeypatch.setattr(_Search, "LNS_SIZE", 50)
    for tier in ("s-overlap", "s-rules"):
        s = generate(tier, seed=4)
        result = solve(s, SolveParams(time_limit=6, workers=2))
        assert validate(s, result.plan) == []
        assert result.objective >= objective_value(s, greedy_plan(s)) - 1e-9
        assert result.objective <= result.best_bound + 1e-9


def test_an_lp_too_big_for_its_share_is_skipped_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part whose LP would give no prices in its share goes to the neighbourhoods from the
    greedy plan with the trivial bound (every gap met), and the result says why."""
    monkeypatch.setattr(_Search, "LNS_DECISIONS", 1)
    monkeypatch.setattr(_Search, "LP_NONZEROS_PER_SECOND", 1e-9)
    s = generate("s-none", seed=1)
    result = solve(s, SolveParams(time_limit=4, workers=2))
    assert validate(s, result.plan) == []
    assert result.stats.lp_seconds == 0
    full = sum(g.weight * g.demand_months for r in s.recipients for g in r.gaps)
    assert result.objective >= objective_value(s, greedy_plan(s)) - 1e-9
    assert result.objective <= result.best_bound <= full + 1e-6
    assert result.reason is not None and "was skipped" in result.reason


def test_rins_on_a_big_part_frees_exactly_where_the_lp_and_the_plan_disagree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A big part's RINS step is a neighbourhood: it frees the decisions whose LP value is
    fractional or differs from the best plan's, no others, and what it keeps is valid."""
    monkeypatch.setattr(_Search, "LNS_DECISIONS", 1)
    calls: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    original = _Search._rins_neighbourhood

    def spy(self: _Search, part: object, relax: object, seconds: object, t0: float) -> None:
        def record(_: _Search, p: object, free: np.ndarray, *args: object) -> None:
            calls.append((free, p.best.copy(), relax.values))  # type: ignore[attr-defined]

        monkeypatch.setattr(_Search, "_try_neighbourhood", record)
        original(self, part, relax, seconds, t0)  # type: ignore[arg-type]
        monkeypatch.undo()  # the neighbourhood search after it runs as usual

    monkeypatch.setattr(_Search, "_rins_neighbourhood", spy)
    s = generate("s-rules", seed=4)
    result = solve(s, SolveParams(time_limit=6, workers=2))
    assert validate(s, result.plan) == []
    assert calls, "no part had a RINS neighbourhood"
    for free, best, values in calls:
        freed = np.zeros(best.size, dtype=bool)
        freed[free] = True
        integral = (values <= 1e-6) | (values >= 1 - 1e-6)
        assert (freed | integral).all()  # every fractional decision is free
        kept = ~freed
        assert ((values[kept] >= 0.5) == best[kept]).all()  # the rest agree with the plan
        assert 0 < free.size < best.size


def test_the_rins_neighbourhood_improves_a_rounded_lp_plan() -> None:
    """On one part, CP-SAT on the RINS neighbourhood (fractional or disagreeing decisions
    free) from the LP-rounded plan reaches the part's optimum, or at least does not lose."""
    from matchaid.relax import ROUNDING_THRESHOLD, rounded_selection, solve_relaxation

    s = generate("s-rules", seed=4)
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    n = len(lm.cands)
    relax = solve_relaxation(lm, time_limit=30, method="glop")
    chosen = np.zeros(n, dtype=bool)
    chosen[rounded_selection(lm, relax.values, ROUNDING_THRESHOLD)] = True
    agree = (chosen & (relax.values >= 1 - 1e-6)) | (~chosen & (relax.values <= 1e-6))
    values = lm.complete(chosen)
    nb = neighbourhood(lm, values, np.flatnonzero(~agree))
    found = solve_neighbourhood(nb, values[nb.var], 10.0, 1, Stopper())
    trial = values.copy()
    if found is not None:
        trial[nb.var] = found
    assert lm.feasible(trial) and lm.value(trial) >= lm.value(values)


@pytest.mark.parametrize("beside", [True, False])
def test_cp_sat_beside_the_neighbourhoods_proves_what_the_lp_bound_cannot(
    monkeypatch: pytest.MonkeyPatch, beside: bool
) -> None:
    """On two cores a big part's neighbourhoods share them with CP-SAT on the whole part,
    whose bound proves the plan optimal where the LP's does not: s-national seed 4 (one
    part) has an LP bound of 5,977 and an optimum of 5,975, which neighbourhoods alone
    find but cannot prove."""
    monkeypatch.setattr(_Search, "LNS_DECISIONS", 1)
    monkeypatch.setattr(_Search, "PROOF_DECISIONS", 10**9 if beside else 0)
    s = generate("s-national", seed=4)
    result = solve(s, SolveParams(time_limit=6 if beside else 3, workers=2))
    assert validate(s, result.plan) == []
    assert result.stats.num_parts == 1
    if beside:
        assert result.status == "optimal"
        assert result.objective == pytest.approx(mip_optimum(s), abs=1e-6)
    else:  # the LP's bound stays: the search runs to its limit
        assert result.status == "feasible"
        assert result.best_bound > result.objective
