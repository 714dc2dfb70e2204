"""Solving a scenario: :func:`solve` returns a :class:`~matchaid.result.Result`.

The pipeline is: candidate generation -> integer program -> search over independent
parts (LP relaxation, then CP-SAT) -> plan -> independent validation. Timings of model
building and search are measured separately. Infeasible or empty inputs are results,
not exceptions: a scenario with nothing to post returns an empty plan, status
``optimal`` and a ``reason``.

Interrupts: a ``KeyboardInterrupt`` at any moment of :func:`solve` (Ctrl-C, or the
command line's SIGTERM) stops every part's LP and CP-SAT search and returns the best
plan found, validated, with ``interrupted=True``; one before any plan exists returns the
empty plan with status ``unknown``.

Proofs are integers: every bound comes from CP-SAT's integer bound or from weak duality
summed in integers (:func:`matchaid.relax.safe_bound`), never from a plan's value or a
solver's status word.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from matchaid.arrays import IntArray
from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.decompose import independent_parts
from matchaid.domain import Goal, Scenario, Stage
from matchaid.exceptions import Problem, ScenarioError, SolverError
from matchaid.fill import greedy_fill
from matchaid.params import DEFAULT_CP_SAT, SolveParams
from matchaid.plan import Plan
from matchaid.posting import Posting
from matchaid.program import IntegerProgram, build_program
from matchaid.relax import Interrupter, Relaxation, VertexCallback, safe_bound
from matchaid.result import Progress, Result, SolveStatus, Statistics, relative_gap
from matchaid.validation import Violation, objective_value, validate

__all__ = ["Progress", "Result", "SolveStatus", "solve"]

logger = logging.getLogger("matchaid")


def _empty_result(
    scenario: Scenario,
    cands: CandidateSet | None,
    build: float,
    reason: str,
    *,
    interrupted: bool = False,
) -> Result:
    return Result(
        status=SolveStatus.UNKNOWN if interrupted else SolveStatus.OPTIMAL,
        plan=Plan.empty(scenario),
        objective=0.0,
        best_bound=math.inf if interrupted else 0.0,
        gap=math.inf if interrupted else 0.0,
        build_seconds=build,
        solve_seconds=0.0,
        num_candidates=len(cands) if cands is not None else 0,
        num_eligible=cands.num_eligible if cands is not None else 0,
        excluded=MappingProxyType(dict(cands.excluded) if cands is not None else {}),
        reason=reason,
        interrupted=interrupted,
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
    executor: Any = None,
    start: object = None,
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
    executor
        A ``dask.distributed.Client`` (or a :class:`concurrent.futures.Executor`): the
        independent parts are packed into one bundle per worker and solved there, each
        worker generating its own candidates and searching with ``params`` (its cores,
        the whole time limit); see :mod:`matchaid.spread`. Progress then reports only
        the time.
    start
        A plan to start from (a :class:`~matchaid.Plan` or postings), such as the plan of
        a scenario this one relaxes: every part's search starts from it, so the result
        is never worse. Used only if it is a valid plan made of candidate postings
        (every fixed pin included); otherwise the search starts as without it.
        Lexicographic goals and an ``executor`` ignore it.

    Returns
    -------
    Result
        Always a result: time limits return the best plan found, and a
        ``KeyboardInterrupt`` at any moment stops every search and returns the best plan
        found with ``interrupted=True`` (the empty plan, status ``unknown``, if it came
        before any plan).

    Raises
    ------
    ScenarioError
        If a fixed pin is not an eligible posting, or the fixed pins cannot hold
        together (naming a smallest conflicting set).
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
    if executor is not None:
        from matchaid.spread import solve_spread

        return solve_spread(scenario, params, executor, progress, progress_interval)
    if scenario.stages and scenario.stages != (Stage(Goal.COVERAGE, scenario.stages[0].tolerance),):
        from matchaid.stages import solve_stages

        return solve_stages(scenario, params, progress, progress_interval)
    return _solve_here(scenario, params, progress, progress_interval, start)


def _solve_here(
    scenario: Scenario,
    params: SolveParams,
    progress: Callable[[Progress], None] | None,
    progress_interval: float,
    start: object = None,
) -> Result:
    """:func:`solve` in this process, with one objective: candidates, parts, search."""
    t0 = time.perf_counter()
    _check_fixed_pins(scenario)
    cands: CandidateSet | None = None
    try:
        cands = generate_candidates(scenario)
        if len(cands) == 0:
            _no_lone_pin_breaks_a_rule(scenario, 0)
            return _empty_result(
                scenario, cands, time.perf_counter() - t0, _nothing_to_post(scenario, cands)
            )
        parts = _parts(scenario, cands, params, start)
    except KeyboardInterrupt:
        return _empty_result(
            scenario,
            cands,
            time.perf_counter() - t0,
            "interrupted before the search started: no plan yet",
            interrupted=True,
        )
    build_seconds = time.perf_counter() - t0
    search = _Search(parts, params, progress, progress_interval)
    search.run()
    for _ in range(2):  # an interrupt while the result is assembled: assemble it again
        try:
            return _merge(scenario, cands, parts, search, params, build_seconds)
        except KeyboardInterrupt:
            search.interrupted = True
    return _merge(scenario, cands, parts, search, params, build_seconds)


def _check_fixed_pins(scenario: Scenario) -> None:
    """A scenario built in Python has not met the loader's check that every fixed pin is
    an eligible posting: check it here."""
    if scenario.pins:
        from matchaid.validation.pins import pin_problems

        problems = pin_problems(scenario)
        if problems:
            raise ScenarioError("<scenario>", problems)


def _parts(
    scenario: Scenario, cands: CandidateSet, params: SolveParams, given: object = None
) -> list[_Part]:
    """The independent parts to search, each starting from the given plan (when it is
    one) or else from the fixed pins' plan."""
    whole = build_program(cands, params.weights)
    pinned = _pinned_start(scenario, whole, params)
    start = _given_start(whole, pinned, given)
    groups = independent_parts(whole) if params.decompose else []
    if len(groups) <= 1:  # one part: the whole model serves as it is
        everything = np.arange(len(cands), dtype=np.int64)
        parts = [_Part(cands, everything, params, whole, start)]
    else:
        parts = [_Part(cands, idx, params, start=start[idx]) for idx in groups]
    for part in parts:
        if (start[part.idx] != pinned[part.idx]).any():
            part.source = "start"
    return parts


def _given_start(
    whole: IntegerProgram, pinned: npt.NDArray[np.bool_], given: object
) -> npt.NDArray[np.bool_]:
    """The decisions of the plan ``given`` (postings and training placements) if it is a
    valid plan of candidates keeping the fixed pins, else ``pinned``."""
    if given is None:
        return pinned
    postings: Iterable[Any] = given.postings if isinstance(given, Plan) else given  # type: ignore[assignment]
    trainings: Iterable[Any] = given.trainings if isinstance(given, Plan) else ()
    found = whole.cands.find([*postings, *trainings])
    if (found < 0).any():
        return pinned
    chosen = np.zeros(len(whole.cands), dtype=bool)
    chosen[found] = True
    if (pinned & ~chosen).any() or not whole.feasible(whole.complete(chosen)):
        return pinned
    return chosen


def _pinned_start(
    scenario: Scenario, whole: IntegerProgram, params: SolveParams
) -> npt.NDArray[np.bool_]:
    """The plan every search starts from: the empty plan, or the fixed pins alone when
    they make a valid plan, or else a valid plan CP-SAT completes around them.

    Raises
    ------
    ScenarioError
        Naming a smallest set of fixed pins that cannot hold together (with each other
        or with a hard rule), or saying that no plan keeping them was found in time.
    """
    n = len(whole.cands)
    pinned = whole.lower[:n] > 0
    _no_lone_pin_breaks_a_rule(scenario, int(pinned.sum()))
    if not pinned.any() or whole.feasible(whole.complete(pinned)):
        return pinned
    from matchaid.cp_sat import check_pins

    found = check_pins(whole, params.time_limit)
    if found.status == "feasible" and found.chosen is not None:
        start = np.zeros(n, dtype=bool)
        start[found.chosen] = True
        return start
    where = {pin.posting: f"pins[{k}]" for k, pin in enumerate(scenario.pins)}
    names = [_fixed_name(whole.cands, i, where) for i in found.conflict]
    if found.status == "infeasible":
        smallest = "a smallest set" if found.minimal else "a set (not proven smallest)"
        message = (
            f"these fixed pins cannot hold together with each other and the rules "
            f"({smallest}): {', '.join(names)}"
        )
    else:
        message = "no plan keeping every fixed pin was found within the time limit"
    raise ScenarioError("<scenario>", [Problem(names[0] if names else "pins", message)])


def _fixed_name(cands: CandidateSet, i: int, pins: dict[Posting, str]) -> str:
    """How an error names fixed decision ``i``: its pin, or the past posting it is."""
    if i >= cands.num_postings:
        t = cands.training(i)
        return f"past training of {t.trainee!r} at {t.donor!r} from period {t.start}"
    p = cands.posting(i)
    return pins.get(p, f"past posting of {p.expert!r} at {p.recipient!r} from period {p.start}")


def _no_lone_pin_breaks_a_rule(scenario: Scenario, kept: int) -> None:
    """Raise :class:`ScenarioError` if a fixed pin was left out of the candidates because
    it breaks a rule on its own (``max_postings`` 0, say), with the validator's words."""
    from matchaid.domain import PinMode

    fixed = [(k, p) for k, p in enumerate(scenario.pins) if p.mode is PinMode.FIXED]
    past = scenario.past
    if past is not None:  # re-planning: the past is fixed too
        pinned = {p.posting for _, p in fixed}
        kept -= len(set(past.postings) - pinned) + len(set(past.trainings))
    if kept == len(fixed):
        return
    problems = []
    for k, pin in fixed:
        alone = [Posting(pin.expert, pin.recipient, pin.specialty, pin.start, pin.months)]
        broken = [v for v in validate(scenario, alone) if v.rule != "pin_fixed"]
        if broken:
            problems.append(
                Problem(
                    f"pins[{k}]",
                    "this fixed pin cannot hold together with the rules: on its own it breaks "
                    + "; ".join(str(v) for v in broken),
                )
            )
    raise ScenarioError("<scenario>", problems or [Problem("pins", "a fixed pin was lost")])


class _Part:
    """One independent part: its candidates and model, the best plan known for it, and
    the best proven bounds (integers, ``None`` until known)."""

    def __init__(
        self,
        cands: CandidateSet,
        idx: np.ndarray,
        params: SolveParams,
        program: IntegerProgram | None = None,
        start: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        self.idx = idx
        self.cands = cands if program is not None else cands.subset(idx)
        if program is None:
            program = build_program(self.cands, params.weights)
        self.linear = program
        self._model: Any = None  # the whole part's CP-SAT model, built when first needed
        self.scaling = self.linear.scaling
        # The best plan known (a flag each): the empty plan, or the fixed pins' start.
        self.best = np.zeros(len(idx), dtype=bool) if start is None else start.copy()
        values = self.linear.complete(self.best)
        self.best_int = self.linear.value(values)  # its whole integer objective
        self.best_reported = self.linear.reported_value(values)  # coverage, or weighted
        self.seen_int = self.best_int  # the best objective CP-SAT has reported so far
        self.source = "none"  # who found the best plan: none, start, greedy, lp, cp-sat, lns
        self.bound_int: int | None = None  # a proven bound on the whole objective
        self.reported_bound: int | None = None  # a proven bound on the reported one
        self.cp_sat_found = False  # CP-SAT returned a solution (RINS or main search)
        self.lp: Relaxation | None = None
        self.lp_skipped = False  # too big for its share of the time: no LP, no LP bound
        self.lp_plan: IntArray | None = None  # the LP-rounded plan (candidate indices)
        self.lp_stop = Interrupter()
        self.solvers: list[Any] = []
        self.solver: Any = None  # the CP-SAT search running now, if any
        self.invalid: str | None = None  # CP-SAT's message if it rejected a model
        self.error: BaseException | None = None
        if not params.relaxation:  # else the LP-rounded plan comes first
            self.use_greedy()

    @property
    def model(self) -> Any:
        """The CP-SAT model of the whole part, built on first use (a big part searched
        only by neighbourhoods never needs it: at 4 million postings it takes 30 s)."""
        if self._model is None:
            from matchaid.cp_sat import to_cp_sat

            self._model = to_cp_sat(self.linear)
        return self._model

    @property
    def proven(self) -> bool:
        """Whether the best plan is proven optimal for the part (whole objective,
        tie-breaks included): the search can stop."""
        return self.bound_int is not None and self.best_int >= self.bound_int

    @property
    def reported_proven(self) -> bool:
        """Whether the best plan's reported objective is proven optimal."""
        return self.reported_bound is not None and self.best_reported >= self.reported_bound

    @property
    def objective(self) -> float:
        """The best plan's reported objective in weight units (a plan CP-SAT has
        reported and not yet handed over counts)."""
        best = max(self.best_reported, self.scaling.reported(self.seen_int))
        return self.scaling.value(best)

    @property
    def bound(self) -> float | None:
        """The best proven bound on the reported objective in weight units, rounding
        slack included (``None`` until there is one)."""
        if self.reported_bound is None:
            return None
        best = max(self.best_reported, self.scaling.reported(self.seen_int))
        return self.scaling.value(max(self.reported_bound, best)) + self.scaling.slack

    def offer(self, picks: np.ndarray, source: str) -> None:
        """Keep the plan taking candidates ``picks`` if it beats the best plan known."""
        chosen = np.zeros(len(self.cands), dtype=bool)
        chosen[picks] = True
        values = self.linear.complete(chosen)
        value = self.linear.value(values)
        # A fill that had to take fixed pins breaking a row is no plan.
        if value > self.best_int and self.linear.feasible(values):
            self.best, self.best_int, self.source = chosen, value, source
            self.best_reported = self.linear.reported_value(values)
            self.seen_int = max(self.seen_int, value)

    def use_greedy(self) -> None:
        """Offer the greedy baseline's plan."""
        self.offer(greedy_fill(self.linear), "greedy")

    def offer_bound(self, whole: int, reported: int | None = None) -> None:
        """Keep proven bounds on the whole and the reported objective if tighter (the
        reported one is implied by the whole one when not given)."""
        if whole < self.best_int:  # below a known plan: not a bound (CP-SAT before presolve)
            return
        self.bound_int = whole if self.bound_int is None else min(self.bound_int, whole)
        implied = self.scaling.reported(whole)
        if reported is not None:
            implied = min(implied, reported)
        if implied >= self.best_reported:
            current = self.reported_bound
            self.reported_bound = implied if current is None else min(current, implied)

    def stop(self) -> None:
        """Stop the part's LP and CP-SAT search, running or about to start."""
        self.lp_stop.stop()
        if self.solver is not None:
            self.solver.stop()


def _agreement(
    best: npt.NDArray[np.bool_], relax: Relaxation
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Where the plan ``best`` and the LP's values agree (RINS keeps these): taken and
    at 1, and not taken and at 0. GLOP's vertex is exact; PDLP's iterate is within its
    tolerance of 0 and 1."""
    eps = 1e-6 if relax.method == "glop" else 1e-3
    return best & (relax.values >= 1 - eps), ~best & (relax.values <= eps)


def _trivial_bound(lm: IntegerProgram) -> tuple[int, int]:
    """Bounds on the whole and the reported objective from prices 0 (every term at its
    best: every gap met), for a part whose LP gave no prices."""
    zero = np.zeros(lm.num_rows)
    return safe_bound(lm, zero), safe_bound(lm, zero, lm.primary)


class _StopAll:
    """Stops several searches at once (the loops of a large neighbourhood search)."""

    def __init__(self, stoppers: list[Any]) -> None:
        self.stoppers = stoppers

    def stop(self) -> None:
        for s in self.stoppers:
            s.stop()


class _Search:
    """Runs the parts' searches in worker threads (several at once when there are several
    parts and cores), sharing one deadline; the calling thread waits, reports progress
    and turns Ctrl-C into stopping every search.

    Each part: the LP relaxation (a proven bound and an LP-rounded plan), CP-SAT on the
    neighbourhood where the LP and that plan disagree (RINS), then CP-SAT on the whole
    part from the best plan, stopped as soon as a plan meets the LP bound."""

    #: Share of a part's time the LP relaxation may take (so CP-SAT always gets time).
    LP_SHARE = 0.5
    #: Share of a part's time given to the RINS neighbourhood search.
    RINS_SHARE = 0.3
    #: Share of a part's time that the vertex replacing PDLP's point may take beyond the
    #: LP's end (from the neighbourhood search after it). Tier l with national donors
    #: (one part, 6.6 million nonzeros, 60 s): PDLP stops unfinished at the LP's 30 s,
    #: whose point rounds to 208,046 (the search then ended at 208,678); GLOP's vertex on
    #: its support at 0.05 (43,254 decisions) takes 11.3-16.6 s, and its rounding 2-3 s
    #: more, and rounds to 215,900-216,200, against an LP value of about 217,030. At 0.25
    #: (15 s) the vertex failed in one run of three.
    VERTEX_SHARE = 0.35
    #: Parts with at least this many decisions are improved by large neighbourhood
    #: search (:mod:`matchaid.lns`) instead of RINS and CP-SAT on the whole part. Tier l
    #: splits into parts of 15,753-24,416 decisions (and small ones); at a 60 s limit
    #: CP-SAT on each whole part ended 0.12% below the LP bound on tier l and 8.5-11.9%
    #: below it with the programme rules on (l-rules), where neighbourhoods ended 0.02%
    #: and 6.4% below. CP-SAT on one l-rules part alone, with 2 workers for 120 s, reached
    #: 13,344 where neighbourhoods had 13,460 in its share of the 60 s. Tier m's parts
    #: (5,000 decisions and fewer) are proven by CP-SAT on the whole part in seconds.
    LNS_DECISIONS = 10_000
    #: Another main pass runs when at least this many seconds of the time limit are
    #: left and some part is not proven.
    MORE_SECONDS = 2.0
    #: The LP relaxation is skipped when its part has more nonzeros than this many per
    #: second of the LP's share of the time: it would give no prices at all. PDLP need
    #: not finish to be worth running, since its last iterate's prices bound and its
    #: point rounds. Measured on 2 cores at a 60 s limit (LP share 30 s): tier l with
    #: national donors (one part, 6.6 million nonzeros) stopped unfinished with a bound
    #: at a 4.0% gap and a plan of 208,615, against the trivial bound (28.4%) and
    #: 206,165 when skipped; tier l with ``pairing=none`` (56.7 million) gave no prices,
    #: took 152 s instead of 91 s and 10.2 GB instead of 6.6 GB. (PDLP on 2 threads
    #: solves tier m with ``pairing=none``, 2.45 million, in 12 s, building included.)
    LP_NONZEROS_PER_SECOND = 400_000
    #: Parts of at most this many decisions searched by neighbourhoods on two or more
    #: cores get CP-SAT on the whole part beside one loop of neighbourhoods (instead of a
    #: second loop), for a proven bound beyond the LP's. Tier m with 20 donors and
    #: overlapping pairings (one part of 25,179-26,664 decisions; 120 s, 2 cores): seeds
    #: 2-4 proven optimal at 41.3, 30.6 and 72.6 s, where two loops of neighbourhoods
    #: found the same plans and ended unproven (LP bounds 2, 2 and 14 above); seed 5 in
    #: 9.6 s against 6.3 s. Tier l with overlapping pairings (56,234 decisions, 60 s)
    #: and m with national donors gave the same plans at the same times either way.
    #: Starting it only once the plan had not improved for 3 s (5 s on solver seed 0;
    #: two loops until then), times to 1e-4 over solver seeds 0-2: m-national-few seed 1
    #: 10.1-16.5 s against 15.9-67.3 s, but m-overlap-few seed 2 8.7-66.1 s against
    #: 14.1-40.9 s and seed 4 76.3-101.8 s against 51.4-89.7 s (HiGHS: 39.8, 25.8 and
    #: 49.7 s). Not kept.
    PROOF_DECISIONS = 100_000
    #: Decisions freed by a large neighbourhood search's first neighbourhood (it grows
    #: while CP-SAT closes them in time, and shrinks when it does not).
    LNS_SIZE = 2_000
    #: The most time CP-SAT gets on one neighbourhood of a big part.
    NEIGHBOURHOOD_SECONDS = 5.0
    #: A neighbourhood grows by a quarter after CP-SAT closed the last one in less than
    #: this many seconds, and shrinks by a fifth otherwise: more, smaller neighbourhoods.
    #: Measured at 120 s (solver seeds 0-2, one run each; 2 cores): tier m with
    #: ``pairing=none`` ended at 42,994, 42,993 and 42,996 with 0.4 s against 42,985-42,996
    #: (five runs, mean 42,990.8) with 1.0 s; with ``pairing=preferred`` at 42,999,
    #: 42,996 and 42,999 against 42,996, 42,996 and 42,999 (its LP bound 43,001: 1e-4
    #: is met from 42,997). 2.5 s ended at 42,982-42,984 and 0.2 s at 42,975-42,985
    #: (tier m, ``pairing=none``, two runs each). Tier l at 60 s: 211,427 (0.01%) against
    #: 211,409-211,415; with the programme rules, 190,124 against 189,896-190,065. Tier xl
    #: seed 1 at 300 s: 715,970 (0.06%) against 715,923 (0.07%).
    NEIGHBOURHOOD_TARGET = 0.4
    #: A part searching on fewer workers than it would now get yields them after this
    #: many seconds of its main pass (:meth:`_yield_cores`). Tier m with the programme
    #: rules, seed 1 (nine parts): one part of 4,467 decisions searched alone on one
    #: worker from 30 s to 73 s of 120, a core idle, and was then proven by two workers
    #: in 8 s; yielding after 5 s, solver seeds 0-2 proved the whole at 33.1, 38.0 and
    #: 37.3 s (before: 51.8 s, unproven, 36.6 s). Yielding as soon as a core fell idle
    #: cost tier m (parts proven in 1-3 s, restarted) 0.9 s: 3.1, 2.7 and 3.2 s against
    #: 2.2, 1.9 and 2.3 s; after 5 s, 2.1, 2.0 and 2.4 s.
    YIELD_SECONDS = 5.0
    #: Share of a large neighbourhood search's neighbourhoods drawn around where the
    #: plan and the LP disagree (:func:`matchaid.lns.pick_disagreements`) rather than
    #: around a gap or a donor. Tier m with 20 donors and overlapping pairings, times to
    #: 1e-4 at solver seeds 0-2: seed 2 (the plan late, the bound tight) 19.8, 15.0 and
    #: 13.9 s against 29.9, 32.2 and 10.9 s without; seed 4 (the bound late) 27.4, 25.9
    #: and 25.0 s against 24.9, 26.1 and 32.9 s.
    GUIDED_SHARE = 0.25
    #: RINS on a big part (:meth:`_rins_neighbourhood`) runs when it frees at most this
    #: many decisions: ten times the 1,762 measured on tier l with national donors,
    #: which CP-SAT closed in 2 s; PDLP's own point, spread thin, frees far more.
    RINS_DECISIONS = 20_000

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
        self.cores = cores = params.workers or (os.cpu_count() or 1)
        self.concurrency = min(len(parts), cores)
        # workers=0: the cores shared by the parts running side by side (one each when
        # there are as many parts as cores; a lone part gets them all, as CP-SAT's
        # portfolio and PDLP's threads); workers=N: the same with N. Each pass shares
        # them anew among the parts it searches.
        self.workers_each = 1
        self._share_cores(len(parts))
        self.total = sum(len(p.cands) for p in parts)
        self.lock = threading.Lock()
        self.stopped = False
        self.interrupted = False
        self.gap_met = False  # stopped at params.gap_limit
        self.trace: list[tuple[float, float | None, float | None]] = []
        self.t_start = 0.0
        self.seconds = 0.0
        self.not_started = list(range(len(parts)))
        # parts in a main pass: the workers each started with, and when
        self.searching: dict[int, tuple[int, float]] = {}
        self.yielded = False  # some part yielded its cores this round

    def snapshot(self) -> tuple[float | None, float | None]:
        """Best objective and bound over all parts (the bound is known once every part
        has one)."""
        objective = sum(p.objective for p in self.parts)
        bounds = [p.bound for p in self.parts]
        bound = None if any(b is None for b in bounds) else sum(b for b in bounds if b is not None)
        return objective, bound

    def _record(self) -> None:
        """Note the best objective and bound now (the lock held); stop every search once
        their gap is within ``params.gap_limit``."""
        objective, bound = self.snapshot()
        self.trace.append((time.perf_counter() - self.t_start, objective, bound))
        limit = self.params.gap_limit
        if (
            limit > 0
            and bound is not None
            and objective is not None
            and not self.stopped
            and relative_gap(objective, bound) <= limit
        ):
            self.gap_met = self.stopped = True
            for part in self.parts:
                part.stop()

    def _budget(self, part: _Part) -> tuple[float | None, float | None]:
        """Wall seconds and deterministic budget for a part starting now: its share by
        size of what is left, counting the parts still waiting."""
        seconds = None
        if self.params.time_limit is not None:
            left = self.params.time_limit - (time.perf_counter() - self.t_start)
            waiting = sum(len(self.parts[k].cands) for k in self.not_started) + len(part.cands)
            seconds = max(
                0.01, left * min(1.0, self.concurrency * len(part.cands) / max(waiting, 1))
            )
        det = None
        if self.params.deterministic_time is not None:
            det = float(self.params.deterministic_time) * len(part.cands) / max(self.total, 1)
        return seconds, det

    def _cp_sat(
        self,
        part: _Part,
        model: Any,
        hint: np.ndarray | None,
        seconds: float | None,
        det: float | None,
        stopper: Any = None,
        floor: int | None = None,
    ) -> None:
        """Run CP-SAT on ``model`` (the part's model, or it with variables fixed), keeping
        any better plan and, for the whole model, CP-SAT's proven bound; stop once a plan
        meets the bound. With ``stopper`` (a :class:`~matchaid.cp_sat.Stopper`), it runs
        beside the part's neighbourhoods on one worker and ``stopper`` stops it. With
        ``floor``, ``model`` holds every plan better than ``floor`` (reduced-cost fixing,
        :mod:`matchaid.fixing`), so its bound, or ``floor`` if higher, bounds the part."""
        from matchaid.cp_sat import CpSatSearch, set_hint

        if hint is not None:
            set_hint(model, part.linear, hint)
        with self.lock:
            if self.stopped:
                return
            solver = CpSatSearch(
                seconds,
                det,
                1 if stopper is not None else self.workers_each,
                self.params.seed,
                self.params.log_progress,
                {**DEFAULT_CP_SAT, **self.params.cp_sat},
            )
            if stopper is None:
                part.solver = solver
            else:
                stopper.attach(solver.solver)
            part.solvers.append(solver)
        bounds = model is part._model or floor is not None

        def bounded(bound: int) -> int:  # a fixed model's bound holds with its floor
            return bound if floor is None else max(bound, floor)

        def on_solution(value: int) -> bool:
            with self.lock:
                part.cp_sat_found = True
                if value > part.seen_int:
                    part.seen_int = value
                    self._record()
                # a plan meets the proven bound: optimal
                return part.proven or (
                    part.bound_int is not None and part.seen_int >= part.bound_int
                )

        def on_bound(bound: int) -> None:
            with self.lock:
                part.offer_bound(bounded(bound))
                self._record()
                if part.proven:  # a plan found beside it meets the bound
                    solver.stop()

        outcome = solver.run(model, len(part.cands), on_solution, on_bound if bounds else None)
        with self.lock:
            if stopper is None:
                part.solver = None
            if outcome.invalid is not None:
                part.invalid = outcome.invalid
                return
            if outcome.chosen is not None:
                part.cp_sat_found = True
                part.offer(outcome.chosen, "cp-sat")
                if bounds and outcome.bound is not None:
                    part.offer_bound(bounded(outcome.bound))
            elif outcome.infeasible and floor is not None:
                part.offer_bound(floor)  # no plan better than floor
            self._record()

    def _start(self, k: int) -> tuple[float | None, float | None] | None:
        """Take part ``k`` off the waiting list; its budget, or ``None`` if stopped."""
        with self.lock:
            self.not_started.remove(k)
            if self.stopped:
                return None
            return self._budget(self.parts[k])

    def _first_pass(self, k: int) -> None:
        """The LP relaxation (bound and rounded plan), then RINS: CP-SAT on the part
        with the postings fixed where the LP and the best plan agree."""
        from matchaid.relax import ROUNDING_THRESHOLD, rounded_selection, solve_relaxation

        part = self.parts[k]
        budget = self._start(k)
        if budget is None:
            return
        seconds, det = budget
        t0 = time.perf_counter()
        lp_limit = None if seconds is None else self.LP_SHARE * seconds
        skip = (
            lp_limit is not None and part.linear.cols.size > self.LP_NONZEROS_PER_SECOND * lp_limit
        )
        if skip:  # the LP would give nothing: the bound of every gap met, at once
            with self.lock:
                part.lp_skipped = True
                part.offer_bound(*_trivial_bound(part.linear))
                self._record()
        if skip or len(part.cands) >= self.LNS_DECISIONS:
            # a plan before the long LP of a big part (what Ctrl-C keeps, and LNS's
            # start if the LP-rounded plan is no better); neighbourhoods start from it
            # when the LP is skipped.
            self._offer_greedy(part)
        if skip:
            return
        relax = solve_relaxation(
            part.linear,
            time_limit=lp_limit,
            interrupter=part.lp_stop,
            threads=self.workers_each,
            # PDLP's finer tolerance only for a programme of one part: there the LP's
            # bound error is the whole gap (tier m with pairing=preferred: 43,001 against
            # 43,008 at 1e-3); over many parts the finer LPs' time is taken from the
            # search (tier xl seed 1, about 20 PDLP parts: gap 0.37-0.41% against 0.20%).
            fine=len(self.parts) == 1,
            vertex_time=0.0 if seconds is None else self.VERTEX_SHARE * seconds,
            # a big part's PDLP prices are polished beside its RINS (one CP-SAT worker)
            polish=len(part.cands) < self.LNS_DECISIONS or det is not None,
            on_vertex=self._vertex_offer(part),
        )
        hint = self.params.hint != "none"
        with self.lock:
            part.lp = relax
            # an LP stopped without prices still leaves the bound of every gap met
            if relax.bound is not None and relax.reported_bound is not None:
                part.offer_bound(relax.bound, relax.reported_bound)
            else:  # stopped without prices: interrupted, or out of its time
                part.offer_bound(*_trivial_bound(part.linear))
            if relax.rounded is not None and hint:  # already made: keep it even when stopped
                part.offer(relax.rounded, "lp")
                part.lp_plan = relax.rounded
        if self.stopped:
            return
        if relax.usable and hint and relax.rounded is None:
            rounded = rounded_selection(part.linear, relax.values, ROUNDING_THRESHOLD)
            with self.lock:
                part.offer(rounded, "lp")
                part.lp_plan = rounded
        if part.source in ("none", "start"):
            self._offer_greedy(part)
        else:
            with self.lock:
                self._record()
        if not relax.usable or not hint or part.proven:
            self._polish(part, relax, seconds, t0)
            return
        self._rins(part, relax, seconds, det, t0)

    def _vertex_offer(self, part: _Part) -> VertexCallback | None:
        """What offers each better vertex's rounded plan as soon as GLOP has it (with
        hints): the trace and the progress line show it, not the greedy plan, while
        GLOP tries a wider support (tier m with ``pairing=preferred``, 120 s: the first
        vertex's plan at 22.5 s, the LP's result at 54 s). A stop kept it before too:
        the stopped GLOP run ends the vertices and the best so far is returned."""
        if self.params.hint == "none":
            return None

        def offer(values: npt.NDArray[np.float64], plan: IntArray) -> None:
            with self.lock:
                part.offer(plan, "lp")
                self._record()

        return offer

    def _rins(
        self, part: _Part, relax: Relaxation, seconds: float | None, det: float | None, t0: float
    ) -> None:
        """RINS from the LP's values and the best plan: CP-SAT on the part with the
        postings fixed where they agree, or on a big part the neighbourhood of the
        others (with PDLP's prices polished beside it)."""
        from matchaid.cp_sat import to_cp_sat

        if len(part.cands) >= self.LNS_DECISIONS:  # CP-SAT on a neighbourhood, not the part
            polisher = threading.Thread(target=self._polish, args=(part, relax, seconds, t0))
            polisher.start()
            try:
                if det is None:  # neighbourhoods run on wall time
                    self._rins_neighbourhood(part, relax, seconds, t0)
            finally:
                polisher.join()
            return
        left = None if seconds is None else self.RINS_SHARE * seconds - (time.perf_counter() - t0)
        if left is not None and left < 0.05:
            return
        n = len(part.cands)
        lower = part.linear.lower.copy()
        upper = part.linear.upper.copy()
        ones, zeros = _agreement(part.best, relax)
        lower[:n][ones] = 1
        upper[:n][zeros] = 0
        sub = to_cp_sat(part.linear, lower, upper)
        self._cp_sat(part, sub, part.best, left, None if det is None else det * self.RINS_SHARE)

    def _polish(self, part: _Part, relax: Relaxation, seconds: float | None, t0: float) -> None:
        """Polish the LP's prices if they were left unpolished
        (:func:`~matchaid.relax.polished_bounds`) within what is left of the part's time,
        and offer their bounds. Big parts do it beside their RINS step: CP-SAT on one
        worker leaves the other core to it."""
        from matchaid.relax import polished_bounds

        if relax.unpolished is None or self.stopped:
            return
        left = None if seconds is None else seconds - (time.perf_counter() - t0)
        try:
            bounds = polished_bounds(part.linear, relax, left, part.lp_stop)
        except BaseException as exc:  # pragma: no cover - re-raised by run()
            part.error = exc
            return
        if bounds is not None:
            whole, reported, prices = bounds
            with self.lock:
                part.offer_bound(whole, reported)
                # fixing (_prove) reads the polished prices
                part.lp = replace(relax, prices=prices)
                self._record()

    def _rins_neighbourhood(
        self, part: _Part, relax: Relaxation, seconds: float | None, t0: float
    ) -> None:
        """RINS on a big part, as a neighbourhood: CP-SAT on the sub-program that frees
        the decisions where the LP's values are fractional or disagree with the best
        plan (the others keep their value), for at most :data:`NEIGHBOURHOOD_SECONDS`
        or what is left of the part's time. Only when that frees at most
        :data:`RINS_DECISIONS` decisions (a vertex, not PDLP's point spread thin).

        Tier l with national donors (one part, 506,885 decisions): GLOP's vertex on
        PDLP's support has 7,000 nonzero values, 1,348 fractional; it rounds to 216,045,
        and this neighbourhood (1,762 decisions) takes that to 216,344 in 2 s, where the
        neighbourhoods of :meth:`_lns` had gained 50-250 in 10-15 s."""
        n = len(part.cands)
        with self.lock:
            best = part.best.copy()
        ones, zeros = _agreement(best, relax)
        free = np.flatnonzero(~(ones | zeros))
        if free.size == 0 or free.size > self.RINS_DECISIONS or free.size == n:
            return
        limit = self.NEIGHBOURHOOD_SECONDS
        if seconds is not None:
            limit = min(limit, seconds - (time.perf_counter() - t0))
        if limit < 0.05:
            return
        from matchaid.cp_sat import Stopper

        stopper = Stopper()
        with self.lock:
            if self.stopped:
                return
            part.solver = stopper
        try:
            self._try_neighbourhood(part, free, limit, self.params.seed, stopper)
        finally:
            with self.lock:
                part.solver = None

    def _offer_greedy(self, part: _Part) -> None:
        """Offer the greedy baseline's plan, filled outside the lock (30 s at 4 million
        postings, which would hold off Ctrl-C: :meth:`stop_all` takes the lock)."""
        picks = greedy_fill(part.linear)
        with self.lock:
            part.offer(picks, "greedy")
            self._record()

    def _main_pass(self, k: int) -> None:
        """CP-SAT on the whole part from its best plan, until proven or out of time (or
        until it yields its cores, see :meth:`_yield_cores`)."""
        part = self.parts[k]
        budget = self._start(k)
        if budget is None or part.proven:
            return
        with self.lock:
            self.searching[k] = (self.workers_each, time.perf_counter())
        try:
            self._search(part, budget)
        finally:
            with self.lock:
                del self.searching[k]

    def _yield_cores(self) -> None:
        """With a core idle and no part waiting for a main pass, stop each part that has
        searched for :data:`YIELD_SECONDS` on fewer workers than the next pass would give
        it (the cores shared among the parts not yet proven): that pass restarts it from
        its best plan with them (the lock held; called as the progress is waited for).
        Never on a deterministic budget, which promises the same plan each run."""
        if (
            self.stopped
            or self.not_started
            or len(self.searching) >= self.cores
            or not self._time_left(self.MORE_SECONDS)  # never on a deterministic budget
        ):
            return
        # what the next pass would give each part it searches (every part not proven)
        share = self._cores_each(sum(not p.proven for p in self.parts))
        now = time.perf_counter()
        for j, (workers, since) in self.searching.items():
            solver = self.parts[j].solver
            if workers < share and now - since >= self.YIELD_SECONDS and solver is not None:
                solver.stop()
                self.yielded = True

    def _search(self, part: _Part, budget: tuple[float | None, float | None]) -> None:
        """The main pass's search of ``part`` within ``budget``."""
        seconds, det = budget
        if det is not None:
            det = max(0.0, det - sum(sv.deterministic_time for sv in part.solvers))
        if (seconds is not None and seconds < 0.05) or det == 0.0:
            return
        # Neighbourhoods run on wall time: a deterministic budget (which promises the same
        # plan each run) goes to CP-SAT on the whole part instead.
        if len(part.cands) >= self.LNS_DECISIONS and seconds is not None and det is None:
            self._lns(part, seconds)
            return
        hint = part.best if self.params.hint != "none" else None
        self._cp_sat(part, part.model, hint, seconds, det)

    def _lns(self, part: _Part, seconds: float) -> None:
        """Large neighbourhood search on a big part until ``seconds`` are spent, the
        plan meets the bound, or the search is stopped: free the decisions around one
        gap (:func:`matchaid.lns.pick_decisions`), solve that exact sub-program with
        CP-SAT from the current plan, keep any better plan. With two or more cores for
        the part, a second loop runs beside it on different neighbourhoods (each one's
        result is put into the current plan and checked whole before it is kept), or,
        on a part of at most :data:`PROOF_DECISIONS` decisions, CP-SAT on the whole part
        (:meth:`_prove`): neighbourhoods never prove a bound, and the LP's may sit above
        the optimum."""
        from matchaid.cp_sat import Stopper

        deadline = time.perf_counter() + seconds
        loops = min(2, self.workers_each)
        stoppers = [Stopper() for _ in range(loops)]
        with self.lock:
            if self.stopped:
                return
            part.solver = _StopAll(stoppers)
        prove = loops == 2 and len(part.cands) <= self.PROOF_DECISIONS
        threads = [
            threading.Thread(target=self._prove, args=(part, deadline, stoppers[k]))
            if prove
            else threading.Thread(
                target=self._lns_loop, args=(part, deadline, stoppers[k], self.params.seed + k)
            )
            for k in range(1, loops)
        ]
        for t in threads:
            t.start()
        try:
            self._lns_loop(part, deadline, stoppers[0], self.params.seed)
        finally:
            # the other loop, or the proof search, ends with this one; stopped again until
            # it has ended, since a stop before CP-SAT starts is lost
            for t, stopper in zip(threads, stoppers[1:], strict=True):
                while t.is_alive():
                    stopper.stop()
                    t.join(0.05)
            with self.lock:
                part.solver = None

    def _prove(self, part: _Part, deadline: float, stopper: Any) -> None:
        """CP-SAT on the whole part (one worker) beside a loop of neighbourhoods, for
        its proven bound (and any better plan), hinted with the LP-rounded plan if there
        is one, else the best plan. With the LP's prices, on the part with reduced-cost
        fixing for the best plan (:mod:`matchaid.fixing`), started again with the
        fixing for a better plan once that fixes :data:`REFIX_GROWTH` times as many
        decisions. Measured against CP-SAT on the whole part (tier m with 20 donors and
        overlapping pairings, 120 s, solver seeds 0-5, one run each, the same hour;
        time until the plan was proven optimal): seed 3 15.1-22.0 s against 23.0-28.2 s
        (every seed faster), seed 2 20.1-69.5 s (median 25.1) against 24.9-71.9 s
        (median 31.2); seed 4, whose LP bound is 14 units above the optimum (little is
        fixed), and tier m with national donors (seeds 0-5) moved within their noise.

        Why the LP-rounded plan: on tier m with 20 donors and overlapping pairings, seed
        4 (LP bound 14 above the optimum), CP-SAT's bound came within 1e-4 of the
        optimum at 25.4, 26.6 and 28.8 s (solver seeds 0-2) with it, against 60.9, 89.7
        and 51.4 s from the best plan when it starts (about 190 units better); on seed 2
        and with national donors it made no difference."""
        from matchaid.cp_sat import Stopper, to_cp_sat
        from matchaid.fixing import fixed_bounds, reduced_costs

        with self.lock:
            hint = None
            if self.params.hint != "none":
                if part.lp_plan is None:
                    hint = part.best.copy()
                else:
                    hint = np.zeros(len(part.cands), dtype=bool)
                    hint[part.lp_plan] = True
            prices = None if part.lp is None else part.lp.prices
        if prices is None:
            left = deadline - time.perf_counter()
            if left >= 0.05 and not stopper.stopped:
                self._cp_sat(part, part.model, hint, left, None, stopper)
            return
        costs = reduced_costs(part.linear, prices)
        while True:
            with self.lock:
                if self.stopped or stopper.stopped or part.proven:
                    return
                floor = part.best_int
            left = deadline - time.perf_counter()
            fixed = fixed_bounds(part.linear, costs, floor)
            if left < 0.05 or fixed is None:  # (None: the LP's own bound proves it)
                return
            inner = Stopper()
            refix = threading.Event()
            done = threading.Event()
            watcher = threading.Thread(
                target=self._watch_fixing, args=(part, costs, floor, stopper, inner, refix, done)
            )
            watcher.start()
            try:
                model = to_cp_sat(part.linear, *fixed)
                self._cp_sat(part, model, hint, left, None, inner, floor=floor)
            finally:
                done.set()
                watcher.join()
            if not refix.is_set():
                return

    #: The proof search on a part with reduced-cost fixing (:meth:`_prove`) starts
    #: again from a better plan once its fixing fixes this many times as many decisions
    #: (a restart loses CP-SAT's work; chosen, not tuned).
    REFIX_GROWTH = 1.2

    def _watch_fixing(
        self,
        part: _Part,
        costs: Any,
        floor: int,
        outer: Any,
        inner: Any,
        refix: threading.Event,
        done: threading.Event,
    ) -> None:
        """Beside :meth:`_prove`'s CP-SAT run (stopped by ``inner``) on the fixing for
        ``floor``: pass on a stop of ``outer`` or of the whole search, and stop it with
        ``refix`` set once the fixing for the best plan fixes :data:`REFIX_GROWTH` times
        as many decisions."""
        from matchaid.fixing import count_fixed

        lm = part.linear
        fixed, seen = count_fixed(lm, costs, floor), floor
        while not done.wait(0.05):
            with self.lock:
                best, stop = part.best_int, self.stopped or outer.stopped
            if stop:
                inner.stop()
                return
            if best > seen:
                seen = best
                if count_fixed(lm, costs, best) >= self.REFIX_GROWTH * fixed + 1:
                    refix.set()
                    inner.stop()
                    return

    def _lns_loop(self, part: _Part, deadline: float, stopper: Any, seed: int) -> None:
        """One loop of :meth:`_lns`."""
        from matchaid.lns import pick_decisions, pick_disagreements

        rng = np.random.default_rng(seed)
        lm, size = part.linear, self.LNS_SIZE
        start, covered_at = time.perf_counter(), None
        while True:
            now = time.perf_counter()
            left = deadline - now
            with self.lock:
                if self.stopped or stopper.stopped or part.proven or left < 0.05:
                    return
                if part.reported_proven and covered_at is None:
                    covered_at = now
                if covered_at is not None and now - covered_at > self._tiebreak_time(
                    covered_at - start
                ):
                    return  # coverage proven; the tie-breaks had their time
                best = part.best.copy()
            free = np.zeros(0, dtype=np.int64)
            if part.lp is not None and part.lp.usable and rng.random() < self.GUIDED_SHARE:
                ones, zeros = _agreement(best, part.lp)
                free = pick_disagreements(lm, ~(ones | zeros), rng, size)
            if free.size == 0:
                free = pick_decisions(lm, best, rng, size)
            limit = min(left, self.NEIGHBOURHOOD_SECONDS)
            took = self._try_neighbourhood(
                part, free, limit, int(rng.integers(2**31)), stopper, best
            )
            size = int(size * 1.25) if took < self.NEIGHBOURHOOD_TARGET else max(200, size * 4 // 5)

    def _try_neighbourhood(
        self,
        part: _Part,
        free: np.ndarray,
        seconds: float,
        seed: int,
        stopper: Any,
        best: npt.NDArray[np.bool_] | None = None,
    ) -> float:
        """CP-SAT for ``seconds`` on the sub-program of the part around its plan
        ``best`` (default: the best now) that frees the decisions ``free``; a better
        plan is put into the best plan as it is then (another loop may have moved it),
        and kept if the whole is better. Returns CP-SAT's wall time."""
        from matchaid.cp_sat import solve_neighbourhood
        from matchaid.lns import neighbourhood

        lm, n = part.linear, len(part.cands)
        if best is None:
            with self.lock:
                best = part.best.copy()
        values = lm.complete(best)
        nb = neighbourhood(lm, values, free)
        t0 = time.perf_counter()
        found = solve_neighbourhood(nb, values[nb.var], seconds, seed, stopper)
        took = time.perf_counter() - t0
        if found is None:
            return took
        freed = nb.var[nb.var < n]
        with self.lock:
            chosen = part.best.copy()
            chosen[freed] = found[: freed.size] > 0
            before = part.best_int
            part.offer(np.flatnonzero(chosen), "lns")
            if part.best_int > before:
                part.cp_sat_found = True
                self._record()
        return took

    def _guarded(self, step: Callable[[int], None], k: int) -> None:
        try:
            step(k)
        except BaseException as exc:  # pragma: no cover - re-raised by run()
            self.parts[k].error = exc

    def stop_all(self) -> None:
        """Stop every running LP and CP-SAT search, and any about to start."""
        with self.lock:
            self.stopped = True
            for part in self.parts:
                part.stop()

    def run(self) -> None:
        """First pass over every part (when ``relaxation``), then the main searches of
        the parts not yet proven optimal, sharing what time is left."""
        self.t_start = time.perf_counter()
        pool = cf.ThreadPoolExecutor(
            max_workers=self.concurrency, thread_name_prefix="matchaid-cp-sat"
        )
        steps = [self._first_pass, self._main_pass] if self.params.relaxation else [self._main_pass]
        futures: list[cf.Future[None]] = []
        try:
            while True:
                round_start = time.perf_counter()
                self.yielded = False
                for step in steps:
                    todo = [k for k, part in enumerate(self.parts) if not part.proven]
                    self.not_started = list(todo)
                    self._share_cores(len(todo))
                    futures = [pool.submit(self._guarded, step, k) for k in todo]
                    self._wait(futures)
                    if self.stopped:
                        break
                # Time that parts proven early left over goes to the others: another
                # main pass from their best plans.
                steps = [self._main_pass]
                # nothing more to do (unless parts yielded their cores to be restarted)
                quick = time.perf_counter() - round_start < 0.5 and not self.yielded
                if self.stopped or quick or not self._time_left(self.MORE_SECONDS):
                    break
        except KeyboardInterrupt:  # between the waits: stop and drain below
            self._interrupt()
        self._wait(futures)
        pool.shutdown(wait=False)  # every task has finished
        self.seconds = time.perf_counter() - self.t_start
        for part in self.parts:
            if part.error is not None:
                raise part.error

    def _share_cores(self, parts: int) -> None:
        """Share the cores among the ``parts`` a pass searches: a part left alone after
        the others were proven gets them all (tier m with 20 donors and overlapping
        pairings: one part of 25,682 decisions and small ones, whose proof took the
        second core)."""
        self.workers_each = self._cores_each(parts)

    def _cores_each(self, parts: int) -> int:
        """The workers each of ``parts`` parts searched side by side gets."""
        return max(1, self.cores // max(1, min(parts, self.cores)))

    @staticmethod
    def _tiebreak_time(elapsed: float) -> float:
        """How long a neighbourhood search goes on for the tie-breaks once coverage is
        proven after ``elapsed`` seconds: a quarter as long again, at least 2 s (it
        cannot prove them; CP-SAT on the whole part can)."""
        return max(2.0, 0.25 * elapsed)

    def _time_left(self, seconds: float) -> bool:
        """Whether at least ``seconds`` of the time limit are left and some part is not
        proven (never with no time limit: the deterministic budget is spent once)."""
        if self.params.time_limit is None or self.params.deterministic_time is not None:
            return False
        left = self.params.time_limit - (time.perf_counter() - self.t_start)
        return left >= seconds and any(
            not p.proven
            and p.invalid is None
            and p.error is None
            and not (p.reported_proven and len(p.cands) >= self.LNS_DECISIONS)
            for p in self.parts
        )

    def _interrupt(self) -> None:
        self.interrupted = True
        self.stop_all()

    def _wait(self, futures: list[cf.Future[None]]) -> None:
        """Wait for ``futures``, reporting progress; an interrupt stops every search,
        and the wait goes on until they have all stopped.

        Waits with a timeout (an Event inside), never Thread.join: a join interrupted by
        Ctrl-C can leave a thread looking finished while CP-SAT still runs (CPython 3.11).
        Once stopped, every round stops the searches again: one that was starting when
        the first stop came (before CP-SAT could take it) is caught by the next.
        """
        next_report = time.perf_counter() + self.progress_interval
        pending = {f for f in futures if not f.done()}
        while pending:
            try:
                if self.stopped:
                    self.stop_all()
                with self.lock:
                    self._yield_cores()
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
                self._interrupt()


def _plan_and_status(
    scenario: Scenario,
    cands: CandidateSet,
    parts: list[_Part],
    search: _Search,
    params: SolveParams,
) -> tuple[Plan, SolveStatus, str | None]:
    """The merged plan, what is proven about it, and why (every caveat in words)."""
    invalid = [p.invalid for p in parts if p.invalid is not None]
    fallbacks = [p.source for p in parts if not p.cp_sat_found and not p.reported_proven]
    rounded = any(p.scaling.rounded for p in parts)
    notes: list[str] = []
    if invalid:
        plan, status = Plan.empty(scenario), SolveStatus.MODEL_INVALID
        reason: str | None = "CP-SAT rejected the model: " + invalid[0]
    else:
        picks_all = np.concatenate([p.idx[np.flatnonzero(p.best)] for p in parts])
        plan = Plan.of_decisions(cands, picks_all)
        if all(p.reported_proven for p in parts) and not rounded:
            status, reason = SolveStatus.OPTIMAL, None
            if params.weights.mode == "tiebreak" and not all(p.proven for p in parts):
                notes.append(
                    "coverage is proven optimal; the tie-break terms (preferred donors, "
                    "travel, posted months) are not"
                )
        elif not (plan.postings or plan.trainings) and not any(
            p.cp_sat_found or p.lp is not None for p in parts
        ):
            status, reason = SolveStatus.UNKNOWN, "search stopped before finding a plan"
            if search.interrupted:
                reason += " (interrupted)"
        else:
            status = SolveStatus.FEASIBLE
            reason = _feasible_reason(
                len(parts),
                fallbacks,
                search.interrupted,
                params.gap_limit if search.gap_met else None,
            )
    notes.extend(_lp_notes(parts, search.interrupted))
    if rounded:
        notes.append(
            "some weights were rounded to multiples of 1/1000 for CP-SAT (gap weights with "
            "more than three decimals, or weighted-mode secondary amounts): the plan can "
            "only be proven optimal for the rounded weights, and the bound allows for the "
            "rounding"
        )
    if any(p.scaling.dropped for p in parts):
        notes.append(
            "the tie-break terms (preferred donors, travel, posted months) were dropped: "
            "scaled to integers they would overflow CP-SAT's 64-bit arithmetic"
        )
    reason = "; ".join([r for r in (reason, *notes) if r]) or None
    return plan, status, reason


def _merge(
    scenario: Scenario,
    cands: CandidateSet,
    parts: list[_Part],
    search: _Search,
    params: SolveParams,
    build_seconds: float,
) -> Result:
    """One result from the parts: the union of their plans, the sum of their bounds."""
    for part in parts:
        if part.source == "none":  # stopped before any plan: the greedy one, now
            part.use_greedy()
    plan, status, reason = _plan_and_status(scenario, cands, parts, search, params)
    objective = objective_value(scenario, plan, params.weights)
    bounds = [p.bound for p in parts]
    bound_total = (
        math.inf if any(b is None for b in bounds) else sum(b for b in bounds if b is not None)
    )
    if status is SolveStatus.OPTIMAL:
        bound_total = objective
    elif status is SolveStatus.MODEL_INVALID:
        objective, bound_total = 0.0, math.inf
    else:
        bound_total = max(bound_total, objective)
    violations = validate(scenario, plan)
    if violations:
        raise SolverError(_violation_report(violations))
    solvers = [sv for p in parts for sv in p.solvers]
    lps = [p.lp for p in parts if p.lp is not None]
    by_rule = [p.linear.rows_by_rule() for p in parts]
    stats = Statistics(
        num_parts=len(parts),
        parts_solved_in_parallel=search.concurrency,
        num_conflicts=sum(sv.num_conflicts for sv in solvers),
        num_branches=sum(sv.num_branches for sv in solvers),
        deterministic_time=sum(sv.deterministic_time for sv in solvers),
        num_constraints=MappingProxyType(
            {
                key: sum(rows.get(key, 0) for rows in by_rule)
                for key in sorted({k for rows in by_rule for k in rows})
            }
        ),
        lp_seconds=sum(lp.seconds for lp in lps),
        lp_solved=sum(lp.solved for lp in lps),
        plan_sources=MappingProxyType(
            {
                src: sum(p.source == src for p in parts)
                for src in ("none", "start", "greedy", "lp", "cp-sat", "lns")
            }
        ),
        solution_info=solvers[-1].solution_info() if len(solvers) == 1 else "",
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


_SOURCE_NAMES = {
    "none": "the empty plan",
    "start": "the plan it started from",
    "greedy": "the greedy baseline's plan",
    "lp": "the LP-rounded plan",
}


def _lp_notes(parts: list[_Part], interrupted: bool) -> list[str]:
    """What the reason says of parts whose LP relaxation gave no bound: skipped as too
    big for half the time limit, or stopped without prices (a longer time limit is the
    remedy only if the search was not interrupted)."""
    notes = []
    skipped = [p for p in parts if p.lp_skipped]
    unpriced = [p for p in parts if p.lp is not None and p.lp.bound is None]
    for group, what, remedy in (
        (skipped, "was skipped: too big to give prices in half the time limit", True),
        (unpriced, "stopped without prices", not interrupted),
    ):
        if group:
            size = max(p.linear.cols.size for p in group)
            statuses = sorted({p.lp.status for p in group if p.lp is not None})
            said = f" (LP status: {', '.join(statuses)})" if statuses else ""
            note = (
                f"the LP relaxation of {len(group)} part(s) (up to {size:,} nonzeros) "
                f"{what}{said}, so their bound is the trivial one (every gap met)"
            )
            if remedy:
                note += "; a longer time limit gives the LP bound"
            notes.append(note)
    return notes


def _feasible_reason(
    num_parts: int, fallbacks: list[str], interrupted: bool, gap_limit: float | None = None
) -> str:
    """Why a plan is only feasible; ``gap_limit``: the search stopped at that gap."""
    if fallbacks and num_parts == 1:
        if gap_limit is not None:
            return (
                f"stopped within the gap limit of {gap_limit:g}; this is "
                + _SOURCE_NAMES[fallbacks[0]]
            )
        return (
            "CP-SAT found no plan before it stopped"
            + (" (interrupted)" if interrupted else "")
            + f"; this is {_SOURCE_NAMES[fallbacks[0]]}"
        )
    if gap_limit is not None:
        head = f"stopped within the gap limit of {gap_limit:g}, not proven optimal"
    elif interrupted:
        head = "interrupted: best plan so far"
    else:
        head = "search stopped at its limit before proving optimality"
    if fallbacks:
        used = " or ".join(sorted({_SOURCE_NAMES[f] for f in fallbacks}))
        head += (
            f"; in {len(fallbacks)} of {num_parts} independent parts CP-SAT found no plan "
            f"in time and {used} is used"
        )
    return head


def _violation_report(violations: list[Violation]) -> str:
    shown = "\n".join(f"  {v}" for v in violations[:20])
    return (
        f"matchaid produced a plan that breaks {len(violations)} rule(s); this is a bug, "
        f"please report it with the scenario:\n{shown}"
    )
