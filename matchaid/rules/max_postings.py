"""Max postings: an expert has at most ``max_postings`` postings over the horizon (an
expert with ``max_postings = 0`` is never posted: their postings are left out and
counted)."""

from __future__ import annotations

import numpy as np

from matchaid.arrays import BoolArray, IntArray
from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Exclusion, PostingTest, Rule, ScenarioTables


def _posting_test(t: ScenarioTables) -> PostingTest:
    zero = [e.max_postings == 0 for e in t.scenario.experts]

    def test(
        expert: int, gap: IntArray, start: IntArray, months: IntArray
    ) -> list[tuple[str, BoolArray]]:
        return [("max_postings_zero", np.full(gap.shape, zero[expert]))]

    return test


def _build(b: Builder) -> None:
    cap = np.array(
        [-1 if e.max_postings is None else e.max_postings for e in b.scenario.experts],
        dtype=np.int64,
    )
    b.add_count_limit(RuleName.MAX_POSTINGS, b.expert, cap)


RULE = Rule(
    RuleName.MAX_POSTINGS,
    (Exclusion("max_postings_zero", eligible=True),),
    posting_test=_posting_test,
    build=_build,
)
