"""Pins: a ``fixed`` pin's posting is in every plan (its Boolean's lower bound is 1), a
``forbidden`` one's is never a candidate. A fixed pin is an eligible posting (the loader
checks it against the contract); it is kept even outside its gap's window, since the
rule reads its gap over the pin's own periods.
"""

from __future__ import annotations

import numpy as np

from matchaid.arrays import BoolArray, IntArray
from matchaid.domain import Pin, PinMode
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Exclusion, PostingTest, Rule, ScenarioTables


def _keys(t: ScenarioTables, mode: PinMode) -> dict[tuple[int, int, int, int], Pin]:
    """``(expert, gap, start, months)`` of the pins of ``mode`` that name a gap."""
    experts = {e.id: k for k, e in enumerate(t.scenario.experts)}
    gaps = {(r, g.specialty): k for k, (r, g) in enumerate(t.gaps)}
    out = {}
    for pin in t.scenario.pins:
        if pin.mode is not mode:
            continue
        gap = gaps.get((t.recipient_index.get(pin.recipient, -1), pin.specialty))
        if gap is not None and pin.expert in experts:
            out[(experts[pin.expert], gap, pin.start, pin.months)] = pin
    return out


def _posting_test(t: ScenarioTables) -> PostingTest:
    forbidden = _keys(t, PinMode.FORBIDDEN)

    def test(
        expert: int, gap: IntArray, start: IntArray, months: IntArray
    ) -> list[tuple[str, BoolArray]]:
        if not forbidden:
            return []
        hit = np.array(
            [
                (expert, g, s, m) in forbidden
                for g, s, m in zip(gap.tolist(), start.tolist(), months.tolist(), strict=True)
            ],
            dtype=bool,
        )
        return [("pinned_forbidden", hit)]

    return test


def _reads(t: ScenarioTables) -> tuple[IntArray, IntArray, IntArray]:
    keys = list(_keys(t, PinMode.FIXED))
    arr = np.array([(g, s, s + m) for _, g, s, m in keys], dtype=np.int64).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _build(b: Builder) -> None:
    fixed = [pin.posting for pin in b.scenario.pins if pin.mode is PinMode.FIXED]
    if not fixed:
        return
    found = b.cands.find(fixed)
    # A part of a decomposed programme holds only its own pins. (A fixed pin missing
    # from the whole set would be a bug: the validator's pin check would catch it.)
    b.fix(np.unique(found[found >= 0]))


#: The posting is a ``forbidden`` pin.
RULE = Rule(
    RuleName.PINS,
    (Exclusion("pinned_forbidden"),),
    posting_test=_posting_test,
    reads=_reads,
    build=_build,
)
