"""Team starts: a posting at a recipient with ``starts`` begins in one of those periods
(besides being a multiple of ``start_step``), so that a team arrives together, one batch
after another."""

from __future__ import annotations

import numpy as np

from matchaid.arrays import BoolArray, IntArray
from matchaid.rulenames import RuleName
from matchaid.rules.base import Exclusion, PostingTest, Rule, ScenarioTables


def _posting_test(t: ScenarioTables) -> PostingTest:
    span = t.scenario.horizon.months
    allowed = np.ones((len(t.scenario.recipients), span + 1), dtype=bool)
    for r, rec in enumerate(t.scenario.recipients):
        if rec.starts is not None:
            allowed[r] = False
            allowed[r, list(rec.starts)] = True
    restricted = not allowed.all()

    def test(
        expert: int, gap: IntArray, start: IntArray, months: IntArray
    ) -> list[tuple[str, BoolArray]]:
        if not restricted:
            return []
        return [("starts", ~allowed[t.gap_recipient[gap], start])]

    return test


#: The posting starts in a period its recipient's ``starts`` does not list.
RULE = Rule(RuleName.STARTS, (Exclusion("starts"),), posting_test=_posting_test)
