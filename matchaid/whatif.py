"""Counterfactual re-solves: what the primary objective gains when one limit of a
scenario is raised or one rule dropped (:class:`Whatifs`, used by
:func:`matchaid.explain`).

The gain of a change is ``best(changed) - best(scenario)``, both maximising the primary
objective (weighted coverage plus the programme rules' terms) under the scenario's own
objective stages. Each re-solve is warm-started from the best plan known for the
scenario (a change that only relaxes keeps that plan valid, so nothing is lost), and all
of them share one deadline.

A programme that splits into independent parts (:func:`matchaid.decompose.independent_parts`)
is re-solved only on the parts a change touches: the scenario restricted to their experts
and trainees (every donor, recipient and rule kept) has exactly those parts' candidates,
and its best plan is the whole best plan restricted to them, so the gain is the same and
the re-solve is smaller. Lexicographic goals link the parts: they are re-solved whole.

Gains are in the best primary objective, so lexicographic ``stages`` are set aside:
each side is the most a plan can reach of the primary objective. The one exception is
dropping the stages themselves (``from_plan``): that gain is the best primary objective
without them over the given plan's.

A gain is *proven* when both sides are proven optimal; otherwise it is what a plan found
gains over the best plan known (at least that, if the scenario's plan is optimal), and
at most the changed scenario's proven bound minus that plan's objective.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from matchaid.candidates import generate_candidates
from matchaid.decompose import independent_parts
from matchaid.domain import DisciplineGap, DonorHospital, Expert, Goal, RecipientHospital, Scenario
from matchaid.params import SolveParams
from matchaid.plan import Plan
from matchaid.program import build_program
from matchaid.result import Result, SolveStatus
from matchaid.validation import objective_value
from matchaid.weights import ObjectiveWeights

__all__ = [
    "CAPACITY_KINDS",
    "Change",
    "Gain",
    "Whatifs",
    "capacity_change",
    "clone_change",
    "holders_at",
    "reaches_best",
    "restricted",
    "with_donor",
    "with_expert",
    "with_gap",
    "with_recipient",
]


@dataclass(frozen=True, slots=True)
class Change:
    """One change to a scenario.

    Attributes
    ----------
    key
        Identifies the change (equal keys: the same change, solved once).
    apply
        The changed scenario, from a scenario (possibly restricted to some experts).
    experts, trainees
        Ids of the experts and trainees whose postings or placements the change may
        alter; ``everyone`` when it may alter anyone's (a budget, a stage).
    from_plan
        Measure the gain from the given plan's primary objective, not from the best
        (dropping the objective stages: what they cost the plan).
    """

    key: tuple[str, ...]
    apply: Callable[[Scenario], Scenario]
    experts: frozenset[str] = frozenset()
    trainees: frozenset[str] = frozenset()
    everyone: bool = False
    from_plan: bool = False


@dataclass(frozen=True, slots=True)
class Gain:
    """What a change gains in the primary objective.

    Attributes
    ----------
    value
        Gain of the best plan found for the changed scenario over the best plan known
        for the scenario; ``None`` if the deadline passed before it was computed.
    proven
        Both sides proven optimal: ``value`` is the exact gain.
    at_most
        A proven upper bound on the exact gain (``None`` if none is known).
    seconds
        Time spent on it.
    from_best
        The scenario side is proven best, so ``value`` is a proven lower bound on the
        exact gain ("at least"); otherwise it is measured from the best plan known.
    """

    value: float | None
    proven: bool
    at_most: float | None
    seconds: float = 0.0
    from_best: bool = True

    def words(self) -> str:
        """The gain as a planner reads it: "+12 (proven)", "at least +3, at most +9"."""
        if self.value is None:
            return "gain not computed (out of time)"
        if self.proven:
            return f"{_signed(self.value)} (proven)"
        most = "" if self.at_most is None else f", at most {_signed(self.at_most)}"
        if self.from_best:
            return f"at least {_signed(self.value)}{most}"
        return f"{_signed(self.value)} over the best plan known (not proven best){most}"


def _signed(x: float) -> str:
    return f"{'+' if x >= 0 else '-'}{abs(x):g}"


def restricted(
    scenario: Scenario, experts: Iterable[str], trainees: Iterable[str] = ()
) -> Scenario:
    """The scenario with only these experts and trainees (and the pins of those
    experts); every donor, recipient, pairing and rule is kept."""
    keep, keep_t = set(experts), set(trainees)
    return replace(
        scenario,
        experts=tuple(e for e in scenario.experts if e.id in keep),
        trainees=tuple(t for t in scenario.trainees if t.id in keep_t),
        pins=tuple(p for p in scenario.pins if p.expert in keep),
    )


def reaches_best(scenario: Scenario, result: object, params: SolveParams) -> bool:
    """Whether ``result`` (a :class:`~matchaid.Result`; a plan alone proves nothing)
    is proven to reach the best primary objective: optimal for coverage alone, or with
    coverage as a first stage kept exactly."""
    if not isinstance(result, Result) or result.status is not SolveStatus.OPTIMAL:
        return False
    if params.weights.mode == "weighted":
        return False
    first = scenario.stages[0] if scenario.stages else None
    return first is None or (first.goal is Goal.COVERAGE and first.tolerance == 0)


def _plan_within(scenario: Scenario, plan: Plan) -> Plan:
    """``plan``'s postings and placements of the experts and trainees of ``scenario``."""
    experts = {e.id for e in scenario.experts}
    trainees = {t.id for t in scenario.trainees}
    return Plan(
        scenario,
        tuple(p for p in plan.postings if p.expert in experts),
        tuple(t for t in plan.trainings if t.trainee in trainees),
    )


@dataclass
class _Reference:
    """The best plan known for a (restricted) scenario, and what is proven of it."""

    scenario: Scenario
    plan: Plan
    objective: float
    proven: bool


class Whatifs:
    """Re-solves changes of one scenario against one plan, sharing a deadline.

    Parameters
    ----------
    scenario, plan
        The scenario and its plan (the warm start of every re-solve).
    proven
        Whether ``plan`` is proven to reach the best primary objective (then the
        scenario side of a gain needs no re-solve).
    params
        Search settings for the re-solves; ``weighted`` objective weights become
        ``tiebreak`` (a gain is in the primary objective).
    deadline
        ``time.perf_counter()`` value by which every re-solve has stopped.
    """

    #: The least time a re-solve is given while the deadline allows.
    MIN_SECONDS = 1.0

    def __init__(
        self,
        scenario: Scenario,
        plan: Plan,
        proven: bool,
        params: SolveParams,
        deadline: float,
    ) -> None:
        self.scenario = replace(scenario, stages=()) if scenario.stages else scenario
        self.plan = plan
        self.given = plan
        self.proven = proven
        weights = params.weights
        if weights.mode == "weighted":
            weights = replace(weights, mode="tiebreak")
        self.params = replace(params, weights=weights, log_progress=False)
        self.deadline = deadline
        self._part_of: tuple[dict[str, int], dict[str, int]] | None = None
        self._references: dict[frozenset[str], _Reference] = {}
        self._gains: dict[tuple[str, ...], Gain] = {}
        self._settled = proven
        self.solves = 0
        self.interrupted = False

    def left(self) -> float:
        """Seconds until the deadline."""
        return self.deadline - time.perf_counter()

    def gain(self, change: Change, share: float = 1.0, params: SolveParams | None = None) -> Gain:
        """The gain of ``change``, re-solving with ``share`` of the time left (computed
        once per change key), with ``params`` (default: the search settings given)."""
        known = self._gains.get(change.key)
        if known is not None:
            return known
        t0 = time.perf_counter()
        self._settle()
        # an even share, but never less than MIN_SECONDS while there is time: a
        # re-solve starved of time proves nothing, and the first changes matter most
        seconds = min(self.left(), max(self.left() * share, self.MIN_SECONDS))
        if seconds <= 0.01 or self.interrupted:
            return Gain(None, False, None)
        if change.from_plan:
            value = objective_value(self.scenario, self.given)
            base = _Reference(self.scenario, self.given, value, True)
        else:
            base = self._reference(change, seconds / 2 if not self.proven else seconds, params)
        remaining = min(self.left(), seconds - (time.perf_counter() - t0))
        if remaining <= 0.01:
            return Gain(None, False, None, time.perf_counter() - t0)
        changed = change.apply(base.scenario)
        result = self._solve(changed, remaining, base.plan, params)
        if result.interrupted:
            return Gain(None, False, None, time.perf_counter() - t0)
        objective = objective_value(changed, result.plan)
        bound = result.best_bound
        value = _clean(objective - base.objective)
        at_most = _clean(bound - base.objective) if math.isfinite(bound) else None
        # the changed side is proven by its status, or by its bound meeting its plan
        changed_proven = result.status is SolveStatus.OPTIMAL or at_most == value
        proven = base.proven and changed_proven
        gain = Gain(
            value,
            proven,
            value if proven else at_most,
            time.perf_counter() - t0,
            from_best=base.proven,
        )
        self._gains[change.key] = gain
        return gain

    def gains(self, changes: list[Change]) -> list[Gain]:
        """The gains of ``changes``, the first first, in as many lanes as there are
        cores (each re-solve on one worker: a small re-solve spends most of its time in
        a one-thread LP), sharing the deadline. On Ctrl-C the changes not started get no
        gain, those running end at their time limit, and :attr:`interrupted` is set."""
        self._settle()
        if not all(c.everyone for c in changes):
            self._parts()  # once, before the lanes start
        cores = self.params.workers or (os.cpu_count() or 1)
        lanes = max(1, min(cores, len(changes)))
        if lanes == 1:
            return [self.gain(c, share=1.0 / (len(changes) - n)) for n, c in enumerate(changes)]
        lane = replace(self.params, workers=1)
        started = iter(range(len(changes)))
        lock = threading.Lock()

        def run(change: Change) -> Gain:
            with lock:
                n = next(started)
            return self.gain(change, share=lanes / (len(changes) - n), params=lane)

        out: list[Gain] = []
        with cf.ThreadPoolExecutor(lanes) as pool:
            futures = [pool.submit(run, c) for c in changes]
            try:
                for f in futures:
                    out.append(f.result())
            except KeyboardInterrupt:
                self.interrupted = True
                for f in futures:
                    f.cancel()
                out = [f.result() if f.done() and not f.cancelled() else _NONE for f in futures]
        return out

    def _settle(self) -> None:
        """Once, if the plan is not known to be optimal: re-solve the whole scenario
        from it with a third of the time left. A proof makes every gain's scenario side
        exact; a better plan becomes the plan gains are measured from."""
        if self._settled:
            return
        self._settled = True
        seconds = self.left() / 3
        if seconds <= 0.05:
            return
        result = self._solve(self.scenario, seconds, self.plan)
        if objective_value(self.scenario, result.plan) >= objective_value(self.scenario, self.plan):
            self.plan = result.plan
            self.proven = result.status is SolveStatus.OPTIMAL

    def _solve(
        self, scenario: Scenario, seconds: float, start: Plan, params: SolveParams | None = None
    ) -> Result:
        from matchaid.search import solve

        self.solves += 1
        params = replace(params or self.params, time_limit=max(seconds, 0.01))
        result = solve(scenario, params, start=start)
        if result.interrupted:
            self.interrupted = True
        return result

    def _reference(
        self, change: Change, seconds: float, params: SolveParams | None = None
    ) -> _Reference:
        """The scenario side of ``change``: the scenario restricted to the parts the
        change touches, with its best plan known."""
        experts, trainees = self._touched(change)
        key = frozenset(
            ["*"]
            if experts is None
            else [*(f"e:{x}" for x in experts), *(f"t:{x}" for x in trainees)]
        )
        ref = self._references.get(key)
        if ref is not None:
            return ref
        scenario = self.scenario
        if experts is not None:
            scenario = restricted(self.scenario, experts, trainees)
        plan = _plan_within(scenario, self.plan)
        ref = _Reference(scenario, plan, objective_value(scenario, plan), self.proven)
        if not self.proven:
            result = self._solve(scenario, seconds, plan, params)
            better = objective_value(scenario, result.plan)
            if better >= ref.objective:
                ref = _Reference(
                    scenario, result.plan, better, result.status is SolveStatus.OPTIMAL
                )
        self._references[key] = ref
        return ref

    def _touched(self, change: Change) -> tuple[set[str] | None, set[str]]:
        """The experts and trainees of the parts ``change`` touches (``None``: all)."""
        if change.everyone:
            return None, set()
        by_expert, by_trainee = self._parts()
        parts = {by_expert[x] for x in change.experts if x in by_expert}
        parts |= {by_trainee[x] for x in change.trainees if x in by_trainee}
        experts = {x for x, k in by_expert.items() if k in parts} | set(change.experts)
        trainees = {x for x, k in by_trainee.items() if k in parts} | set(change.trainees)
        return experts, trainees

    def _parts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Each expert's and trainee's independent part (those with candidates)."""
        if self._part_of is None:
            cands = generate_candidates(self.scenario)
            program = build_program(cands, ObjectiveWeights(mode="off"))
            groups = independent_parts(program) if len(cands) else []
            if len(groups) <= 1:
                groups = [np.arange(len(cands), dtype=np.int64)]
            n = cands.num_postings
            by_expert: dict[str, int] = {}
            by_trainee: dict[str, int] = {}
            for k, idx in enumerate(groups):
                for e in np.unique(cands.expert[idx[idx < n]]).tolist():
                    by_expert[self.scenario.experts[e].id] = k
                for t in np.unique(cands.placements.trainee[idx[idx >= n] - n]).tolist():
                    by_trainee[self.scenario.trainees[t].id] = k
            self._part_of = (by_expert, by_trainee)
        return self._part_of


_NONE = Gain(None, False, None)


def _clean(x: float) -> float:
    """``x`` without float noise (gains are sums of weights)."""
    return float(round(x, 9)) + 0.0


# -- the changes a planner asks about --------------------------------------------

#: The capacities one more unit of which :func:`capacity_change` gives.
CAPACITY_KINDS = ("release", "max_away", "hosting", "seats", "budget")


def holders_at(scenario: Scenario, recipient: str) -> frozenset[str]:
    """Experts holding the specialty of one of ``recipient``'s gaps."""
    wanted = {g.specialty for g in scenario.recipient(recipient).gaps}
    return frozenset(e.id for e in scenario.experts if wanted.intersection(e.specialties))


def capacity_change(
    scenario: Scenario,
    kind: str,
    ident: str = "",
    specialty: str = "",
    holders: frozenset[str] | None = None,
) -> Change:
    """One more unit of a capacity: a department's ``release`` (``ident`` the donor,
    ``specialty`` the department), a donor's ``max_away``, a recipient's ``hosting``, a
    donor's ``seats`` in a specialty, or the ``budget``. ``holders``: the experts it may
    alter, if the caller knows them (the department's, the donor's, or those holding a
    specialty of the recipient's gaps)."""
    key = (kind, ident, specialty)
    if kind == "release":
        experts = holders or frozenset(
            e.id for e in scenario.experts if e.donor == ident and e.primary == specialty
        )
        return Change(
            key,
            lambda s: with_donor(
                s,
                ident,
                lambda d: replace(d, release={**d.release, specialty: d.release[specialty] + 1}),
            ),
            experts=experts,
        )
    if kind == "max_away":
        experts = holders or frozenset(e.id for e in scenario.experts if e.donor == ident)
        return Change(
            key,
            lambda s: with_donor(s, ident, lambda d: replace(d, max_away=(d.max_away or 0) + 1)),
            experts=experts,
        )
    if kind == "hosting":
        return Change(
            key,
            lambda s: with_recipient(s, ident, lambda r: replace(r, hosting=r.hosting + 1)),
            experts=holders_at(scenario, ident) if holders is None else holders,
        )
    if kind == "seats":
        trainees = frozenset(t.id for t in scenario.trainees if t.specialty == specialty)
        return Change(
            key,
            lambda s: with_donor(
                s,
                ident,
                lambda d: replace(d, seats={**d.seats, specialty: d.seats.get(specialty, 0) + 1}),
            ),
            trainees=trainees,
        )
    if kind == "budget":
        return Change(key, lambda s: replace(s, budget=(s.budget or 0.0) + 1), everyone=True)
    raise ValueError(f"unknown capacity kind {kind!r}")


def clone_change(scenario: Scenario, expert: str) -> Change:
    """One more expert like ``expert`` (same donor, specialties, rank, availability,
    terms and limits; no preferences), with a new id."""
    ids = {e.id for e in scenario.experts}
    new = f"{expert}+1"
    while new in ids:
        new += "+1"
    template = scenario.expert(expert)
    clone = replace(template, id=new)

    def add(s: Scenario) -> Scenario:
        return replace(s, experts=(*s.experts, clone))

    return Change(("clone", expert), add, experts=frozenset({expert, new}))


def with_donor(s: Scenario, did: str, f: Callable[[DonorHospital], DonorHospital]) -> Scenario:
    """``s`` with donor ``did`` replaced by ``f`` of it."""
    return replace(s, donors=tuple(f(d) if d.id == did else d for d in s.donors))


def with_recipient(
    s: Scenario, rid: str, f: Callable[[RecipientHospital], RecipientHospital]
) -> Scenario:
    """``s`` with recipient ``rid`` replaced by ``f`` of it."""
    return replace(s, recipients=tuple(f(r) if r.id == rid else r for r in s.recipients))


def with_expert(s: Scenario, eid: str, f: Callable[[Expert], Expert]) -> Scenario:
    """``s`` with expert ``eid`` replaced by ``f`` of it."""
    return replace(s, experts=tuple(f(e) if e.id == eid else e for e in s.experts))


def with_gap(
    s: Scenario, rid: str, sp: str, f: Callable[[DisciplineGap], DisciplineGap]
) -> Scenario:
    """``s`` with recipient ``rid``'s gap in ``sp`` replaced by ``f`` of it."""
    return with_recipient(
        s, rid, lambda r: replace(r, gaps=tuple(f(g) if g.specialty == sp else g for g in r.gaps))
    )
