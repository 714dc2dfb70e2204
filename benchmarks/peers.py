"""The peers matchaid is measured against, on the same candidate postings.

- :func:`solve_greedy`: matchaid's own greedy baseline.
- :func:`solve_highs`: the same model as a MIP, solved by HiGHS through OR-Tools MathOpt
  (one binary per candidate posting; capacities stated at the months postings start;
  coverage variables capped by demand; the primary objective only).
- :func:`solve_flow`: for scenarios without side rules (one term as long as the horizon,
  no donor, hosting or pairing limits), the exact optimum as a min-cost flow (networkx).

Each returns a :class:`PeerResult`. The validator re-checks every plan a peer returns.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

import networkx as nx
import numpy as np
from ortools.math_opt.python import mathopt

import matchaid
from matchaid.arrays import group_indices
from matchaid.candidates import CandidateSet
from matchaid.greedy import greedy_plan
from matchaid.plan import Plan, sorted_postings


@dataclass(frozen=True, slots=True)
class PeerResult:
    """What a peer achieved."""

    status: str  # optimal / feasible / unknown / n/a
    objective: float | None
    best_bound: float | None
    build_seconds: float
    solve_seconds: float
    plan: Plan | None
    note: str = ""


def solve_greedy(cands: CandidateSet) -> PeerResult:
    t0 = time.perf_counter()
    plan = greedy_plan(cands.scenario, cands)
    return PeerResult("feasible", plan.objective, None, 0.0, time.perf_counter() - t0, plan)


def solve_highs(cands: CandidateSet, time_limit: float) -> PeerResult:
    """The planner's model as a MIP for HiGHS (MathOpt)."""
    t0 = time.perf_counter()
    s = cands.scenario
    model = mathopt.Model(name="matchaid-mip")
    x = [model.add_binary_variable() for _ in range(len(cands))]
    start = cands.start.astype(np.int64)
    end = start + cands.months

    def cap_at_starts(idx: np.ndarray, cap: int) -> None:  # type: ignore[type-arg]
        if idx.size <= cap:
            return
        for t in np.unique(start[idx]):
            active = idx[(start[idx] <= t) & (end[idx] > t)]
            if active.size > cap:
                model.add_linear_constraint(mathopt.fast_sum(x[i] for i in active.tolist()) <= cap)

    donor_index = {d.id: i for i, d in enumerate(s.donors)}
    e_donor = np.array([donor_index[e.donor] for e in s.experts], dtype=np.int64)
    for e, idx in group_indices(cands.expert):
        cap_at_starts(idx, 1)
        mp = s.experts[e].max_postings
        if mp is not None and idx.size > mp:
            model.add_linear_constraint(mathopt.fast_sum(x[i] for i in idx.tolist()) <= mp)
    primaries = {p: k for k, p in enumerate(sorted({e.primary for e in s.experts}))}
    e_primary = np.array([primaries[e.primary] for e in s.experts], dtype=np.int64)
    dept = e_donor[cands.expert] * len(primaries) + e_primary[cands.expert]
    names = sorted(primaries, key=primaries.__getitem__)
    for k, idx in group_indices(dept):
        cap = s.donors[k // len(primaries)].release.get(names[k % len(primaries)])
        if cap is not None:
            cap_at_starts(idx, cap)
    for d, idx in group_indices(e_donor[cands.expert]):
        cap = s.donors[d].max_away
        if cap is not None:
            cap_at_starts(idx, cap)
    for r, idx in group_indices(cands.recipient):
        cap_at_starts(idx, s.recipients[r].hosting)
    objective = []
    for g, idx in group_indices(cands.gap):
        _, gap = cands.gaps[g]
        for t in range(*gap.window):
            active = idx[(start[idx] <= t) & (end[idx] > t)]
            if active.size == 0:
                continue
            cov = model.add_variable(lb=0, ub=min(gap.demand, int(active.size)))
            model.add_linear_constraint(cov <= mathopt.fast_sum(x[i] for i in active.tolist()))
            objective.append(gap.weight * cov)
    model.maximize(mathopt.fast_sum(objective))
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = mathopt.solve(
        model,
        mathopt.SolverType.HIGHS,
        params=mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=time_limit)),
    )
    solve = time.perf_counter() - t1
    reason = result.termination.reason
    bound = result.termination.objective_bounds.dual_bound
    if reason == mathopt.TerminationReason.OPTIMAL:
        status = "optimal"
    elif result.has_primal_feasible_solution():
        status = "feasible"
    else:
        return PeerResult("unknown", None, bound, build, solve, None, str(reason))
    values = result.variable_values(x)
    chosen = [i for i, v in enumerate(values) if v > 0.5]
    plan = Plan(s, sorted_postings(cands.postings(chosen)))
    return PeerResult(status, plan.objective, bound, build, solve, plan)


def is_flow_case(s: matchaid.Scenario) -> bool:
    """Whether the scenario is the special case :func:`solve_flow` solves exactly."""
    months = s.horizon.months
    return (
        s.terms == (months,)
        and not s.pairings
        and all(
            e.terms is None and e.available == (0, months) and e.max_postings is None
            for e in s.experts
        )
        and all(not d.release and d.max_away is None for d in s.donors)
        and all(r.hosting >= len(s.experts) for r in s.recipients)
    )


def solve_flow(cands: CandidateSet) -> PeerResult:
    """Exact optimum by min-cost flow, for :func:`is_flow_case` scenarios only."""
    s = cands.scenario
    if not is_flow_case(s):
        return PeerResult("n/a", None, None, 0.0, 0.0, None, "scenario has side rules")
    t0 = time.perf_counter()
    g = nx.DiGraph()
    scale = 1000
    for i in range(len(cands)):
        e, k = int(cands.expert[i]), int(cands.gap[i])
        g.add_edge("s", ("e", e), capacity=1, weight=0)
        g.add_edge(("e", e), ("g", k), capacity=1, weight=0)
    for k in np.unique(cands.gap).tolist():
        _, gap = cands.gaps[k]
        value = round(gap.weight * (gap.window[1] - gap.window[0]) * scale)
        g.add_edge(("g", k), "t", capacity=gap.demand, weight=-value)
    experts = len({int(e) for e in cands.expert})
    g.add_edge("s", "t", capacity=max(experts, 1), weight=0)
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    flow = nx.max_flow_min_cost(g, "s", "t")
    chosen = []
    for i in range(len(cands)):
        e, k = int(cands.expert[i]), int(cands.gap[i])
        if flow.get(("e", e), {}).get(("g", k), 0) > 0:
            chosen.append(i)
            flow[("e", e)][("g", k)] = 0  # one posting per expert
    plan = Plan(s, sorted_postings(cands.postings(chosen)))
    return PeerResult(
        "optimal", plan.objective, plan.objective, build, time.perf_counter() - t1, plan
    )
