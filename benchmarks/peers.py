"""The peers matchaid is measured against, on the same candidate postings.

- :func:`solve_greedy`: matchaid's own greedy baseline.
- :func:`solve_highs`: matchaid's integer program as a MIP, solved by HiGHS through
  OR-Tools MathOpt (the primary objective only). It reads the same rows as CP-SAT, so it
  states no rule of its own: the validator's re-check is what keeps it honest.
- :func:`solve_flow`: for scenarios without side rules (one term as long as the horizon,
  no donor, hosting or pairing limits), the exact optimum as a min-cost flow (networkx).

Each returns a :class:`PeerResult`. The validator re-checks every plan a peer returns.
"""

from __future__ import annotations

import datetime
import math
import time
from dataclasses import dataclass

import networkx as nx
import numpy as np
from ortools.math_opt.python import mathopt

import matchaid
from matchaid.candidates import CandidateSet
from matchaid.greedy import greedy_plan
from matchaid.plan import Plan, sorted_postings
from matchaid.program import build_program
from matchaid.weights import ObjectiveWeights


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
    """matchaid's integer program (:func:`matchaid.program.build_program`), primary
    objective only, as a MIP for HiGHS through MathOpt: candidate Booleans are binary,
    variables the rows define (coverage counts, indicators) continuous, since at an
    optimum over integer postings they take integer values anyway."""
    t0 = time.perf_counter()
    prog = build_program(cands, ObjectiveWeights())
    model = mathopt.Model(name="matchaid-mip")
    n = len(cands)
    upper = prog.upper.tolist()
    v = [
        model.add_variable(lb=0, ub=upper[i], is_integer=prog.level[i] == 0)
        for i in range(prog.num_vars)
    ]
    indptr, cols, coefs = prog.indptr.tolist(), prog.cols.tolist(), prog.coefs.tolist()
    for r, rhs in enumerate(prog.rhs.tolist()):
        a, b = indptr[r], indptr[r + 1]
        terms = (c * v[j] for c, j in zip(coefs[a:b], cols[a:b], strict=True))
        model.add_linear_constraint(mathopt.fast_sum(terms) <= rhs)
    keep = np.flatnonzero(prog.primary).tolist()
    coef = prog.primary.tolist()
    model.maximize(mathopt.fast_sum(coef[j] * v[j] for j in keep))
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
    if math.isfinite(bound):
        bound = prog.scaling.value(1) * bound + prog.scaling.slack
    if reason == mathopt.TerminationReason.OPTIMAL:
        status = "optimal"
    elif result.has_primal_feasible_solution():
        status = "feasible"
    else:
        return PeerResult("unknown", None, bound, build, solve, None, str(reason))
    values = result.variable_values(v[:n])
    chosen = [i for i, x in enumerate(values) if x > 0.5]
    plan = Plan.of_decisions(cands, chosen)
    return PeerResult(status, plan.objective, bound, build, solve, plan)


def is_flow_case(s: matchaid.Scenario) -> bool:
    """Whether the scenario is the special case :func:`solve_flow` solves exactly."""
    months = s.horizon.months
    return (
        s.format_version == 1  # no programme rules (trainees, leaders, ...)
        and s.terms == (months,)
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
    for i in range(cands.num_postings):
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
    for i in range(cands.num_postings):
        e, k = int(cands.expert[i]), int(cands.gap[i])
        if flow.get(("e", e), {}).get(("g", k), 0) > 0:
            chosen.append(i)
            flow[("e", e)][("g", k)] = 0  # one posting per expert
    plan = Plan(s, sorted_postings(cands.postings(chosen)))
    return PeerResult(
        "optimal", plan.objective, plan.objective, build, time.perf_counter() - t1, plan
    )
