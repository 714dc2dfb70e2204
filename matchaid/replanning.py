"""Re-planning after a change: :func:`replan`, and ``matchaid replan``.

Given a scenario, its plan, changes (the format of :mod:`matchaid.io.changes`) and the
period ``now``:

- **The past is frozen.** Every posting and training placement of the old plan that
  starts before ``now`` is kept exactly (a withdrawn expert's posting still active at
  the withdrawal is cut to end there); it counts in every capacity and in coverage and
  is exempt from eligibility. New postings start at ``now`` or later and are eligible
  under the changed scenario; rules stated period by period bind from ``now`` on
  (:class:`~matchaid.domain.Past`).
- **The objective is lexicographic.** First the primary objective over the whole
  horizon (the past included) is maximised, by the whole search of
  :func:`matchaid.solve`, started from the old plan; then, keeping that value, CP-SAT
  minimises the **changes**: old postings (and placements) starting at or after ``now``
  that are not in the new plan, plus new ones starting at or after ``now`` that are not
  in the old plan. With ``moves_weight = w`` the second stage instead maximises
  ``primary - w x changes`` (no limit on the primary objective); the first still runs,
  so that the best coverage and its bound are known.

The scenario's own lexicographic goals (``objective.stages``) are not used: re-planning
has its own two stages.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.diff import PlanDiff, plan_diff
from matchaid.domain import Past, Scenario
from matchaid.exceptions import InputError, Problem, ScenarioError, SolverError
from matchaid.io.changes import apply_changes
from matchaid.params import DEFAULT_CP_SAT, SolveParams
from matchaid.plan import Plan
from matchaid.posting import Posting, Training
from matchaid.program import IntegerProgram, build_program
from matchaid.result import Progress, Result, SolveStatus, relative_gap
from matchaid.stages import StageResult
from matchaid.validation import validate

__all__ = ["Replan", "ReplanError", "past_of", "plan_scenario", "replan"]

#: Codes of the rules that more postings can never mend: if the past alone breaks one
#: from ``now`` on, no plan keeps the past.
_MONOTONE = frozenset(
    (
        "overlap",
        "max_postings",
        "release",
        "max_away",
        "hosting",
        "seats",
        "budget",
        "max_donors",
        "max_donor_groups",
        "training",
    )
)

Entry = Posting | Training

#: CP-SAT workers of the second stage unless ``params.workers`` limits them. Its
#: portfolio with 8 workers holds the bound-proving subsolvers: on the Tibet example
#: (2,140 candidates, 2 cores, 3 seeds) 8 workers proved the fewest changes in 2.7-5.9
#: s, 1 worker in 11-14 s, while 2 workers (one per core) left the bound at 0 after 20 s.
PORTFOLIO_WORKERS = 8


class ReplanError(InputError):
    """Re-planning cannot start: ``now`` is outside the horizon, the old plan is not a
    valid plan of the scenario, or the past alone breaks the changed scenario."""


@dataclass(frozen=True, slots=True)
class Replan:
    """What :func:`replan` returns.

    Attributes
    ----------
    result
        The new plan (over :attr:`scenario`) with its status, primary objective, proven
        bound and gap; ``result.stages`` holds the two stages (``coverage``, then
        ``changes``, or with a moves weight ``coverage - w x changes``). The status is
        ``optimal`` only when both stages are proven.
    scenario
        The changed scenario with its :class:`~matchaid.domain.Past`.
    old
        The old plan.
    changes
        The list of changes applied, as given.
    now
        The first period that may change.
    num_changes
        Changes of the new plan against the old (see the module docstring).
    least_changes
        A proven lower bound on the changes of any plan at the new plan's primary
        objective (equal to ``num_changes`` when proven fewest; ``None`` with a moves
        weight or when unknown).
    moves_weight
        The weight per change of the trade-off, or ``None`` (lexicographic).
    diff
        The plan diff, old to new, counting changes from ``now`` on.
    """

    result: Result
    scenario: Scenario
    old: Plan
    changes: tuple[Mapping[str, Any], ...]
    now: int
    num_changes: int
    least_changes: int | None
    moves_weight: float | None
    diff: PlanDiff

    @property
    def plan(self) -> Plan:
        """The new plan."""
        return self.result.plan

    def __repr__(self) -> str:
        return (
            f"Replan(now={self.now}, {len(self.changes)} changes given, "
            f"num_changes={self.num_changes}, least_changes={self.least_changes}, "
            f"result={self.result!r})"
        )

    @property
    def status(self) -> SolveStatus:
        """The status over both stages."""
        return self.result.status

    @property
    def objective(self) -> float:
        """The new plan's primary objective."""
        return self.result.objective

    def record(self) -> dict[str, Any]:
        """What a re-planned plan file carries as its ``"replan"`` entry: enough to check
        the plan again from the original scenario (the changes, ``now`` and the past)."""
        assert self.scenario.past is not None
        return {
            "now": self.now,
            "changes": [dict(c) for c in self.changes],
            "num_changes": self.num_changes,
            "least_changes": self.least_changes,
            "moves_weight": self.moves_weight,
            "past": {
                "postings": [asdict(p) for p in self.scenario.past.postings],
                "trainings": [asdict(t) for t in self.scenario.past.trainings],
            },
        }

    def summary(self, *, max_rows: int = 20) -> str:
        """The new plan's result, then the diff."""
        if self.moves_weight is not None:
            what = f"coverage traded at {self.moves_weight:g} per change"
        elif self.least_changes == self.num_changes:
            what = "proven fewest at that objective"
        elif self.least_changes is None:
            what = "not proven fewest at that objective"
        else:
            what = (
                f"not proven fewest: any plan at that objective has at least {self.least_changes}"
            )
        head = f"re-planned from period {self.now}: {self.num_changes} changes ({what})"
        return "\n".join([head, self.result.summary(max_rows=max_rows), "", self.diff.to_text()])


def past_of(old: Plan | Iterable[Entry], changes: Sequence[Mapping[str, Any]], now: int) -> Past:
    """The past of ``old`` at ``now``: its postings and placements starting before
    ``now``, each posting of a withdrawn expert still active at the withdrawal cut to
    end there (the earliest withdrawal of an expert counts)."""
    postings, trainings = _entries(old)
    withdrawn: dict[str, int] = {}
    for c in changes:
        if "withdraw" in c and isinstance(c.get("from"), int):
            e = str(c["withdraw"])
            withdrawn[e] = min(withdrawn.get(e, c["from"]), c["from"])
    kept = []
    for p in postings:
        if p.start >= now:
            continue
        stop = withdrawn.get(p.expert)
        if stop is not None and p.end > stop:
            p = replace(p, months=stop - p.start)
        kept.append(p)
    return Past(
        now,
        tuple(sorted(set(kept))),
        tuple(sorted({t for t in trainings if t.start < now})),
    )


def _entries(plan: Plan | Iterable[Entry]) -> tuple[tuple[Posting, ...], tuple[Training, ...]]:
    if isinstance(plan, Plan):
        return plan.postings, plan.trainings
    items = list(plan)
    return (
        tuple(x for x in items if isinstance(x, Posting)),
        tuple(x for x in items if isinstance(x, Training)),
    )


def replan(
    scenario: Scenario,
    plan: Plan | Iterable[Entry],
    changes: Sequence[Mapping[str, Any]],
    now: int,
    params: SolveParams | None = None,
    *,
    moves_weight: float | None = None,
    progress: Callable[[Progress], None] | None = None,
    progress_interval: float = 1.0,
    source: str = "<changes>",
) -> Replan:
    """Re-plan ``scenario``'s ``plan`` after ``changes``, keeping what happened before
    ``now`` (see the module docstring).

    Parameters
    ----------
    scenario, plan
        The scenario and its (valid) plan.
    changes
        Change objects, as in a changes file (:mod:`matchaid.io.changes`).
    now
        The first period that may change (``0`` to the horizon's length).
    params
        Search settings; ``time_limit`` covers both stages (the first gets at most 60%
        of it).
    moves_weight
        ``w >= 0``: trade coverage for fewer changes, maximising ``primary - w x
        changes`` in the second stage, instead of the fewest changes at the best primary
        objective.
    progress, progress_interval
        As in :func:`matchaid.solve` (the first stage's search).
    source
        What error messages name (the changes file).

    Raises
    ------
    ReplanError
        If ``now`` is outside the horizon, ``plan`` is not valid for ``scenario``, or
        the past alone breaks the changed scenario from ``now`` on.
    InputError
        If a change is bad (naming it, its field and the reason).
    """
    params = params or SolveParams()
    t0 = time.perf_counter()
    old = _old_plan(scenario, plan, now, moves_weight, source)
    changed = apply_changes(scenario, changes, source, now=now)
    run = _prepare(changed, old, changes, now, params, source, t0)
    first = _first_stage(run, progress, progress_interval, source)
    try:
        second = run.second_stage(
            first, moves_weight, _ticker(first, progress, progress_interval, t0)
        )
    except KeyboardInterrupt:  # between searches: keep the first stage's plan
        second = _Second(run.chosen(first.plan), None, True, False)
    finish = partial(
        _finished,
        run,
        first,
        old=old,
        changed=changed,
        changes=changes,
        now=now,
        moves_weight=moves_weight,
    )
    for attempt in range(3):  # an interrupt while the result is assembled: again
        try:
            return finish(replace(second, interrupted=second.interrupted or attempt > 0))
        except KeyboardInterrupt:
            continue
    return finish(replace(second, interrupted=True))


def _first_stage(
    run: _Run,
    progress: Callable[[Progress], None] | None,
    progress_interval: float,
    source: str,
) -> Result:
    """Stage 1 (best coverage); a past that the fixed pins cannot hold is a
    :class:`ReplanError`."""
    try:
        return run.first_stage(progress, progress_interval)
    except ScenarioError as exc:  # the past and the fixed pins cannot hold together
        raise ReplanError(
            source,
            [
                Problem("now", f"no plan keeps the past under the changed scenario: {p.message}")
                for p in exc.problems
            ],
        ) from None


def _old_plan(
    scenario: Scenario,
    plan: Plan | Iterable[Entry],
    now: int,
    moves_weight: float | None,
    source: str,
) -> Plan:
    """The old plan, once ``now``, ``moves_weight`` and the plan itself are checked."""
    months = scenario.horizon.months
    if isinstance(now, bool) or not isinstance(now, int) or not 0 <= now <= months:
        raise ReplanError(source, [Problem("now", f"must be a period in [0, {months}]")])
    if moves_weight is not None and not (math.isfinite(moves_weight) and moves_weight >= 0):
        raise ReplanError(source, [Problem("moves_weight", "must be a number >= 0")])
    old = plan if isinstance(plan, Plan) else Plan(scenario, *_entries(plan))
    broken = validate(scenario, old)
    if broken:
        raise ReplanError(
            source,
            [Problem("plan", f"the old plan is not valid for the scenario: {broken[0]}")],
        )
    return old


def _prepare(
    changed: Scenario,
    old: Plan,
    changes: Sequence[Mapping[str, Any]],
    now: int,
    params: SolveParams,
    source: str,
    t0: float,
) -> _Run:
    """The changed scenario with its past, its program and a valid start (the old plan
    repaired), once the past is known to be keepable."""
    past = past_of(old, changes, now)
    sc = replace(changed, past=past, stages=())
    _check_past(sc, past, source)
    lm = build_program(generate_candidates(sc), params.weights)
    future: list[Entry] = [p for p in old.postings if p.start >= now]
    future += [t for t in old.trainings if t.start >= now]
    warm = _check_fixed(sc, lm, _warm_start(lm, past, future), params, source)
    return _Run(sc, params, lm, future, warm, t0)


def _finished(
    run: _Run,
    first: Result,
    second: _Second,
    old: Plan,
    changed: Scenario,
    changes: Sequence[Mapping[str, Any]],
    now: int,
    moves_weight: float | None,
) -> Replan:
    """The re-plan: both stages' result, the number of changes and the diff."""
    result, least = run.assemble(first, second, moves_weight)
    diff = plan_diff(changed, old, result.plan, now=now)
    return Replan(
        result=result,
        scenario=run.sc,
        old=old,
        changes=tuple(changes),
        now=now,
        num_changes=diff.changes,
        least_changes=least,
        moves_weight=moves_weight,
        diff=diff,
    )


def _check_past(sc: Scenario, past: Past, source: str) -> None:
    """Raise :class:`ReplanError` if the past alone breaks a rule of the changed
    scenario that no more postings can mend (a capacity from ``now`` on, say)."""
    alone = validate(sc, Plan(sc, past.postings, past.trainings))
    broken = [v for v in alone if v.rule in _MONOTONE]
    if broken:
        raise ReplanError(
            source,
            [
                Problem(
                    "now",
                    f"the past alone (postings started before period {past.now}) breaks the "
                    f"changed scenario from now on: {v}",
                )
                for v in broken[:10]
            ],
        )


def _check_fixed(
    sc: Scenario,
    lm: IntegerProgram,
    warm: npt.NDArray[np.bool_],
    params: SolveParams,
    source: str,
) -> npt.NDArray[np.bool_] | None:
    """A valid plan keeping the past and the fixed pins (``warm`` if it is one), or
    ``None`` if none was found in time; raise :class:`ReplanError` naming a smallest set
    of past postings (and fixed pins) that no plan can keep together under the rules
    from ``now`` on, and the rules they break on their own, when there is one."""
    from matchaid.cp_sat import check_pins

    if lm.feasible(lm.complete(warm)):
        return warm
    found = check_pins(lm, params.time_limit)
    if found.status == "feasible" and found.chosen is not None:
        start = np.zeros(len(lm.cands), dtype=bool)
        start[found.chosen] = True
        return start
    if found.status != "infeasible":
        return None  # unknown in time: the search will say
    cands = lm.cands
    picks = np.asarray(found.conflict, dtype=np.int64)
    alone = Plan(sc, cands.postings(picks), cands.trainings(picks))
    names = "; ".join(
        f"{p.expert} at {p.recipient} ({p.specialty}) periods {p.start}-{p.end - 1}"
        for p in alone.postings
    )
    why = [str(v) for v in validate(sc, alone) if v.rule not in ("past_missing", "pin_fixed")]
    smallest = "a smallest set" if found.minimal else "a set (not proven smallest)"
    message = (
        f"no plan keeps the past under the changed scenario: these postings (and fixed "
        f"pins) cannot hold together with the rules from period {sc.past.now if sc.past else 0} "
        f"on ({smallest}): {names or 'training placements'}"
    )
    if why:
        message += "; on their own they break: " + "; ".join(why[:5])
    raise ReplanError(source, [Problem("now", message)])


def _warm_start(lm: IntegerProgram, past: Past, future: Sequence[Entry]) -> npt.NDArray[np.bool_]:
    """The old plan as decisions of the new program: the past, and the old plan's later
    postings that are still candidates, less those a violated row needs removed (the
    latest first) until every row holds."""
    cands = lm.cands
    chosen = np.zeros(len(cands), dtype=bool)
    fixed = lm.lower[: len(cands)] > 0
    chosen[fixed] = True
    found = cands.find(future)
    chosen[found[found >= 0]] = True
    starts = _starts(cands)
    for _ in range(len(cands) + 1):
        values = lm.complete(chosen)
        over = np.flatnonzero(lm.activity(values) > lm.rhs + 1e-9)
        if over.size == 0:
            return chosen
        terms = np.isin(lm.row_of_term, over) & (lm.cols < len(cands)) & (lm.coefs > 0)
        members = lm.cols[terms]
        members = members[chosen[members] & ~fixed[members]]
        if members.size == 0:
            break
        chosen[members[np.argmax(starts[members])]] = False
    chosen[:] = fixed
    return chosen


def _starts(cands: CandidateSet) -> npt.NDArray[np.int64]:
    return np.concatenate((cands.start, cands.placements.start)).astype(np.int64)


@dataclass(frozen=True, slots=True)
class _Second:
    """The second stage's plan (decisions), CP-SAT's outcome (``None``: not run), whether
    it was interrupted, and whether a weight had to be rounded."""

    chosen: npt.NDArray[np.bool_]
    outcome: Any
    interrupted: bool
    rounded: bool


class _Run:
    """The two stages of a re-plan over one program."""

    def __init__(
        self,
        sc: Scenario,
        params: SolveParams,
        lm: IntegerProgram,
        future: Sequence[Entry],
        warm: npt.NDArray[np.bool_] | None,
        t0: float,
    ) -> None:
        self.sc, self.params, self.lm, self.t0 = sc, params, lm, t0
        self.warm = warm
        self.deadline = None if params.time_limit is None else t0 + params.time_limit
        cands = lm.cands
        n = len(cands)
        # changes = constant + delta @ x: +1 for a new decision not in the old plan, -1
        # for an old one kept; the past's decisions never change.
        found = cands.find(future)
        self.constant = len(set(future))
        delta = np.ones(n, dtype=np.int64)
        delta[found[found >= 0]] = -1
        past = sc.past
        if past is not None:
            happened = cands.find([*past.postings, *past.trainings])
            delta[happened[happened >= 0]] = 0
        self.delta = np.concatenate((delta, np.zeros(lm.num_vars - n, dtype=np.int64)))

    def left(self, share: float = 1.0) -> float | None:
        if self.deadline is None:
            return None
        return max(0.05, share * (self.deadline - time.perf_counter()))

    def first_stage(
        self,
        progress: Callable[[Progress], None] | None,
        progress_interval: float,
    ) -> Result:
        """The best primary objective: the whole search, started from the old plan
        (repaired)."""
        from matchaid.search import solve

        cands, warm = self.lm.cands, self.warm
        start = None
        if warm is not None:
            picks = np.flatnonzero(warm)
            start = [*cands.postings(picks), *cands.trainings(picks)]
        first = solve(
            self.sc,
            replace(self.params, time_limit=self.left(0.6)),
            progress=progress,
            progress_interval=progress_interval,
            start=start,
        )
        if self.start_of(first.plan) is None:  # stopped before any plan keeping the past
            if first.interrupted:
                raise KeyboardInterrupt
            raise SolverError("no plan keeping the past was found within the time limit")
        return first

    def start_of(self, plan: Plan) -> npt.NDArray[np.bool_] | None:
        """The decisions of the first stage's plan; the warm start (a valid plan keeping
        the past) when that is no such plan (the empty plan of a search stopped before
        it found one); ``None`` when neither is."""
        lm = self.lm
        found = lm.cands.find([*plan.postings, *plan.trainings])
        out = np.zeros(len(lm.cands), dtype=bool)
        out[found[found >= 0]] = True
        if (found < 0).any() or not lm.feasible(lm.complete(out)):
            return self.warm
        return out

    def chosen(self, plan: Plan) -> npt.NDArray[np.bool_]:
        """:meth:`start_of`, known to exist."""
        out = self.start_of(plan)
        assert out is not None, "checked after the first stage"
        return out

    def second_stage(
        self, first: Result, moves_weight: float | None, tick: Callable[[], None]
    ) -> _Second:
        """The fewest changes at the first stage's primary objective (or the weighted
        trade-off), by CP-SAT hinted with the first stage's plan."""
        from matchaid.cp_sat import Stopper, solve_stage
        from matchaid.stages import _interruptible

        lm, hint = self.lm, self.chosen(first.plan)
        if first.interrupted:
            return _Second(hint, None, True, False)
        best = lm.reported_value(lm.complete(hint))
        stage, rounded = self._model(best, moves_weight)
        stopper = Stopper()
        run = partial(
            solve_stage,
            lm,
            stage,
            hint,
            self.left(),
            self.params.workers or PORTFOLIO_WORKERS,
            {**DEFAULT_CP_SAT, **self.params.cp_sat},
            stopper,
        )
        outcome, interrupted = _interruptible(run, stopper, tick)
        chosen = hint
        if outcome.chosen is not None:
            chosen = np.zeros(len(lm.cands), dtype=bool)
            chosen[outcome.chosen] = True
        return _Second(chosen, outcome, interrupted, rounded)

    def assemble(
        self, first: Result, second: _Second, moves_weight: float | None
    ) -> tuple[Result, int | None]:
        """The result over both stages (the plan checked by the validator) and the proven
        least number of changes."""
        lm, outcome = self.lm, second.outcome
        plan = Plan.of_decisions(lm.cands, np.flatnonzero(second.chosen))
        broken = validate(self.sc, plan)
        if broken:
            raise SolverError(f"the re-plan breaks a rule (a bug in matchaid): {broken[0]}")
        changes = self.constant + int(self.delta @ lm.complete(second.chosen))
        proven = outcome is not None and outcome.status == "optimal" and not second.rounded
        least: int | None = None
        if moves_weight is None and outcome is not None and outcome.bound is not None:
            least = changes if proven else max(0, self.constant - outcome.bound)
        start = Plan.of_decisions(lm.cands, np.flatnonzero(self.chosen(first.plan)))
        stages = (
            _first_record(first, start.objective),
            _second_record(plan, changes, least, proven, moves_weight, outcome is None),
        )
        return self._result(first, plan, stages, second.interrupted), least

    def _model(self, best: int, moves_weight: float | None) -> tuple[Any, bool]:
        """The second stage's CP-SAT goal, and whether a weight had to be rounded."""
        from matchaid.cp_sat import StageModel

        lm = self.lm
        if moves_weight is None:
            return (
                StageModel(
                    goal="linear",
                    linear=-self.delta,
                    limits=(("coverage", best),),
                    tiebreak=True,
                ),
                False,
            )
        # primary_int x a/b - (c/d) x changes, times b x d: integers (unit = a/b is a
        # ratio of integers below 10^7; w = c/d to six decimals)
        unit = Fraction(lm.scaling.unit).limit_denominator(10**7)
        w = Fraction(moves_weight).limit_denominator(10**6)
        per_primary, per_change = unit.numerator * w.denominator, w.numerator * unit.denominator
        common = math.gcd(per_primary, per_change) or 1
        linear = (per_primary // common) * lm.primary - (per_change // common) * self.delta
        rounded = float(w) != moves_weight or lm.scaling.rounded
        return StageModel(goal="linear", linear=linear, tiebreak=True), rounded

    def _result(
        self, first: Result, plan: Plan, stages: tuple[StageResult, ...], interrupted: bool
    ) -> Result:
        proven = all(s.status is SolveStatus.OPTIMAL for s in stages) and not interrupted
        objective = plan.objective
        bound = first.best_bound
        if math.isfinite(bound):
            bound = max(bound, objective)
        reason = "re-plan: " + "; ".join(f"{s.goal} {s.status.value} ({s.value:g})" for s in stages)
        return replace(
            first,
            status=SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
            plan=plan,
            objective=objective,
            best_bound=bound,
            gap=relative_gap(objective, bound) if math.isfinite(bound) else math.inf,
            solve_seconds=time.perf_counter() - self.t0 - first.build_seconds,
            reason=reason + ("; interrupted" if interrupted else ""),
            interrupted=interrupted,
            stages=stages,
        )


def _ticker(
    first: Result,
    progress: Callable[[Progress], None] | None,
    interval: float,
    t0: float,
) -> Callable[[], None]:
    """Progress during the second stage: the first stage's objective and bound."""
    last = [0.0]

    def tick() -> None:
        now = time.perf_counter() - t0
        if progress is None or now - last[0] < interval:
            return
        last[0] = now
        bound = first.best_bound if math.isfinite(first.best_bound) else None
        progress(Progress(now, first.objective, bound))

    return tick


def _first_record(first: Result, value: float) -> StageResult:
    """Stage 1: the best primary objective found (``value``, that of the old plan
    repaired when the search found none before an interrupt)."""
    bound = first.best_bound if math.isfinite(first.best_bound) else None
    note = None if first.status is SolveStatus.OPTIMAL else first.reason
    status = first.status if value >= first.objective else SolveStatus.FEASIBLE
    return StageResult("coverage", 0.0, value, bound, status, note)


def _second_record(
    plan: Plan,
    changes: int,
    least: int | None,
    proven: bool,
    moves_weight: float | None,
    skipped: bool,
) -> StageResult:
    status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
    if moves_weight is None:
        note = "not run (interrupted): the first stage's plan is kept" if skipped else None
        return StageResult("changes", 0.0, float(changes), least, status, note)
    value = plan.objective - moves_weight * changes
    note = f"{changes} changes; primary objective {plan.objective:g}"
    return StageResult(f"coverage - {moves_weight:g} x changes", 0.0, value, None, status, note)


def plan_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> Scenario:
    """The scenario a plan file was made for: ``scenario`` itself, or, for a re-planned
    plan (a JSON plan file with a ``"replan"`` entry), ``scenario`` changed as that
    entry says, with its past.

    Raises
    ------
    PlanFileError
        If the ``"replan"`` entry is malformed (naming its field).
    InputError
        If its changes do not fit ``scenario``.
    """
    from matchaid.exceptions import PlanFileError
    from matchaid.io import plan_entries_from_document
    from matchaid.io._json import read_json

    if str(path).lower().endswith((".csv", ".xlsx", ".xlsm")):
        return scenario
    doc = read_json(path, PlanFileError)
    entry = doc.get("replan") if isinstance(doc, dict) else None
    if entry is None:
        return scenario
    source = str(path)
    if not isinstance(entry, dict):
        raise PlanFileError(source, [Problem("replan", "must be an object")])
    now, changes, past = entry.get("now"), entry.get("changes"), entry.get("past")
    if isinstance(now, bool) or not isinstance(now, int):
        raise PlanFileError(source, [Problem("replan.now", "must be a whole period")])
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        raise PlanFileError(source, [Problem("replan.changes", "must be a list of changes")])
    if not isinstance(past, dict):
        raise PlanFileError(source, [Problem("replan.past", "must be an object")])
    try:
        postings, trainings = plan_entries_from_document(
            {"postings": past.get("postings", []), "trainings": past.get("trainings", [])},
            source,
        )
    except PlanFileError as exc:
        raise PlanFileError(
            source, [Problem(f"replan.past.{p.path}", p.message) for p in exc.problems]
        ) from None
    changed = apply_changes(scenario, changes, f"{source}: replan.changes", now=now)
    try:
        return replace(changed, past=Past(now, postings, trainings), stages=())
    except ScenarioError as exc:
        raise PlanFileError(
            source, [Problem(f"replan.{p.path}", p.message) for p in exc.problems]
        ) from None
