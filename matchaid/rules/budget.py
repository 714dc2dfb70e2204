"""Budget: the plan's total cost is at most ``budget``. A posting costs ``per_trip +
periods x per_period[expert's seniority]`` (``costs``).

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
    if s.budget is None or s.costs is None or b.n == 0:
        return
    per_period = np.array([s.costs.per_period[e.seniority] for e in s.experts], dtype=np.float64)
    cost = s.costs.per_trip + b.cands.months.astype(np.float64) * per_period[b.expert]
    scaled = np.ceil(np.round(cost * COST_SCALE, 6)).astype(np.int64)
    limit = math.floor(round(s.budget * COST_SCALE, 6))
    if int(scaled.sum()) <= limit:
        return  # every candidate together fits: the row cannot bind
    b.add_rows(
        RuleName.BUDGET,
        np.zeros(b.n, dtype=np.int64),
        np.arange(b.n, dtype=np.int64),
        scaled,
        np.array([limit], dtype=np.int64),
    )


RULE = Rule(RuleName.BUDGET, build=_build)
