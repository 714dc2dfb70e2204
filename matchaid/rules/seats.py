"""Seats: in every period, the trainees of a specialty placed at a donor number at most
the donor's ``seats`` for that specialty."""

from __future__ import annotations

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    pl = b.cands.placements
    if len(pl) == 0:
        return
    s = b.scenario
    specialties = sorted({t.specialty for t in s.trainees})
    spec_of = {name: k for k, name in enumerate(specialties)}
    trainee_spec = np.array([spec_of[t.specialty] for t in s.trainees], dtype=np.int64)
    cap = np.array([d.seats.get(name, 0) for d in s.donors for name in specialties], dtype=np.int64)
    key = pl.donor.astype(np.int64) * len(specialties) + trainee_spec[pl.trainee]
    start = pl.start.astype(np.int64)
    b.add_capacity(RuleName.SEATS, key, cap, (b.placement_var, start, start + pl.months))


RULE = Rule(RuleName.SEATS, build=_build)
