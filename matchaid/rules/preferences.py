"""Experts' preferences (a tie-break, or a weighted term): each period an expert serves
at the ``k``-th recipient of their ``preferences`` list of ``L`` earns
``weights.preference x (L - k + 1) / L``. Off when ``weights.preference`` is 0.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    weight = b.weights.preference
    if b.weights.mode == "off" or weight <= 0:
        return
    s = b.scenario
    rank: dict[tuple[int, int], tuple[int, int]] = {}  # (expert, recipient) -> (L - k + 1, L)
    index = b.tables.recipient_index
    for e_idx, e in enumerate(s.experts):
        size = len(e.preferences)
        for k, rid in enumerate(e.preferences):
            rank[(e_idx, index[rid])] = (size - k, size)
    if not rank:
        return
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, key in enumerate(zip(b.expert.tolist(), b.recipient.tolist(), strict=True)):
        if key in rank:
            groups[rank[key]].append(i)
    months = b.cands.months.astype(np.int64)
    for (num, den), members in sorted(groups.items()):
        var = np.array(members, dtype=np.int64)
        best: dict[int, int] = {}  # most periods an expert can serve: bounds what a plan earns
        for i in members:
            who = int(b.expert[i])
            lo, hi = s.experts[who].available
            best[who] = hi - lo
        b.add_bonus(weight * num / den, var=var, units=months[var], max_units=sum(best.values()))


RULE = Rule(RuleName.PREFERENCES, build=_build)
