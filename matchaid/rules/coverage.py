"""Coverage, the primary objective: a gap's coverage in a month of its window is
``min(demand, postings active)``, worth the gap's ``weight`` per covered expert-month.

Where the postings that could be active in a gap-month never exceed demand, the sum of
their Booleans is the coverage (a coefficient on each Boolean, no variable); elsewhere a
coverage variable ``cov <= demand`` with the row ``cov - sum(x) <= 0``, which
maximisation makes the minimum. A posting that misses its gap's window covers nothing
and only uses capacity: unless another rule reads it (a leader rule, a hub's share, a
project), it is left out (and counted), since no plan is better for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchaid.arrays import BoolArray, IntArray, expand, offsets
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Exclusion, PostingTest, Rule, ScenarioTables


@dataclass(frozen=True, slots=True)
class CoveragePoints:
    """Gap-months of every window and the candidates active in each, published for rules
    that build on coverage (``ProgramBuilder.facts[RuleName.COVERAGE]``).

    ``point``/``item``: pairs (gap-month, candidate), grouped by gap-month; ``size``
    candidates per gap-month; ``need`` its demand; ``direct`` where coverage is the sum
    of the Booleans; ``variable`` the coverage variable of a gap-month (-1: none, also
    where a community states the coverage).
    """

    point: IntArray
    item: IntArray
    size: IntArray
    need: IntArray
    direct: BoolArray
    variable: IntArray


def _posting_test(t: ScenarioTables) -> PostingTest:
    read = t.read_periods

    def test(
        expert: int, gap: IntArray, start: IntArray, months: IntArray
    ) -> list[tuple[str, BoolArray]]:
        touches = read[gap, start + months] > read[gap, start]
        return [("outside_window", ~touches)]

    return test


def _reads(t: ScenarioTables) -> tuple[IntArray, IntArray, IntArray]:
    return np.arange(len(t.gaps), dtype=np.int64), t.gap_lo, t.gap_hi


def renumber(point: IntArray, item: IntArray, keep: BoolArray) -> tuple[IntArray, IntArray]:
    """The terms of the points marked ``keep``, points renumbered ``0..keep.sum()-1``."""
    new = np.cumsum(keep) - 1
    sel = keep[point]
    return new[point[sel]], item[sel]


def _build(b: Builder) -> None:
    t, span = b.tables, b.span
    gaps = t.gaps
    demand = np.array([g.demand for _, g in gaps], dtype=np.int64)
    win_len = t.gap_hi - t.gap_lo
    total = int(win_len.sum())
    gap_of_point = np.repeat(np.arange(len(gaps), dtype=np.int64), win_len)
    month_of_point = np.repeat(t.gap_lo, win_len) + offsets(win_len)
    points = gap_of_point * span + month_of_point  # sorted: gaps in order, months ascending
    g = b.cands.gap.astype(np.int64)
    lo = np.maximum(b.start, t.gap_lo[g])
    hi = np.minimum(b.end, t.gap_hi[g])
    point, item = expand(points, g * span + lo, g * span + hi)
    size = np.bincount(point, minlength=total)
    need = demand[gap_of_point]
    # Gaps whose coverage a community states (a hub's share counts there).
    mine = ~b.facts.get(RuleName.COMMUNITY, np.zeros(len(gaps), dtype=bool))[gap_of_point]
    direct = (size > 0) & (size <= need) & mine  # coverage = sum of the Booleans
    x_units = np.bincount(item[direct[point]], minlength=b.n)
    over = (size > need) & mine
    counted = np.flatnonzero(over)  # a coverage variable each
    cov = b.add_variables(need[counted], level=1)
    variable = np.full(total, -1, dtype=np.int64)
    variable[counted] = cov
    b.add_defined(RuleName.COVERAGE, cov, *renumber(point, item, over))
    b.add_primary(
        weights=np.array([gap.weight for _, gap in gaps], dtype=np.float64),
        max_units=np.array([gap.demand_months for _, gap in gaps], dtype=np.int64),
        var=np.concatenate((np.arange(b.n, dtype=np.int64), cov)),
        weight_of=np.concatenate((g, gap_of_point[counted])),
        units=np.concatenate((x_units, np.ones(cov.size, dtype=np.int64))),
        gaps=np.arange(len(gaps), dtype=np.int64),
    )
    b.facts[RuleName.COVERAGE] = CoveragePoints(point, item, size, need, direct, variable)


RULE = Rule(
    RuleName.COVERAGE,
    (Exclusion("outside_window", eligible=True),),
    posting_test=_posting_test,
    reads=_reads,
    build=_build,
)
