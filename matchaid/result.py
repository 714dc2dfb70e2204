"""What a solve returns: :class:`Result`, its :class:`SolveStatus`, and the
:class:`Progress` snapshots given to a progress callback while the search runs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from matchaid.plan import GapCoverage, Plan

__all__ = ["Progress", "Result", "SolveStatus", "Statistics", "relative_gap"]


class SolveStatus(StrEnum):
    """What the search established about the plan it returns."""

    OPTIMAL = "optimal"
    """The plan is proven optimal: an exact integer proof (CP-SAT's own, or weak
    duality summed in integers) shows that no plan has a higher objective, with the
    weights as given (never claimed when a weight had to be rounded)."""
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


def format_gap(gap: float | None) -> str:
    """A relative gap as people read it: a percentage with two decimals (``0.07%``), or
    with two significant digits where two decimals would show a gap above 0 as
    ``0.00%`` (``0.0047%``: a plan not proven optimal never reads as gap 0);
    ``unknown`` for an infinite gap (no bound) and ``-`` for ``None``.

    >>> format_gap(0.0), format_gap(7e-4), format_gap(2 / 43001), format_gap(math.inf)
    ('0.00%', '0.07%', '0.0047%', 'unknown')
    """
    if gap is None:
        return "-"
    if not math.isfinite(gap):
        return "unknown"
    percent = 100 * gap
    if 0 < percent < 0.005:
        return f"{percent:.2g}%"
    return f"{percent:.2f}%"


def format_bound(bound: float) -> str:
    """A best bound as reports and summaries print it: ``unknown`` where none is proven.

    >>> format_bound(43001.0), format_bound(math.inf)
    ('43001', 'unknown')
    """
    return f"{bound:g}" if math.isfinite(bound) else "unknown"


@dataclass(frozen=True, slots=True)
class Statistics:
    """What the search did, summed over independent parts.

    Attributes
    ----------
    num_parts, parts_solved_in_parallel
        Independent parts solved, and how many ran side by side.
    num_conflicts, num_branches, deterministic_time
        CP-SAT's counts and deterministic time over every search it ran.
    num_constraints
        Rows of the integer program per rule name (rules with rows only).
    lp_seconds, lp_solved
        Time in the LP relaxations, and how many of them were solved.
    plan_sources
        How many parts' plans came from each source: ``none``, ``start`` (the plan
        given to :func:`~matchaid.solve` as ``start``), ``greedy``, ``lp``, ``cp-sat``,
        ``lns`` (CP-SAT on neighbourhoods of a big part).
    solution_info
        CP-SAT's word on its solution, when exactly one search ran.
    """

    num_parts: int = 0
    parts_solved_in_parallel: int = 0
    num_conflicts: int = 0
    num_branches: int = 0
    deterministic_time: float = 0.0
    num_constraints: Mapping[str, int] = field(default_factory=dict)
    lp_seconds: float = 0.0
    lp_solved: int = 0
    plan_sources: Mapping[str, int] = field(default_factory=dict)
    solution_info: str = ""


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
        A proven upper bound on the objective of any plan; ``math.inf`` when none is
        known (written as ``null`` in files).
    gap
        ``(best_bound - objective) / best_bound``; 0 when proven optimal, ``math.inf``
        when no bound is known.
    build_seconds, solve_seconds
        Candidate generation plus model building; the search itself.
    num_candidates
        Candidate postings (and training placements) given to the model.
    num_eligible
        Eligible postings (and placements), including postings left out because no plan
        is better for them.
    excluded
        Expert-gap pairs excluded from candidacy, by reason.
    reason
        Why the result is what it is, in words, when there is something to say.
    interrupted
        Whether the search was stopped by an interrupt (Ctrl-C, or SIGTERM in the
        command line).
    stats
        What the search did (:class:`Statistics`).
    stages
        With lexicographic goals (``Scenario.stages``), each stage's
        :class:`~matchaid.stages.StageResult`: value, bound and status. The status of the
        result is ``optimal`` only when every stage is proven; ``objective`` and
        ``best_bound`` are then the final plan's coverage and the first stage's bound.
    trace
        ``(seconds, objective, best bound)`` each time the search found a better plan or
        a better bound, seconds counted from the start of the search, values in the units
        of :attr:`objective`. With independent parts, the objective is the sum over parts
        of the best plan known (LP-rounded, greedy or CP-SAT's; 0 for a part with none
        yet) and the bound
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
    stats: Statistics = field(default_factory=Statistics)
    trace: tuple[tuple[float, float | None, float | None], ...] = ()
    stages: tuple[Any, ...] = ()

    @property
    def coverage(self) -> tuple[GapCoverage, ...]:
        """Coverage per gap of the plan."""
        return self.plan.coverage()

    def coverage_frame(self) -> Any:
        """The plan's coverage as a pandas DataFrame (:meth:`Plan.coverage_frame`)."""
        return self.plan.coverage_frame()

    @classmethod
    def from_record(cls, plan: Plan, record: Mapping[str, Any]) -> Result:
        """The result a plan file's ``"solve"`` entry (:meth:`record`) describes, with
        ``plan``: status, objective, bound, gap, timings, reason, stages (counts it does
        not carry, such as exclusions, are empty)."""
        from matchaid.stages import StageResult

        def number(key: str, missing: float) -> float:
            value = record.get(key)
            return float(value) if isinstance(value, int | float) else missing

        stages = tuple(
            StageResult(
                str(st.get("goal")),
                float(st.get("tolerance") or 0.0),
                float(st.get("value") or 0.0),
                st.get("bound"),
                SolveStatus(st.get("status", "unknown")),
                st.get("note"),
            )
            for st in record.get("stages", [])
            if isinstance(st, Mapping)
        )
        return cls(
            status=SolveStatus(record.get("status", "unknown")),
            plan=plan,
            objective=number("objective", plan.objective),
            best_bound=number("best_bound", math.inf),
            gap=number("gap", math.inf),
            build_seconds=number("build_seconds", 0.0),
            solve_seconds=number("solve_seconds", 0.0),
            num_candidates=int(number("num_candidates", 0)),
            num_eligible=0,
            excluded={},
            reason=record.get("reason"),
            interrupted=bool(record.get("interrupted", False)),
            stages=stages,
        )

    def __repr__(self) -> str:
        """One line (the plan's scenario is not repeated)."""
        bound = format_bound(self.best_bound)
        gap = format_gap(self.gap)
        stages = f", {len(self.stages)} stages" if self.stages else ""
        return (
            f"Result(status={self.status.value}, objective={self.objective:g}, "
            f"best_bound={bound}, gap={gap}, {len(self.plan.postings)} postings"
            f"{stages}, build {self.build_seconds:.2f} s, search {self.solve_seconds:.2f} s"
            f"{', interrupted' if self.interrupted else ''})"
        )

    def _repr_html_(self) -> str:
        """A small table for notebooks: status, objective, bound, gap, the plan's
        figures and the least-covered gaps."""
        from html import escape

        k = self.plan.kpis()
        bound = format_bound(self.best_bound)
        gap = format_gap(self.gap)
        rows = [
            ("status", self.status.value),
            ("objective", f"{self.objective:g}"),
            ("best bound", bound),
            ("gap", gap),
            ("weighted coverage", f"{100 * k.weighted_coverage:.1f}%"),
            ("postings", str(k.num_postings)),
            ("experts posted", f"{k.num_experts_posted} of {len(self.plan.scenario.experts)}"),
            ("build, search", f"{self.build_seconds:.2f} s, {self.solve_seconds:.2f} s"),
        ]
        if self.reason:
            rows.append(("reason", self.reason))
        head = "".join(
            f"<tr><th style='text-align:left'>{escape(a)}</th><td>{escape(b)}</td></tr>"
            for a, b in rows
        )
        worst = sorted(self.coverage, key=lambda c: -c.weight * c.unmet_months)[:5]
        gaps = "".join(
            f"<tr><td>{escape(c.recipient)}</td><td>{escape(c.specialty)}</td>"
            f"<td>{c.covered_months:g}</td><td>{c.demand_months}</td></tr>"
            for c in worst
            if c.unmet_months > 0
        )
        table = f"<table>{head}</table>"
        if gaps:
            table += (
                "<table><tr><th>recipient</th><th>specialty</th><th>covered</th>"
                f"<th>wanted</th></tr>{gaps}</table>"
            )
        return table

    @property
    def wall_seconds(self) -> float:
        """Build plus search time."""
        return self.build_seconds + self.solve_seconds

    def record(self) -> dict[str, Any]:
        """Status, objective, bound, gap, timings and reason as a JSON-ready mapping:
        an unknown bound or gap is ``None``, never an infinity. Plan files carry it as
        their ``"solve"`` entry."""
        return {
            "status": self.status.value,
            "objective": self.objective,
            "best_bound": self.best_bound if math.isfinite(self.best_bound) else None,
            "gap": self.gap if math.isfinite(self.gap) else None,
            "build_seconds": self.build_seconds,
            "solve_seconds": self.solve_seconds,
            "num_candidates": self.num_candidates,
            "reason": self.reason,
            "interrupted": self.interrupted,
            **(
                {
                    "stages": [
                        {
                            "goal": st.goal,
                            "tolerance": st.tolerance,
                            "value": st.value,
                            "bound": st.bound,
                            "status": st.status.value,
                            "note": st.note,
                        }
                        for st in self.stages
                    ]
                }
                if self.stages
                else {}
            ),
        }

    def summary(self, *, max_rows: int = 20) -> str:
        """Status line, timings, then the plan's summary (at most ``max_rows`` gaps)."""
        bound = format_bound(self.best_bound)
        gap = format_gap(self.gap)
        head = f"status {self.status}: objective {self.objective:g}, best bound {bound}, gap {gap}"
        if self.stages:
            head = (
                f"status {self.status} over {len(self.stages)} lexicographic stages "
                f"({'every stage proven' if self.status.value == 'optimal' else 'not all proven'}"
                f"): objective {self.objective:g}; any plan's objective is at most {bound}"
            )
        what = "postings and placements" if self.plan.scenario.trainees else "postings"
        times = (
            f"{self.num_candidates} candidate {what}; build {self.build_seconds:.2f} s, "
            f"search {self.solve_seconds:.2f} s"
        )
        lines = [head, times, *(st.line(k + 1) for k, st in enumerate(self.stages))]
        if self.reason:
            lines.append(self.reason)
        lines += ["", self.plan.summary(max_rows=max_rows)]
        return "\n".join(lines)
