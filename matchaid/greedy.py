"""The greedy baseline: a quick, valid, deterministic plan.

:func:`greedy_plan` repeatedly takes the candidate posting that adds the most weighted
coverage (weight x months of its gap it newly covers), skipping postings that would break
a rule, until no posting adds anything. Ties go to the lower candidate index, so the
result depends only on the scenario. Coverage ``min(demand, count)`` has diminishing
returns, so a posting's gain can only fall as others are taken; the search uses that
("lazy greedy") to re-score only the top of a heap.

It is a baseline to measure the optimiser against and the optimiser's starting hint,
not a good planner: it never undoes a choice.
"""

from __future__ import annotations

import heapq

import numpy as np
import numpy.typing as npt

from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.domain import Scenario
from matchaid.plan import Plan, sorted_postings

__all__ = ["greedy_plan", "greedy_selection"]


def greedy_selection(
    cands: CandidateSet, first: npt.NDArray[np.int64] | None = None
) -> npt.NDArray[np.int64]:
    """Indices of the candidates the greedy baseline takes, ascending.

    With ``first``, those candidates are tried before anything else, in the order given:
    each is taken if it fits and still covers something. The greedy search then goes on
    from there. (This is how a rounded LP solution becomes a valid plan.)
    """
    s = cands.scenario
    n = len(cands)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    months = s.horizon.months
    gaps = cands.gaps
    demand = np.array([g.demand for _, g in gaps], dtype=np.int64)
    weight = np.array([g.weight for _, g in gaps], dtype=np.float64)
    win_lo = np.array([g.window[0] for _, g in gaps], dtype=np.int64)
    win_hi = np.array([g.window[1] for _, g in gaps], dtype=np.int64)
    donor_index = {d.id: i for i, d in enumerate(s.donors)}
    e_donor = np.array([donor_index[e.donor] for e in s.experts], dtype=np.int64)
    dept_key: dict[tuple[int, str], int] = {}
    e_dept = np.array(
        [
            dept_key.setdefault((int(e_donor[i]), e.primary), len(dept_key))
            for i, e in enumerate(s.experts)
        ],
        dtype=np.int64,
    )
    dept_cap = np.full(len(dept_key), np.iinfo(np.int64).max, dtype=np.int64)
    for (d, spec), k in dept_key.items():
        cap = s.donors[d].release.get(spec)
        if cap is not None:
            dept_cap[k] = cap
    away_cap = np.array(
        [np.iinfo(np.int64).max if d.max_away is None else d.max_away for d in s.donors],
        dtype=np.int64,
    )
    host_cap = np.array([r.hosting for r in s.recipients], dtype=np.int64)
    max_posts = np.array(
        [np.iinfo(np.int64).max if e.max_postings is None else e.max_postings for e in s.experts],
        dtype=np.int64,
    )

    busy = np.zeros((len(s.experts), months), dtype=bool)
    num_posts = np.zeros(len(s.experts), dtype=np.int64)
    dept_away = np.zeros((len(dept_key), months), dtype=np.int64)
    donor_away = np.zeros((len(s.donors), months), dtype=np.int64)
    hosted = np.zeros((len(s.recipients), months), dtype=np.int64)
    covered = np.zeros((len(gaps), months), dtype=np.int64)

    start = cands.start.astype(np.int64)
    end = start + cands.months
    lo = np.maximum(start, win_lo[cands.gap])
    hi = np.minimum(end, win_hi[cands.gap])
    initial = weight[cands.gap] * np.maximum(hi - lo, 0)

    def gain(i: int) -> float:
        g = int(cands.gap[i])
        a, b = int(lo[i]), int(hi[i])
        if a >= b:
            return 0.0
        return float(weight[g] * np.count_nonzero(covered[g, a:b] < demand[g]))

    def fits(i: int) -> bool:
        e = int(cands.expert[i])
        a, b = int(start[i]), int(end[i])
        if num_posts[e] >= max_posts[e] or busy[e, a:b].any():
            return False
        if (dept_away[e_dept[e], a:b] >= dept_cap[e_dept[e]]).any():
            return False
        if (donor_away[e_donor[e], a:b] >= away_cap[e_donor[e]]).any():
            return False
        return not (hosted[cands.recipient[i], a:b] >= host_cap[cands.recipient[i]]).any()

    chosen: list[int] = []

    def take(i: int) -> None:
        e = int(cands.expert[i])
        a, b = int(start[i]), int(end[i])
        busy[e, a:b] = True
        num_posts[e] += 1
        dept_away[e_dept[e], a:b] += 1
        donor_away[e_donor[e], a:b] += 1
        hosted[cands.recipient[i], a:b] += 1
        covered[cands.gap[i], a:b] += 1
        chosen.append(i)

    for i in [] if first is None else first.tolist():
        if fits(i) and gain(i) > 0:
            take(i)
    heap = [(-float(v), int(i)) for i, v in enumerate(initial) if v > 0]
    heapq.heapify(heap)
    while heap:
        neg, i = heapq.heappop(heap)
        if not fits(i):
            continue  # capacities only tighten: it will never fit again
        now = gain(i)
        if now <= 0:
            continue
        if now < -neg:  # stale score: re-queue with the true gain
            heapq.heappush(heap, (-now, i))
            continue
        take(i)
    return np.array(sorted(chosen), dtype=np.int64)


def greedy_plan(scenario: Scenario, cands: CandidateSet | None = None) -> Plan:
    """The greedy baseline's plan for ``scenario`` (see the module docstring).

    >>> import matchaid
    >>> s = matchaid.load_scenario("tests/data/scenario-v1-small-2.json")
    >>> plan = greedy_plan(s)
    >>> matchaid.validate(s, plan), plan.objective > 0
    ([], True)
    """
    cands = cands if cands is not None else generate_candidates(scenario)
    chosen = greedy_selection(cands)
    return Plan(scenario, sorted_postings(cands.postings(chosen)))
