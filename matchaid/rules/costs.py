"""Costs (tie-breaks, or weighted terms): each posting costs ``weights.travel`` per hour
of travel from its donor's city to its recipient's (0 where unknown) plus
``weights.posted_month`` per expert-month posted."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matchaid.arrays import IntArray
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _most_paid(b: Builder) -> Callable[[IntArray], int]:
    """The largest total cost any plan can pay: each expert takes at most
    ``available months // shortest candidate term`` postings (and at most
    ``max_postings``), each costing at most their dearest candidate."""
    s, cands = b.scenario, b.cands

    def most(scaled: IntArray) -> int:
        order = np.argsort(cands.expert, kind="stable")
        experts, first = np.unique(cands.expert[order], return_index=True)
        shortest = np.minimum.reduceat(cands.months[order].astype(np.int64), first)
        worst = np.maximum.reduceat(scaled[order], first)
        listed = [s.experts[e] for e in experts.tolist()]
        span = np.array([e.available[1] - e.available[0] for e in listed], dtype=np.int64)
        count = span // shortest
        cap = np.array([-1 if e.max_postings is None else e.max_postings for e in listed])
        count = np.where(cap >= 0, np.minimum(count, cap), count)
        return sum(int(m) * int(w) for m, w in zip(count.tolist(), worst.tolist(), strict=True))

    return most


def _build(b: Builder) -> None:
    w = b.weights
    if w.mode == "off" or b.n == 0:
        return
    hours = np.nan_to_num(b.cands.travel_hours, nan=0.0)
    amounts = w.travel * hours + w.posted_month * b.cands.months
    b.add_penalty(np.arange(b.n, dtype=np.int64), amounts.astype(np.float64), _most_paid(b))


RULE = Rule(RuleName.COSTS, build=_build)
