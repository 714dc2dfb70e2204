"""Cohesion by donor: the donors of all experts posted at a recipient over the whole
horizon number at most its ``max_donors`` ("one aided hospital, one lead donor" is 1).

A forced indicator per (recipient, donor) with postings: ``x <= used``, and
``sum(used) <= max_donors`` per recipient."""

from __future__ import annotations

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    cap = np.array(
        [-1 if r.max_donors is None else r.max_donors for r in b.scenario.recipients],
        dtype=np.int64,
    )
    b.add_distinct_limit(RuleName.MAX_DONORS, b.recipient, b.donor, cap)


RULE = Rule(RuleName.MAX_DONORS, build=_build)
