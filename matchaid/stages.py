"""Lexicographic goals (format v2 ``objective.stages``): optimise the goals in order,
each among the plans that keep every earlier stage within its tolerance.

- ``coverage``: the primary objective (weighted coverage plus the programme rules'
  terms), maximised. As the first stage it is solved by the whole search of
  :func:`matchaid.solve` (independent parts, LP bound, CP-SAT).
- ``fairness``: the least share of its weighted demand covered at any recipient with an
  eligible posting, maximised; stated in units of 1e-6 (``F x demand_r <= 10^6 x
  covered_r`` for each such recipient).
- ``cost``: the plan's total cost, minimised (in thousandths; costs with more decimals
  are rounded up, and the stage is then not called optimal).

Later stages are solved by CP-SAT on the whole program with the earlier stages' limits
as rows, hinted with the previous stage's plan. A stage that was not proven optimal
passes its best value on as the reference. The tie-break terms apply in the last stage
only.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.domain import Goal, Scenario, Stage
from matchaid.params import DEFAULT_CP_SAT, SolveParams
from matchaid.plan import Plan
from matchaid.posting import Posting, Training
from matchaid.program import IntegerProgram, build_program
from matchaid.result import Progress, Result, SolveStatus, relative_gap
from matchaid.validation.base import PlanView
from matchaid.validation.budget import total_cost
from matchaid.validation.fairness import fairness_recipients
from matchaid.validation.fairness import value as fairness_value
from matchaid.weights import ObjectiveWeights

if TYPE_CHECKING:
    from matchaid.cp_sat import StageModel, StageOutcome, Stopper

__all__ = ["FAIRNESS_SCALE", "StageResult", "solve_stages"]

#: Fairness is stated in units of 1/FAIRNESS_SCALE (compared to 1e-6).
FAIRNESS_SCALE = 10**6
_COST_SCALE = 1000


@dataclass(frozen=True, slots=True)
class StageResult:
    """One lexicographic stage.

    Attributes
    ----------
    goal, tolerance
        The stage.
    value
        The goal's value in the plan this stage ended with (coverage and cost in weight
        and cost units; fairness a share from 0 to 1).
    bound
        A proven bound on the goal among plans keeping the earlier stages (an upper
        bound for coverage and fairness, a lower one for cost); ``None`` if unknown.
    status
        ``optimal`` when the value is proven best, else ``feasible`` or ``unknown``.
    note
        What to know, in words (the reference passed on when not proven optimal).
    """

    goal: str
    tolerance: float
    value: float
    bound: float | None
    status: SolveStatus
    note: str | None = None

    def line(self, k: int) -> str:
        """One line for the command line."""
        bound = "unknown" if self.bound is None else f"{self.bound:g}"
        text = (
            f"stage {k} {self.goal} (tolerance {self.tolerance:g}): {self.status.value}, "
            f"value {self.value:g}, bound {bound}"
        )
        return text + (f"; {self.note}" if self.note else "")


class _Goals:
    """The goals as integer expressions over a program's variables, and their values."""

    def __init__(self, scenario: Scenario, cands: CandidateSet, lm: IntegerProgram) -> None:
        self.scenario, self.cands, self.lm = scenario, cands, lm
        n = len(cands)
        costs = scenario.costs
        self.cost: npt.NDArray[np.int64] | None = None
        self.cost_rounded = False
        if costs is not None:
            exact = cands.cost() * _COST_SCALE
            self.cost = np.ceil(np.round(exact, 6)).astype(np.int64)
            self.cost_rounded = bool((np.abs(self.cost - exact) > 1e-6).any())
            self.cost = np.concatenate((self.cost, np.zeros(lm.num_vars - n, dtype=np.int64)))
        self.groups = self._fairness_groups()
        self.recipients = fairness_recipients(scenario)

    def _fairness_groups(self) -> tuple[tuple[np.ndarray, np.ndarray, int], ...]:
        lm, t = self.lm, self.cands.tables
        assert lm.coverage_gap is not None and lm.coverage_coef is not None
        assert lm.coverage_full is not None and self.cands.eligible_by_gap is not None
        eligible = np.bincount(
            t.gap_recipient,
            weights=self.cands.eligible_by_gap,
            minlength=len(t.scenario.recipients),
        )
        gap_rec = np.where(
            lm.coverage_gap >= 0, t.gap_recipient[np.maximum(lm.coverage_gap, 0)], -1
        )
        groups = []
        for r in np.flatnonzero(eligible > 0).tolist():
            demand = int(lm.coverage_full[t.gap_recipient == r].sum())
            mine = np.flatnonzero((gap_rec == r) & (lm.coverage_coef != 0))
            if demand > 0:
                groups.append((mine, lm.coverage_coef[mine], demand))
        return tuple(groups)

    def scale(self) -> int:
        """The fairness unit, coarsened if 10^6 would overflow int64 on huge demands."""
        top = max((d for _, _, d in self.groups), default=1)
        scale = FAIRNESS_SCALE
        while scale > 1 and scale * top >= 2**62:
            scale //= 10
        return scale

    def integer(self, goal: str, chosen: npt.NDArray[np.bool_]) -> int:
        """The goal's value as the stage rows compare it."""
        values = self.lm.complete(chosen)
        if goal == "coverage":
            return self.lm.reported_value(values)
        if goal == "cost":
            assert self.cost is not None
            return int(np.dot(self.cost, values))
        scale = self.scale()
        shares = [
            scale * int(np.dot(coefs, values[vars_])) // demand
            for vars_, coefs, demand in self.groups
        ]
        return min(shares, default=scale)

    def value(self, goal: str, plan: Plan) -> float:
        """The goal's exact value in ``plan`` (recomputed by the validator's rules)."""
        if goal == "coverage":
            return plan.objective
        view = PlanView(self.scenario, plan.postings, plan.trainings)
        if goal == "cost":
            return total_cost(view)
        return fairness_value(view, self.recipients)


def _limit(goal: str, reference: int, tolerance: float) -> int:
    """The least (most, for cost) integer value later stages must keep."""
    slack = tolerance * abs(reference)
    if goal == "cost":
        return math.floor(reference + slack + 1e-9)
    return math.ceil(reference - slack - 1e-9)


def solve_stages(
    scenario: Scenario,
    params: SolveParams,
    progress: Callable[[Progress], None] | None = None,
    progress_interval: float = 1.0,
) -> Result:
    """Solve ``scenario``'s lexicographic stages (see the module docstring);
    ``progress`` is called as in :func:`matchaid.solve` (during a later stage with the
    current plan's coverage and the first stage's bound)."""
    run = _Run(scenario, params, progress, progress_interval)
    try:
        for k, stage in enumerate(scenario.stages):
            if run.interrupted:
                break
            if k == 0 and stage.goal is Goal.COVERAGE:
                outcome = run.coverage_first(stage)
            else:
                outcome = run.later(k, stage)
            run.record(stage, *outcome)
    except KeyboardInterrupt:  # between searches: keep what the stages found
        run.interrupted = True
    return run.result()


class _Run:
    """A lexicographic solve in progress: the program, the plan so far (``chosen``), the
    stages done and the limits they leave to later ones."""

    def __init__(
        self,
        scenario: Scenario,
        params: SolveParams,
        progress: Callable[[Progress], None] | None,
        progress_interval: float,
    ) -> None:
        self.scenario, self.params = scenario, params
        self.progress, self.progress_interval = progress, progress_interval
        self.t0 = time.perf_counter()
        self.deadline = None if params.time_limit is None else self.t0 + params.time_limit
        self.cands = generate_candidates(scenario)
        self.lm = build_program(self.cands, params.weights)
        self.goals = _Goals(scenario, self.cands, self.lm)
        self.chosen = np.zeros(len(self.cands), dtype=bool)
        self.first: Result | None = None
        self.results: list[StageResult] = []
        self.limits: list[tuple[str, int]] = []
        self.interrupted = False
        self.last_tick = 0.0

    def share(self, left: int) -> float | None:
        """This stage's share of the time left (``left`` stages to go)."""
        if self.deadline is None:
            return None
        return max(0.05, (self.deadline - time.perf_counter()) / left)

    def tick(self) -> None:
        """Progress during a later stage: the current plan's coverage, stage 1's bound."""
        now = time.perf_counter() - self.t0
        if self.progress is None or now - self.last_tick < self.progress_interval:
            return
        self.last_tick = now
        current = self.lm.scaling.value(self.goals.integer("coverage", self.chosen))
        first = self.first
        bound = None if first is None or not math.isfinite(first.best_bound) else first.best_bound
        self.progress(Progress(now, current, bound))

    def coverage_first(self, stage: Stage) -> tuple[SolveStatus, float | None, str | None]:
        """Stage 1 as coverage: the whole search (parts, LP bound, CP-SAT)."""
        from matchaid.search import solve

        stages = self.scenario.stages
        weights = self.params.weights if len(stages) == 1 else ObjectiveWeights(mode="off")
        first = solve(
            replace(self.scenario, stages=()),
            replace(self.params, time_limit=self.share(len(stages)), weights=weights),
            progress=self.progress,
            progress_interval=self.progress_interval,
        )
        self.first = first
        entries: list[Posting | Training] = [*first.plan.postings, *first.plan.trainings]
        found = self.cands.find(entries)
        assert (found >= 0).all(), "a plan of the same candidates"
        self.chosen[found] = True
        self.interrupted = first.interrupted
        bound = first.best_bound if math.isfinite(first.best_bound) else None
        note = None if first.status is SolveStatus.OPTIMAL else first.reason
        return first.status, bound, note

    def later(self, k: int, stage: Stage) -> tuple[SolveStatus, float | None, str | None]:
        """A stage solved by CP-SAT on the whole program, earlier stages as rows."""
        from matchaid.cp_sat import Stopper, solve_stage

        goal, stages = stage.goal.value, self.scenario.stages
        model = _stage_model(self.goals, goal, tuple(self.limits), tiebreak=k == len(stages) - 1)
        stopper = Stopper()
        run = partial(
            solve_stage,
            self.lm,
            model,
            self.chosen,
            self.share(len(stages) - k),
            self.params.workers or os.cpu_count() or 1,  # one model: every core
            {**DEFAULT_CP_SAT, **self.params.cp_sat},
            stopper,
        )
        outcome, self.interrupted = _interruptible(run, stopper, self.tick)
        note = "interrupted" if self.interrupted else None
        if outcome.chosen is not None:
            self.chosen = np.zeros(len(self.cands), dtype=bool)
            self.chosen[outcome.chosen] = True
        else:
            why = "interrupted" if self.interrupted else "no plan found in time"
            note = f"{why}: the previous stage's plan is kept"
        exact = not (goal == "cost" and self.goals.cost_rounded) and not self.lm.scaling.rounded
        if outcome.status == "optimal" and exact:
            status = SolveStatus.OPTIMAL
        else:
            status = SolveStatus.FEASIBLE if outcome.chosen is not None else SolveStatus.UNKNOWN
        return status, _bound_value(self.goals, goal, outcome.bound, model.fair_scale), note

    def record(
        self, stage: Stage, status: SolveStatus, bound: float | None, note: str | None
    ) -> None:
        """Keep a finished stage and the limit it leaves to later ones."""
        goal = stage.goal.value
        value = self.goals.value(goal, self.plan())
        if goal == "fairness" and bound is not None and status is SolveStatus.OPTIMAL:
            bound = max(bound, value)  # F is the share rounded down to 1e-6: proven to that
        if status is not SolveStatus.OPTIMAL:
            extra = "its best value is the reference for later stages"
            note = f"{note}; {extra}" if note else extra
        self.results.append(StageResult(goal, stage.tolerance, value, bound, status, note))
        reference = self.goals.integer(goal, self.chosen)
        self.limits.append((goal, _limit(goal, reference, stage.tolerance)))

    def plan(self) -> Plan:
        return Plan.of_decisions(self.cands, np.flatnonzero(self.chosen))

    def result(self) -> Result:
        return _result(
            self.scenario,
            self.cands,
            self.chosen,
            self.results,
            self.first,
            time.perf_counter() - self.t0,
            self.interrupted,
        )


def _interruptible(
    run: Callable[[], StageOutcome], stopper: Stopper, tick: Callable[[], None]
) -> tuple[StageOutcome, bool]:
    """Run a stage's CP-SAT search in a worker thread, so that Ctrl-C (a
    KeyboardInterrupt in this thread, also one raised by the progress callback for an
    interrupt whose KeyboardInterrupt was lost) stops it and keeps its best plan."""
    import concurrent.futures as cf

    interrupted = False
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(run)
        while True:
            try:
                return future.result(timeout=0.2), interrupted
            except cf.TimeoutError:
                try:
                    tick()
                except KeyboardInterrupt:
                    interrupted = True
                    stopper.stop()
            except KeyboardInterrupt:
                interrupted = True
                stopper.stop()


def _stage_model(
    goals: _Goals, goal: str, limits: tuple[tuple[str, int], ...], tiebreak: bool
) -> StageModel:
    from matchaid.cp_sat import StageModel

    fair = goal == "fairness" or any(g == "fairness" for g, _ in limits)
    return StageModel(
        goal=goal,
        cost=goals.cost,
        fair_scale=goals.scale() if fair else 1,  # (F exists only when fair)
        fair_groups=goals.groups if fair else (),
        limits=limits,
        tiebreak=tiebreak,
    )


def _bound_value(goals: _Goals, goal: str, bound: int | None, scale: int) -> float | None:
    if bound is None:
        return None
    if goal == "coverage":
        s = goals.lm.scaling
        return s.value(bound) + s.slack
    if goal == "fairness":
        return min(bound / scale, 1.0)
    return bound / _COST_SCALE


def _result(
    scenario: Scenario,
    cands: CandidateSet,
    chosen: npt.NDArray[np.bool_],
    stages: list[StageResult],
    first: Result | None,
    seconds: float,
    interrupted: bool = False,
) -> Result:
    plan = Plan.of_decisions(cands, np.flatnonzero(chosen))
    proven = all(s.status is SolveStatus.OPTIMAL for s in stages) and not interrupted
    objective = plan.objective
    bound = math.inf
    if first is not None and math.isfinite(first.best_bound):
        bound = max(first.best_bound, objective)
    reason = "lexicographic goals: " + "; ".join(
        f"{s.goal} {s.status.value} ({s.value:g})" for s in stages
    )
    return Result(
        status=SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
        plan=plan,
        objective=objective,
        best_bound=bound,
        gap=relative_gap(objective, bound) if math.isfinite(bound) else math.inf,
        build_seconds=0.0 if first is None else first.build_seconds,
        solve_seconds=seconds,
        num_candidates=len(cands),
        num_eligible=cands.num_eligible,
        excluded=MappingProxyType(cands.excluded),
        reason=reason + ("; interrupted: later stages were not run" if interrupted else ""),
        interrupted=interrupted,
        stages=tuple(stages),
    )
