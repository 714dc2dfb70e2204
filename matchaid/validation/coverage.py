"""Coverage, the primary objective: the sum over gaps and months of their window of
``weight x min(demand, postings active)``; at a spoke of a medical community whose hub
has a gap in the same specialty, ``weight x min(demand, postings active + share x hub
postings active)``. Every plan is valid for it; :func:`value` recomputes it."""

from __future__ import annotations

from collections import defaultdict

from matchaid.validation.base import PlanView, Violation

CODES: tuple[str, ...] = ()


def check(view: PlanView) -> list[Violation]:
    return []


def active_counts(view: PlanView) -> dict[tuple[str, str], dict[int, int]]:
    """Postings active per (recipient, specialty) and month, counting the postings whose
    expert and recipient exist."""
    active: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for _, p, _, _ in view.known():
        for t in view.months(p):
            active[(p.recipient, p.specialty)][t] += 1
    return active


def gap_coverage(view: PlanView) -> dict[tuple[str, str], float]:
    """Covered expert-periods per gap ``(recipient, specialty)``, with hub shares."""
    active = active_counts(view)
    hub_of = {spoke: (cm.hub, cm.share) for cm in view.scenario.communities for spoke in cm.spokes}
    out = {}
    for r in view.scenario.recipients:
        hub, share = hub_of.get(r.id, (None, 0.0))
        for g in r.gaps:
            counts = active.get((r.id, g.specialty), {})
            shared: dict[int, int] = {}
            if hub is not None and view.recipients[hub].gap(g.specialty) is not None:
                shared = active.get((hub, g.specialty), {})
            out[(r.id, g.specialty)] = sum(
                min(g.demand, counts.get(t, 0) + share * shared.get(t, 0)) for t in range(*g.window)
            )
    return out


def value(view: PlanView) -> float:
    covered = gap_coverage(view)
    return sum(
        g.weight * covered[(r.id, g.specialty)] for r in view.scenario.recipients for g in r.gaps
    )
