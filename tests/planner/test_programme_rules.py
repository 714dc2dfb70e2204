"""Format v2 programme rules (issue 12) on generated scenarios: every plan passes the
validator, the optimum equals an independent MIP stated period by period, and turning a
hard rule on never raises the optimum."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchaid import (
    Scenario,
    ScenarioError,
    SolveStatus,
    greedy_plan,
    objective_value,
    solve,
    validate,
)
from tests.oracles import mip_optimum
from tests.planner.helpers import EXACT
from tests.strategies import v2_scenarios

SOLVER_EXAMPLES = settings(deadline=None)


@SOLVER_EXAMPLES
@given(v2_scenarios(max_experts=5, max_recipients=3, max_months=8))
def test_v2_optimum_is_valid_and_equals_highs_mip(s: Scenario) -> None:
    try:
        result = solve(s, EXACT)
    except ScenarioError as exc:  # fixed pins that cannot hold together
        assert "cannot hold together" in str(exc)
        assert mip_optimum(s) is None
        return
    assert result.status is SolveStatus.OPTIMAL
    assert validate(s, result.plan) == []
    assert result.objective == pytest.approx(objective_value(s, result.plan), abs=1e-6)
    assert result.objective == pytest.approx(mip_optimum(s), abs=1e-6)
    if not any(p.mode.value == "fixed" for p in s.pins):  # the greedy plan ignores pins
        greedy = greedy_plan(s)
        assert validate(s, greedy) == []
        assert result.objective >= objective_value(s, greedy) - 1e-9


def _without(s: Scenario, rule: str) -> Scenario:
    """``s`` with one hard rule switched off everywhere."""
    if rule == "budget":
        return replace(s, budget=None)
    if rule == "seats":  # every seat a donor has, many times over
        return replace(
            s,
            donors=tuple(
                replace(d, seats={k: 99 if n else 0 for k, n in d.seats.items()}) for d in s.donors
            ),
        )
    if rule in ("starts", "max_donors", "max_donor_groups", "leader"):
        return replace(s, recipients=tuple(replace(r, **{rule: None}) for r in s.recipients))
    assert rule == "continuous"
    return replace(
        s,
        recipients=tuple(
            replace(r, gaps=tuple(replace(g, continuous=False) for g in r.gaps))
            for r in s.recipients
        ),
    )


@SOLVER_EXAMPLES
@given(
    v2_scenarios(max_experts=5, max_recipients=3, max_months=8),
    st.sampled_from(
        ["starts", "max_donors", "max_donor_groups", "leader", "continuous", "budget", "seats"]
    ),
)
def test_a_hard_rule_never_raises_the_optimum(s: Scenario, rule: str) -> None:
    """Leaders are hard only when required: a preferred leader's penalty can only lower
    the optimum too, so switching any leader rule off never lowers it."""
    s = replace(s, pins=())  # pins may not hold together; they are tested apart
    with_rule = solve(s, EXACT)
    without = solve(_without(s, rule), EXACT)
    assert with_rule.status is SolveStatus.OPTIMAL and without.status is SolveStatus.OPTIMAL
    assert with_rule.objective <= without.objective + 1e-9
