"""Candidate generation: every posting the rules allow, as NumPy arrays.

Call :func:`generate_candidates`. A posting ``(expert, gap, start, months)`` is eligible
when the expert holds the gap's specialty at the gap's minimum seniority or above, the
term is one the expert accepts, ``[start, start+months)`` lies inside the expert's
availability (and so the horizon), ``start`` is a multiple of the horizon's
``start_step``, the pairing rules let the expert's donor serve the recipient, and the
donor is within the recipient's ``max_travel_hours``.

Two kinds of eligible postings are left out because no plan is better for them, and
counted: postings that do not overlap the gap's window (they cover nothing and only use
capacity) and postings of experts with ``max_postings = 0``. Nothing is built as an
experts x recipients x months cube: work is per expert and per matching gap.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matchaid.domain import DisciplineGap, PairingMode, Scenario
from matchaid.posting import Posting

__all__ = [
    "EXCLUSION_REASONS",
    "CandidateSet",
    "generate_candidates",
    "group_indices",
    "travel_matrix",
]

IntArray = npt.NDArray[np.int32]

#: Why an expert who holds a gap's specialty has no candidate posting for it, in the
#: order they are tested (each expert-gap pair counts under the first that applies).
EXCLUSION_REASONS: tuple[str, ...] = (
    "seniority",  # below the gap's min_seniority
    "pairing_forbidden",  # the donor is forbidden to serve the recipient
    "pairing_required",  # the recipient takes only its required donors, not this one
    "travel",  # the donor is beyond the recipient's max_travel_hours (or unreachable)
    "no_term_fits",  # no accepted term fits the availability at an allowed start
    "max_postings_zero",  # the expert may not be posted at all
    "outside_window",  # every fitting posting misses the gap's window
)
_SENIORITY, _FORBIDDEN, _REQUIRED, _TRAVEL, _NO_TERM, _ZERO, _OUTSIDE = range(
    len(EXCLUSION_REASONS)
)


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """The eligible postings of a scenario, one entry per index in parallel arrays.

    Attributes
    ----------
    scenario
        The scenario they were generated from.
    gaps
        The scenario's gaps flattened in file order as ``(recipient index, gap)``; the
        ``gap`` array indexes this tuple.
    expert, gap, start, months
        Index of the expert, index of the gap, first month, length in months.
    recipient
        Index of the recipient (``gap_recipient[gap]``).
    preferred
        Whether the expert's donor has a ``preferred`` pairing with the recipient.
    travel_hours
        Travel time donor city -> recipient city, ``nan`` where unknown (no network,
        or no route).
    excluded_by_gap
        ``[num_gaps, len(EXCLUSION_REASONS)]`` counts of experts holding the gap's
        specialty excluded for each reason.
    num_outside_window
        Eligible postings left out because they miss their gap's window.
    num_never_postable
        Eligible postings left out because their expert has ``max_postings = 0``; so
        ``len(self) + num_outside_window + num_never_postable`` is the number of
        eligible postings.
    """

    scenario: Scenario
    gaps: tuple[tuple[int, DisciplineGap], ...]
    expert: IntArray
    gap: IntArray
    start: IntArray
    months: IntArray
    recipient: IntArray
    preferred: npt.NDArray[np.bool_]
    travel_hours: npt.NDArray[np.float64]
    excluded_by_gap: npt.NDArray[np.int64]
    gap_recipient: IntArray = field(repr=False)
    num_outside_window: int = 0
    num_never_postable: int = 0

    def __len__(self) -> int:
        return int(self.expert.shape[0])

    @property
    def end(self) -> IntArray:
        """First month after each posting."""
        return (self.start + self.months).astype(np.int32)

    @property
    def num_eligible(self) -> int:
        """Eligible postings, including those left out for missing their window."""
        return len(self) + self.num_outside_window + self.num_never_postable

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
            gaps=self.gaps,
            expert=self.expert[idx],
            gap=self.gap[idx],
            start=self.start[idx],
            months=self.months[idx],
            recipient=self.recipient[idx],
            preferred=self.preferred[idx],
            travel_hours=self.travel_hours[idx],
            excluded_by_gap=np.zeros_like(self.excluded_by_gap),
            gap_recipient=self.gap_recipient,
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


def group_indices(keys: npt.NDArray[np.integer]) -> list[tuple[int, npt.NDArray[np.int64]]]:
    """``(key, indices)`` for each distinct key in ``keys``: keys ascending, each index
    array ascending. The one grouping the model, the decomposition and the peers use.

    >>> group_indices(np.array([3, 1, 3, 2]))
    [(1, array([1])), (2, array([3])), (3, array([0, 2]))]
    """
    if keys.size == 0:
        return []
    order = np.argsort(keys, kind="stable")
    cuts = np.flatnonzero(np.diff(keys[order])) + 1
    return [(int(keys[chunk[0]]), chunk.astype(np.int64)) for chunk in np.split(order, cuts)]


def flat_gaps(scenario: Scenario) -> tuple[tuple[int, DisciplineGap], ...]:
    """The scenario's gaps in file order as ``(recipient index, gap)``."""
    return tuple((r, g) for r, rec in enumerate(scenario.recipients) for g in rec.gaps)


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
    by_city: dict[str, list[int]] = defaultdict(list)
    for r, rec in enumerate(scenario.recipients):
        by_city[rec.city].append(r)
    for city, recs in by_city.items():
        reach = scenario.network.travel_hours(city, donor_city)
        column = np.array([reach.get(c, np.nan) for c in donor_city], dtype=np.float64)
        hours[:, recs] = column[:, None]
    return hours


def _pairing_masks(
    scenario: Scenario,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """``forbidden``, ``not_required`` and ``preferred`` as ``[donor, recipient]``."""
    d_idx = {d.id: i for i, d in enumerate(scenario.donors)}
    r_idx = {r.id: i for i, r in enumerate(scenario.recipients)}
    shape = (len(scenario.donors), len(scenario.recipients))
    forbidden = np.zeros(shape, dtype=bool)
    required = np.zeros(shape, dtype=bool)
    preferred = np.zeros(shape, dtype=bool)
    for p in scenario.pairings:
        d, r = d_idx[p.donor], r_idx[p.recipient]
        if p.mode is PairingMode.FORBIDDEN:
            forbidden[d, r] = True
        elif p.mode is PairingMode.REQUIRED:
            required[d, r] = True
        else:
            preferred[d, r] = True
    has_required: npt.NDArray[np.bool_] = np.asarray(required.any(axis=0))
    not_required = has_required[None, :] & ~required
    return forbidden, not_required, preferred


def _start_terms(lo: int, hi: int, terms: tuple[int, ...], step: int) -> tuple[IntArray, IntArray]:
    """All (start, term) with start a multiple of ``step`` and ``[start, start+term)``
    inside ``[lo, hi)``."""
    first = -(-lo // step) * step
    starts: list[int] = []
    lengths: list[int] = []
    for term in terms:
        for s in range(first, hi - term + 1, step):
            starts.append(s)
            lengths.append(term)
    return np.asarray(starts, dtype=np.int32), np.asarray(lengths, dtype=np.int32)


def generate_candidates(scenario: Scenario) -> CandidateSet:
    """Every eligible posting of ``scenario`` that can add coverage, as arrays.

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
    gaps = flat_gaps(scenario)
    num_gaps = len(gaps)
    gap_recipient = np.array([r for r, _ in gaps], dtype=np.int32)
    gap_lo = np.array([g.window[0] for _, g in gaps], dtype=np.int32)
    gap_hi = np.array([g.window[1] for _, g in gaps], dtype=np.int32)
    gap_min_sen = np.array(
        [-1 if g.min_seniority is None else int(g.min_seniority) for _, g in gaps], dtype=np.int32
    )
    by_specialty: dict[str, list[int]] = defaultdict(list)
    for k, (_, g) in enumerate(gaps):
        by_specialty[g.specialty].append(k)
    spec_gaps = {s: np.asarray(ks, dtype=np.int32) for s, ks in by_specialty.items()}

    forbidden, not_required, preferred_pair = _pairing_masks(scenario)
    travel = travel_matrix(scenario)
    max_travel = np.array(
        [
            math.inf if r.max_travel_hours is None else r.max_travel_hours
            for r in scenario.recipients
        ],
        dtype=np.float64,
    )
    donor_index = {d.id: i for i, d in enumerate(scenario.donors)}
    step = scenario.horizon.start_step
    excluded = np.zeros((num_gaps, len(EXCLUSION_REASONS)), dtype=np.int64)
    chunks: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
    num_outside = 0
    num_zero = 0

    for e_idx, expert in enumerate(scenario.experts):
        d = donor_index[expert.donor]
        starts, terms = _start_terms(*expert.available, scenario.terms_of(expert), step)
        for spec in expert.specialties:
            ks = spec_gaps.get(spec)
            if ks is None:
                continue
            rs = gap_recipient[ks]
            hours = travel[d, rs]
            reason = np.full(ks.shape, -1, dtype=np.int64)
            tests = (
                (_SENIORITY, gap_min_sen[ks] > int(expert.seniority)),
                (_FORBIDDEN, forbidden[d, rs]),
                (_REQUIRED, not_required[d, rs]),
                (_TRAVEL, np.isfinite(max_travel[rs]) & ~(hours <= max_travel[rs])),
                (_NO_TERM, np.full(ks.shape, starts.size == 0)),
            )
            for code, failed in tests:
                reason[(reason < 0) & failed] = code
            ok = ks[reason < 0]
            if ok.size:
                # cross product (gap x start/term), keeping postings that touch the window
                g_rep = np.repeat(ok, starts.size)
                s_rep = np.tile(starts, ok.size)
                t_rep = np.tile(terms, ok.size)
                if expert.max_postings == 0:  # eligible, but the expert may not go
                    num_zero += int(g_rep.size)
                    reason[reason < 0] = _ZERO
                else:
                    touches = (s_rep < gap_hi[g_rep]) & (s_rep + t_rep > gap_lo[g_rep])
                    num_outside += int(touches.size - touches.sum())
                    hit = np.zeros(num_gaps, dtype=bool)
                    hit[g_rep[touches]] = True
                    reason[(reason < 0) & ~hit[ks]] = _OUTSIDE
                    if touches.any():
                        n = int(touches.sum())
                        chunks.append(
                            (
                                np.full(n, e_idx, dtype=np.int32),
                                g_rep[touches],
                                s_rep[touches],
                                t_rep[touches],
                            )
                        )
            bad = reason >= 0
            np.add.at(excluded, (ks[bad], reason[bad]), 1)

    if chunks:
        expert_a, gap_a, start_a, months_a = (
            np.concatenate(parts) for parts in zip(*chunks, strict=True)
        )
    else:
        expert_a = gap_a = start_a = months_a = np.zeros(0, dtype=np.int32)
    # Order: expert, gap, term, start (the per-expert loop gives expert then specialty).
    order = np.lexsort((start_a, months_a, gap_a, expert_a))
    expert_a, gap_a, start_a, months_a = (
        a[order].astype(np.int32) for a in (expert_a, gap_a, start_a, months_a)
    )
    recipient_a = gap_recipient[gap_a] if gap_a.size else np.zeros(0, dtype=np.int32)
    donor_of_expert = np.array([donor_index[e.donor] for e in scenario.experts], dtype=np.int32)
    donors_a = donor_of_expert[expert_a] if expert_a.size else np.zeros(0, dtype=np.int32)
    return CandidateSet(
        scenario=scenario,
        gaps=gaps,
        expert=expert_a,
        gap=gap_a,
        start=start_a,
        months=months_a,
        recipient=recipient_a.astype(np.int32),
        preferred=preferred_pair[donors_a, recipient_a]
        if expert_a.size
        else np.zeros(0, dtype=bool),
        travel_hours=travel[donors_a, recipient_a] if expert_a.size else np.zeros(0),
        excluded_by_gap=excluded,
        gap_recipient=gap_recipient,
        num_outside_window=num_outside,
        num_never_postable=num_zero,
    )
