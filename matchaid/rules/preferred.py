"""Preferred donors (a tie-break, or a weighted term): each covered expert-month served by
a donor with a ``preferred`` pairing with the recipient is worth ``weights.preferred``.

Per gap-month: ``pref <= coverage`` and ``pref <= preferred postings active``; where
every posting that could be active is preferred and coverage is a plain sum, the
Booleans carry the bonus directly.
"""

from __future__ import annotations

import numpy as np

from matchaid.arrays import BoolArray
from matchaid.domain import PairingMode
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule
from matchaid.rules.coverage import CoveragePoints, renumber


def preferred_postings(b: Builder) -> BoolArray:
    """Whether each candidate's donor has a ``preferred`` pairing with its recipient."""
    t = b.tables
    pairs = np.zeros((len(t.scenario.donors), len(t.scenario.recipients)), dtype=bool)
    for p in t.scenario.pairings:
        if p.mode is PairingMode.PREFERRED:
            pairs[t.donor_index[p.donor], t.recipient_index[p.recipient]] = True
    return pairs[b.donor, b.recipient]


def _build(b: Builder) -> None:
    if b.weights.mode == "off" or b.weights.preferred <= 0:
        return
    preferred = preferred_postings(b)
    if not preferred.any():
        none = np.zeros(0, dtype=np.int64)
        b.add_bonus(b.weights.preferred, var=none, units=none, max_units=0)
        return
    c: CoveragePoints = b.facts[RuleName.COVERAGE]
    total = c.size.size
    is_pref = preferred[c.item]
    npref = np.bincount(c.point[is_pref], minlength=total)
    all_pref = c.direct & (npref == c.size)
    x_units = np.bincount(c.item[all_pref[c.point]], minlength=b.n)
    counted = np.flatnonzero((npref > 0) & ~all_pref)
    bound = np.minimum(np.minimum(c.size, c.need), npref)[counted]
    pref = b.add_variables(bound, level=2)
    # pref <= preferred postings active
    keep = np.zeros(total, dtype=bool)
    keep[counted] = True
    b.add_defined(RuleName.PREFERRED, pref, *renumber(c.point[is_pref], c.item[is_pref], keep))
    # pref <= cov, where coverage is a variable (elsewhere the row above implies it)
    cov = c.variable[counted]
    b.add_at_most(RuleName.PREFERRED, pref[cov >= 0], cov[cov >= 0])
    b.add_bonus(
        b.weights.preferred,
        var=np.concatenate((np.arange(b.n, dtype=np.int64), pref)),
        units=np.concatenate((x_units, np.ones(pref.size, dtype=np.int64))),
        max_units=int(c.size[all_pref].sum()) + int(bound.sum()),
    )


RULE = Rule(RuleName.PREFERRED, build=_build)
