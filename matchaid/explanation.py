"""Why each gap is unmet: :func:`explain`.

For every gap with unmet expert-periods, the reasons, most binding first, each with a
code, a sentence in domain words and its figures:

- **Who could serve at all** (the experts holding the specialty): ``no_specialty`` (no
  one holds it), ``seniority`` (below the gap's ``min_seniority``; the best rank among
  the holders is named), ``availability`` (no posting of one of their terms, on the
  start grid, inside their availability and the horizon, covers an unmet period; the
  closest miss is named), ``pairing`` (a ``forbidden`` pairing, or the recipient's
  ``required`` pairings), ``travel`` (beyond ``max_travel_hours``), and ``rule`` for a
  recipient's team ``starts``. Each counts the holders it excludes.
- **What stops the plan taking one more of their postings** (every eligible posting
  that covers an unmet period, added to the plan on its own): the expert is posted
  elsewhere in those periods (``used_elsewhere``, naming those gaps and weights; the
  expert's own postings are then taken as moved here for the other checks), a full
  capacity (``release``, ``max_away``, ``hosting``, ``budget``, naming the limit and
  the periods it is full in), or a programme rule (``rule``: ``max_postings``, a leader
  rule, ``max_donors``, ``max_donor_groups``, continuity, a forbidden pin, an objective
  stage). A posting no rule stops is a trade-off of the objective (a ``preferred``
  leader's penalty: ``rule``) or, in a plan not proven optimal, one the search did not
  reach (``search``). Each counts the share of those postings it stops.

Each capacity or rule reason carries a **counterfactual**: the gain in the primary
objective if that one limit were raised by one or that one rule dropped, re-solved
warm-started from the plan within one shared deadline (:mod:`matchaid.whatif`); it is
proven when both re-solves are. Reasons are ordered by that gain, then by the share
they exclude or stop. A hub's share at a community spoke is not analysed: only postings
at the gap itself are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from matchaid.domain import Scenario
from matchaid.exceptions import InputError, Problem
from matchaid.params import SolveParams
from matchaid.plan import GapCoverage, Plan
from matchaid.reasons import CODES, COUNTERFACTUAL, Loads, Reason, gap_reasons, spans
from matchaid.result import Result
from matchaid.validation import validate
from matchaid.whatif import Change, Gain, Whatifs, reaches_best

__all__ = ["CODES", "Explanation", "GapExplanation", "Reason", "explain"]


@dataclass(frozen=True, slots=True)
class GapExplanation:
    """One gap's unmet expert-periods and their reasons, most binding first."""

    recipient: str
    specialty: str
    weight: float
    unmet: float
    unmet_periods: tuple[int, ...]
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"recipient", "specialty", "unmet", "weight", "unmet_periods", "reasons"}``."""
        return {
            "recipient": self.recipient,
            "specialty": self.specialty,
            "unmet": self.unmet,
            "weight": self.weight,
            "unmet_periods": list(self.unmet_periods),
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """What :func:`explain` returns.

    Attributes
    ----------
    gaps
        Each gap with unmet expert-periods (or the one asked for), the most unmet weight
        first.
    seconds
        Time taken, re-solves included.
    resolves
        Counterfactual re-solves run.
    complete
        Every counterfactual was computed before the deadline.
    unit
        The horizon's period unit (``month``, ``week``, ``day``).
    interrupted
        An interrupt (Ctrl-C) stopped the re-solves: the gains not yet computed are
        ``None``.
    """

    gaps: tuple[GapExplanation, ...]
    seconds: float
    resolves: int
    complete: bool
    unit: str = "month"
    interrupted: bool = False

    def to_dict(self) -> dict[str, Any]:
        """``{"gaps": [{"recipient", "specialty", "unmet", "reasons": [...]}], ...}``."""
        return {
            "gaps": [g.to_dict() for g in self.gaps],
            "seconds": round(self.seconds, 3),
            "resolves": self.resolves,
            "complete": self.complete,
            "interrupted": self.interrupted,
        }

    def to_text(self, scenario: Scenario) -> str:
        """The explanation as a planner reads it."""
        if not self.gaps:
            return "Every gap is fully covered: nothing to explain."
        unit = self.unit
        total = sum(g.unmet for g in self.gaps)
        lines = [f"{len(self.gaps)} gap(s), {total:g} expert-{unit}s unmet:"]
        for g in self.gaps:
            r = scenario.recipient(g.recipient)
            name = r.id if r.name == r.id else f"{r.name} ({r.id})"
            lines += [
                "",
                f"{g.specialty} at {name}: {g.unmet:g} expert-{unit}s unmet "
                f"({spans(g.unmet_periods, unit)}), weight {g.weight:g}",
            ]
            if not g.reasons:
                lines.append("  fully covered" if not g.unmet_periods else "  no reason found")
            lines += [f"  {k}. [{x.code}] {x.text}" for k, x in enumerate(g.reasons, 1)]
        if not self.complete:
            lines += ["", "Some gains were not computed before the deadline: allow more time."]
        return "\n".join(lines)


def explain(
    scenario: Scenario,
    result: Result | Plan,
    *,
    gap: tuple[str, str] | None = None,
    time_limit: float | None = None,
    params: SolveParams | None = None,
) -> Explanation:
    """Why each gap of ``result``'s plan is unmet, the most binding reason first.

    Parameters
    ----------
    scenario
        The scenario the plan is for.
    result
        A :class:`~matchaid.Result` of :func:`matchaid.solve`, or a
        :class:`~matchaid.Plan` (nothing is then known to be optimal, and the
        scenario side of each counterfactual is re-solved too).
    gap
        ``(recipient id, specialty)``: explain only this gap (even if fully covered).
    time_limit
        Seconds for everything, counterfactual re-solves included (they share it);
        default 2.5 times the result's wall time (at least 2 s), or 10 s for a plan.
    params
        Search settings of the re-solves (workers, seed, weights); default
        :class:`~matchaid.SolveParams`. ``weighted`` weights are read as ``tiebreak``:
        gains are in the primary objective.

    Raises
    ------
    InputError
        If ``gap`` names no gap of the scenario, or the plan is not valid, or the
        scenario has a past (a re-plan: its what-ifs are not made).
    """
    t0 = time.perf_counter()
    plan = result.plan if isinstance(result, Result) else result
    if scenario.past is not None:
        raise InputError("<scenario>", [Problem("past", "explain does not take a re-plan")])
    if gap is not None:
        _check_gap(scenario, gap)
    broken = validate(scenario, plan)
    if broken:
        raise InputError("<plan>", [Problem("postings", f"the plan is not valid: {broken[0]}")])
    if time_limit is None:
        time_limit = max(2.0, 2.5 * result.wall_seconds) if isinstance(result, Result) else 10.0
    params = params or SolveParams()
    whatifs = Whatifs(
        scenario, plan, reaches_best(scenario, result, params), params, t0 + time_limit
    )
    loads = Loads(scenario, plan, whatifs.proven)
    drafts = [_draft(loads, c) for c in plan.coverage() if _wanted(c, gap)]
    drafts.sort(key=lambda d: (-d.weight * d.unmet, d.recipient, d.specialty))
    complete = _counterfactuals(drafts, whatifs)
    return Explanation(
        gaps=tuple(d.finish() for d in drafts),
        seconds=time.perf_counter() - t0,
        resolves=whatifs.solves,
        complete=complete,
        unit=scenario.horizon.unit.value,
        interrupted=whatifs.interrupted,
    )


def _check_gap(scenario: Scenario, gap: tuple[str, str]) -> None:
    if not any((r.id, g.specialty) == tuple(gap) for r, g in scenario.gaps):
        raise InputError("--gap", [Problem(":".join(gap), "no such gap (RECIPIENT:SPECIALTY)")])


def _wanted(c: GapCoverage, gap: tuple[str, str] | None) -> bool:
    if gap is not None:
        return (c.recipient, c.specialty) == tuple(gap)
    return c.unmet_months > 1e-9


def _draft(loads: Loads, c: GapCoverage) -> _Draft:
    r = loads.s.recipient(c.recipient)
    g = r.gap(c.specialty)
    assert g is not None
    lo, hi = g.window
    unmet = [t for t in range(lo, min(hi, loads.months)) if c.by_month[t] < g.demand - 1e-9]
    draft = _Draft(c, g.weight, unmet)
    if unmet:
        for reason, change in gap_reasons(loads, r, g, unmet):
            draft.add(reason, change)
    return draft


def _counterfactuals(drafts: list[_Draft], whatifs: Whatifs) -> bool:
    """The gains of every capacity and rule reason, the most unmet gaps' and the widest
    reasons' first, sharing the deadline; whether all were computed."""
    pending = [(d, k) for d in drafts for k in d.order() if d.reasons[k].code in COUNTERFACTUAL]
    changes: dict[tuple[str, ...], Change] = {}
    for d, k in pending:
        changes.setdefault(d.changes[k].key, d.changes[k])
    gains = dict(zip(changes, whatifs.gains(list(changes.values())), strict=True))
    for d, k in pending:
        d.set_gain(k, gains[d.changes[k].key])
    return all(g.value is not None for g in gains.values())


class _Draft:
    """A gap's reasons before their gains are known."""

    def __init__(self, c: GapCoverage, weight: float, unmet: list[int]) -> None:
        self.recipient, self.specialty, self.weight = c.recipient, c.specialty, weight
        self.unmet = c.unmet_months
        self.unmet_periods = tuple(unmet)
        self.reasons: list[Reason] = []
        self.changes: dict[int, Change] = {}

    def add(self, reason: Reason, change: Change | None) -> None:
        if change is not None:
            self.changes[len(self.reasons)] = change
        self.reasons.append(reason)

    def order(self) -> list[int]:
        """Reason indices, the widest first (the order their gains are computed in)."""
        return sorted(range(len(self.reasons)), key=lambda k: -self.reasons[k].share)

    def set_gain(self, k: int, gain: Gain) -> None:
        reason = self.reasons[k]
        what = "Dropping it" if reason.figures.get("change") == "drop" else "Raising it by one"
        said = (
            "gain not computed before the deadline"
            if gain.value is None
            else f"would gain {gain.words()} in the objective"
        )
        self.reasons[k] = replace(
            reason,
            text=f"{reason.text} {what} {said}.",
            gain=gain.value,
            gain_proven=gain.proven,
            gain_at_most=gain.at_most,
        )

    def finish(self) -> GapExplanation:
        """The reasons by gain, then by share, then by code."""
        ranked = sorted(
            self.reasons, key=lambda x: (-(x.gain or 0.0), -x.share, CODES.index(x.code))
        )
        return GapExplanation(
            self.recipient,
            self.specialty,
            self.weight,
            self.unmet,
            self.unmet_periods,
            tuple(ranked),
        )
