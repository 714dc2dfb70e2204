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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from matchaid.arrays import IntArray
from matchaid.domain import DisciplineGap, Scenario
from matchaid.posting import Posting, Training
from matchaid.rules import EXCLUSIONS, RULES, ScenarioTables
from matchaid.rules.base import PairTest, PlacementTest, PostingTest, Shapes

__all__ = [
    "EXCLUSION_REASONS",
    "CandidateSet",
    "Placements",
    "generate_candidates",
]

#: Why an expert who holds a gap's specialty has no candidate posting for it, in the
#: order they are tested (each expert-gap pair counts under the first that applies).
EXCLUSION_REASONS: tuple[str, ...] = tuple(x.reason for x in EXCLUSIONS)
_CODE = {reason: k for k, reason in enumerate(EXCLUSION_REASONS)}
_PRUNED = frozenset(x.reason for x in EXCLUSIONS if x.eligible)

Int32Array = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class Placements:
    """Eligible training placements, one per index in parallel arrays: index of the
    trainee, index of the donor, first period, length in periods."""

    trainee: Int32Array
    donor: Int32Array
    start: Int32Array
    months: Int32Array

    def __len__(self) -> int:
        return int(self.trainee.shape[0])

    @classmethod
    def empty(cls) -> Placements:
        """No placements."""
        none = np.zeros(0, dtype=np.int32)
        return cls(none, none, none, none)

    def take(self, idx: IntArray) -> Placements:
        """The placements at ``idx``."""
        return Placements(self.trainee[idx], self.donor[idx], self.start[idx], self.months[idx])


def _keys(
    a: IntArray, b: IntArray, start: IntArray, months: IntArray, nb: int, span: int
) -> IntArray:
    """One int64 per (a, b, start, months): ``b < nb``, ``start`` and ``months`` below
    ``span``."""
    return ((a * nb + b) * span + start) * span + months


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """The eligible postings of a scenario, one entry per index in parallel arrays, and
    its eligible training placements.

    A *decision* is a candidate posting or placement: ``len(self)`` counts both.
    Decision ``i < num_postings`` is posting ``i``; decision ``num_postings + j`` is
    placement ``j`` (the integer program's Booleans follow the same order).

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
    placements
        The eligible training placements (format v2 trainees).
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
    placements: Placements = field(default_factory=Placements.empty)

    def __len__(self) -> int:
        return self.num_postings + len(self.placements)

    @property
    def num_postings(self) -> int:
        """Candidate postings (the first decisions)."""
        return int(self.expert.shape[0])

    @property
    def gaps(self) -> tuple[tuple[int, DisciplineGap], ...]:
        """The scenario's gaps in file order as ``(recipient index, gap)``; the ``gap``
        array indexes this tuple."""
        return self.tables.gaps

    @property
    def num_eligible(self) -> int:
        """Eligible postings and placements, including postings left out because no
        plan is better for them (see :attr:`pruned`)."""
        return len(self) + sum(self.pruned.values())

    @property
    def excluded(self) -> dict[str, int]:
        """Total exclusions by reason (expert-gap pairs)."""
        totals = self.excluded_by_gap.sum(axis=0)
        return {reason: int(n) for reason, n in zip(EXCLUSION_REASONS, totals, strict=True)}

    def subset(self, indices: npt.ArrayLike) -> CandidateSet:
        """The decisions at ``indices`` (ascending) as a set of their own, for solving an
        independent part; gap, expert, trainee and donor indices keep referring to the
        whole scenario. Exclusion counts stay with the whole set and are zero here."""
        every = np.sort(np.asarray(indices, dtype=np.int64))
        idx = every[every < self.num_postings]
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
            placements=self.placements.take(every[every >= self.num_postings] - self.num_postings),
        )

    def posting(self, i: int) -> Posting:
        """Candidate ``i`` (a posting: ``i < num_postings``) as a :class:`Posting`."""
        r_idx, g = self.gaps[int(self.gap[i])]
        return Posting(
            expert=self.scenario.experts[int(self.expert[i])].id,
            recipient=self.scenario.recipients[r_idx].id,
            specialty=g.specialty,
            start=int(self.start[i]),
            months=int(self.months[i]),
        )

    def training(self, i: int) -> Training:
        """Decision ``i`` (a placement: ``i >= num_postings``) as a :class:`Training`."""
        pl, j = self.placements, i - self.num_postings
        return Training(
            trainee=self.scenario.trainees[int(pl.trainee[j])].id,
            donor=self.scenario.donors[int(pl.donor[j])].id,
            start=int(pl.start[j]),
            months=int(pl.months[j]),
        )

    def postings(self, indices: npt.ArrayLike) -> tuple[Posting, ...]:
        """The postings among the decisions at ``indices``, in index order."""
        idx = np.sort(np.asarray(indices, dtype=np.int64))
        return tuple(self.posting(int(i)) for i in idx[idx < self.num_postings])

    def trainings(self, indices: npt.ArrayLike) -> tuple[Training, ...]:
        """The placements among the decisions at ``indices``, in index order."""
        idx = np.sort(np.asarray(indices, dtype=np.int64))
        return tuple(self.training(int(i)) for i in idx[idx >= self.num_postings])

    def find(self, items: Iterable[Posting | Training]) -> IntArray:
        """The decision index of each posting or placement in ``items`` (-1 where it is
        not a candidate), matched on the arrays: no Posting is built per candidate."""
        items = list(items)
        out = np.full(len(items), -1, dtype=np.int64)
        s = self.scenario
        experts = {e.id: i for i, e in enumerate(s.experts)}
        gaps = {(s.recipients[r].id, g.specialty): k for k, (r, g) in enumerate(self.gaps)}
        trainees = {t.id: i for i, t in enumerate(s.trainees)}
        donors = {d.id: i for i, d in enumerate(s.donors)}
        posts = [(k, x) for k, x in enumerate(items) if isinstance(x, Posting)]
        places = [(k, x) for k, x in enumerate(items) if isinstance(x, Training)]
        pl = self.placements
        self._match(
            out,
            [k for k, _ in posts],
            [
                (
                    experts.get(x.expert, -1),
                    gaps.get((x.recipient, x.specialty), -1),
                    x.start,
                    x.months,
                )
                for _, x in posts
            ],
            (self.expert, self.gap, self.start, self.months),
            len(gaps),
            0,
        )
        self._match(
            out,
            [k for k, _ in places],
            [
                (trainees.get(x.trainee, -1), donors.get(x.donor, -1), x.start, x.months)
                for _, x in places
            ],
            (pl.trainee, pl.donor, pl.start, pl.months),
            len(donors),
            self.num_postings,
        )
        return out

    def _match(
        self,
        out: IntArray,
        where: list[int],
        given: list[tuple[int, int, int, int]],
        arrays: tuple[npt.ArrayLike, ...],
        nb: int,
        offset: int,
    ) -> None:
        """``out[where[k]]``: the index (plus ``offset``) of the row of ``arrays`` equal
        to ``given[k]`` (two indices, a start, a length), where there is one."""
        cols = [np.asarray(x, dtype=np.int64) for x in arrays]
        if not given or cols[0].size == 0:
            return
        span = self.scenario.horizon.months + 1
        g = np.asarray(given, dtype=np.int64).T
        ok = (g >= 0).all(axis=0) & (g[2:] < span).all(axis=0) & (g[1] < max(nb, 1))
        keys = _keys(cols[0], cols[1], cols[2], cols[3], nb, span)
        order = np.argsort(keys, kind="stable")
        w = np.where(ok, g, 0)
        wanted = _keys(w[0], w[1], w[2], w[3], nb, span)
        at = np.minimum(np.searchsorted(keys[order], wanted), keys.size - 1)
        hit = ok & (keys[order][at] == wanted)
        out[np.asarray(where, dtype=np.int64)[hit]] = order[at[hit]] + offset

    def cost(self) -> npt.NDArray[np.float64]:
        """Per decision, what it costs (``costs``; zeros without): a posting
        ``per_trip + periods x per_period[seniority]``, a placement ``per_trip + periods
        x trainee_per_period``."""
        costs = self.scenario.costs
        if costs is None:
            return np.zeros(len(self), dtype=np.float64)
        per = np.array(
            [costs.per_period[e.seniority] for e in self.scenario.experts], dtype=np.float64
        )
        posting = costs.per_trip + self.months * per[self.expert]
        placement = costs.per_trip + self.placements.months * float(costs.trainee_per_period)
        return np.concatenate((posting, placement)).astype(np.float64)


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
    past = _past_postings(tables)
    if past is not None:
        chunks.append(past)
        eligible += np.bincount(past[1], minlength=num_gaps)
    cands = _candidate_set(scenario, tables, chunks, excluded, pruned, eligible)
    if scenario.trainees:
        cands = replace(cands, placements=_placements(tables))
    return cands


def _past_postings(tables: ScenarioTables) -> tuple[IntArray, IntArray, IntArray, IntArray] | None:
    """The past's postings (re-planning), as candidates of their own: no rule tests
    them (they happened); the past rule fixes them."""
    s = tables.scenario
    if s.past is None or not s.past.postings:
        return None
    experts = {e.id: i for i, e in enumerate(s.experts)}
    gaps = {(s.recipients[r].id, g.specialty): k for k, (r, g) in enumerate(tables.gaps)}
    rows = sorted(
        {
            (experts[p.expert], gaps[(p.recipient, p.specialty)], p.start, p.months)
            for p in s.past.postings
        }
    )
    e, g, st, m = (np.asarray(col, dtype=np.int64) for col in zip(*rows, strict=True))
    return e, g, st, m


def _placements(tables: ScenarioTables) -> Placements:
    """Every eligible training placement, ordered by trainee, donor, length, start: each
    trainee's shapes (from the one rule that defines them) at every donor, then every
    rule's placement test."""
    shapes_of = [r.placement_shapes(tables) for r in RULES if r.placement_shapes]
    if len(shapes_of) != 1:
        raise RuntimeError(f"exactly one rule must define placement shapes, not {len(shapes_of)}")
    tests: list[PlacementTest] = [r.placement_test(tables) for r in RULES if r.placement_test]
    donors = np.arange(len(tables.scenario.donors), dtype=np.int64)
    chunks: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
    for k in range(len(tables.scenario.trainees)):
        starts, terms = shapes_of[0](k)
        order = np.lexsort((starts, terms))
        starts, terms = starts[order], terms[order]
        d = np.repeat(donors, starts.size)
        s = np.tile(starts, donors.size)
        m = np.tile(terms, donors.size)
        keep = np.ones(d.shape, dtype=bool)
        for test in tests:
            for excluded in test(k, d, s, m):
                keep &= ~excluded
        if keep.any():
            chunks.append((np.full(int(keep.sum()), k), d[keep], s[keep], m[keep]))
    chunks += _past_placements(tables)
    if not chunks:
        return Placements.empty()
    trainee, donor, start, months = (
        np.concatenate(parts).astype(np.int32) for parts in zip(*chunks, strict=True)
    )
    order = np.lexsort((start, months, donor, trainee))
    return Placements(trainee[order], donor[order], start[order], months[order])


def _past_placements(tables: ScenarioTables) -> list[tuple[IntArray, IntArray, IntArray, IntArray]]:
    """The past's training placements (re-planning), untested, as one chunk."""
    s = tables.scenario
    if s.past is None or not s.past.trainings:
        return []
    trainees = {t.id: i for i, t in enumerate(s.trainees)}
    donors = {d.id: i for i, d in enumerate(s.donors)}
    rows = sorted(
        {(trainees[t.trainee], donors[t.donor], t.start, t.months) for t in s.past.trainings}
    )
    return [tuple(np.asarray(col, dtype=np.int64) for col in zip(*rows, strict=True))]  # type: ignore[list-item]


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
