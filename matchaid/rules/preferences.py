"""Experts' preferences (a tie-break, or a weighted term): each period an expert serves
at the ``k``-th recipient of their ``preferences`` list of ``L`` earns
``weights.preference x (L - k + 1) / L``. Off when ``weights.preference`` is 0.
"""

from __future__ import annotations

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    weight = b.weights.preference
    if b.weights.mode == "off" or weight <= 0:
        return
    s, index = b.scenario, b.tables.recipient_index
    # rank[e, r] = L - k + 1 at the expert's k-th of L choices (0: not listed), size[e] = L
    rank = np.zeros((len(s.experts), len(s.recipients)), dtype=np.int64)
    size = np.array([max(len(e.preferences), 1) for e in s.experts], dtype=np.int64)
    for e_idx, e in enumerate(s.experts):
        for k, rid in enumerate(e.preferences):
            rank[e_idx, index[rid]] = len(e.preferences) - k
    num, den = rank[b.expert, b.recipient], size[b.expert]
    listed = np.flatnonzero(num > 0)
    if listed.size == 0:
        return
    months = b.cands.months.astype(np.int64)
    span = np.array([hi - lo for lo, hi in (e.available for e in s.experts)], dtype=np.int64)
    pairs, group = np.unique(num[listed] * (den.max() + 1) + den[listed], return_inverse=True)
    for k, key in enumerate(pairs.tolist()):
        var = listed[group == k]
        # the most periods its experts can serve bounds what a plan earns
        most = int(span[np.unique(b.expert[var])].sum())
        n, d = divmod(key, int(den.max()) + 1)
        b.add_bonus(weight * n / d, var=var, units=months[var], max_units=most)


RULE = Rule(RuleName.PREFERENCES, build=_build)
