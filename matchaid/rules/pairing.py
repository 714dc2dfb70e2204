"""Pairing: a ``forbidden`` pairing never serves; a recipient with ``required`` pairings
takes only those donors. For a trainee's placement, pairings are read between the donor
and the trainee's home recipient."""

from __future__ import annotations

import numpy as np

from matchaid.arrays import BoolArray, IntArray
from matchaid.domain import PairingMode
from matchaid.rulenames import RuleName
from matchaid.rules.base import Exclusion, PairTest, PlacementTest, Rule, ScenarioTables


def _matrices(t: ScenarioTables) -> tuple[BoolArray, BoolArray]:
    """``[donor, recipient]``: a forbidden pairing; a recipient with required pairings
    that do not include the donor."""
    shape = (len(t.scenario.donors), len(t.scenario.recipients))
    forbidden = np.zeros(shape, dtype=bool)
    required = np.zeros(shape, dtype=bool)
    for p in t.scenario.pairings:
        d, r = t.donor_index[p.donor], t.recipient_index[p.recipient]
        if p.mode is PairingMode.FORBIDDEN:
            forbidden[d, r] = True
        elif p.mode is PairingMode.REQUIRED:
            required[d, r] = True
    has_required: BoolArray = np.asarray(required.any(axis=0))
    return forbidden, has_required[None, :] & ~required


def _pair_test(t: ScenarioTables) -> PairTest:
    forbidden, not_required = _matrices(t)

    def test(expert: int, gaps: IntArray) -> list[tuple[str, BoolArray]]:
        d, rs = t.expert_donor[expert], t.gap_recipient[gaps]
        return [("pairing_forbidden", forbidden[d, rs]), ("pairing_required", not_required[d, rs])]

    return test


def _placement_test(t: ScenarioTables) -> PlacementTest:
    forbidden, not_required = _matrices(t)

    def test(trainee: int, donor: IntArray, start: IntArray, months: IntArray) -> list[BoolArray]:
        r = t.trainee_recipient[trainee]
        return [forbidden[donor, r] | not_required[donor, r]]

    return test


RULE = Rule(
    RuleName.PAIRING,
    (Exclusion("pairing_forbidden"), Exclusion("pairing_required")),
    pair_test=_pair_test,
    placement_test=_placement_test,
)
