"""Terms: a posting's length is one of the expert's terms, the posting lies inside the
expert's availability (and so the horizon), and it starts on a multiple of the
horizon's ``start_step``. This rule defines the shapes every candidate posting takes."""

from __future__ import annotations

import numpy as np

from matchaid.arrays import IntArray
from matchaid.rulenames import RuleName
from matchaid.rules.base import Exclusion, Rule, ScenarioTables, Shapes


def start_terms(lo: int, hi: int, terms: tuple[int, ...], step: int) -> tuple[IntArray, IntArray]:
    """All (start, term) with start a multiple of ``step`` and ``[start, start+term)``
    inside ``[lo, hi)``.

    >>> start_terms(0, 6, (3,), 2)
    (array([0, 2]), array([3, 3]))
    """
    first = -(-lo // step) * step
    starts: list[int] = []
    lengths: list[int] = []
    for term in terms:
        for s in range(first, hi - term + 1, step):
            starts.append(s)
            lengths.append(term)
    return np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)


def _shapes(t: ScenarioTables) -> Shapes:
    s = t.scenario
    step = s.horizon.start_step

    def shapes(expert: int) -> tuple[IntArray, IntArray]:
        e = s.experts[expert]
        return start_terms(*e.available, s.terms_of(e), step)

    return shapes


#: No accepted term fits the availability at an allowed start.
RULE = Rule(RuleName.TERMS, (Exclusion("no_term_fits"),), shapes=_shapes)
