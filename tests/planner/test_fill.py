"""The greedy fill (:func:`matchaid.fill.greedy_fill`): its plan is valid, and on
coverage alone it stops only when no posting left out both fits and adds coverage (what
marking postings dead in bulk, row by row, must not break)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from matchaid import Scenario
from matchaid.candidates import generate_candidates
from matchaid.fill import greedy_fill
from matchaid.generate import generate
from matchaid.program import build_program
from matchaid.weights import ObjectiveWeights
from tests.strategies import scenarios, v2_scenarios


@settings(deadline=None, max_examples=60)
@given(scenarios(max_experts=8, max_recipients=4, max_months=12))
def test_greedy_is_valid_and_maximal_on_coverage(s: Scenario) -> None:
    lm = build_program(generate_candidates(s), ObjectiveWeights(mode="off"))
    n = len(lm.cands)
    chosen = np.zeros(n, dtype=bool)
    chosen[greedy_fill(lm)] = True
    values = lm.complete(chosen)
    assert lm.feasible(values)
    value = lm.reported_value(values)
    for i in np.flatnonzero(~chosen).tolist():
        more = chosen.copy()
        more[i] = True
        with_i = lm.complete(more)
        assert not lm.feasible(with_i) or lm.reported_value(with_i) <= value, i


@settings(deadline=None, max_examples=40)
@given(v2_scenarios(max_experts=6, max_recipients=3, max_months=10))
def test_greedy_plan_is_valid_under_programme_rules(s: Scenario) -> None:
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    chosen = np.zeros(len(lm.cands), dtype=bool)
    chosen[greedy_fill(lm)] = True
    if not (lm.lower[: len(chosen)] > 0).any():  # fixed pins may need company
        assert lm.feasible(lm.complete(chosen))


@settings(deadline=None, max_examples=60)
@given(v2_scenarios(max_experts=6, max_recipients=3, max_months=10))
def test_marking_dead_postings_changes_nothing(s: Scenario) -> None:
    """Postings marked dead in bulk are exactly ones that no longer fit: the fill takes
    the same postings as one that asks every posting whether it fits."""
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    assert np.array_equal(greedy_fill(lm), greedy_fill(lm, mark_dead=False))


@pytest.mark.parametrize("tier", ["s", "s-overlap", "s-rules", "s-none"])
@pytest.mark.parametrize("seed", [1, 2])
def test_marking_dead_postings_changes_nothing_on_generated_tiers(tier: str, seed: int) -> None:
    lm = build_program(generate_candidates(generate(tier, seed=seed)), ObjectiveWeights())
    assert np.array_equal(greedy_fill(lm), greedy_fill(lm, mark_dead=False))


@settings(max_examples=40, deadline=None)
@given(v2_scenarios(max_experts=6, max_recipients=3, max_months=10))
def test_find_gives_each_candidate_its_index(s: Scenario) -> None:
    from matchaid.posting import Posting

    cands = generate_candidates(s)
    items = [cands.posting(i) for i in range(cands.num_postings)]
    items += [cands.training(i) for i in range(cands.num_postings, len(cands))]
    found = cands.find(items[::-1])
    assert found.tolist() == list(range(len(cands)))[::-1]
    strangers = [
        Posting("nobody", "R0", "urology", 0, 1),
        Posting(s.experts[0].id, "R0", "x", -3, 2),
    ]
    assert cands.find(strangers).tolist() == [-1, -1]
