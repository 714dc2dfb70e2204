"""What one more expert, or one more unit of a capacity, is worth:
:func:`marginal_values`.

- **Supply.** For each donor department (a donor and a primary specialty) with experts:
  the gain in the primary objective from one more expert like its most flexible one
  (the widest availability, then the most terms, then the highest rank; the first in
  file order on a tie). For each specialty, the best such department.
- **Capacity.** For each binding capacity (a department's ``release``, a donor's
  ``max_away``, a recipient's ``hosting``, a donor's ``seats`` in a specialty, the
  ``budget``): the gain from one more unit. A capacity binds when the plan fills it in
  some period or its LP price is positive.

Every value is first **estimated from the LP relaxation's duals** (GLOP's optimal row
prices): a capacity by the sum of its rows' prices (one more unit raises each row by
one); an expert by the best set of non-overlapping postings of the clone (at most its
``max_postings``) by reduced cost at those prices, the template's own rows left out. The
top ``N`` of each list by estimate are then computed exactly by re-solving the changed
scenario, warm-started from the plan (:mod:`matchaid.whatif`), side by side with the
estimate; ``gain`` is ``None`` where only the estimate was computed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.domain import Expert, Scenario
from matchaid.exceptions import InputError, Problem
from matchaid.params import SolveParams
from matchaid.plan import Plan
from matchaid.program import RULE_ORDER, IntegerProgram, build_program
from matchaid.relax import lp_prices
from matchaid.result import Result
from matchaid.rulenames import RuleName
from matchaid.rules.budget import COST_SCALE
from matchaid.weights import ObjectiveWeights
from matchaid.whatif import Change, Gain, Whatifs, capacity_change, clone_change, reaches_best

__all__ = ["CapacityValue", "MarginalValues", "SupplyValue", "marginal_values"]


@dataclass(frozen=True, slots=True)
class SupplyValue:
    """One more expert for a donor department.

    Attributes
    ----------
    donor, specialty
        The department (its primary specialty).
    expert
        The template: the department's most flexible expert.
    estimate
        The LP-dual estimate of the gain (weight units).
    gain, gain_proven, gain_at_most
        The re-solved gain, whether proven, and a proven upper bound on it (``None``
        where not computed).
    """

    donor: str
    specialty: str
    expert: str
    estimate: float
    gain: float | None = None
    gain_proven: bool = False
    gain_at_most: float | None = None
    gain_from_best: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "donor": self.donor,
            "specialty": self.specialty,
            "gain": self.gain,
            "gain_proven": self.gain_proven,
            "estimate": self.estimate,
            "gain_at_most": self.gain_at_most,
            "expert": self.expert,
        }


@dataclass(frozen=True, slots=True)
class CapacityValue:
    """One more unit of a capacity.

    Attributes
    ----------
    kind
        ``release``, ``max_away``, ``hosting``, ``seats`` or ``budget``.
    id
        The donor (release, max_away, seats) or recipient (hosting); ``""`` for the
        budget.
    specialty
        The department (release) or the seats' specialty; ``None`` otherwise.
    limit
        Its value now.
    estimate, gain, gain_proven, gain_at_most
        As in :class:`SupplyValue`.
    full_periods
        The periods the plan fills it in (every period for a spent budget).
    """

    kind: str
    id: str
    specialty: str | None
    limit: float
    estimate: float
    gain: float | None = None
    gain_proven: bool = False
    gain_at_most: float | None = None
    full_periods: tuple[int, ...] = ()
    gain_from_best: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "specialty": self.specialty,
            "gain": self.gain,
            "gain_proven": self.gain_proven,
            "estimate": self.estimate,
            "gain_at_most": self.gain_at_most,
            "limit": self.limit,
            "full_periods": list(self.full_periods),
        }


@dataclass(frozen=True, slots=True)
class MarginalValues:
    """What :func:`marginal_values` returns: both lists sorted by gain, best first
    (those with only an estimate after, by estimate), and the best department per
    specialty."""

    supply: tuple[SupplyValue, ...]
    capacity: tuple[CapacityValue, ...]
    specialties: tuple[SupplyValue, ...]
    objective: float
    status: str
    lp_status: str
    seconds: float
    resolves: int
    complete: bool
    interrupted: bool = False

    def to_dict(self) -> dict[str, Any]:
        """``{"supply": [...], "capacity": [...], "specialties": [...], ...}``."""
        return {
            "supply": [v.to_dict() for v in self.supply],
            "capacity": [v.to_dict() for v in self.capacity],
            "specialties": [v.to_dict() for v in self.specialties],
            "objective": self.objective,
            "status": self.status,
            "estimates": f"LP relaxation duals (GLOP, {self.lp_status})",
            "seconds": round(self.seconds, 3),
            "resolves": self.resolves,
            "complete": self.complete,
            "interrupted": self.interrupted,
        }

    def to_text(self, scenario: Scenario, top: int | None = None) -> str:
        """The two rankings as a planner reads them."""
        lines = [
            f"Plan objective {self.objective:g} ({self.status}). Estimates from the LP "
            "relaxation's duals; gains re-solved (proven, or at least / at most).",
            "",
            "Whom to recruit (one more expert like the department's most flexible one):",
        ]
        lines += _rows(
            [
                (f"{_name(scenario, 'donor', v.donor)} {v.specialty}", v.estimate, _gain(v))
                for v in self.supply[:top]
            ]
        )
        lines += ["", "Which limit to negotiate (one more unit):"]
        lines += _rows(
            [(_capacity_name(scenario, v), v.estimate, _gain(v)) for v in self.capacity[:top]]
        )
        if not self.complete:
            lines += ["", "Some gains were not computed before the deadline: allow more time."]
        return "\n".join(lines)


def _gain(v: SupplyValue | CapacityValue) -> str:
    if v.gain is None:
        return "-"
    return Gain(v.gain, v.gain_proven, v.gain_at_most, from_best=v.gain_from_best).words()


def _rows(rows: list[tuple[str, float, str]]) -> list[str]:
    if not rows:
        return ["  (none)"]
    width = max(len(r[0]) for r in rows)
    out = [f"  {'':<{width}}  {'estimate':>9}  gain"]
    out += [f"  {name:<{width}}  {est:>9.4g}  {gain}" for name, est, gain in rows]
    return out


def _name(scenario: Scenario, kind: str, ident: str) -> str:
    entity = scenario.donor(ident) if kind == "donor" else scenario.recipient(ident)
    return ident if entity.name == ident else f"{entity.name} ({ident})"


def _capacity_name(scenario: Scenario, v: CapacityValue) -> str:
    if v.kind == "budget":
        return f"budget ({v.limit:g})"
    if v.kind == "hosting":
        return f"hosting at {_name(scenario, 'recipient', v.id)} ({v.limit:g})"
    what = f"{v.kind} {v.specialty}" if v.specialty else v.kind
    return f"{what} at {_name(scenario, 'donor', v.id)} ({v.limit:g})"


def marginal_values(
    scenario: Scenario,
    result: Result | Plan | None = None,
    *,
    params: SolveParams | None = None,
    top: int = 10,
    time_limit: float | None = None,
) -> MarginalValues:
    """Rank whom to recruit and which capacity to raise, by their gain in the primary
    objective (see the module docstring).

    Parameters
    ----------
    scenario
        The scenario.
    result
        Its solve (solved here with ``params`` if ``None``), or a plan of it (nothing
        then is known to be optimal: re-solves settle it first).
    params
        Search settings of the solve and the re-solves.
    top
        How many of each list to re-solve exactly (by estimate, best first).
    time_limit
        Seconds for the re-solves, all together; default twice the solve's wall time
        (at least 5 s).
    """
    from matchaid.search import solve

    if scenario.past is not None:
        raise InputError(
            "<scenario>", [Problem("past", "marginal values are not made for a re-plan")]
        )
    params = params or SolveParams()
    if result is None:
        result = solve(scenario, params)
    t0 = time.perf_counter()
    if isinstance(result, Plan):
        plan, objective, status, proven = result, result.objective, "given", False
        time_limit = 10.0 if time_limit is None else time_limit
    else:
        plan, objective, status = result.plan, result.objective, result.status.value
        proven = reaches_best(scenario, result, params)
        if time_limit is None:
            time_limit = max(5.0, 2.0 * result.wall_seconds)
    prices = _Prices(scenario, plan, time_limit / 4)
    supply = prices.supply()
    capacity = prices.capacity()
    whatifs = Whatifs(scenario, plan, proven, params, t0 + time_limit)
    supply, capacity = _exact(scenario, supply, capacity, top, whatifs)
    best: dict[str, SupplyValue] = {}
    for v in supply:
        if v.specialty not in best or _value(v) > _value(best[v.specialty]):
            best[v.specialty] = v
    return MarginalValues(
        supply=tuple(supply),
        capacity=tuple(capacity),
        specialties=tuple(sorted(best.values(), key=_rank)),
        objective=objective,
        status=status,
        lp_status=prices.status,
        seconds=time.perf_counter() - t0,
        resolves=whatifs.solves,
        complete=not whatifs.interrupted
        and all(v.gain is not None for v in supply[:top])
        and all(c.gain is not None for c in capacity[:top]),
        interrupted=whatifs.interrupted,
    )


def _value(v: SupplyValue | CapacityValue) -> float:
    return v.gain if v.gain is not None else v.estimate


def _rank(v: SupplyValue | CapacityValue) -> tuple[int, float, float]:
    """Gains first, by gain; then estimates alone, by estimate."""
    if v.gain is not None:
        return (0, -v.gain, -v.estimate)
    return (1, -v.estimate, 0.0)


def _exact(
    scenario: Scenario,
    supply: list[SupplyValue],
    capacity: list[CapacityValue],
    top: int,
    whatifs: Whatifs,
) -> tuple[list[SupplyValue], list[CapacityValue]]:
    """Re-solve the top ``top`` of each list by estimate, alternating, sharing the
    deadline; both lists ranked."""
    supply.sort(key=lambda v: (-v.estimate, v.donor, v.specialty))
    capacity.sort(key=lambda v: (-v.estimate, v.kind, v.id, v.specialty or ""))
    jobs: list[tuple[str, int, Change]] = []
    for k in range(top):
        if k < len(supply):
            jobs.append(("s", k, clone_change(scenario, supply[k].expert)))
        if k < len(capacity):
            c = capacity[k]
            jobs.append(("c", k, capacity_change(scenario, c.kind, c.id, c.specialty or "")))
    for (which, k, _), gain in zip(jobs, whatifs.gains([c for _, _, c in jobs]), strict=True):
        if gain.value is None:
            continue
        ranking: list[Any] = supply if which == "s" else capacity
        ranking[k] = replace(
            ranking[k],
            gain=gain.value,
            gain_proven=gain.proven,
            gain_at_most=gain.at_most,
            gain_from_best=gain.from_best,
        )
    return sorted(supply, key=_rank), sorted(capacity, key=_rank)


class _Prices:
    """The LP relaxation's prices and what they say of each department and capacity."""

    def __init__(self, scenario: Scenario, plan: Plan, seconds: float) -> None:
        self.s = scenario
        self.cands: CandidateSet = generate_candidates(scenario)
        self.lm: IntegerProgram = build_program(self.cands, ObjectiveWeights(mode="off"))
        self.unit = self.lm.scaling.unit
        if len(self.cands):
            self.status, self.y, _ = lp_prices(self.lm, max(seconds, 1.0))
        else:
            self.status, self.y = "optimal", np.zeros(0)
        if self.y.size != self.lm.num_rows:
            self.y = np.zeros(self.lm.num_rows)
        found = self.cands.find([*plan.postings, *plan.trainings])
        chosen = np.zeros(len(self.cands), dtype=bool)
        chosen[found[found >= 0]] = True
        values = self.lm.complete(chosen)
        self.tight = self.lm.activity(values) >= self.lm.rhs - 1e-9
        self.full = _full_periods(scenario, plan)

    def supply(self) -> list[SupplyValue]:
        """The estimate of one more expert for every department with experts."""
        lm, cands = self.lm, self.cands
        rule_of_term = lm.row_rule[lm.row_of_term]
        own_rules = [RULE_ORDER.index(RuleName.OVERLAP), RULE_ORDER.index(RuleName.MAX_POSTINGS)]
        others = ~np.isin(rule_of_term, own_rules)
        priced = lm.coefs * self.y[lm.row_of_term] * others
        column = np.bincount(lm.cols, weights=priced, minlength=lm.num_vars)
        n = cands.num_postings
        reduced = lm.objective[:n].astype(np.float64) - column[:n]
        by_expert: dict[int, list[int]] = defaultdict(list)
        for j, e in enumerate(cands.expert[:n].tolist()):
            by_expert[e].append(j)
        departments: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, e in enumerate(self.s.experts):
            departments[(e.donor, e.primary)].append(i)
        out = []
        for (donor, dept), members in departments.items():
            i = max(members, key=lambda k: _flexibility(self.s, self.s.experts[k], k))
            e = self.s.experts[i]
            best = _schedule(cands, by_expert.get(i, []), reduced, e.max_postings)
            out.append(SupplyValue(donor, dept, e.id, _clean(best * self.unit)))
        return out

    def capacity(self) -> list[CapacityValue]:
        """Every capacity with a row the plan fills or a positive price."""
        lm = self.lm
        price: dict[tuple[str, str, str], float] = defaultdict(float)
        binding: set[tuple[str, str, str]] = set()
        for r in range(lm.num_rows):
            key = self._row_key(r)
            if key is None:
                continue
            price[key] += float(self.y[r]) * (COST_SCALE if key[0] == "budget" else 1)
            if self.tight[r] or self.y[r] > 1e-9:
                binding.add(key)
        out = []
        for key in sorted(binding):
            kind, ident, specialty = key
            out.append(
                CapacityValue(
                    kind,
                    ident,
                    specialty or None,
                    _limit(self.s, kind, ident, specialty),
                    _clean(max(price[key], 0.0) * self.unit),
                    full_periods=tuple(sorted(self.full.get(key, ()))),
                )
            )
        return out

    def _row_key(self, r: int) -> tuple[str, str, str] | None:
        """The capacity row ``r`` states (``None``: no capacity)."""
        lm, cands, s = self.lm, self.cands, self.s
        rule = RULE_ORDER[int(lm.row_rule[r])]
        if rule not in _CAPACITY_RULES:
            return None
        if rule is RuleName.BUDGET:
            return ("budget", "", "")
        col = int(lm.cols[lm.indptr[r]])
        n = cands.num_postings
        if rule is RuleName.SEATS:
            donor = s.donors[int(cands.placements.donor[col - n])].id
            specialty = s.trainees[int(cands.placements.trainee[col - n])].specialty
            return ("seats", donor, specialty)
        if rule is RuleName.HOSTING:
            return ("hosting", s.recipients[int(cands.recipient[col])].id, "")
        e = s.experts[int(cands.expert[col])]
        if rule is RuleName.RELEASE:
            return ("release", e.donor, e.primary)
        return ("max_away", e.donor, "")


def _full_periods(s: Scenario, plan: Plan) -> dict[tuple[str, str, str], set[int]]:
    """The periods each capacity is full in, counted from the plan."""
    load: dict[tuple[str, str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p in plan.postings:
        e = s.expert(p.expert)
        for t in range(p.start, min(p.end, s.horizon.months)):
            load[("release", e.donor, e.primary)][t] += 1
            load[("max_away", e.donor, "")][t] += 1
            load[("hosting", p.recipient, "")][t] += 1
    for tr in plan.trainings:
        specialty = s.trainee(tr.trainee).specialty
        for t in range(tr.start, min(tr.start + tr.months, s.horizon.months)):
            load[("seats", tr.donor, specialty)][t] += 1
    out: dict[tuple[str, str, str], set[int]] = {}
    for key, periods in load.items():
        kind, ident, specialty = key
        d = s.donor(ident) if kind != "hosting" else None
        if kind == "release" and d is not None and specialty not in d.release:
            continue
        if kind == "max_away" and d is not None and d.max_away is None:
            continue
        cap = _limit(s, kind, ident, specialty)
        out[key] = {t for t, n in periods.items() if n >= cap}
    if s.budget is not None:
        from matchaid.validation.base import PlanView
        from matchaid.validation.budget import total_cost

        spent = total_cost(PlanView(s, plan.postings, plan.trainings))
        if spent >= s.budget - 1e-9:
            out[("budget", "", "")] = set(range(s.horizon.months))
    return out


_CAPACITY_RULES = frozenset(
    {RuleName.RELEASE, RuleName.MAX_AWAY, RuleName.HOSTING, RuleName.SEATS, RuleName.BUDGET}
)


def _limit(s: Scenario, kind: str, ident: str, specialty: str) -> float:
    if kind == "budget":
        return float(s.budget or 0.0)
    if kind == "hosting":
        return float(s.recipient(ident).hosting)
    d = s.donor(ident)
    if kind == "release":
        return float(d.release[specialty])
    if kind == "seats":
        return float(d.seats.get(specialty, 0))
    return float(d.max_away or 0)


def _flexibility(s: Scenario, e: Expert, index: int) -> tuple[int, int, int, int]:
    """Widest availability, then most terms, then highest rank, then file order."""
    return (e.available[1] - e.available[0], len(s.terms_of(e)), int(e.seniority), -index)


def _schedule(
    cands: CandidateSet,
    postings: Iterable[int],
    reduced: npt.NDArray[np.float64],
    most: int | None,
) -> float:
    """The best total reduced cost of non-overlapping postings among ``postings``, at
    most ``most`` of them (weighted interval scheduling)."""
    jobs = sorted(
        (int(cands.start[j]) + int(cands.months[j]), int(cands.start[j]), float(reduced[j]))
        for j in postings
        if reduced[j] > 1e-12
    )
    if not jobs:
        return 0.0
    ends = np.array([end for end, _, _ in jobs])
    before = np.searchsorted(ends, [start for _, start, _ in jobs], side="right").tolist()
    if most is None:  # best[i]: the best value among the first i postings
        best = [0.0] * (len(jobs) + 1)
        for i, (_, _, w) in enumerate(jobs, 1):
            best[i] = max(best[i - 1], w + best[before[i - 1]])
        return best[-1]
    # prev[i] after c rounds: the best value of at most c postings among the first i
    prev = [0.0] * (len(jobs) + 1)
    for _ in range(min(most, len(jobs))):
        cur = [0.0] * (len(jobs) + 1)
        for i, (_, _, w) in enumerate(jobs, 1):
            cur[i] = max(cur[i - 1], w + prev[before[i - 1]])
        prev = cur
    return prev[-1]


def _clean(x: float) -> float:
    return float(round(x, 9)) + 0.0
