"""Independent parts solved on other machines: :func:`solve` with an ``executor``.

A programme that splits (counterpart pairings by province, say) is a set of independent
problems: their best plans together are the best plan, their bounds add up. Here they
go to an executor's workers:

1. The driver generates the candidates once, only to find the parts
   (:func:`matchaid.decompose.independent_parts`), and packs them into as many bundles as
   the executor has workers (largest part first, into the lightest bundle).
2. Each bundle becomes a smaller scenario: the same donors, recipients, pairings and
   rules, with only the bundle's experts, trainees and the pins of those experts. Every
   posting of an expert, and every placement of a trainee, belongs to one part, so the
   smaller scenario's candidates are exactly the bundle's. It is shipped to a worker as
   its JSON document (plain data: what a scenario file holds),
   which generates its own candidates there and runs :func:`matchaid.solve` on it with
   the same settings (its cores, the whole time limit).
3. The driver joins the plans, checks the joined plan against the whole scenario with
   the independent validator, and adds up the bounds. The result is ``optimal`` only if
   every bundle's is.

The executor is anything with ``submit(fn, *args)`` returning a future with ``done()``,
``result()`` and ``cancel()``: a ``dask.distributed.Client`` (its workers are counted from
the scheduler) or a :class:`concurrent.futures.Executor`. Lexicographic goals
(``Scenario.stages``) link the parts through their later goals, and a scenario that does
not split has nothing to ship: both are solved here, in this process.

On an interrupt (Ctrl-C) the driver stops waiting: bundles already solved keep their
plans, the others get the greedy plan, computed here. (A task already running on a
worker runs on to its time limit: executors cannot stop a running function.)
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from matchaid.arrays import IntArray
from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.decompose import independent_parts
from matchaid.domain import Scenario
from matchaid.exceptions import SolverError
from matchaid.io._document import scenario_from_document, scenario_to_document
from matchaid.params import SolveParams
from matchaid.plan import Plan
from matchaid.posting import Posting, Training
from matchaid.program import build_program
from matchaid.result import Progress, Result, SolveStatus, Statistics, relative_gap
from matchaid.validation import objective_value, validate

__all__ = ["Outcome", "bundle_scenarios", "solve_spread"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a worker sends back for one bundle: its plan and what is proven about it
    (plain values: a :class:`~matchaid.Result` holds the scenario and read-only mappings
    that need not travel)."""

    postings: tuple[Posting, ...]
    trainings: tuple[Training, ...]
    status: str
    objective: float
    best_bound: float
    build_seconds: float
    solve_seconds: float
    reason: str | None
    num_conflicts: int
    lp_seconds: float


def solve_bundle(document: dict[str, Any], params: SolveParams) -> Outcome:
    """Solve one bundle's scenario, sent as its JSON document (on a worker)."""
    from matchaid.search import solve

    r = solve(scenario_from_document(document, "<bundle>"), params)
    return Outcome(
        postings=r.plan.postings,
        trainings=r.plan.trainings,
        status=r.status.value,
        objective=r.objective,
        best_bound=r.best_bound,
        build_seconds=r.build_seconds,
        solve_seconds=r.solve_seconds,
        reason=r.reason,
        num_conflicts=r.stats.num_conflicts,
        lp_seconds=r.stats.lp_seconds,
    )


def worker_count(executor: Any, parts: int) -> int:
    """How many bundles to make: the Dask scheduler's workers, an executor's
    ``_max_workers``, or one per part."""
    info = getattr(executor, "scheduler_info", None)
    if callable(info):
        return max(1, len(info().get("workers", {})))
    return max(1, int(getattr(executor, "_max_workers", parts)))


def _pack(groups: Sequence[IntArray], bundles: int) -> list[IntArray]:
    """Parts (largest first) into ``bundles`` bundles, each into the lightest so far."""
    heap = [(0, k) for k in range(min(bundles, len(groups)))]
    members: list[list[IntArray]] = [[] for _ in heap]
    for g in sorted(groups, key=lambda g: (-len(g), int(g[0]))):
        size, k = heapq.heappop(heap)
        members[k].append(g)
        heapq.heappush(heap, (size + len(g), k))
    return [np.sort(np.concatenate(m)) for m in members if m]


def bundle_scenarios(
    scenario: Scenario, cands: CandidateSet, bundles: Sequence[IntArray]
) -> list[Scenario]:
    """For each bundle of decision indices, the scenario restricted to its experts and
    trainees (and the pins of those experts); everything else is kept."""
    n = cands.num_postings
    out = []
    for idx in bundles:
        experts = {scenario.experts[e].id for e in np.unique(cands.expert[idx[idx < n]]).tolist()}
        placed = cands.placements.trainee[idx[idx >= n] - n]
        trainees = {scenario.trainees[t].id for t in np.unique(placed).tolist()}
        out.append(
            replace(
                scenario,
                experts=tuple(e for e in scenario.experts if e.id in experts),
                trainees=tuple(t for t in scenario.trainees if t.id in trainees),
                pins=tuple(p for p in scenario.pins if p.expert in experts),
            )
        )
    return out


def solve_spread(
    scenario: Scenario,
    params: SolveParams,
    executor: Any,
    progress: Callable[[Progress], None] | None = None,
    progress_interval: float = 1.0,
) -> Result:
    """:func:`matchaid.solve` with the independent parts on ``executor`` (see the module
    docstring)."""
    from matchaid.search import _check_fixed_pins, solve

    if scenario.stages or not params.decompose:
        return solve(scenario, params, progress=progress, progress_interval=progress_interval)
    t0 = time.perf_counter()
    _check_fixed_pins(scenario)  # a fixed pin with no candidate would join no bundle
    cands = generate_candidates(scenario)
    groups = independent_parts(build_program(cands, params.weights))
    if len(groups) <= 1:
        return solve(scenario, params, progress=progress, progress_interval=progress_interval)
    bundles = _pack(groups, worker_count(executor, len(groups)))
    subs = bundle_scenarios(scenario, cands, bundles)
    build_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    # Scenarios travel as their documents (plain data, exactly the file format).
    futures = [executor.submit(solve_bundle, scenario_to_document(sub), params) for sub in subs]
    outcomes, interrupted = _wait(futures, t1, progress, progress_interval)
    for k, sub in enumerate(subs):
        if outcomes[k] is None:  # not back before an interrupt: the greedy plan
            outcomes[k] = _greedy_outcome(sub, params)
    done = [o for o in outcomes if o is not None]
    return _join(
        scenario,
        cands,
        params,
        done,
        len(groups),
        build_seconds,
        time.perf_counter() - t1,
        interrupted,
    )


def _wait(
    futures: list[Any],
    t1: float,
    progress: Callable[[Progress], None] | None,
    interval: float,
) -> tuple[list[Outcome | None], bool]:
    """Each future's outcome (``None`` for those not back when an interrupt came)."""
    next_report = t1 + interval
    try:
        while not all(f.done() for f in futures):
            time.sleep(0.05)
            now = time.perf_counter()
            if progress is not None and now >= next_report:
                progress(Progress(seconds=now - t1, objective=None, best_bound=None))
                next_report = now + interval
        return [f.result() for f in futures], False
    except KeyboardInterrupt:
        for f in futures:
            f.cancel()
        return [f.result() if f.done() and not f.cancelled() else None for f in futures], True


def _greedy_outcome(scenario: Scenario, params: SolveParams) -> Outcome:
    from matchaid.greedy import greedy_plan

    plan = greedy_plan(scenario)
    value = objective_value(scenario, plan, params.weights)
    return Outcome(
        plan.postings,
        plan.trainings,
        "feasible",
        value,
        math.inf,
        0.0,
        0.0,
        "interrupted before the worker finished: the greedy plan",
        0,
        0.0,
    )


def _posting_key(p: Posting) -> tuple[str, int, str, str]:
    return (p.expert, p.start, p.recipient, p.specialty)


def _training_key(t: Training) -> tuple[str, int, str]:
    return (t.trainee, t.start, t.donor)


def _join(
    scenario: Scenario,
    cands: CandidateSet,
    params: SolveParams,
    outcomes: list[Outcome],
    num_parts: int,
    build_seconds: float,
    solve_seconds: float,
    interrupted: bool,
) -> Result:
    """One result from the bundles' outcomes: the union of their plans, checked whole,
    and the sum of their bounds."""
    plan = Plan(
        scenario,
        tuple(sorted((p for o in outcomes for p in o.postings), key=_posting_key)),
        tuple(sorted((t for o in outcomes for t in o.trainings), key=_training_key)),
    )
    from matchaid.search import _violation_report

    violations = validate(scenario, plan)
    if violations:
        raise SolverError(_violation_report(violations))
    objective = objective_value(scenario, plan, params.weights)
    bound = sum(o.best_bound for o in outcomes)
    optimal = all(o.status == SolveStatus.OPTIMAL.value for o in outcomes)
    bound = objective if optimal else max(bound, objective)
    reasons = sorted({o.reason for o in outcomes if o.reason})
    status = SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE
    stats = Statistics(
        num_parts=num_parts,
        parts_solved_in_parallel=len(outcomes),
        num_conflicts=sum(o.num_conflicts for o in outcomes),
        lp_seconds=sum(o.lp_seconds for o in outcomes),
    )
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
        reason=(
            None
            if optimal
            else f"{len(outcomes)} bundles of {num_parts} parts on the executor: "
            + "; ".join(reasons or ["not every bundle was proven optimal"])
        ),
        interrupted=interrupted,
        stats=stats,
    )
