"""Solving a scenario: :func:`solve` returns a :class:`Result`.

The pipeline is: candidate generation -> CP-SAT model -> search -> plan -> independent
validation. Timings of model building and search are measured separately. Infeasible
or empty inputs are results, not exceptions: a scenario with nothing to post returns an
empty plan, status ``optimal`` and a ``reason``.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import numpy as np

from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.decompose import independent_parts
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
        of :attr:`objective`. With independent parts, the objective is the sum over parts
        of the best plan known (a part's greedy plan until CP-SAT finds one) and the bound
        is the sum of the parts' bounds, ``None`` until every part has one.
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

    params = params or SolveParams()
    t0 = time.perf_counter()
    cands = generate_candidates(scenario)
    if len(cands) == 0:
        return _empty_result(
            scenario, cands, time.perf_counter() - t0, _nothing_to_post(scenario, cands)
        )
    greedy = np.zeros(len(cands), dtype=bool)
    greedy[greedy_selection(cands)] = True
    groups = (
        independent_parts(cands) if params.decompose else [np.arange(len(cands), dtype=np.int64)]
    )
    parts = [_Part(cands, idx, greedy, params) for idx in groups]
    build_seconds = time.perf_counter() - t0
    search = _Search(parts, params, progress, progress_interval)
    search.run()
    return _merge(scenario, cands, parts, search, params, build_seconds)


class _Part:
    """One independent part: its candidates, model, greedy plan and CP-SAT outcome."""

    def __init__(
        self, cands: CandidateSet, idx: np.ndarray, greedy: np.ndarray, params: SolveParams
    ) -> None:
        from matchaid.model import build_model

        self.idx = idx
        self.cands = cands.subset(idx)
        self.greedy = greedy[idx]
        self.built = build_model(self.cands, params.weights)
        if params.hint == "greedy":
            self.built.add_hint(self.greedy)
        self.greedy_value = objective_value(
            cands.scenario, self.cands.postings(np.flatnonzero(self.greedy)), params.weights
        )
        self.solver: Any = None
        self.code: Any = None
        self.objective: float | None = None  # best found so far, in result units
        self.bound: float | None = None
        self.error: BaseException | None = None


class _Search:
    """Runs the parts' CP-SAT searches in worker threads (several at once when there are
    several parts and cores), sharing one deadline; the calling thread waits, reports
    progress and turns Ctrl-C into stopping every search."""

    def __init__(
        self,
        parts: list[_Part],
        params: SolveParams,
        progress: Callable[[Progress], None] | None,
        progress_interval: float,
    ) -> None:
        self.parts = parts
        self.params = params
        self.progress = progress
        self.progress_interval = progress_interval
        cores = params.workers or (os.cpu_count() or 1)
        self.concurrency = min(len(parts), cores)
        # workers=0: one CP-SAT worker per part, cores used by parts side by side;
        # workers=N: a lone part gets all N (CP-SAT's portfolio), several share them.
        self.workers_each = 1 if params.workers == 0 else max(1, params.workers // self.concurrency)
        self.total = sum(len(p.cands) for p in parts)
        self.lock = threading.Lock()
        self.stopped = False
        self.interrupted = False
        self.trace: list[tuple[float, float | None, float | None]] = []
        self.t_start = 0.0
        self.seconds = 0.0
        self.not_started = list(range(len(parts)))

    def snapshot(self) -> tuple[float | None, float | None]:
        """Best objective and bound over all parts (a part without a plan yet counts its
        greedy plan; the bound is known once every part has one)."""
        objective = sum(
            p.objective if p.objective is not None else p.greedy_value for p in self.parts
        )
        bounds = [p.bound for p in self.parts]
        bound = None if any(b is None for b in bounds) else sum(b for b in bounds if b is not None)
        return objective, bound

    def _record(self) -> None:
        objective, bound = self.snapshot()
        self.trace.append((time.perf_counter() - self.t_start, objective, bound))

    def _solver(self, part: _Part) -> Any:
        from ortools.sat.python import cp_model

        from matchaid.model import apply_parameters

        solver = cp_model.CpSolver()
        p = solver.parameters
        share = len(part.cands) / max(self.total, 1)
        if self.params.time_limit is not None:
            left = self.params.time_limit - (time.perf_counter() - self.t_start)
            waiting = sum(len(self.parts[k].cands) for k in self.not_started) + len(part.cands)
            fair = left * min(1.0, self.concurrency * len(part.cands) / max(waiting, 1))
            p.max_time_in_seconds = max(0.01, fair)
        if self.params.deterministic_time is not None:
            p.max_deterministic_time = float(self.params.deterministic_time) * share
        p.num_workers = self.workers_each
        p.random_seed = self.params.seed
        p.log_search_progress = self.params.log_progress
        if self.params.log_progress:
            solver.log_callback = lambda line: logger.info("%s", line)
        apply_parameters(solver, {**DEFAULT_CP_SAT, **self.params.cp_sat})
        return solver

    def _run_part(self, k: int) -> None:
        from ortools.sat.python import cp_model

        part = self.parts[k]
        with self.lock:
            self.not_started.remove(k)
            if self.stopped:
                return
            part.solver = solver = self._solver(part)
        scale = part.built.scaling
        search = self

        class _Watcher(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                with search.lock:
                    part.objective = scale.value(self.objective_value)
                    part.bound = scale.primary_bound(self.best_objective_bound)
                    search._record()

        def on_bound(bound: float) -> None:
            with search.lock:
                part.bound = scale.primary_bound(bound)
                search._record()

        solver.best_bound_callback = on_bound
        try:
            part.code = solver.solve(part.built.model, _Watcher())
        except BaseException as exc:  # pragma: no cover - re-raised by run()
            part.error = exc

    def run(self) -> None:
        self.t_start = time.perf_counter()
        next_report = self.t_start + self.progress_interval
        pool = cf.ThreadPoolExecutor(
            max_workers=self.concurrency, thread_name_prefix="matchaid-cp-sat"
        )
        futures = [pool.submit(self._run_part, k) for k in range(len(self.parts))]
        # Wait with a timeout (an Event inside), never Thread.join: a join interrupted by
        # Ctrl-C can leave a thread looking finished while CP-SAT still runs (CPython 3.11).
        pending = set(futures)
        while pending:
            try:
                _, pending = cf.wait(pending, timeout=0.05)
                now = time.perf_counter()
                if self.progress is not None and pending and now >= next_report:
                    with self.lock:
                        objective, bound = self.snapshot()
                    self.progress(
                        Progress(seconds=now - self.t_start, objective=objective, best_bound=bound)
                    )
                    next_report = now + self.progress_interval
            except KeyboardInterrupt:
                self.interrupted = True
                with self.lock:
                    self.stopped = True
                    for part in self.parts:
                        if part.solver is not None:
                            part.solver.stop_search()
        pool.shutdown(wait=True)
        self.seconds = time.perf_counter() - self.t_start
        for part in self.parts:
            if part.error is not None:
                raise part.error


def _merge(
    scenario: Scenario,
    cands: CandidateSet,
    parts: list[_Part],
    search: _Search,
    params: SolveParams,
    build_seconds: float,
) -> Result:
    """One result from the parts: the union of their plans, the sum of their bounds."""
    from ortools.sat.python import cp_model

    codes = {
        cp_model.OPTIMAL: SolveStatus.OPTIMAL,
        cp_model.FEASIBLE: SolveStatus.FEASIBLE,
        cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
        cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
    }
    chosen: list[np.ndarray] = []
    statuses = []
    bound_total = 0.0
    fallbacks = 0
    searched_plan = False
    for part in parts:
        status = codes.get(part.code, SolveStatus.UNKNOWN)
        statuses.append(status)
        scale = part.built.scaling
        if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            picks = part.built.chosen(part.solver)
            value = objective_value(scenario, part.cands.postings(picks), params.weights)
            searched_plan = True
            raw = part.solver.best_objective_bound
            bound = value if status is SolveStatus.OPTIMAL else max(value, scale.primary_bound(raw))
        else:
            picks = np.flatnonzero(part.greedy)
            fallbacks += 1
            value = part.greedy_value
            raw = part.solver.best_objective_bound if part.solver is not None else math.inf
            bound = scale.primary_bound(raw) if math.isfinite(raw) else math.inf
            if bound < value:  # CP-SAT's "bound" before its presolve ends proves nothing
                bound = math.inf
        chosen.append(part.idx[picks])
        bound_total += bound
    if any(s is SolveStatus.MODEL_INVALID for s in statuses):
        bad = next(
            p for p, s in zip(parts, statuses, strict=True) if s is SolveStatus.MODEL_INVALID
        )
        plan, status = Plan.empty(scenario), SolveStatus.MODEL_INVALID
        reason = "CP-SAT rejected the model: " + bad.solver.solution_info()
    else:
        picks_all = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
        plan = Plan(scenario, sorted_postings(cands.postings(picks_all)))
        if all(s is SolveStatus.OPTIMAL for s in statuses):
            status, reason = SolveStatus.OPTIMAL, None
        elif not searched_plan and not plan.postings:
            status, reason = SolveStatus.UNKNOWN, "search stopped before finding a plan"
            if search.interrupted:
                reason += " (interrupted)"
        else:
            status = SolveStatus.FEASIBLE
            reason = _feasible_reason(len(parts), fallbacks, search.interrupted)
    objective = objective_value(scenario, plan, params.weights)
    if status is SolveStatus.OPTIMAL:
        bound_total = objective
    elif status is SolveStatus.MODEL_INVALID:
        objective, bound_total = 0.0, math.inf
    else:
        bound_total = max(bound_total, objective)
        if (
            status is SolveStatus.FEASIBLE
            and reason
            and math.isfinite(bound_total)
            and bound_total <= objective + 1e-9
            and params.weights.mode == "tiebreak"
        ):
            reason += (
                "; coverage is proven optimal (bound = objective), only the tie-break "
                "terms (preferred donors, travel, posted months) are not"
            )
    violations = validate(scenario, plan)
    if violations:
        raise SolverError(_violation_report(violations))
    solvers = [p.solver for p in parts if p.solver is not None]
    stats = MappingProxyType(
        {
            "num_parts": len(parts),
            "parts_solved_in_parallel": search.concurrency,
            "num_conflicts": sum(sv.num_conflicts for sv in solvers),
            "num_branches": sum(sv.num_branches for sv in solvers),
            "deterministic_time": sum(sv.deterministic_time for sv in solvers),
            "num_constraints": {
                key: sum(p.built.num_constraints[key] for p in parts)
                for key in parts[0].built.num_constraints
            },
            "solution_info": solvers[0].solution_info() if len(solvers) == 1 else "",
        }
    )
    trace = tuple((round(t, 4), obj, bound) for t, obj, bound in search.trace)
    return Result(
        status=status,
        plan=plan,
        objective=objective,
        best_bound=bound_total,
        gap=relative_gap(objective, bound_total) if math.isfinite(bound_total) else math.inf,
        build_seconds=build_seconds,
        solve_seconds=search.seconds,
        num_candidates=len(cands),
        num_eligible=cands.num_eligible,
        excluded=MappingProxyType(cands.excluded),
        reason=reason,
        interrupted=search.interrupted,
        stats=stats,
        trace=trace,
    )


def _feasible_reason(num_parts: int, fallbacks: int, interrupted: bool) -> str:
    if fallbacks and num_parts == 1:
        return (
            "CP-SAT found no plan before it stopped"
            + (" (interrupted)" if interrupted else "")
            + "; this is the greedy baseline's plan"
        )
    head = (
        "interrupted: best plan so far"
        if interrupted
        else "search stopped at its limit before proving optimality"
    )
    if fallbacks:
        head += f"; in {fallbacks} of {num_parts} independent parts CP-SAT found no plan in time and the greedy plan is used"
    return head


def _violation_report(violations: list[Violation]) -> str:
    shown = "\n".join(f"  {v}" for v in violations[:20])
    return (
        f"matchaid produced a plan that breaks {len(violations)} rule(s); this is a bug, "
        f"please report it with the scenario:\n{shown}"
    )
