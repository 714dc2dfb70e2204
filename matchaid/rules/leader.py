"""Leaders: at a recipient with a leader rule, ``leaders(r, t)`` counts the postings
active in period ``t`` whose expert ``can_lead``, and ``hosted(r, t)`` all of them.

- ``required``: ``hosted >= 1`` implies ``leaders >= 1``, stated as
  ``hosted - M x leaders <= 0`` with ``M = min(hosting, postings that could be active)``
  (no plan hosts more than ``M``). The set of active postings changes only where one
  starts or ends, so the row is stated at those periods only (when re-planning, at
  ``now`` and those after it: the rule binds from ``now`` on).
- ``preferred``: a forced indicator per period, ``hosted - M x leaders - M x lone <= 0``,
  and ``lone`` costs the rule's weight in the primary objective.

A posting outside its gap's window still counts here (it may be the leader that lets
others stay), so the rule reads every gap of such a recipient over the whole horizon.
"""

from __future__ import annotations

import numpy as np

from matchaid.arrays import IntArray, expand, offsets
from matchaid.domain import LeaderMode
from matchaid.rulenames import RuleName
from matchaid.rules.base import FORCED, Builder, Rule, ScenarioTables


def _reads(t: ScenarioTables) -> tuple[IntArray, IntArray, IntArray]:
    ruled = np.array([r.leader is not None for r in t.scenario.recipients], dtype=bool)
    gap = np.flatnonzero(ruled[t.gap_recipient]) if ruled.size else np.zeros(0, dtype=np.int64)
    span = t.scenario.horizon.months
    return gap, np.zeros(gap.size, dtype=np.int64), np.full(gap.size, span, dtype=np.int64)


def _build(b: Builder) -> None:
    recipients = b.scenario.recipients
    mode = [None if r.leader is None else r.leader.mode for r in recipients]
    for wanted in (LeaderMode.REQUIRED, LeaderMode.PREFERRED):
        ruled = np.array([m is wanted for m in mode], dtype=bool)
        sel = np.flatnonzero(ruled[b.recipient])
        if sel.size:
            _rows(b, sel, wanted)


def _rows(b: Builder, sel: IntArray, mode: LeaderMode) -> None:
    span, horizon = b.span, b.scenario.horizon.months
    key = b.recipient[sel] * span
    start, end = key + b.start[sel], key + b.end[sel]
    if mode is LeaderMode.REQUIRED:  # where the active set changes, from binds_from on
        points = np.unique(np.concatenate((start, end[b.end[sel] < horizon])))
        if b.binds_from:  # re-planning: the past binds from now on, not before
            points = np.union1d(points, np.unique(key) + min(b.binds_from, horizon - 1))
            points = points[points % span >= b.binds_from]
    else:  # every period someone could be hosted: each one can cost the weight
        lengths = b.end[sel] - b.start[sel]
        points = np.unique(np.repeat(start, lengths) + offsets(lengths))
    point, item = expand(points, start, end)
    size = np.bincount(point, minlength=points.size)
    leads = np.array([e.can_lead for e in b.scenario.experts], dtype=bool)[b.expert[sel]]
    followers = np.bincount(point[~leads[item]], minlength=points.size)
    keep = followers > 0  # elsewhere every coefficient is <= 0: the row always holds
    hosting = np.array([r.hosting for r in b.scenario.recipients], dtype=np.int64)
    big = np.minimum(hosting[points // span], size)
    new = np.cumsum(keep) - 1
    sel_terms = keep[point]
    row, member = new[point[sel_terms]], sel[item[sel_terms]]
    coef = np.where(leads[item[sel_terms]], 1 - big[point[sel_terms]], 1)
    rows = int(keep.sum())
    if mode is LeaderMode.REQUIRED:
        b.add_rows(RuleName.LEADER, row, member, coef, np.zeros(rows, dtype=np.int64))
        return
    lone = b.add_variables(np.ones(rows, dtype=np.int64), level=FORCED)
    kept = np.flatnonzero(keep)
    b.add_rows(
        RuleName.LEADER,
        np.concatenate((row, np.arange(rows, dtype=np.int64))),
        np.concatenate((member, lone)),
        np.concatenate((coef, -big[kept])),
        np.zeros(rows, dtype=np.int64),
    )
    ids, local = np.unique(points[kept] // span, return_inverse=True)
    rules = [b.scenario.recipients[r].leader for r in ids.tolist()]
    weights = np.array([0.0 if ld is None else ld.weight or 0.0 for ld in rules])
    b.add_primary(
        weights=weights,
        max_units=np.bincount(local, minlength=ids.size),
        var=lone,
        weight_of=local,
        units=np.full(rows, -1, dtype=np.int64),
    )


RULE = Rule(RuleName.LEADER, reads=_reads, build=_build)
