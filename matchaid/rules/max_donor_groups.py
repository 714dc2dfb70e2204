"""Cohesion by donor group: the groups (``donors[].group``; a donor without one is a
group of its own) of the donors of all experts posted at a recipient over the whole
horizon number at most its ``max_donor_groups``."""

from __future__ import annotations

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    cap = np.array(
        [-1 if r.max_donor_groups is None else r.max_donor_groups for r in b.scenario.recipients],
        dtype=np.int64,
    )
    if (cap < 0).all():
        return
    keys: dict[str, int] = {}
    group = np.array(
        [keys.setdefault(d.group_key, len(keys)) for d in b.scenario.donors], dtype=np.int64
    )
    b.add_distinct_limit(RuleName.MAX_DONOR_GROUPS, b.recipient, group[b.donor], cap)


RULE = Rule(RuleName.MAX_DONOR_GROUPS, build=_build)
