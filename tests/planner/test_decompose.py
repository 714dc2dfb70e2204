"""Independent parts: found correctly, and solving them apart changes nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings

from matchaid import Scenario, SolveStatus, objective_value, solve, validate
from matchaid.candidates import generate_candidates
from matchaid.decompose import independent_parts
from matchaid.generate import TIERS, generate
from tests.oracles import mip_optimum
from tests.planner.helpers import EXACT
from tests.strategies import scenarios


def _linked(s: Scenario, cands, i: int, j: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether two candidates share a rule directly."""
    ei, ej = s.experts[int(cands.expert[i])], s.experts[int(cands.expert[j])]
    if ei.id == ej.id or int(cands.recipient[i]) == int(cands.recipient[j]):
        return True
    if ei.donor != ej.donor:
        return False
    donor = s.donor(ei.donor)
    return donor.max_away is not None or (
        ei.primary == ej.primary and donor.release.get(ei.primary) is not None
    )


@settings(deadline=None)
@given(scenarios(max_experts=8, max_recipients=4))
def test_parts_partition_the_candidates_and_no_rule_crosses_them(s: Scenario) -> None:
    cands = generate_candidates(s)
    parts = independent_parts(cands)
    flat = sorted(i for p in parts for i in p.tolist())
    assert flat == list(range(len(cands)))
    label = {i: k for k, p in enumerate(parts) for i in p.tolist()}
    for i in range(len(cands)):
        for j in range(i + 1, len(cands)):
            if _linked(s, cands, i, j):
                assert label[i] == label[j]


@settings(deadline=None)
@given(scenarios(max_experts=8, max_recipients=4))
def test_solving_parts_apart_gives_the_same_optimum(s: Scenario) -> None:
    together = solve(s, replace(EXACT, decompose=False))
    apart = solve(s, EXACT)
    assert apart.status is SolveStatus.OPTIMAL and together.status is SolveStatus.OPTIMAL
    assert apart.objective == pytest.approx(together.objective)
    assert validate(s, apart.plan) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_provinces_are_parts_and_the_optimum_matches_highs(seed: int) -> None:
    s = generate(TIERS["s"], seed=seed)
    cands = generate_candidates(s)
    parts = independent_parts(cands)
    assert len(parts) == TIERS["s"].num_provinces
    result = solve(s, replace(EXACT, cp_sat={"linearization_level": 2}))
    assert result.status is SolveStatus.OPTIMAL and result.stats.num_parts == len(parts)
    assert result.objective == pytest.approx(objective_value(s, result.plan))
    assert result.objective == pytest.approx(mip_optimum(s), abs=1e-6)
