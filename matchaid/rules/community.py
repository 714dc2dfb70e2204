"""Medical communities: for a gap ``g`` at a spoke whose hub has a gap ``h`` in the same
specialty, coverage is ``min(demand_g, present(g, t) + share x present(h, t))`` over
``g``'s window, worth ``g``'s weight per expert-period. Hub experts stay at the hub (its
hosting, not the spoke's).

Shares have two decimals, so coverage is counted in hundredths of an expert-period: a
variable ``c <= 100 x demand`` per gap-period with ``c - 100 x present(g, t) -
100 share x present(h, t) <= 0``, worth ``weight / 100`` per unit. This rule states the
whole coverage of such gaps; :mod:`~matchaid.rules.coverage` leaves them to it (it
publishes them in ``facts[RuleName.COMMUNITY]``). The rule reads the hub's gap over the
spoke's window, also outside the hub gap's own window.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from matchaid.arrays import IntArray, expand
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule, ScenarioTables

#: Coverage of a shared gap is counted in 1/SHARE_SCALE of an expert-period.
SHARE_SCALE = 100


def shared_gaps(t: ScenarioTables) -> Iterator[tuple[int, int, int]]:
    """``(spoke gap, hub gap, share in hundredths)`` for every spoke gap whose hub has a
    gap in the same specialty."""
    index = {(r, g.specialty): k for k, (r, g) in enumerate(t.gaps)}
    for cm in t.scenario.communities:
        hub = t.recipient_index[cm.hub]
        share = round(cm.share * SHARE_SCALE)
        for spoke in cm.spokes:
            r = t.recipient_index[spoke]
            for g in t.scenario.recipients[r].gaps:
                h = index.get((hub, g.specialty))
                if h is not None:
                    yield index[(r, g.specialty)], h, share


def _reads(t: ScenarioTables) -> tuple[IntArray, IntArray, IntArray]:
    arr = np.array(
        [(h, t.gap_lo[g], t.gap_hi[g]) for g, h, _ in shared_gaps(t)], dtype=np.int64
    ).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _build(b: Builder) -> None:
    t = b.tables
    claimed = np.zeros(len(t.gaps), dtype=bool)
    b.facts[RuleName.COMMUNITY] = claimed
    gap = b.cands.gap.astype(np.int64)
    shared = list(shared_gaps(t))
    if not shared:
        return
    weights = np.array([t.gaps[g][1].weight for g, _, _ in shared], dtype=np.float64)
    demand_periods = np.array([t.gaps[g][1].demand_months for g, _, _ in shared], dtype=np.int64)
    for k, (g, h, share) in enumerate(shared):
        claimed[g] = True
        periods = np.arange(t.gap_lo[g], t.gap_hi[g], dtype=np.int64)
        own = np.flatnonzero(gap == g)
        hub = np.flatnonzero(gap == h)
        own_p, own_i = expand(periods, b.start[own], b.end[own])
        hub_p, hub_i = expand(periods, b.start[hub], b.end[hub])
        some = (np.bincount(own_p, minlength=periods.size) > 0) | (
            np.bincount(hub_p, minlength=periods.size) > 0
        )
        if not some.any():
            continue
        demand = t.gaps[g][1].demand
        cov = b.add_variables(
            np.full(int(some.sum()), SHARE_SCALE * demand, dtype=np.int64), level=1
        )
        new = np.cumsum(some) - 1
        b.add_rows(
            RuleName.COMMUNITY,
            np.concatenate((np.arange(cov.size, dtype=np.int64), new[own_p], new[hub_p])),
            np.concatenate((cov, own[own_i], hub[hub_i])),
            np.concatenate(
                (
                    np.ones(cov.size, dtype=np.int64),
                    np.full(own_p.size, -SHARE_SCALE, dtype=np.int64),
                    np.full(hub_p.size, -share, dtype=np.int64),
                )
            ),
            np.zeros(cov.size, dtype=np.int64),
        )
        b.add_primary(
            weights=weights[k : k + 1],
            max_units=SHARE_SCALE * demand_periods[k : k + 1],
            var=cov,
            weight_of=np.zeros(cov.size, dtype=np.int64),
            units=np.ones(cov.size, dtype=np.int64),
            per=SHARE_SCALE,
            gaps=np.array([g], dtype=np.int64),
        )


RULE = Rule(RuleName.COMMUNITY, reads=_reads, build=_build)
