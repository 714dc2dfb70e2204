"""Max away: in every month, a donor's experts away (postings active) number at most
its ``max_away``."""

from __future__ import annotations

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    cap = np.array(
        [-1 if d.max_away is None else d.max_away for d in b.scenario.donors], dtype=np.int64
    )
    b.add_capacity(RuleName.MAX_AWAY, np.where(cap[b.donor] >= 0, b.donor, -1), cap)


RULE = Rule(RuleName.MAX_AWAY, build=_build)
