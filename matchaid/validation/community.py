"""Medical communities: a spoke's gap is also covered by ``share`` of each expert present
in its hub's gap of the same specialty, capped by demand. The coverage itself is
computed in :mod:`matchaid.validation.coverage`; nothing here can be violated (the
scenario check enforces the community's shape). :func:`from_hub` says how much of the
spokes' coverage came from their hubs."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation
from matchaid.validation.coverage import active_counts

CODES: tuple[str, ...] = ()


def check(view: PlanView) -> list[Violation]:
    return []


def from_hub(view: PlanView) -> dict[tuple[str, str], float]:
    """Per spoke gap with a hub gap: expert-periods of its coverage that only the hub's
    share provides (coverage with the hub minus coverage without it)."""
    present = active_counts(view)
    out: dict[tuple[str, str], float] = {}
    for cm in view.scenario.communities:
        hub = view.recipients[cm.hub]
        for spoke_id in cm.spokes:
            for g in view.recipients[spoke_id].gaps:
                if hub.gap(g.specialty) is None:
                    continue
                own = present.get((spoke_id, g.specialty), {})
                shared = present.get((cm.hub, g.specialty), {})
                gained = 0.0
                for t in range(*g.window):
                    alone = min(g.demand, own.get(t, 0))
                    gained += min(g.demand, own.get(t, 0) + cm.share * shared.get(t, 0)) - alone
                out[(spoke_id, g.specialty)] = gained
    return out
