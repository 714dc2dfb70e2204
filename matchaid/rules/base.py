"""What a rule module states, and the scenario tables its tests read.

A rule module defines one :class:`Rule` named ``RULE``. It may state, each optional:

- **eligibility**: a *pair test* (which experts may serve which gaps at all) and a
  *posting test* (which postings of an allowed pair are left out), each giving
  ``(reason, mask)`` pairs with ``True`` where excluded. A reason is declared as an
  :class:`Exclusion`; an exclusion marked ``eligible`` leaves out postings that are
  allowed but that no plan is better for (they are still counted as eligible);
- **the posting shapes** (only the rule that defines which start and length a posting
  may have): ``(starts, lengths)`` for an expert;
- **what it reads**: the periods in which a posting for a gap counts for the rule (a
  gap's window for coverage; the whole horizon for a leader rule). A posting active in
  no period any rule reads is left out as ``outside_window``;
- **its part of the integer program**: variables, rows ``A v <= b`` and objective
  terms, added through a :class:`Builder` (the engine's
  :class:`~matchaid.program.ProgramBuilder` is one).

Candidate generation (:mod:`matchaid.candidates`) and the engine (:mod:`matchaid.program`
and everything that reads the program: CP-SAT, the LP relaxation, decomposition, the
rounded and greedy plans, the benchmark peers) run every rule of
:data:`matchaid.rules.RULES` and never name one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from matchaid.arrays import BoolArray, IntArray
from matchaid.domain import DisciplineGap, Scenario
from matchaid.rulenames import RuleName

if TYPE_CHECKING:
    from matchaid.candidates import CandidateSet
    from matchaid.weights import ObjectiveWeights

__all__ = [
    "FORCED",
    "Builder",
    "Exclusion",
    "PairTest",
    "PlacementTest",
    "PostingTest",
    "Reads",
    "Rule",
    "ScenarioTables",
    "Shapes",
    "travel_matrix",
]

#: ``test(expert, gaps) -> [(reason, excluded), ...]``: ``gaps`` are gap indices whose
#: specialty the expert holds; ``excluded`` is a mask over them.
PairTest = Callable[[int, IntArray], Sequence[tuple[str, BoolArray]]]
#: ``test(expert, gap, start, months) -> [(reason, excluded), ...]`` over the postings of
#: one expert (parallel arrays).
PostingTest = Callable[[int, IntArray, IntArray, IntArray], Sequence[tuple[str, BoolArray]]]
#: ``shapes(expert) -> (starts, lengths)``: every start and length a posting may have
#: (for placements: ``shapes(trainee)``).
Shapes = Callable[[int], tuple[IntArray, IntArray]]
#: ``test(trainee, donor, start, months) -> [excluded, ...]`` over the placements of one
#: trainee (parallel arrays): masks with ``True`` where a placement is not eligible.
PlacementTest = Callable[[int, IntArray, IntArray, IntArray], Sequence[BoolArray]]
#: ``reads(tables) -> (gap, lo, hi)``: a posting for gap ``gap[k]`` active in some period
#: of ``[lo[k], hi[k])`` counts for the rule.
Reads = Callable[["ScenarioTables"], tuple[IntArray, IntArray, IntArray]]


FloatArray = npt.NDArray[np.float64]

#: The level of a variable that postings force up (see ``Builder.add_variables``).
FORCED = -1


class Builder(Protocol):
    """What a rule adds its part of the integer program to (implemented by
    :class:`matchaid.program.ProgramBuilder`, which documents each method).

    Variables ``0..n-1`` are the candidate postings' Booleans; per-candidate arrays
    ``start``, ``end``, ``expert``, ``donor`` and ``recipient`` are int64; ``span``
    exceeds every month (for combined keys); ``facts`` holds what earlier rules
    published. The candidate training placements' Booleans are ``placement_var``
    (``cands.placements`` describes them). Rows of a rule stated period by period are
    stated only for periods from ``binds_from`` on (re-planning: ``now``).
    """

    cands: CandidateSet
    scenario: Scenario
    tables: ScenarioTables
    weights: ObjectiveWeights
    n: int
    span: int
    binds_from: int
    start: IntArray
    end: IntArray
    expert: IntArray
    donor: IntArray
    recipient: IntArray
    placement_var: IntArray
    facts: dict[RuleName, Any]

    def add_variables(self, upper: IntArray, level: int) -> IntArray: ...

    def fix(self, var: IntArray) -> None: ...

    def add_capacity(
        self,
        rule: RuleName,
        key: IntArray,
        cap: IntArray,
        spans: tuple[IntArray, IntArray, IntArray] | None = None,
    ) -> None: ...

    def add_count_limit(self, rule: RuleName, key: IntArray, cap: IntArray) -> None: ...

    def add_defined(
        self, rule: RuleName, var: IntArray, point: IntArray, member: IntArray
    ) -> None: ...

    def add_at_most(self, rule: RuleName, left: IntArray, right: IntArray) -> None: ...

    def add_rows(
        self, rule: RuleName, point: IntArray, member: IntArray, coef: IntArray, rhs: IntArray
    ) -> None: ...

    def add_distinct_limit(
        self, rule: RuleName, group: IntArray, key: IntArray, cap: IntArray
    ) -> None: ...

    def add_primary(
        self,
        weights: FloatArray,
        max_units: IntArray,
        var: IntArray,
        weight_of: IntArray,
        units: IntArray,
        per: int = 1,
        gaps: IntArray | None = None,
    ) -> None: ...

    def add_bonus(self, amount: float, var: IntArray, units: IntArray, max_units: int) -> None: ...

    def add_penalty(
        self, var: IntArray, amounts: FloatArray, most: Callable[[IntArray], int]
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A reason a rule leaves candidates out (a key of ``Result.excluded``).

    Attributes
    ----------
    reason
        The name counted in ``Result.excluded`` (expert-gap pairs).
    eligible
        ``True`` when the postings it leaves out are allowed but dominated (no plan is
        better for them); they still count in ``num_eligible``.
    """

    reason: str
    eligible: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the planning contract, as the engine states it.

    Attributes
    ----------
    name
        The rule's name, shared with the validator.
    exclusions
        The reasons its tests may give, in the order they are tested.
    pair_test, posting_test, shapes, reads
        Built once per scenario from its :class:`ScenarioTables` (see the module
        docstring); ``None`` where the rule has none.
    placement_shapes, placement_test
        The same for trainees' training placements: the rule that defines which start
        and length a placement may have, and which placements a rule leaves out.
    build
        Adds the rule's variables, rows and objective terms to the integer program.
    """

    name: RuleName
    exclusions: tuple[Exclusion, ...] = ()
    pair_test: Callable[[ScenarioTables], PairTest] | None = None
    posting_test: Callable[[ScenarioTables], PostingTest] | None = None
    shapes: Callable[[ScenarioTables], Shapes] | None = None
    reads: Reads | None = None
    build: Callable[[Builder], None] | None = None
    placement_shapes: Callable[[ScenarioTables], Shapes] | None = None
    placement_test: Callable[[ScenarioTables], PlacementTest] | None = None


class ScenarioTables:
    """Index arrays of a scenario, computed once and read by every rule.

    Gaps are numbered in file order (recipients in order, then their gaps), as in
    :attr:`Scenario.gaps`.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.donor_index = {d.id: i for i, d in enumerate(scenario.donors)}
        self.recipient_index = {r.id: i for i, r in enumerate(scenario.recipients)}
        #: ``(recipient index, gap)`` per gap.
        self.gaps: tuple[tuple[int, DisciplineGap], ...] = tuple(
            (r, g) for r, rec in enumerate(scenario.recipients) for g in rec.gaps
        )
        self.gap_recipient = np.array([r for r, _ in self.gaps], dtype=np.int64)
        self.gap_lo = np.array([g.window[0] for _, g in self.gaps], dtype=np.int64)
        self.gap_hi = np.array([g.window[1] for _, g in self.gaps], dtype=np.int64)
        self.expert_donor = np.array(
            [self.donor_index[e.donor] for e in scenario.experts], dtype=np.int64
        )
        #: Each trainee's home recipient.
        self.trainee_recipient = np.array(
            [self.recipient_index[t.recipient] for t in scenario.trainees], dtype=np.int64
        )

    @cached_property
    def read_periods(self) -> IntArray:
        """``[gap, t]``: how many of the periods ``0 .. t-1`` some rule reads postings of
        the gap in (prefix sums, ``t`` up to the horizon), from every rule's ``reads``."""
        from matchaid.rules import RULES

        span = self.scenario.horizon.months
        read = np.zeros((len(self.gaps), span + 1), dtype=np.int64)
        for rule in RULES:
            if rule.reads is None:
                continue
            gap, lo, hi = rule.reads(self)
            np.add.at(read, (gap, np.clip(lo, 0, span)), 1)
            np.add.at(read, (gap, np.clip(hi, 0, span)), -1)
        is_read = np.cumsum(read, axis=1) > 0  # is_read[g, t]: period t is read
        out = np.zeros((len(self.gaps), span + 1), dtype=np.int64)
        np.cumsum(is_read[:, :span], axis=1, out=out[:, 1:])
        return out

    @cached_property
    def travel(self) -> npt.NDArray[np.float64]:
        """Travel hours ``[donor, recipient]`` (see :func:`travel_matrix`)."""
        return travel_matrix(self.scenario)


def travel_matrix(scenario: Scenario) -> npt.NDArray[np.float64]:
    """Travel hours ``[donor, recipient]`` by shortest path on the scenario's network;
    0 within one city, ``nan`` where there is no network or no route."""
    num_d, num_r = len(scenario.donors), len(scenario.recipients)
    hours = np.full((num_d, num_r), np.nan)
    donor_city = [d.city for d in scenario.donors]
    if scenario.network is None:
        for r, rec in enumerate(scenario.recipients):
            for d, city in enumerate(donor_city):
                if city == rec.city:
                    hours[d, r] = 0.0
        return hours
    by_city: dict[str, list[int]] = {}
    for r, rec in enumerate(scenario.recipients):
        by_city.setdefault(rec.city, []).append(r)
    for city, recs in by_city.items():
        reach = scenario.network.travel_hours(city, donor_city)
        column = np.array([reach.get(c, np.nan) for c in donor_city], dtype=np.float64)
        hours[:, recs] = column[:, None]
    return hours
