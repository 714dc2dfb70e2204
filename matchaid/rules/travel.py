"""Travel: a donor serves a recipient only within the recipient's ``max_travel_hours``
(shortest path on the network; a donor with no route is beyond every limit)."""

from __future__ import annotations

import math

import numpy as np

from matchaid.arrays import BoolArray, IntArray
from matchaid.rulenames import RuleName
from matchaid.rules.base import Exclusion, PairTest, Rule, ScenarioTables


def _pair_test(t: ScenarioTables) -> PairTest:
    limit = np.array(
        [
            math.inf if r.max_travel_hours is None else r.max_travel_hours
            for r in t.scenario.recipients
        ],
        dtype=np.float64,
    )
    if not np.isfinite(limit).any():
        return lambda expert, gaps: []
    hours = t.travel

    def test(expert: int, gaps: IntArray) -> list[tuple[str, BoolArray]]:
        rs = t.gap_recipient[gaps]
        reach = hours[t.expert_donor[expert], rs]
        return [("travel", np.isfinite(limit[rs]) & ~(reach <= limit[rs]))]

    return test


RULE = Rule(RuleName.TRAVEL, (Exclusion("travel"),), pair_test=_pair_test)
