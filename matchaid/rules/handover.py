"""Handover (a primary term): a handover period of a gap is a period ``t`` with ``t``
and ``t+1`` in its window where some posting for the gap has its last period at ``t``
and another is active in both ``t`` and ``t+1``. Each adds the gap's
``handover_weight``.

An indicator per such period where both could happen: ``h <= postings ending at t`` and
``h <= postings active in t and t+1``; maximisation makes it 1 exactly when both hold.
"""

from __future__ import annotations

import numpy as np

from matchaid.arrays import expand
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule
from matchaid.rules.coverage import renumber


def _build(b: Builder) -> None:
    t = b.tables
    weight = np.array([g.handover_weight for _, g in t.gaps], dtype=np.float64)
    gap = b.cands.gap.astype(np.int64)
    sel = np.flatnonzero(weight[gap] > 0) if weight.size else np.zeros(0, dtype=np.int64)
    if sel.size == 0:
        return
    g, span = gap[sel], b.span
    last = b.end[sel] - 1
    inside = (last >= t.gap_lo[g]) & (last + 1 < t.gap_hi[g])
    points = np.unique(g[inside] * span + last[inside])
    key = g * span
    # postings ending at t: their last period is the point
    end_p, end_i = expand(points, key + last, key + last + 1)
    # postings staying on: active in t and t+1
    stay_p, stay_i = expand(points, key + b.start[sel], key + b.end[sel] - 1)
    both = (np.bincount(end_p, minlength=points.size) > 0) & (
        np.bincount(stay_p, minlength=points.size) > 0
    )
    if not both.any():
        return
    h = b.add_variables(np.ones(int(both.sum()), dtype=np.int64), level=1)
    for p, i in ((end_p, end_i), (stay_p, stay_i)):
        row, item = renumber(p, i, both)
        b.add_defined(RuleName.HANDOVER, h, row, sel[item])
    ids, local = np.unique(points[both] // span, return_inverse=True)
    b.add_primary(
        weights=weight[ids],
        max_units=np.bincount(local, minlength=ids.size),
        var=h,
        weight_of=local,
        units=np.ones(h.size, dtype=np.int64),
    )


RULE = Rule(RuleName.HANDOVER, build=_build)
