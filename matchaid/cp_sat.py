"""The CP-SAT writer (the only module that imports ``ortools.sat``).

:func:`build_model` hands the integer program of :mod:`matchaid.program` (variables,
rows, objective, all NumPy arrays) to CP-SAT, writing its model proto directly: one
variable per array entry, ``at_most_one`` for rows that allow one posting at a time, a
linear constraint for every other row, and the objective. :mod:`matchaid.search` runs it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from matchaid.candidates import CandidateSet
from matchaid.exceptions import Problem
from matchaid.lns import Neighbourhood
from matchaid.program import (
    WEIGHT_SCALE,
    IntegerProgram,
    ObjectiveScaling,
    build_program,
)
from matchaid.weights import ObjectiveWeights

IntArray = npt.NDArray[np.int64]

__all__ = [
    "WEIGHT_SCALE",
    "BuiltModel",
    "CpSatSearch",
    "ObjectiveScaling",
    "PinCheck",
    "SearchOutcome",
    "StageModel",
    "StageOutcome",
    "Stopper",
    "build_model",
    "check_cp_sat_parameters",
    "check_pins",
    "solve_stage",
]


@dataclass(frozen=True, slots=True)
class BuiltModel:
    """A CP-SAT model ready to solve, with what is needed to read its solution.

    Variable ``i`` of :attr:`model` is variable ``i`` of :attr:`linear`; the first
    ``len(linear.cands)`` are the candidate postings' Booleans.
    """

    model: cp_model.CpModel
    linear: IntegerProgram

    @property
    def scaling(self) -> ObjectiveScaling:
        """How the integer objective maps back to weight units."""
        return self.linear.scaling

    @property
    def num_constraints(self) -> Mapping[str, int]:
        """Rows stated per rule."""
        return self.linear.rows_by_rule()


def set_hint(model: cp_model.CpModel, lm: IntegerProgram, chosen: npt.NDArray[np.bool_]) -> None:
    """Hint ``model`` (a model of ``lm``) with the plan taking the candidates marked in
    ``chosen``: every variable, so CP-SAT can take it as its first solution."""
    hint = model.proto.solution_hint
    hint.vars.clear()
    hint.values.clear()
    hint.vars.extend(range(lm.num_vars))
    hint.values.extend(lm.complete(chosen).tolist())


def to_cp_sat(
    lm: IntegerProgram,
    lower: IntArray | None = None,
    upper: IntArray | None = None,
    *,
    objective: bool = True,
) -> cp_model.CpModel:
    """A CP-SAT model of ``lm`` (maximising its objective, unless ``objective=False``);
    ``lower``/``upper``, when given, replace the variables' bounds (to fix some)."""
    return _model(
        lm.lower if lower is None else lower,
        lm.upper if upper is None else upper,
        (lm.indptr, lm.cols, lm.coefs, lm.rhs),
        lm.objective if objective else None,
    )


def _model(
    lo: IntArray,
    hi: IntArray,
    rows: tuple[IntArray, IntArray, IntArray, IntArray],
    objective: IntArray | None,
) -> cp_model.CpModel:
    """A CP-SAT model of integer variables in ``[lo, hi]``, rows ``(indptr, cols, coefs,
    rhs)`` in CSR form (``A v <= rhs``), maximising ``objective @ v`` if given."""
    model = cp_model.CpModel()
    proto = model.proto
    variables = proto.variables
    for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
        variables.add().domain.extend((a, b))
    constraints = proto.constraints
    indptr_a, cols_a, coefs_a, rhs_a = rows
    indptr = indptr_a.tolist()
    cols = cols_a.tolist()
    coefs = coefs_a.tolist()
    one_at_a_time = _one_at_a_time(indptr_a, cols_a, coefs_a, rhs_a, hi).tolist()
    for r, (rhs, amo) in enumerate(zip(rhs_a.tolist(), one_at_a_time, strict=True)):
        a, b = indptr[r], indptr[r + 1]
        if amo:
            constraints.add().at_most_one.literals.extend(cols[a:b])
        else:
            ct = constraints.add().linear
            ct.vars.extend(cols[a:b])
            ct.coeffs.extend(coefs[a:b])
            ct.domain.extend((cp_model.INT_MIN, rhs))
    if objective is None:
        return model
    keep = np.flatnonzero(objective)
    goal = proto.objective
    goal.vars.extend(keep.tolist())
    goal.coeffs.extend((-objective[keep]).tolist())  # CP-SAT minimises
    goal.scaling_factor = -1.0
    return model


def _one_at_a_time(
    indptr: IntArray, cols: IntArray, coefs: IntArray, rhs: IntArray, upper: IntArray
) -> npt.NDArray[np.bool_]:
    """Rows that allow at most one of some Booleans: ``sum(x) <= 1``."""
    other = (coefs != 1) | (upper[cols] != 1)
    row_of = np.repeat(np.arange(rhs.size), np.diff(indptr))
    mixed = np.bincount(row_of, weights=other, minlength=rhs.size) > 0
    return np.asarray((rhs == 1) & ~mixed)


def solve_neighbourhood(
    nb: Neighbourhood, hint: IntArray, seconds: float, seed: int, stopper: Stopper
) -> IntArray | None:
    """The best values CP-SAT finds for the sub-program ``nb`` in ``seconds`` (one
    worker), from the current plan's values ``hint``; ``None`` if none beats it."""
    model = _model(nb.lower, nb.upper, (nb.indptr, nb.cols, nb.coefs, nb.rhs), nb.objective)
    proto = model.proto
    proto.solution_hint.vars.extend(range(nb.var.size))
    proto.solution_hint.values.extend(hint.tolist())
    start = int(np.dot(nb.objective, hint))
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(0.01, seconds)
    p.num_workers = 1
    p.random_seed = seed
    p.linearization_level = 2
    p.catch_sigint_signal = False
    stopper.attach(solver)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = np.asarray(solver.response_proto.solution, dtype=np.int64)
    return values if int(np.dot(nb.objective, values)) > start else None


def build_model(cands: CandidateSet, weights: ObjectiveWeights) -> BuiltModel:
    """The CP-SAT model for ``cands``: variables, every rule, the objective."""
    lm = build_program(cands, weights)
    return BuiltModel(model=to_cp_sat(lm), linear=lm)


#: Raw CP-SAT parameters matchaid refuses, and why. Some would make CP-SAT's answer
#: claim more than was proven (its bound would be for a restricted model); the others
#: are matchaid's own settings under another name.
REFUSED_CP_SAT: Mapping[str, str] = {
    "fix_variables_to_their_hinted_value": (
        "it solves only the hinted plan's neighbourhood, so CP-SAT's bound and 'optimal' "
        "would not hold for the scenario"
    ),
    "stop_after_presolve": "the search would never run",
    "catch_sigint_signal": (
        "matchaid stops the search on Ctrl-C itself and keeps the best plan; CP-SAT's own "
        "handler races with it"
    ),
    "max_time_in_seconds": "use the time_limit setting (shared among independent parts)",
    "max_deterministic_time": "use the deterministic_time setting",
    "num_workers": "use the workers setting",
    "num_search_workers": "use the workers setting",
    "random_seed": "use the seed setting",
}


def check_cp_sat_parameters(values: Mapping[str, Any]) -> list[Problem]:
    """Problems with raw CP-SAT parameters given by name (unknown names, wrong types,
    and the names in :data:`REFUSED_CP_SAT`)."""
    problems = []
    for name, value in values.items():
        if name in REFUSED_CP_SAT:
            problems.append(Problem(f"cp_sat.{name}", f"not accepted: {REFUSED_CP_SAT[name]}"))
            continue
        probe = sat_parameters_pb2.SatParameters()
        try:
            setattr(probe, name, value)
        except (AttributeError, TypeError, ValueError, OverflowError) as exc:
            problems.append(
                Problem(f"cp_sat.{name}", f"not a CP-SAT parameter or wrong type: {exc}")
            )
    return problems


def apply_parameters(solver: cp_model.CpSolver, values: Mapping[str, Any]) -> None:
    """Set CP-SAT parameters by name on ``solver``."""
    for name, value in values.items():
        setattr(solver.parameters, name, value)


#: CP-SAT's named full-problem subsolver for each ``linearization_level``.
_LP_SUBSOLVER = {0: "no_lp", 1: "default_lp", 2: "max_lp"}


def lead_with_own_lp(solver: cp_model.CpSolver) -> None:
    """Make the first full-problem worker of CP-SAT's portfolio keep ``solver``'s own
    ``linearization_level``.

    With two workers or more, CP-SAT runs a portfolio of named subsolvers, and each
    overwrites ``linearization_level`` (OR-Tools 9.15, ``GetNamedParameters``:
    ``default_lp`` is level 1); at two workers the one full-problem worker is
    ``default_lp``, the other runs neighbourhoods. So matchaid's level 2 held on one
    worker and was lost on two. Putting the subsolver of the same level in front
    (``extra_subsolvers``) keeps the rest of the portfolio. Measured on the part of
    4,467 decisions that tier m with the programme rules (seed 1) failed to prove:
    CP-SAT on it for 90 s, from the plan the search hinted it with, two workers, solver
    seeds 0-5: proven in 5.1-44.9 s with ``default_lp`` at level 2 and in 15.0-26.2 s
    with ``max_lp`` in front (seeds 0-4), where the default portfolio proved neither of
    seeds 0 and 1 (bounds 14% and 15% above the optimum at 90 s); one worker proved 2
    of the 6 seeds."""
    p = solver.parameters
    name = _LP_SUBSOLVER.get(p.linearization_level)
    if name is not None and name not in p.extra_subsolvers:
        ordered = [name, *p.extra_subsolvers]
        p.extra_subsolvers.clear()
        p.extra_subsolvers.extend(ordered)


#: Floats carry integers exactly below this; CP-SAT's float reports above it are ignored
#: (its integer response is read instead).
_EXACT_FLOAT = 2**53


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """What one CP-SAT search established.

    Attributes
    ----------
    chosen
        The candidates of its best plan, or ``None`` if it found none.
    bound
        CP-SAT's integer bound on the model's objective (its inner bound, never its
        status word), or ``None``.
    invalid
        CP-SAT's message if it rejected the model.
    infeasible
        CP-SAT proved the model has no solution.
    """

    chosen: npt.NDArray[np.int64] | None
    bound: int | None
    invalid: str | None = None
    infeasible: bool = False


class CpSatSearch:
    """One CP-SAT search, stoppable from any thread.

    Parameters
    ----------
    seconds, deterministic_time
        Its budgets (``None``: none).
    workers, seed, log
        CP-SAT's worker count, random seed, and whether to log its progress (to the
        ``matchaid`` logger).
    cp_sat
        Raw CP-SAT parameters by name (checked with :func:`check_cp_sat_parameters`).
    """

    def __init__(
        self,
        seconds: float | None,
        deterministic_time: float | None,
        workers: int,
        seed: int,
        log: bool,
        cp_sat: Mapping[str, Any],
    ) -> None:
        import logging

        self.solver = solver = cp_model.CpSolver()
        p = solver.parameters
        if seconds is not None:
            p.max_time_in_seconds = max(0.01, seconds)
        if deterministic_time is not None:
            p.max_deterministic_time = deterministic_time
        p.num_workers = workers
        p.random_seed = seed
        p.log_search_progress = log
        if log:
            logger = logging.getLogger("matchaid")
            solver.log_callback = lambda line: logger.info("%s", line)
        apply_parameters(solver, cp_sat)
        if workers > 1:
            lead_with_own_lp(solver)
        # Python owns SIGINT: CP-SAT's own handler races with it and can abort the
        # process (std::bad_function_call); matchaid stops the search itself.
        p.catch_sigint_signal = False

    def stop(self) -> None:
        """Stop the search (from any thread); it returns its best plan so far."""
        self.solver.stop_search()

    @property
    def deterministic_time(self) -> float:
        """CP-SAT's deterministic time spent."""
        return float(self.solver.deterministic_time)

    @property
    def num_conflicts(self) -> int:
        """Conflicts met."""
        return int(self.solver.num_conflicts)

    @property
    def num_branches(self) -> int:
        """Branches taken."""
        return int(self.solver.num_branches)

    def solution_info(self) -> str:
        """CP-SAT's word on its last solution."""
        return str(self.solver.solution_info())

    def run(
        self,
        model: cp_model.CpModel,
        num_candidates: int,
        on_solution: Callable[[int], bool],
        on_bound: Callable[[int], None] | None,
    ) -> SearchOutcome:
        """Search ``model``. ``on_solution(objective)`` is called for each better plan
        (integer objective) and stops the search when it returns ``True``;
        ``on_bound(bound)`` is called when CP-SAT proves a better integer bound."""

        class _Watcher(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                value = self.objective_value
                if abs(value) < _EXACT_FLOAT and on_solution(round(value)):
                    self.stop_search()

        if on_bound is not None:
            report = on_bound

            def bound_callback(bound: float) -> None:
                if abs(bound) < _EXACT_FLOAT:
                    report(math.floor(bound))

            self.solver.best_bound_callback = bound_callback
        code = self.solver.solve(model, _Watcher())
        if code == cp_model.MODEL_INVALID:
            return SearchOutcome(None, None, self.solver.solution_info() or "model invalid")
        if code == cp_model.INFEASIBLE:
            return SearchOutcome(None, None, infeasible=True)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return SearchOutcome(None, None)
        values = np.asarray(self.solver.response_proto.solution, dtype=np.int64)
        bound = -int(self.solver.response_proto.inner_objective_lower_bound)
        return SearchOutcome(
            np.flatnonzero(values[:num_candidates]), bound if abs(bound) < 2**62 else None
        )


@dataclass(frozen=True, slots=True)
class PinCheck:
    """Whether the fixed pins of a program can hold together.

    Attributes
    ----------
    status
        ``feasible`` (``chosen`` is a valid plan with every pin), ``infeasible``
        (``conflict`` is a set of pins that cannot hold together, minimal when the
        time allowed checking it) or ``unknown`` (out of time).
    chosen
        Candidate indices of a valid plan keeping every pin, when feasible.
    conflict
        Candidate indices of the conflicting fixed pins, when infeasible.
    minimal
        Whether no pin can be left out of ``conflict`` and still conflict (proven).
    """

    status: str
    chosen: npt.NDArray[np.int64] | None = None
    conflict: tuple[int, ...] = ()
    minimal: bool = False


def check_pins(lm: IntegerProgram, seconds: float | None) -> PinCheck:
    """Find a plan keeping every fixed pin of ``lm``, or a smallest set of fixed pins
    that cannot hold together: each pin's Boolean is an assumption of a CP-SAT model with
    no objective and one worker (as google/or-tools#3943 advises), and the core CP-SAT
    returns is shrunk by leaving out one pin at a time while the rest stays infeasible."""
    import time

    n = len(lm.cands)
    pins = np.flatnonzero(lm.lower[:n] > 0)
    t0 = time.perf_counter()

    def run(assumed: list[int]) -> tuple[Any, cp_model.CpSolver]:
        model = to_cp_sat(lm, lower=np.zeros(lm.num_vars, dtype=np.int64), objective=False)
        model.proto.assumptions.extend(assumed)
        solver = cp_model.CpSolver()
        solver.parameters.catch_sigint_signal = False  # Python owns SIGINT (see CpSatSearch)
        solver.parameters.num_workers = 1
        if seconds is not None:
            solver.parameters.max_time_in_seconds = max(0.05, seconds - (time.perf_counter() - t0))
        return solver.solve(model), solver

    status, solver = run(pins.tolist())
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.asarray(solver.response_proto.solution, dtype=np.int64)[:n]
        return PinCheck("feasible", chosen=np.flatnonzero(values > 0))
    if status != cp_model.INFEASIBLE:
        return PinCheck("unknown")
    core = [int(i) for i in solver.sufficient_assumptions_for_infeasibility()] or pins.tolist()
    minimal = True
    for pin in list(core):
        trial = [p for p in core if p != pin]
        if seconds is not None and time.perf_counter() - t0 > seconds:
            minimal = False
            break
        status, _ = run(trial)
        if status == cp_model.INFEASIBLE:
            core = trial
        elif status != cp_model.FEASIBLE and status != cp_model.OPTIMAL:
            minimal = False
    return PinCheck("infeasible", conflict=tuple(sorted(core)), minimal=minimal)


class Stopper:
    """Lets another thread stop the CP-SAT search running in a stage (Ctrl-C)."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._solver: cp_model.CpSolver | None = None
        self.stopped = False

    def attach(self, solver: cp_model.CpSolver) -> None:
        with self._lock:
            self._solver = solver
            if self.stopped:
                solver.stop_search()

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            if self._solver is not None:
                self._solver.stop_search()


@dataclass(frozen=True, slots=True)
class StageModel:
    """What a lexicographic stage optimises, as integer expressions over the program's
    variables (see :mod:`matchaid.stages`).

    Attributes
    ----------
    goal
        ``coverage`` or ``fairness`` (maximised) or ``cost`` (minimised), or ``linear``
        (maximised: ``linear @ v``, such as re-planning's fewest changes).
    cost
        Per candidate, its cost in integer units (cost goal or limit only).
    linear
        Per variable of the program, the coefficient of the ``linear`` goal.
    fair_scale, fair_groups
        Fairness ``F`` in units of ``1 / fair_scale``, with a row ``fair_scale x
        sum(coefs x v[vars]) - demand x F >= 0`` per ``(vars, coefs, demand)``.
    limits
        Earlier stages: ``(goal, limit)``, kept at least (at most, for cost) ``limit``.
    tiebreak
        Add the tie-break terms below the goal (the last stage).
    """

    goal: str
    cost: IntArray | None = None
    fair_scale: int = 1
    fair_groups: tuple[tuple[IntArray, IntArray, int], ...] = ()
    limits: tuple[tuple[str, int], ...] = ()
    tiebreak: bool = False
    linear: IntArray | None = None


@dataclass(frozen=True, slots=True)
class StageOutcome:
    """A stage's CP-SAT search: ``status`` (``optimal``, ``feasible``, ``infeasible`` or
    ``unknown``), the candidates of its plan, and CP-SAT's bound on the goal (integer
    units; ``None`` if unknown)."""

    status: str
    chosen: npt.NDArray[np.int64] | None
    bound: int | None


def solve_stage(
    lm: IntegerProgram,
    stage: StageModel,
    hint: npt.NDArray[np.bool_],
    seconds: float | None,
    workers: int,
    parameters: Mapping[str, Any],
    stopper: Stopper | None = None,
) -> StageOutcome:
    """Optimise one lexicographic stage over ``lm`` (its rows and bounds), keeping the
    earlier stages' limits; ``hint`` is the previous stage's plan. In the last stage
    (``stage.tiebreak``) the goal is optimised first; then, with the goal kept at the
    value found, the tie-break terms, for at most twice the goal's time (at least 1 s)
    within the time left."""
    import time

    t0 = time.perf_counter()
    outcome, value = _solve_once(lm, stage, False, hint, seconds, workers, parameters, stopper)
    m = lm.scaling.multiplier
    if not stage.tiebreak or outcome.chosen is None or lm.scaling.mode != "tiebreak" or m <= 1:
        return outcome
    if stopper is not None and stopper.stopped:
        return outcome
    spent = time.perf_counter() - t0
    # The tie-breaks are secondary: at most twice the goal's time (and at least 1 s).
    left = max(1.0, 2 * spent)
    if seconds is not None:
        left = min(left, seconds - spent)
    if left < 0.05:
        return outcome
    keep = replace(stage, limits=(*stage.limits, (stage.goal, value)), tiebreak=False)
    chosen = np.zeros(len(lm.cands), dtype=bool)
    chosen[outcome.chosen] = True
    second, _ = _solve_once(lm, keep, True, chosen, left, workers, parameters, stopper)
    if second.chosen is None:
        return outcome
    return StageOutcome(outcome.status, second.chosen, outcome.bound)


def _stage_model_proto(
    lm: IntegerProgram, stage: StageModel, secondary_only: bool
) -> tuple[cp_model.CpModel, list[int], list[int], int]:
    """The CP-SAT model of a stage: the program's rows, fairness rows, earlier stages'
    limits and the objective (the goal, or the tie-breaks); with the goal's variables,
    coefficients and sign (1: maximised, -1: minimised)."""
    model = to_cp_sat(lm, objective=False)
    proto = model.proto
    fair = lm.num_vars
    uses_fairness = stage.goal == "fairness" or any(g == "fairness" for g, _ in stage.limits)
    if uses_fairness:  # F: the least share, in 1/fair_scale (no group: every share is 1)
        proto.variables.add().domain.extend((0, stage.fair_scale))
        for vars_, coefs, demand in stage.fair_groups:
            ct = proto.constraints.add().linear
            ct.vars.extend([*vars_.tolist(), fair])
            ct.coeffs.extend([*(stage.fair_scale * coefs).tolist(), -demand])
            ct.domain.extend((0, cp_model.INT_MAX))

    def expression(goal: str) -> tuple[list[int], list[int]]:
        if goal == "coverage":
            keep = np.flatnonzero(lm.primary)
            return keep.tolist(), lm.primary[keep].tolist()
        if goal == "fairness":
            return [fair], [1]
        if goal == "linear":
            assert stage.linear is not None
            keep = np.flatnonzero(stage.linear)
            return keep.tolist(), stage.linear[keep].tolist()
        assert stage.cost is not None
        keep = np.flatnonzero(stage.cost)
        return keep.tolist(), stage.cost[keep].tolist()

    for goal, limit in stage.limits:
        limit_vars, limit_coefs = expression(goal)
        ct = proto.constraints.add().linear
        ct.vars.extend(limit_vars)
        ct.coeffs.extend(limit_coefs)
        if goal == "cost":
            ct.domain.extend((cp_model.INT_MIN, limit))
        else:
            ct.domain.extend((limit, cp_model.INT_MAX))
    goal_vars, goal_coefs = expression(stage.goal)
    sign = -1 if stage.goal == "cost" else 1  # maximise sign x goal
    if secondary_only:
        secondary = lm.objective - lm.scaling.multiplier * lm.primary
        keep = np.flatnonzero(secondary)
        weights = dict(zip(keep.tolist(), secondary[keep].tolist(), strict=True))
    else:
        weights = {v: sign * c for v, c in zip(goal_vars, goal_coefs, strict=True)}
    goal_proto = proto.objective
    goal_proto.vars.extend(list(weights))
    goal_proto.coeffs.extend([-c for c in weights.values()])  # CP-SAT minimises
    goal_proto.scaling_factor = -1.0
    return model, goal_vars, goal_coefs, sign


def _solve_once(
    lm: IntegerProgram,
    stage: StageModel,
    secondary_only: bool,
    hint: npt.NDArray[np.bool_],
    seconds: float | None,
    workers: int,
    parameters: Mapping[str, Any],
    stopper: Stopper | None = None,
) -> tuple[StageOutcome, int]:
    """One CP-SAT solve of a stage: its goal (or, with ``secondary_only``, the tie-break
    terms); the outcome and the goal's value in the plan found."""
    model, goal_vars, goal_coefs, sign = _stage_model_proto(lm, stage, secondary_only)
    n = len(lm.cands)
    set_hint(model, lm, np.asarray(hint, dtype=bool))
    solver = cp_model.CpSolver()
    apply_parameters(solver, parameters)
    solver.parameters.catch_sigint_signal = False  # Python owns SIGINT (see CpSatSearch)
    solver.parameters.num_workers = max(1, workers)
    if seconds is not None:
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
    if stopper is not None:
        stopper.attach(solver)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return StageOutcome("infeasible", None, None), 0
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return StageOutcome("unknown", None, None), 0
    solution = np.asarray(solver.response_proto.solution, dtype=np.int64)
    picks = np.flatnonzero(solution[:n] > 0)
    value = int(np.dot(np.asarray(goal_coefs, dtype=np.int64), solution[goal_vars]))
    word = "optimal" if status == cp_model.OPTIMAL else "feasible"
    raw = math.floor(solver.best_objective_bound + 1e-6)  # on the maximised objective
    return StageOutcome(word, picks, raw if sign > 0 else -raw), value
