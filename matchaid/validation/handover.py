"""Handover (a primary term, nothing to violate): a handover period of a gap is a period
``t`` with ``t`` and ``t+1`` in its window where one posting for the gap has its last
period at ``t`` and another is active in both ``t`` and ``t+1``."""

from __future__ import annotations

from collections import defaultdict

from matchaid.posting import Posting
from matchaid.validation.base import PlanView, Violation

CODES: tuple[str, ...] = ()


def check(view: PlanView) -> list[Violation]:
    return []


def handover_periods(view: PlanView) -> dict[tuple[str, str], list[int]]:
    """The handover periods of every gap with a ``handover_weight``."""
    postings: dict[tuple[str, str], list[Posting]] = defaultdict(list)
    for _, p, _, r in view.known():
        postings[(r.id, p.specialty)].append(p)
    out: dict[tuple[str, str], list[int]] = {}
    for r in view.scenario.recipients:
        for g in r.gaps:
            if not g.handover_weight:
                continue
            mine = postings.get((r.id, g.specialty), [])
            lo, hi = g.window
            periods = []
            for t in range(lo, hi - 1):
                leaving = any(p.start + p.months - 1 == t for p in mine)
                staying = any(p.start <= t and p.start + p.months >= t + 2 for p in mine)
                if leaving and staying:
                    periods.append(t)
            out[(r.id, g.specialty)] = periods
    return out


def value(view: PlanView) -> float:
    total = 0.0
    for (rid, specialty), periods in handover_periods(view).items():
        gap = view.recipients[rid].gap(specialty)
        assert gap is not None
        total += gap.handover_weight * len(periods)
    return total
