"""Invariants of the planner on small generated scenarios, checked against independent
oracles (HiGHS MIP, min-cost flow, exhaustive search, plain-loop enumeration)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matchaid import (
    Expert,
    Scenario,
    Seniority,
    SolveStatus,
    greedy_plan,
    objective_value,
    solve,
    validate,
)
from matchaid.candidates import generate_candidates
from tests.oracles import eligible_postings, exhaustive_optimum, flow_optimum, mip_optimum
from tests.planner.helpers import EXACT
from tests.strategies import scenarios

SOLVER_EXAMPLES = settings(deadline=None)  # example count comes from the profile


@SOLVER_EXAMPLES
@given(scenarios())
def test_plan_is_valid_objective_recomputes_and_beats_greedy(s: Scenario) -> None:
    result = solve(s, EXACT)
    assert result.status is SolveStatus.OPTIMAL
    assert validate(s, result.plan) == []
    assert result.objective == pytest.approx(objective_value(s, result.plan))
    assert result.best_bound == pytest.approx(result.objective) and result.gap == 0
    greedy = greedy_plan(s)
    assert validate(s, greedy) == []
    assert result.objective >= objective_value(s, greedy) - 1e-9


@SOLVER_EXAMPLES
@given(scenarios())
def test_optimum_equals_highs_mip(s: Scenario) -> None:
    """CP-SAT is not above suspicion (google/or-tools#5293): whenever it says optimal,
    HiGHS on an independently stated MIP must agree."""
    result = solve(s, EXACT)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(mip_optimum(s), abs=1e-6)


@settings(deadline=None)
@given(scenarios())
def test_candidates_are_exactly_the_eligible_postings(s: Scenario) -> None:
    cands = generate_candidates(s)
    brute = eligible_postings(s)
    assert cands.num_eligible == len(brute)
    kept = [cands.posting(i) for i in range(len(cands))]
    assert len(set(kept)) == len(kept)
    assert set(kept) <= set(brute)
    window = {(r.id, g.specialty): g.window for r in s.recipients for g in r.gaps}
    never = {e.id for e in s.experts if e.max_postings == 0}
    for p in set(brute) - set(kept):
        lo, hi = window[(p.recipient, p.specialty)]
        assert p.expert in never or p.end <= lo or p.start >= hi, f"{p} was dropped"


@st.composite
def single_term_scenarios(draw: st.DrawFn) -> Scenario:
    """No side rules, and one term as long as the horizon: each expert serves at most
    once, for the whole horizon."""
    s = draw(scenarios(side_rules=False, max_experts=7, max_recipients=3))
    months = s.horizon.months
    experts = tuple(
        replace(
            e, terms=None, available=(0, months) if draw(st.booleans()) or i == 0 else e.available
        )
        for i, e in enumerate(s.experts)
    )
    return replace(s, horizon=replace(s.horizon, start_step=1), terms=(months,), experts=experts)


@SOLVER_EXAMPLES
@given(single_term_scenarios())
def test_optimum_equals_min_cost_flow_without_side_rules(s: Scenario) -> None:
    result = solve(s, EXACT)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(flow_optimum(s), abs=1e-6)


@settings(deadline=None)
@given(scenarios(max_experts=3, max_recipients=2, max_months=6))
def test_optimum_equals_exhaustive_search_on_tiny_cases(s: Scenario) -> None:
    postings = eligible_postings(s)
    assume(len(postings) <= 12)
    assert solve(s, EXACT).objective == pytest.approx(exhaustive_optimum(s, postings))


def _shuffled(s: Scenario, rnd: random.Random) -> Scenario:
    def shuffle(items: tuple) -> tuple:  # type: ignore[type-arg]
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    recipients = tuple(replace(r, gaps=shuffle(r.gaps)) for r in shuffle(s.recipients))
    return replace(
        s,
        experts=shuffle(s.experts),
        recipients=recipients,
        donors=shuffle(s.donors),
        pairings=shuffle(s.pairings),
    )


@SOLVER_EXAMPLES
@given(scenarios(), st.randoms(use_true_random=False))
def test_reordering_the_input_keeps_the_optimum(s: Scenario, rnd: random.Random) -> None:
    assert solve(_shuffled(s, rnd), EXACT).objective == pytest.approx(solve(s, EXACT).objective)


@SOLVER_EXAMPLES
@given(scenarios(), st.data())
def test_adding_an_expert_never_lowers_the_optimum(s: Scenario, data: st.DataObject) -> None:
    months = s.horizon.months
    lo = data.draw(st.integers(0, months - 1))
    extra = Expert(
        id="NEW",
        donor=data.draw(st.sampled_from([d.id for d in s.donors])),
        specialties=tuple(
            data.draw(
                st.lists(
                    st.sampled_from(["cardiology", "urology", "neurosurgery"]),
                    min_size=1,
                    max_size=2,
                    unique=True,
                )
            )
        ),
        seniority=data.draw(st.sampled_from(list(Seniority))),
        available=(lo, data.draw(st.integers(lo + 1, months))),
    )
    before = solve(s, EXACT).objective
    after = solve(replace(s, experts=(*s.experts, extra)), EXACT).objective
    assert after >= before - 1e-9


def test_sample_scenarios_reach_their_known_optima(data_dir) -> None:  # type: ignore[no-untyped-def]
    from matchaid import load_scenario

    for name, best in (("scenario-v1-small.json", 28), ("scenario-v1-small-2.json", 246)):
        s = load_scenario(data_dir / name)
        result = solve(s, EXACT)
        assert result.status is SolveStatus.OPTIMAL and result.objective == best
        assert validate(s, result.plan) == []
        assert Counter(p.expert for p in result.plan.postings)  # something is posted


@pytest.mark.parametrize("seed", range(12))
def test_medium_scenarios_match_highs_and_validate(seed: int) -> None:
    from tests.strategies import random_scenario

    s = random_scenario(seed)
    result = solve(s, EXACT)
    assert result.status is SolveStatus.OPTIMAL
    assert len(result.plan.postings) >= 2
    assert validate(s, result.plan) == []
    assert result.objective == pytest.approx(objective_value(s, result.plan))
    assert result.objective == pytest.approx(mip_optimum(s), abs=1e-6)
    assert result.objective >= greedy_plan(s).objective - 1e-9
