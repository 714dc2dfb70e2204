"""Training (the reverse flow): trainees of recipient hospitals train at donors.

A placement ``(trainee, donor, start, periods)`` takes one of the trainee's terms (else
the scenario's) at a start that is a multiple of ``start_step`` and, if the trainee
lists ``starts``, one of them, inside the trainee's availability (and so the horizon);
this rule defines those shapes. It is left out where the donor has no seat in the
trainee's specialty (pairings are read by the pairing rule). A trainee has at most one
placement, and each adds ``weight x periods`` to the primary objective.
"""

from __future__ import annotations

import numpy as np

from matchaid.arrays import BoolArray, IntArray
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, PlacementTest, Rule, ScenarioTables, Shapes
from matchaid.rules.terms import start_terms


def _shapes(t: ScenarioTables) -> Shapes:
    s = t.scenario
    step = s.horizon.start_step

    def shapes(trainee: int) -> tuple[IntArray, IntArray]:
        person = s.trainees[trainee]
        starts, terms = start_terms(*person.available, s.terms_of(person), step)
        if person.starts is not None:
            keep = np.isin(starts, np.asarray(person.starts, dtype=np.int64))
            starts, terms = starts[keep], terms[keep]
        return starts, terms

    return shapes


def _placement_test(t: ScenarioTables) -> PlacementTest:
    s = t.scenario
    # per specialty a trainee trains in: which donors have a seat in it
    has_seat = {
        spec: np.array([d.seats.get(spec, 0) >= 1 for d in s.donors], dtype=bool)
        for spec in {p.specialty for p in s.trainees}
    }

    def test(trainee: int, donor: IntArray, start: IntArray, months: IntArray) -> list[BoolArray]:
        return [~has_seat[s.trainees[trainee].specialty][donor]]

    return test


def _build(b: Builder) -> None:
    pl = b.cands.placements
    if len(pl) == 0:
        return
    trainee = pl.trainee.astype(np.int64)
    # At most one placement per trainee (rows only where a trainee has several).
    counts = np.bincount(trainee, minlength=len(b.scenario.trainees))
    several = np.flatnonzero(counts > 1)
    if several.size:
        sel = np.flatnonzero(counts[trainee] > 1)
        row = np.searchsorted(several, trainee[sel])
        b.add_rows(
            RuleName.TRAINING,
            row,
            b.placement_var[sel],
            np.ones(sel.size, dtype=np.int64),
            np.ones(several.size, dtype=np.int64),
        )
    weights = np.array([p.weight for p in b.scenario.trainees], dtype=np.float64)
    months = pl.months.astype(np.int64)
    longest = np.zeros(weights.size, dtype=np.int64)
    np.maximum.at(longest, trainee, months)
    b.add_primary(weights, longest, b.placement_var, trainee, months)


RULE = Rule(
    RuleName.TRAINING,
    build=_build,
    placement_shapes=_shapes,
    placement_test=_placement_test,
)
