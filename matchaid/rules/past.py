"""The past, when re-planning (a scenario with a :class:`~matchaid.domain.Past`).

A new posting or placement starts at ``now`` or later (earlier ones are left out as
``before_now``). The past ones are candidates of their own, added by candidate
generation without any eligibility test (they happened, perhaps under rules that have
changed since, a withdrawn expert's cut to a length that is no term); here their
Booleans are fixed to 1. Rules stated period by period bind from ``now`` on: the
engine states their rows only there (``Builder.binds_from``).
"""

from __future__ import annotations

import numpy as np

from matchaid.arrays import BoolArray, IntArray
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Exclusion, PlacementTest, PostingTest, Rule, ScenarioTables


def _posting_test(t: ScenarioTables) -> PostingTest:
    now = 0 if t.scenario.past is None else t.scenario.past.now

    def test(
        expert: int, gap: IntArray, start: IntArray, months: IntArray
    ) -> list[tuple[str, BoolArray]]:
        return [("before_now", start < now)] if now else []

    return test


def _placement_test(t: ScenarioTables) -> PlacementTest:
    now = 0 if t.scenario.past is None else t.scenario.past.now

    def test(trainee: int, donor: IntArray, start: IntArray, months: IntArray) -> list[BoolArray]:
        return [start < now] if now else []

    return test


def _build(b: Builder) -> None:
    past = b.scenario.past
    if past is None or not (past.postings or past.trainings):
        return
    found = b.cands.find([*past.postings, *past.trainings])
    # A part of a decomposed programme holds only its own past.
    b.fix(np.sort(found[found >= 0]))


#: A new posting may not start before ``now``.
RULE = Rule(
    RuleName.PAST,
    (Exclusion("before_now"),),
    posting_test=_posting_test,
    placement_test=_placement_test,
    build=_build,
)
