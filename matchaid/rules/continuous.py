"""Continuity: for a ``continuous`` gap, ``present(g, t) >= 1`` implies
``present(g, t+1) >= 1`` whenever ``t`` and ``t+1`` are both in its window; once
started, a gap is not abandoned before its window ends (it may start late).

Stated as ``present(g, t) - M x present(g, t+1) <= 0`` with ``M = min(hosting,
postings that could be active in t)``. It can bind only where a posting has its last
period at ``t``, so rows are stated there only. When re-planning, the rule binds where
``t+1`` is ``now`` or later: a gap present just before ``now`` stays present at
``now``.
"""

from __future__ import annotations

import numpy as np

from matchaid.arrays import expand
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    t = b.tables
    wanted = np.array([g.continuous for _, g in t.gaps], dtype=bool)
    gap = b.cands.gap.astype(np.int64)
    sel = np.flatnonzero(wanted[gap]) if wanted.size else np.zeros(0, dtype=np.int64)
    if sel.size == 0:
        return
    g, span = gap[sel], b.span
    last = b.end[sel] - 1
    inside = (last >= t.gap_lo[g]) & (last + 1 < t.gap_hi[g])  # t and t+1 in the window
    inside &= last + 1 >= b.binds_from  # re-planning: binds where t+1 is now or later
    points = np.unique(g[inside] * span + last[inside])
    if points.size == 0:
        return
    key = g * span
    now_p, now_i = expand(points, key + b.start[sel], key + b.end[sel])  # active at t
    next_p, next_i = expand(points + 1, key + b.start[sel], key + b.end[sel])  # at t+1
    size = np.bincount(now_p, minlength=points.size)
    hosting = np.array([r.hosting for r in b.scenario.recipients], dtype=np.int64)
    big = np.minimum(hosting[t.gap_recipient[points // span]], size)
    b.add_rows(
        RuleName.CONTINUOUS,
        np.concatenate((now_p, next_p)),
        sel[np.concatenate((now_i, next_i))],
        np.concatenate((np.ones(now_p.size, dtype=np.int64), -big[next_p])),
        np.zeros(points.size, dtype=np.int64),
    )


RULE = Rule(RuleName.CONTINUOUS, build=_build)
