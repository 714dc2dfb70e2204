"""Independent parts: found correctly, and solving them apart changes nothing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings

from matchaid import Scenario, SolveStatus, objective_value, solve, validate
from matchaid.candidates import generate_candidates
from matchaid.decompose import PACKED_PART, SMALL_PART, independent_parts, variable_components
from matchaid.generate import TIERS, generate
from matchaid.program import IntegerProgram, build_program
from matchaid.weights import ObjectiveWeights
from tests.oracles import mip_optimum
from tests.planner.helpers import EXACT
from tests.strategies import scenarios


def _parts(s: Scenario) -> tuple[IntegerProgram, list[np.ndarray]]:
    prog = build_program(generate_candidates(s), ObjectiveWeights())
    return prog, independent_parts(prog)


@settings(deadline=None)
@given(scenarios(max_experts=8, max_recipients=4))
def test_parts_partition_the_candidates_and_no_row_crosses_them(s: Scenario) -> None:
    prog, parts = _parts(s)
    n = len(prog.cands)
    flat = sorted(i for p in parts for i in p.tolist())
    assert flat == list(range(n))
    part = np.full(prog.num_vars, -1)
    for k, p in enumerate(parts):
        part[p] = k
    # A defined variable belongs to the part of the postings its rows hold.
    for r in range(prog.num_rows):
        members = prog.cols[prog.indptr[r] : prog.indptr[r + 1]]
        known = {int(part[v]) for v in members if part[v] >= 0}
        assert len(known) <= 1, f"row {r} crosses parts {known}"
        if known:
            part[members] = known.pop()
    for r in range(prog.num_rows):  # again, now that every variable has a part
        members = prog.cols[prog.indptr[r] : prog.indptr[r + 1]]
        assert len({int(part[v]) for v in members}) == 1


@settings(deadline=None)
@given(scenarios(max_experts=8, max_recipients=4))
def test_components_stay_whole_large_ones_alone_small_ones_packed(s: Scenario) -> None:
    prog, parts = _parts(s)
    labels = variable_components(prog)[: len(prog.cands)]
    sizes = {int(k): int(c) for k, c in zip(*np.unique(labels, return_counts=True), strict=True)}
    for p in parts:
        inside = {int(k) for k in labels[p]}
        assert sum(sizes[k] for k in inside) == len(p)  # whole components only
        if any(sizes[k] >= SMALL_PART for k in inside):
            assert len(inside) == 1  # a large component is a part of its own
        else:
            assert len(p) <= PACKED_PART


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
    _, parts = _parts(s)
    assert len(parts) == TIERS["s"].num_provinces
    result = solve(s, replace(EXACT, cp_sat={"linearization_level": 2}))
    assert result.status is SolveStatus.OPTIMAL and result.stats.num_parts == len(parts)
    assert result.objective == pytest.approx(objective_value(s, result.plan))
    assert result.objective == pytest.approx(mip_optimum(s), abs=1e-6)
