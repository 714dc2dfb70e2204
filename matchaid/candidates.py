"""Candidate generation: every posting the rules allow, as NumPy arrays.

Call :func:`generate_candidates`. For each expert, the rule that defines posting shapes
(:mod:`matchaid.rules.terms`) gives every start and length; each gap whose specialty the
expert holds is then tested by every rule's *pair test* (seniority, pairing, travel,
...), and each posting of a pair that passes by every rule's *posting test*. Which rules
exist is read from :data:`matchaid.rules.RULES`: nothing here names one.

Exclusions are counted per gap and reason (expert-gap pairs, under the first reason
that applies). Some postings are allowed but left out because no plan is better for
them (a posting that misses its gap's window; one of an expert with ``max_postings =
0``): they count in :attr:`CandidateSet.num_eligible`. Nothing is built as an experts x
recipients x months cube: work is per expert and per matching gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from matchaid.arrays import IntArray
from matchaid.domain import DisciplineGap, Scenario
from matchaid.posting import Posting
from matchaid.rules import EXCLUSIONS, RULES, ScenarioTables
from matchaid.rules.base import PairTest, PostingTest, Shapes

__all__ = [
    "EXCLUSION_REASONS",
    "CandidateSet",
    "generate_candidates",
]

#: Why an expert who holds a gap's specialty has no candidate posting for it, in the
#: order they are tested (each expert-gap pair counts under the first that applies).
EXCLUSION_REASONS: tuple[str, ...] = tuple(x.reason for x in EXCLUSIONS)
_CODE = {reason: k for k, reason in enumerate(EXCLUSION_REASONS)}
_PRUNED = frozenset(x.reason for x in EXCLUSIONS if x.eligible)

Int32Array = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """The eligible postings of a scenario, one entry per index in parallel arrays.

    Attributes
    ----------
    scenario
        The scenario they were generated from.
    tables
        The scenario's index arrays (gaps in file order, donors of experts, travel
        hours), shared with the rules.
    expert, gap, start, months
        Index of the expert, index of the gap, first month, length in months.
    recipient
        Index of the recipient (``gap_recipient[gap]``).
    travel_hours
        Travel time donor city -> recipient city, ``nan`` where unknown (no network,
        or no route).
    excluded_by_gap
        ``[num_gaps, len(EXCLUSION_REASONS)]`` counts of experts holding the gap's
        specialty excluded for each reason.
    pruned
        Eligible postings left out because no plan is better for them, by reason; so
        ``len(self) + sum(pruned.values())`` is the number of eligible postings.
    eligible_by_gap
        Eligible postings per gap, those left out included (``None`` in a subset).
    """

    scenario: Scenario
    tables: ScenarioTables = field(repr=False)
    expert: Int32Array
    gap: Int32Array
    start: Int32Array
    months: Int32Array
    recipient: Int32Array
    travel_hours: npt.NDArray[np.float64]
    excluded_by_gap: npt.NDArray[np.int64]
    pruned: Mapping[str, int] = field(default_factory=dict)
    eligible_by_gap: npt.NDArray[np.int64] | None = None

    def __len__(self) -> int:
        return int(self.expert.shape[0])

    @property
    def gaps(self) -> tuple[tuple[int, DisciplineGap], ...]:
        """The scenario's gaps in file order as ``(recipient index, gap)``; the ``gap``
        array indexes this tuple."""
        return self.tables.gaps

    @property
    def num_eligible(self) -> int:
        """Eligible postings, including those left out because no plan is better for
        them (see :attr:`pruned`)."""
        return len(self) + sum(self.pruned.values())

    @property
    def excluded(self) -> dict[str, int]:
        """Total exclusions by reason (expert-gap pairs)."""
        totals = self.excluded_by_gap.sum(axis=0)
        return {reason: int(n) for reason, n in zip(EXCLUSION_REASONS, totals, strict=True)}

    def subset(self, indices: npt.ArrayLike) -> CandidateSet:
        """The candidates at ``indices`` (ascending) as a set of their own, for solving an
        independent part; gap and expert indices keep referring to the whole scenario.
        Exclusion counts stay with the whole set and are zero here."""
        idx = np.sort(np.asarray(indices, dtype=np.int64))
        return CandidateSet(
            scenario=self.scenario,
            tables=self.tables,
            expert=self.expert[idx],
            gap=self.gap[idx],
            start=self.start[idx],
            months=self.months[idx],
            recipient=self.recipient[idx],
            travel_hours=self.travel_hours[idx],
            excluded_by_gap=np.zeros_like(self.excluded_by_gap),
        )

    def posting(self, i: int) -> Posting:
        """Candidate ``i`` as a :class:`Posting`."""
        r_idx, g = self.gaps[int(self.gap[i])]
        return Posting(
            expert=self.scenario.experts[int(self.expert[i])].id,
            recipient=self.scenario.recipients[r_idx].id,
            specialty=g.specialty,
            start=int(self.start[i]),
            months=int(self.months[i]),
        )

    def postings(self, indices: npt.ArrayLike) -> tuple[Posting, ...]:
        """The candidates at ``indices`` as postings, in index order."""
        return tuple(self.posting(int(i)) for i in np.sort(np.asarray(indices, dtype=np.int64)))


class _Tests:
    """Every rule's tests, built once for a scenario."""

    def __init__(self, tables: ScenarioTables) -> None:
        self.pair: list[PairTest] = [r.pair_test(tables) for r in RULES if r.pair_test]
        self.posting: list[PostingTest] = [r.posting_test(tables) for r in RULES if r.posting_test]
        shapes = [(r.shapes(tables), r.exclusions[0].reason) for r in RULES if r.shapes]
        if len(shapes) != 1:
            raise RuntimeError(f"exactly one rule must define posting shapes, not {len(shapes)}")
        self.shapes: Shapes = shapes[0][0]
        self.no_shape = _CODE[shapes[0][1]]

    def pairs(self, expert: int, gaps: IntArray) -> IntArray:
        """Per gap, the first reason it is excluded for (-1: allowed)."""
        reason = np.full(gaps.shape, -1, dtype=np.int64)
        for test in self.pair:
            for code, failed in test(expert, gaps):
                reason[(reason < 0) & failed] = _CODE[code]
        return reason

    def postings(self, expert: int, gap: IntArray, start: IntArray, months: IntArray) -> IntArray:
        """Per posting, the first reason it is left out for (-1: a candidate)."""
        reason = np.full(gap.shape, -1, dtype=np.int64)
        for test in self.posting:
            for code, failed in test(expert, gap, start, months):
                reason[(reason < 0) & failed] = _CODE[code]
        return reason


def generate_candidates(scenario: Scenario) -> CandidateSet:
    """Every eligible posting of ``scenario`` that can add to a plan, as arrays.

    Postings are ordered by expert, then gap, then term, then start (deterministic).

    Examples
    --------
    >>> from matchaid.domain import *
    >>> s = Scenario(Horizon(6, start_step=3), (3,), (DonorHospital("D", "D", "X"),),
    ...     (Expert("E", "D", ("urology",), Seniority.CHIEF, (0, 6)),),
    ...     (RecipientHospital("R", "R", "Y", Level.COUNTY, 1,
    ...          (DisciplineGap("urology", 1, (0, 3), 1.0),)),))
    >>> c = generate_candidates(s)
    >>> len(c), c.posting(0), c.excluded["outside_window"]
    (1, Posting(expert='E', recipient='R', specialty='urology', start=0, months=3), 0)
    """
    tables = ScenarioTables(scenario)
    tests = _Tests(tables)
    num_gaps = len(tables.gaps)
    by_specialty: dict[str, list[int]] = defaultdict(list)
    for k, (_, g) in enumerate(tables.gaps):
        by_specialty[g.specialty].append(k)
    spec_gaps = {s: np.asarray(ks, dtype=np.int64) for s, ks in by_specialty.items()}
    excluded = np.zeros((num_gaps, len(EXCLUSION_REASONS)), dtype=np.int64)
    pruned = np.zeros(len(EXCLUSION_REASONS), dtype=np.int64)
    eligible = np.zeros(num_gaps, dtype=np.int64)
    pruned_codes = np.array([_CODE[r] for r in _PRUNED], dtype=np.int64)
    chunks: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []

    for e_idx, expert in enumerate(scenario.experts):
        starts, terms = tests.shapes(e_idx)
        for spec in expert.specialties:
            ks = spec_gaps.get(spec)
            if ks is None:
                continue
            reason = tests.pairs(e_idx, ks)
            if starts.size == 0:
                reason[reason < 0] = tests.no_shape
            ok = ks[reason < 0]
            if ok.size:
                # cross product (gap x start/term), then every posting test
                g_rep = np.repeat(ok, starts.size)
                s_rep = np.tile(starts, ok.size)
                t_rep = np.tile(terms, ok.size)
                out = tests.postings(e_idx, g_rep, s_rep, t_rep)
                kept = out < 0
                pruned += np.bincount(out[~kept], minlength=len(EXCLUSION_REASONS))
                ok_posting = kept | np.isin(out, pruned_codes)
                eligible += np.bincount(g_rep[ok_posting], minlength=num_gaps)
                # a pair with no posting left: the first reason among its postings
                first = np.full(num_gaps, len(EXCLUSION_REASONS), dtype=np.int64)
                np.minimum.at(first, g_rep, np.where(kept, -1, out))
                lost = first[ks] < len(EXCLUSION_REASONS)
                lost &= (reason < 0) & (first[ks] >= 0)
                reason[lost] = first[ks][lost]
                if kept.any():
                    chunks.append(
                        (np.full(int(kept.sum()), e_idx), g_rep[kept], s_rep[kept], t_rep[kept])
                    )
            bad = reason >= 0
            np.add.at(excluded, (ks[bad], reason[bad]), 1)
    return _candidate_set(scenario, tables, chunks, excluded, pruned, eligible)


def _candidate_set(
    scenario: Scenario,
    tables: ScenarioTables,
    chunks: list[tuple[IntArray, IntArray, IntArray, IntArray]],
    excluded: npt.NDArray[np.int64],
    pruned: IntArray,
    eligible: IntArray,
) -> CandidateSet:
    """The candidates as one set, ordered by expert, gap, term, start."""
    if chunks:
        expert, gap, start, months = (np.concatenate(parts) for parts in zip(*chunks, strict=True))
    else:
        expert = gap = start = months = np.zeros(0, dtype=np.int64)
    order = np.lexsort((start, months, gap, expert))
    expert, gap, start, months = (a[order].astype(np.int32) for a in (expert, gap, start, months))
    recipient = tables.gap_recipient[gap].astype(np.int32)
    donor = tables.expert_donor[expert]
    travel = tables.travel[donor, recipient] if expert.size else np.zeros(0)
    counts = {
        reason: int(pruned[k]) for k, reason in enumerate(EXCLUSION_REASONS) if reason in _PRUNED
    }
    return CandidateSet(
        scenario=scenario,
        tables=tables,
        expert=expert,
        gap=gap,
        start=start,
        months=months,
        recipient=recipient,
        travel_hours=travel,
        excluded_by_gap=excluded,
        pruned=MappingProxyType(counts),
        eligible_by_gap=eligible,
    )
