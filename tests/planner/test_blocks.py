"""The experts' blocks solved exactly (matchaid.blocks): a bound on every plan, never
weaker than weak duality at the same prices, and exact where the LP is not."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matchaid import ObjectiveWeights, Scenario
from matchaid.blocks import block_bound, expert_blocks
from matchaid.candidates import generate_candidates
from matchaid.io import load_scenario
from matchaid.program import IntegerProgram, build_program
from matchaid.relax import lp_prices, safe_bound, solve_relaxation
from tests.oracles import mip_optimum
from tests.strategies import scenarios

OFF = ObjectiveWeights(mode="off")  # the whole objective is coverage: the oracle's

# Two experts allowed two postings each, four one-gap recipients (found by a random
# search over such programmes): the LP takes fractions of postings that no pair of
# whole ones can match.
TWO_POSTINGS = {
    "version": 1,
    "name": "two postings each",
    "horizon": {"months": 6, "start_step": 1},
    "terms": [1, 6],
    "donors": [{"id": "D0", "name": "Donor", "city": "C0", "release": {}}],
    "experts": [
        {
            "id": f"E{e}",
            "donor": "D0",
            "specialties": ["cardiology"],
            "seniority": "attending",
            "available": [0, 6],
            "max_postings": 2,
        }
        for e in range(2)
    ],
    "recipients": [
        {
            "id": f"R{i}",
            "name": f"R{i}",
            "city": "C1",
            "level": "county",
            "hosting": 5,
            "gaps": [{"specialty": "cardiology", "demand": 1, "window": window, "weight": w}],
        }
        for i, (w, window) in enumerate([(2, [1, 3]), (5, [1, 6]), (2, [0, 1]), (2, [4, 6])])
    ],
    "pairings": [],
}


def _two_postings(tmp_path: Path) -> Scenario:
    path = tmp_path / "two-postings.json"
    path.write_text(json.dumps(TWO_POSTINGS), encoding="utf-8")
    return load_scenario(path)


def test_the_blocks_prove_the_optimum_where_the_lp_bound_cannot(tmp_path: Path) -> None:
    s = _two_postings(tmp_path)
    lm = build_program(generate_candidates(s), OFF)
    optimum = mip_optimum(s)
    assert optimum is not None
    _, prices, _ = lp_prices(lm)
    lp = lm.scaling.value(safe_bound(lm, prices))
    by_blocks = block_bound(lm, prices)
    assert by_blocks is not None
    assert lp > optimum + 1  # the LP's own bound is loose here
    assert lm.scaling.value(by_blocks) == optimum
    relax = solve_relaxation(lm)  # the relaxation keeps the tighter of the two
    assert relax.reported_bound is not None
    assert lm.scaling.value(relax.reported_bound) == optimum


@settings(deadline=None, max_examples=40)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_the_block_bound_holds_for_any_prices(s: Scenario, seed: int) -> None:
    lm = build_program(generate_candidates(s), OFF)
    optimum = mip_optimum(s)
    assert optimum is not None
    rng = np.random.default_rng(seed)
    for scale in (0.0, 0.5, 5.0):
        prices = rng.exponential(scale=max(scale, 1e-9), size=lm.num_rows) * (scale > 0)
        bound = block_bound(lm, prices)
        if bound is None:
            assert expert_blocks(lm) is None
            continue
        assert lm.scaling.value(bound) >= optimum - 1e-9
        assert bound <= safe_bound(lm, prices) + 1


def _exact_block_bound(lm: IntegerProgram, prices: np.ndarray) -> Fraction | None:
    """``L(y)`` in exact rationals, each expert's best choice found by trying every
    subset of its postings worth something against its kept rows (not by runs); ``None``
    when an expert has too many such postings to try."""
    blocks = expert_blocks(lm)
    assert blocks is not None
    y = [
        Fraction(0) if blocks.rows[r] else Fraction(max(float(p), 0.0))
        for r, p in enumerate(prices)
    ]
    used = [Fraction(0)] * lm.num_vars
    rows_of: list[list[int]] = [[] for _ in range(lm.num_vars)]
    for row in range(lm.num_rows):
        for t in range(int(lm.indptr[row]), int(lm.indptr[row + 1])):
            used[int(lm.cols[t])] += int(lm.coefs[t]) * y[row]
            if blocks.rows[row]:
                rows_of[int(lm.cols[t])].append(row)
    total = sum((int(b) * p for b, p in zip(lm.rhs, y, strict=True)), Fraction(0))
    reduced = [int(lm.objective[j]) - used[j] for j in range(lm.num_vars)]
    inside = set(blocks.posting.tolist())
    for j in range(lm.num_vars):
        if j not in inside:
            total += int(lm.upper[j]) * max(reduced[j], Fraction(0))
    for b in range(blocks.span.size):
        mine = [int(p) for p, k in zip(blocks.posting, blocks.block, strict=True) if k == b]
        worth = [p for p in mine if reduced[p] > 0]
        if len(worth) > 12:
            return None
        best = Fraction(0)
        for size in range(1, len(worth) + 1):
            for pick in itertools.combinations(worth, size):
                load: dict[int, int] = {}
                for p in pick:
                    for row in rows_of[p]:
                        load[row] = load.get(row, 0) + 1
                if all(n <= int(lm.rhs[row]) for row, n in load.items()):
                    best = max(best, sum((reduced[p] for p in pick), Fraction(0)))
        total += best
    return total


@settings(deadline=None, max_examples=60)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_the_block_bound_is_exact_for_its_prices(s: Scenario, seed: int) -> None:
    """The longest paths over runs of rows give each expert's best choice: the bound is
    the exact ``L(y)``, rounded down, within the unit that cutting the prices to a grid
    may cost."""
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    assume(expert_blocks(lm) is not None)
    rng = np.random.default_rng(seed)
    prices = rng.exponential(scale=rng.uniform(0.01, 3.0), size=lm.num_rows)
    prices *= lm.scaling.multiplier * (rng.random(lm.num_rows) < 0.8)
    exact = _exact_block_bound(lm, prices)
    assume(exact is not None)
    assert exact is not None
    bound = block_bound(lm, prices)
    assert bound is not None
    assert math.floor(exact) - 1 <= bound <= math.floor(exact)


def test_each_expert_keeps_its_own_count() -> None:
    """Experts with different limits in one pass: at most 1 posting, at most 3, and no
    limit (each posting on its own row, so only the count binds)."""
    from matchaid.blocks import ExpertBlocks, _best_choices

    block = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2], dtype=np.int64)
    rows = np.array([0, 1, 2, 0, 1, 2, 3, 0, 1], dtype=np.int64)
    blocks = ExpertBlocks(
        rows=np.zeros(0, dtype=bool),
        posting=np.arange(block.size, dtype=np.int64),
        block=block,
        first=rows,
        last=rows,
        span=np.array([3, 4, 2], dtype=np.int64),
        limit=np.array([1, 3, -1], dtype=np.int64),
    )
    gains = np.array([5, 7, 6, 1, 2, 3, 4, 8, 9], dtype=np.int64).astype(object)
    assert _best_choices(blocks, gains) == 7 + (4 + 3 + 2) + (8 + 9)
