"""Budget: the plan's total cost is at most ``budget``. A posting costs ``per_trip +
periods x per_period[expert's seniority]`` (``costs``); a training placement ``per_trip +
periods x trainee_per_period``.

One row ``sum(cost_i x_i) <= budget`` in thousandths: costs rounded up and the budget
down, so the row never admits a plan over the exact budget (with at most three
decimals, as amounts usually have, it is exact).
"""

from __future__ import annotations

import math

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule

#: Costs and the budget are stated in 1/COST_SCALE units.
COST_SCALE = 1000


def _build(b: Builder) -> None:
    s = b.scenario
    decisions = len(b.cands)
    if s.budget is None or s.costs is None or decisions == 0:
        return
    cost = b.cands.cost()
    scaled = np.ceil(np.round(cost * COST_SCALE, 6)).astype(np.int64)
    limit = math.floor(round(s.budget * COST_SCALE, 6))
    if int(scaled.sum()) <= limit:
        return  # every candidate together fits: the row cannot bind
    b.add_rows(
        RuleName.BUDGET,
        np.zeros(decisions, dtype=np.int64),
        np.arange(decisions, dtype=np.int64),
        scaled,
        np.array([limit], dtype=np.int64),
    )


RULE = Rule(RuleName.BUDGET, build=_build)
