"""Seniority: an expert serves a gap only at the gap's ``min_seniority`` or above."""

from __future__ import annotations

import numpy as np

from matchaid.arrays import BoolArray, IntArray
from matchaid.rulenames import RuleName
from matchaid.rules.base import Exclusion, PairTest, Rule, ScenarioTables


def _pair_test(t: ScenarioTables) -> PairTest:
    minimum = np.array(
        [-1 if g.min_seniority is None else int(g.min_seniority) for _, g in t.gaps],
        dtype=np.int64,
    )
    rank = [int(e.seniority) for e in t.scenario.experts]

    def test(expert: int, gaps: IntArray) -> list[tuple[str, BoolArray]]:
        return [("seniority", minimum[gaps] > rank[expert])]

    return test


RULE = Rule(RuleName.SENIORITY, (Exclusion("seniority"),), pair_test=_pair_test)
