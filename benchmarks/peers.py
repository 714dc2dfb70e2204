"""The peers matchaid is measured against, on the same candidate postings.

- :func:`solve_greedy`: matchaid's own greedy baseline.
- :func:`solve_highs`: matchaid's integer program as a MIP, solved by HiGHS through
  ``highspy`` with the rows passed as arrays (the primary objective only). It reads the
  same rows as CP-SAT, so it states no rule of its own: the validator's re-check is
  what keeps it honest.
- :func:`solve_cp_sat`: the same program as one CP-SAT model, CP-SAT's default
  portfolio with two workers, nothing of matchaid's search around it.
- :func:`solve_flow`: for scenarios without side rules (one term as long as the horizon,
  no donor, hosting or pairing limits), the exact optimum as a min-cost flow (networkx).

Each returns a :class:`PeerResult`. The validator re-checks every plan a peer returns.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import networkx as nx
import numpy as np

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


def solve_highs(cands: CandidateSet, time_limit: float, seed: int = 0) -> PeerResult:
    """matchaid's integer program (:func:`matchaid.program.build_program`), primary
    objective only, as a MIP for HiGHS through ``highspy``, passed as arrays (the CSR
    rows as they are): decision Booleans binary, the variables rows define (coverage
    counts, indicators) continuous, since at an optimum over integer decisions they take
    integer values anyway. Fixed pins are lower bounds of 1. One thread (HiGHS's MIP
    search is serial); ``seed`` is its ``random_seed``."""
    import highspy

    t0 = time.perf_counter()
    prog = build_program(cands, ObjectiveWeights(mode="off"))
    n = len(cands)
    h = highspy.Highs()
    for name, value in (
        ("output_flag", False),
        ("threads", 1),
        ("time_limit", float(max(time_limit - (time.perf_counter() - t0), 0.01))),
        ("random_seed", int(seed)),
        ("mip_rel_gap", 1e-9),
    ):
        h.setOptionValue(name, value)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = prog.num_vars, prog.num_rows
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = prog.primary.astype(np.float64)
    lp.col_lower_ = prog.lower.astype(np.float64)
    lp.col_upper_ = prog.upper.astype(np.float64)
    lp.row_lower_ = np.full(prog.num_rows, -highspy.kHighsInf)
    lp.row_upper_ = prog.rhs.astype(np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = prog.num_vars, prog.num_rows
    lp.a_matrix_.start_ = prog.indptr.astype(np.int32)
    lp.a_matrix_.index_ = prog.cols.astype(np.int32)
    lp.a_matrix_.value_ = prog.coefs.astype(np.float64)
    integer = np.where(prog.level == 0, 1, 0)  # kInteger = 1, kContinuous = 0
    lp.integrality_ = [highspy.HighsVarType(int(k)) for k in integer.tolist()]
    h.passModel(lp)
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    h.run()
    solve = time.perf_counter() - t1
    model_status = h.getModelStatus()
    info = h.getInfo()
    bound = float(info.mip_dual_bound)
    bound = prog.scaling.value(1) * bound + prog.scaling.slack if math.isfinite(bound) else None
    if model_status == highspy.HighsModelStatus.kOptimal:
        status = "optimal"
    elif info.primal_solution_status == 2:  # kSolutionStatusFeasible
        status = "feasible"
    else:
        return PeerResult("unknown", None, bound, build, solve, None, str(model_status))
    values = np.asarray(h.getSolution().col_value[:n])
    plan = Plan.of_decisions(cands, np.flatnonzero(values > 0.5))
    return PeerResult(status, plan.objective, bound, build, solve, plan)


def solve_cp_sat(
    cands: CandidateSet, time_limit: float, workers: int = 2, seed: int = 0
) -> PeerResult:
    """matchaid's integer program, primary objective only, as one CP-SAT model solved by
    CP-SAT's default portfolio with ``workers`` workers: no decomposition, no LP bound,
    no starting plan. What a user of OR-Tools would write first."""
    from ortools.sat.python import cp_model

    from matchaid.cp_sat import build_model

    t0 = time.perf_counter()
    built = build_model(cands, ObjectiveWeights(mode="off"))
    build = time.perf_counter() - t0
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit - build, 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    t1 = time.perf_counter()
    code = solver.solve(built.model)
    solve = time.perf_counter() - t1
    scaling = built.scaling
    bound = None
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        raw = -int(solver.response_proto.inner_objective_lower_bound)
        if abs(raw) < 2**62:
            bound = scaling.value(scaling.reported(raw)) + scaling.slack
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return PeerResult("unknown", None, bound, build, solve, None, solver.status_name(code))
    values = np.asarray(solver.response_proto.solution, dtype=np.int64)[: len(cands)]
    plan = Plan.of_decisions(cands, np.flatnonzero(values))
    status = "optimal" if code == cp_model.OPTIMAL and not scaling.rounded else "feasible"
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
