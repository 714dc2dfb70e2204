"""Multi-specialty projects (a primary term): a period ``t`` of a project's window
*counts* when, for every needed specialty ``s``, the postings active in ``t`` for the
recipient's gap in ``s`` number at least ``needs[s]``. Each counted period adds the
project's ``weight``.

An indicator per period where every need could be met: ``needs[s] x q <= present(g_s,
t)`` for each needed ``s``. A posting outside its gap's window counts too, so the rule
reads the needed gaps over the project's window.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from matchaid.arrays import IntArray, expand
from matchaid.domain import Project
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule, ScenarioTables


def _projects(t: ScenarioTables) -> Iterator[tuple[Project, list[tuple[int, int]]]]:
    """Each project with ``(gap index, needed count)`` per needed specialty."""
    index = {(r, g.specialty): k for k, (r, g) in enumerate(t.gaps)}
    for r, rec in enumerate(t.scenario.recipients):
        for pj in rec.projects:
            yield pj, [(index[(r, s)], k) for s, k in pj.needs.items()]


def _reads(t: ScenarioTables) -> tuple[IntArray, IntArray, IntArray]:
    reads = [(g, pj.window[0], pj.window[1]) for pj, needs in _projects(t) for g, _ in needs]
    arr = np.array(reads, dtype=np.int64).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _build(b: Builder) -> None:
    gap = b.cands.gap.astype(np.int64)
    for pj, needs in _projects(b.tables):
        periods = np.arange(*pj.window, dtype=np.int64)
        feasible = np.ones(periods.size, dtype=bool)
        active = []
        for g, k in needs:
            sel = np.flatnonzero(gap == g)
            point, item = expand(periods, b.start[sel], b.end[sel])
            feasible &= np.bincount(point, minlength=periods.size) >= k
            active.append((point, sel[item], k))
        if not feasible.any():
            continue
        q = b.add_variables(np.ones(int(feasible.sum()), dtype=np.int64), level=1)
        new = np.cumsum(feasible) - 1
        for point, member, k in active:
            keep = feasible[point]
            rows = np.arange(q.size, dtype=np.int64)
            b.add_rows(
                RuleName.PROJECT,
                np.concatenate((rows, new[point[keep]])),
                np.concatenate((q, member[keep])),
                np.concatenate(
                    (np.full(q.size, k, dtype=np.int64), -np.ones(int(keep.sum()), dtype=np.int64))
                ),
                np.zeros(q.size, dtype=np.int64),
            )
        b.add_primary(
            weights=np.array([pj.weight], dtype=np.float64),
            max_units=np.array([q.size], dtype=np.int64),
            var=q,
            weight_of=np.zeros(q.size, dtype=np.int64),
            units=np.ones(q.size, dtype=np.int64),
        )


RULE = Rule(RuleName.PROJECT, reads=_reads, build=_build)
