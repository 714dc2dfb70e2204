"""Lexicographic goals (issue 13): each stage optimises its goal among the plans that
keep every earlier stage within its tolerance; checked by hand and against an
independent MIP solved stage by stage."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchaid import (
    Costs,
    Goal,
    Scenario,
    ScenarioError,
    Seniority,
    SolveStatus,
    Stage,
    solve,
    validate,
)
from tests.oracles import mip_stages
from tests.planner.helpers import EXACT, expert, gap, recipient, scenario
from tests.strategies import v2_scenarios


def _city_and_county(*stages: Stage) -> Scenario:
    # Three experts; the city hospital's gap is worth twice the county's per month.
    return scenario(
        [expert(x, terms=(6,)) for x in "ABC"],
        [recipient("CITY", gap(demand=3, weight=2)), recipient("COUNTY", gap())],
        costs=Costs({r: 1 for r in Seniority}, per_trip=1),
        stages=stages,
    )


def test_fairness_gains_within_the_coverage_tolerance() -> None:
    s = _city_and_county(Stage(Goal.COVERAGE, 0.2), Stage(Goal.FAIRNESS), Stage(Goal.COST))
    r = solve(s, EXACT)
    assert validate(s, r.plan) == []
    coverage, fairness, cost = r.stages
    assert coverage.value == 36 and coverage.status is SolveStatus.OPTIMAL
    # one expert moves to the county: coverage 24 + 6 = 30 >= 36 - 0.2 x 36
    assert fairness.value == pytest.approx(24 / 36) and r.objective == 30
    assert cost.value == 21 and r.status is SolveStatus.OPTIMAL
    assert [st.value for st in r.stages] == pytest.approx(mip_stages(s), abs=1e-6)


def test_zero_tolerance_keeps_the_first_optimum_exactly() -> None:
    s = _city_and_county(Stage(Goal.COVERAGE), Stage(Goal.FAIRNESS))
    r = solve(s, EXACT)
    assert r.objective == 36 and r.stages[1].value == 0  # the county gets nothing
    assert [st.value for st in r.stages] == pytest.approx(mip_stages(s), abs=1e-6)


def test_cost_first_then_coverage() -> None:
    s = _city_and_county(Stage(Goal.COST, 0.5), Stage(Goal.COVERAGE))
    r = solve(s, EXACT)
    # cost optimum is 0 (post nobody): within 50% of 0 nothing may be spent
    assert r.stages[0].value == 0 and r.objective == 0


def test_a_stage_needs_its_inputs() -> None:
    with pytest.raises(ScenarioError, match="cost goal needs 'costs'"):
        replace(_city_and_county(), costs=None, stages=(Stage(Goal.COST),))
    with pytest.raises(ScenarioError, match="already at"):
        _city_and_county(Stage(Goal.FAIRNESS), Stage(Goal.FAIRNESS))


@settings(deadline=None, max_examples=25)  # several CP-SAT and HiGHS solves each
@given(
    v2_scenarios(max_experts=4, max_recipients=3, max_months=6),
    st.permutations([Goal.COVERAGE, Goal.FAIRNESS, Goal.COST]),
    st.sampled_from([0.0, 0.1, 0.5]),
)
def test_stages_equal_the_mip_stage_by_stage(
    s: Scenario, goals: list[Goal], tolerance: float
) -> None:
    if s.costs is None:
        goals = [g for g in goals if g is not Goal.COST]
    s = replace(s, pins=(), stages=tuple(Stage(g, tolerance) for g in goals))
    r = solve(s, EXACT)
    assert validate(s, r.plan) == []
    expected = mip_stages(s)
    assert expected is not None
    assert all(st.status is SolveStatus.OPTIMAL for st in r.stages)
    assert [st.value for st in r.stages] == pytest.approx(expected, abs=1e-5)
