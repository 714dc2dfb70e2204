"""Solving a scenario: :func:`solve` returns a :class:`Result`.

The pipeline is: candidate generation -> CP-SAT model -> search -> plan -> independent
validation. Timings of model building and search are measured separately. Infeasible
or empty inputs are results, not exceptions: a scenario with nothing to post returns an
empty plan, status ``optimal`` and a ``reason``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import numpy as np

from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.domain import Scenario
from matchaid.exceptions import SolverError
from matchaid.greedy import greedy_selection
from matchaid.params import DEFAULT_CP_SAT, SolveParams
from matchaid.plan import GapCoverage, Plan, sorted_postings
from matchaid.validation import Violation, objective_value, validate

__all__ = ["Progress", "Result", "SolveStatus", "solve"]

logger = logging.getLogger("matchaid")


class SolveStatus(StrEnum):
    """What the search established about the plan it returns."""

    OPTIMAL = "optimal"
    """The plan is proven optimal (the best bound equals the objective)."""
    FEASIBLE = "feasible"
    """A valid plan was found, but not proven optimal before the search stopped."""
    INFEASIBLE = "infeasible"
    """No plan satisfies the rules. (Cannot happen for scenarios alone: the empty plan
    is always valid; kept for rules that may demand postings.)"""
    UNKNOWN = "unknown"
    """The search stopped before finding any plan; the plan returned is empty."""
    MODEL_INVALID = "model_invalid"
    """CP-SAT rejected the model (a bug in matchaid, or invalid raw ``cp_sat``
    parameters)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """A snapshot of a running search, given to a ``progress`` callback."""

    seconds: float
    objective: float | None
    best_bound: float | None

    @property
    def gap(self) -> float | None:
        """Relative gap between bound and objective, when both are known."""
        if self.objective is None or self.best_bound is None:
            return None
        return relative_gap(self.objective, self.best_bound)


def relative_gap(objective: float, bound: float) -> float:
    """``(bound - objective) / max(|bound|, 1e-9)``, 0 when both are 0."""
    if bound == objective:
        return 0.0
    return max(0.0, (bound - objective) / max(abs(bound), 1e-9))


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of :func:`solve`.

    Attributes
    ----------
    status
        What is known about the plan (:class:`SolveStatus`).
    plan
        The best plan found (empty if none).
    objective
        The plan's objective: weighted covered expert-months (in ``weighted`` mode,
        that plus the weighted secondary terms).
    best_bound
        A proven upper bound on the objective of any plan.
    gap
        ``(best_bound - objective) / best_bound``; 0 when proven optimal.
    build_seconds, solve_seconds
        Candidate generation plus model building; the search itself.
    num_candidates
        Candidate postings given to the model.
    num_eligible
        Eligible postings, including those left out for missing their window.
    excluded
        Expert-gap pairs excluded from candidacy, by reason.
    reason
        Why the result is what it is, in words, when there is something to say.
    interrupted
        Whether the search was stopped by the user (Ctrl-C).
    stats
        Solver statistics (conflicts, branches, deterministic time, ...).
    trace
        ``(seconds, objective, best bound)`` each time the search found a better plan or
        a better bound, seconds counted from the start of the search, values in the units
        of :attr:`objective` (``None`` where not known yet).
    """

    status: SolveStatus
    plan: Plan
    objective: float
    best_bound: float
    gap: float
    build_seconds: float
    solve_seconds: float
    num_candidates: int
    num_eligible: int
    excluded: Mapping[str, int]
    reason: str | None = None
    interrupted: bool = False
    stats: Mapping[str, Any] = field(default_factory=dict)
    trace: tuple[tuple[float, float | None, float | None], ...] = ()

    @property
    def coverage(self) -> tuple[GapCoverage, ...]:
        """Coverage per gap of the plan."""
        return self.plan.coverage()

    @property
    def wall_seconds(self) -> float:
        """Build plus search time."""
        return self.build_seconds + self.solve_seconds

    def summary(self, *, max_rows: int = 20) -> str:
        """Status line, timings, then the plan's summary (at most ``max_rows`` gaps)."""
        head = (
            f"status {self.status}: objective {self.objective:g}, best bound "
            f"{self.best_bound:g}, gap {100 * self.gap:.2f}%"
        )
        times = (
            f"{self.num_candidates} candidate postings; build {self.build_seconds:.2f} s, "
            f"search {self.solve_seconds:.2f} s"
        )
        lines = [head, times]
        if self.reason:
            lines.append(self.reason)
        lines += ["", self.plan.summary(max_rows=max_rows)]
        return "\n".join(lines)


def _empty_result(scenario: Scenario, cands: CandidateSet, build: float, reason: str) -> Result:
    return Result(
        status=SolveStatus.OPTIMAL,
        plan=Plan.empty(scenario),
        objective=0.0,
        best_bound=0.0,
        gap=0.0,
        build_seconds=build,
        solve_seconds=0.0,
        num_candidates=0,
        num_eligible=cands.num_eligible,
        excluded=MappingProxyType(cands.excluded),
        reason=reason,
    )


def _nothing_to_post(scenario: Scenario, cands: CandidateSet) -> str:
    if not scenario.experts:
        return "no experts: nothing can be posted"
    if not any(r.gaps for r in scenario.recipients):
        return "no discipline gaps: nothing needs covering"
    worst = {k: v for k, v in cands.excluded.items() if v}
    detail = ", ".join(f"{k} {v}" for k, v in sorted(worst.items(), key=lambda kv: -kv[1]))
    return "no eligible posting" + (
        f" (expert-gap pairs excluded: {detail})"
        if detail
        else " (no expert holds a gap's specialty)"
    )


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    progress: Callable[[Progress], None] | None = None,
    progress_interval: float = 1.0,
) -> Result:
    """Choose postings that maximise weighted gap coverage under every rule.

    Parameters
    ----------
    scenario
        The scenario to plan.
    params
        Search settings (:class:`SolveParams`); defaults if ``None``.
    progress
        Called from the calling thread about every ``progress_interval`` seconds while
        the search runs, with the best objective and bound so far.
    progress_interval
        Seconds between ``progress`` calls.

    Returns
    -------
    Result
        Always a result: time limits return the best plan found, and a ``KeyboardInterrupt``
        during the search stops it and returns the best plan found with
        ``interrupted=True``.

    Raises
    ------
    SolverError
        If the plan fails :func:`matchaid.validate` (a bug in matchaid).

    Examples
    --------
    >>> import matchaid
    >>> s = matchaid.load_scenario("tests/data/scenario-v1-small-2.json")
    >>> r = solve(s, SolveParams(workers=1, time_limit=10))
    >>> r.status.value, r.objective
    ('optimal', 246.0)
    """
    from ortools.sat.python import cp_model

    from matchaid.model import apply_parameters, build_model

    params = params or SolveParams()
    t0 = time.perf_counter()
    cands = generate_candidates(scenario)
    if len(cands) == 0:
        return _empty_result(
            scenario, cands, time.perf_counter() - t0, _nothing_to_post(scenario, cands)
        )
    built = build_model(cands, params.weights)
    greedy = greedy_selection(cands)
    if params.hint == "greedy":
        chosen = np.zeros(len(cands), dtype=bool)
        chosen[greedy] = True
        built.add_hint(chosen)
    build_seconds = time.perf_counter() - t0

    solver = cp_model.CpSolver()
    p = solver.parameters
    if params.time_limit is not None:
        p.max_time_in_seconds = float(params.time_limit)
    if params.deterministic_time is not None:
        p.max_deterministic_time = float(params.deterministic_time)
    p.num_workers = params.workers
    p.random_seed = params.seed
    p.log_search_progress = params.log_progress
    if params.log_progress:
        solver.log_callback = lambda line: logger.info("%s", line)
    apply_parameters(solver, {**DEFAULT_CP_SAT, **params.cp_sat})

    state: dict[str, Any] = {"objective": None, "bound": None}
    lock = threading.Lock()
    raw_trace: list[tuple[float, float | None, float | None]] = []
    started = [0.0]

    class _Watcher(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            with lock:
                state["objective"] = self.objective_value
                state["bound"] = self.best_objective_bound
                raw_trace.append(
                    (time.perf_counter() - started[0], state["objective"], state["bound"])
                )

    def on_bound(bound: float) -> None:
        with lock:
            state["bound"] = bound
            raw_trace.append((time.perf_counter() - started[0], state["objective"], bound))

    solver.best_bound_callback = on_bound
    outcome: dict[str, Any] = {}

    done = threading.Event()

    def run() -> None:
        try:
            outcome["status"] = solver.solve(built.model, _Watcher())
        except BaseException as exc:  # pragma: no cover - re-raised below
            outcome["error"] = exc
        finally:
            done.set()

    t1 = time.perf_counter()
    started[0] = t1
    # Wait on an Event, not Thread.join: a join interrupted by Ctrl-C can leave the
    # thread looking finished while CP-SAT still runs (CPython 3.11).
    worker = threading.Thread(target=run, name="matchaid-cp-sat", daemon=True)
    worker.start()
    interrupted = False
    next_report = t1 + progress_interval
    while not done.is_set():
        try:
            done.wait(0.05)
            now = time.perf_counter()
            if progress is not None and now >= next_report and not done.is_set():
                with lock:
                    obj, bound = state["objective"], state["bound"]
                scale = built.scaling
                progress(
                    Progress(
                        seconds=now - t1,
                        objective=None if obj is None else scale.value(obj),
                        best_bound=None if bound is None else scale.primary_bound(bound),
                    )
                )
                next_report = now + progress_interval
        except KeyboardInterrupt:
            interrupted = True
            solver.stop_search()
    worker.join()
    solve_seconds = time.perf_counter() - t1
    if "error" in outcome:
        raise outcome["error"]
    result = _result(
        scenario,
        cands,
        built,
        solver,
        outcome["status"],
        build_seconds,
        solve_seconds,
        interrupted,
        greedy,
    )
    scale = built.scaling
    trace = tuple(
        (
            round(t, 4),
            None if obj is None else scale.value(obj),
            None if bound is None else scale.primary_bound(bound),
        )
        for t, obj, bound in raw_trace
    )
    return replace(result, trace=trace)


def _result(
    scenario: Scenario,
    cands: CandidateSet,
    built: Any,
    solver: Any,
    code: Any,
    build_seconds: float,
    solve_seconds: float,
    interrupted: bool,
    greedy: np.ndarray,
) -> Result:
    from ortools.sat.python import cp_model

    status = {
        cp_model.OPTIMAL: SolveStatus.OPTIMAL,
        cp_model.FEASIBLE: SolveStatus.FEASIBLE,
        cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
        cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
    }.get(code, SolveStatus.UNKNOWN)
    stats = MappingProxyType(
        {
            "num_conflicts": solver.num_conflicts,
            "num_branches": solver.num_branches,
            "deterministic_time": solver.deterministic_time,
            "wall_time": solver.wall_time,
            "num_constraints": dict(built.num_constraints),
            "solution_info": solver.solution_info(),
        }
    )
    scaling = built.scaling
    raw_bound = solver.best_objective_bound
    bound = scaling.primary_bound(raw_bound) if math.isfinite(raw_bound) else math.inf
    reason = None
    if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        chosen = np.flatnonzero([solver.boolean_value(x) for x in built.vars.x])
        plan = Plan(scenario, sorted_postings(cands.postings(chosen)))
        objective = objective_value(scenario, plan, built.weights)
        if status is SolveStatus.OPTIMAL:
            bound = objective
        else:
            bound = max(objective, bound)
            reason = (
                "interrupted: best plan so far"
                if interrupted
                else "search stopped at its limit before proving optimality"
            )
            if bound <= objective and scaling.mode == "tiebreak":
                reason += (
                    "; coverage is proven optimal (bound = objective), only the tie-break "
                    "terms (preferred donors, travel, posted months) are not"
                )
    elif status is SolveStatus.UNKNOWN and greedy.size:
        # CP-SAT found nothing in time; the greedy plan is the best plan we have. A
        # CP-SAT "bound" below a plan we hold was never proven (its presolve did not
        # finish), so the bound is unknown.
        plan = Plan(scenario, sorted_postings(cands.postings(greedy)))
        objective = plan.objective
        status = SolveStatus.FEASIBLE
        if bound < objective:
            bound = math.inf
        reason = (
            "CP-SAT found no plan before it stopped"
            + (" (interrupted)" if interrupted else "")
            + "; this is the greedy baseline's plan"
        )
    else:
        plan = Plan.empty(scenario)
        objective = 0.0
        if status is not SolveStatus.UNKNOWN:
            bound = 0.0
        elif bound <= 0:
            bound = math.inf  # nothing was proven
        reason = {
            SolveStatus.UNKNOWN: "search stopped before finding a plan"
            + (" (interrupted)" if interrupted else ""),
            SolveStatus.INFEASIBLE: "no plan satisfies the rules",
            SolveStatus.MODEL_INVALID: "CP-SAT rejected the model: " + solver.solution_info(),
        }[status]
    violations = validate(scenario, plan)
    if violations:
        raise SolverError(_violation_report(violations))
    return Result(
        status=status,
        plan=plan,
        objective=objective,
        best_bound=bound,
        gap=relative_gap(objective, bound) if math.isfinite(bound) else math.inf,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        num_candidates=len(cands),
        num_eligible=cands.num_eligible,
        excluded=MappingProxyType(cands.excluded),
        reason=reason,
        interrupted=interrupted,
        stats=stats,
    )


def _violation_report(violations: list[Violation]) -> str:
    shown = "\n".join(f"  {v}" for v in violations[:20])
    return (
        f"matchaid produced a plan that breaks {len(violations)} rule(s); this is a bug, "
        f"please report it with the scenario:\n{shown}"
    )
