"""The reasons one gap of a plan is unmet, before their counterfactual gains: who could
serve it at all, and what stops the plan taking one more eligible posting for it
(see :mod:`matchaid.explanation` for the codes).

The checks here are stated on the plan's loads (experts away per department and per
donor, visitors per recipient, leaders, presence per gap, donors per recipient, cost),
read once, so that every eligible posting of every unmet gap is tried in turn without
re-validating the plan. The test suite checks them against the independent validator:
a posting they find nothing against is one the validator accepts.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from matchaid.domain import (
    DisciplineGap,
    DonorHospital,
    Expert,
    Goal,
    LeaderMode,
    PairingMode,
    PinMode,
    RecipientHospital,
    Scenario,
)
from matchaid.plan import Plan
from matchaid.posting import Posting
from matchaid.whatif import Change, capacity_change, with_expert, with_gap, with_recipient

__all__ = ["CODES", "COUNTERFACTUAL", "Loads", "Reason", "gap_reasons", "spans"]

#: Every reason code: the contract's, then matchaid's own two: ``supply`` (every eligible
#: expert already serves the gap whenever they could) and ``search`` (a posting no rule
#: stops, in a plan not proven optimal).
CODES = (
    "no_specialty",
    "seniority",
    "availability",
    "pairing",
    "travel",
    "release",
    "max_away",
    "hosting",
    "seats",
    "budget",
    "used_elsewhere",
    "rule",
    "supply",
    "search",
)
#: Codes that carry a counterfactual.
COUNTERFACTUAL = frozenset({"release", "max_away", "hosting", "seats", "budget", "rule"})


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a gap is unmet.

    Attributes
    ----------
    code
        One of :data:`CODES`.
    text
        The reason in domain words, with its figures and counterfactual.
    limit
        The limit or rule named: a capacity's value (``2``: two away at once), a rank
        (``"chief"``), a travel limit in hours, a rule (``"leader"``), or ``None``.
    periods
        The periods it binds in (a capacity full, experts busy), sorted.
    gain, gain_proven, gain_at_most
        The counterfactual (capacity and rule reasons): the gain in the primary objective
        if the limit were raised by one or the rule dropped, whether it is proven, and a
        proven upper bound on it; ``None`` where not computed.
    share
        The share of the gap's holders it excludes (who-could-serve reasons) or of its
        eligible postings over unmet periods it stops (the others).
    subject
        The ids it is about (``donor``, ``specialty``, ``recipient``, ``expert``, ...).
    figures
        Its other figures (counts, names, ranks, hours).
    """

    code: str
    text: str
    limit: float | str | None = None
    periods: tuple[int, ...] = ()
    gain: float | None = None
    gain_proven: bool = False
    gain_at_most: float | None = None
    share: float = 0.0
    subject: Mapping[str, str] = field(default_factory=dict)
    figures: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``code, text, limit, periods, gain, gain_proven``, then the
        rest."""
        return {
            "code": self.code,
            "text": self.text,
            "limit": self.limit,
            "periods": list(self.periods),
            "gain": self.gain,
            "gain_proven": self.gain_proven,
            "gain_at_most": self.gain_at_most,
            "share": round(self.share, 6),
            "subject": dict(self.subject),
            "figures": dict(self.figures),
        }


def spans(periods: Iterable[int], unit: str = "month") -> str:
    """``[1, 2, 3, 7]`` -> ``"months 1-3, 7"``."""
    ps = sorted(set(periods))
    if not ps:
        return f"no {unit}s"
    runs: list[str] = []
    start = prev = ps[0]
    for t in [*ps[1:], None]:
        if t is not None and t == prev + 1:
            prev = t
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if t is not None:
            start = prev = t
    return f"{unit}{'s' if len(ps) > 1 else ''} {', '.join(runs)}"


def _name(name: str, ident: str) -> str:
    return ident if name == ident else f"{name} ({ident})"


class Loads:
    """A plan's loads, read once: what one more posting is checked against. ``optimal``:
    the plan is proven to reach the best primary objective (then no posting that fits
    is one the search missed)."""

    def __init__(self, scenario: Scenario, plan: Plan, optimal: bool = False) -> None:
        self.s = scenario
        self.plan = plan
        self.optimal = optimal  # proven to reach the best primary objective
        self.months = scenario.horizon.months
        self.unit = scenario.horizon.unit.value
        self.by_expert: dict[str, list[Posting]] = defaultdict(list)
        self.dept: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        self.donor_away: dict[str, Counter[int]] = defaultdict(Counter)
        self.hosted: dict[str, Counter[int]] = defaultdict(Counter)
        self.leaders: dict[str, Counter[int]] = defaultdict(Counter)
        self.present: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        self.donors_at: dict[str, set[str]] = defaultdict(set)
        self.groups_at: dict[str, set[str]] = defaultdict(set)
        for p in plan.postings:
            self._add(p)
        self.cost = sum(self.posting_cost(p) for p in plan.postings)
        if scenario.costs is not None:
            c = scenario.costs
            self.cost += sum(c.per_trip + tr.months * c.trainee_per_period for tr in plan.trainings)
        self.forbidden = {
            pin.posting: k for k, pin in enumerate(scenario.pins) if pin.mode is PinMode.FORBIDDEN
        }
        self.required: dict[str, set[str]] = defaultdict(set)
        self.forbidden_pairs: set[tuple[str, str]] = set()
        for pr in scenario.pairings:
            if pr.mode is PairingMode.REQUIRED:
                self.required[pr.recipient].add(pr.donor)
            elif pr.mode is PairingMode.FORBIDDEN:
                self.forbidden_pairs.add((pr.donor, pr.recipient))
        self.holders: dict[str, list[Expert]] = defaultdict(list)
        members: dict[tuple[str, str], set[str]] = defaultdict(set)
        for e in scenario.experts:
            for sp in e.specialties:
                self.holders[sp].append(e)
            members[(e.donor, e.primary)].add(e.id)  # a department
            members[(e.donor, "")].add(e.id)  # a donor
        self.members = {key: frozenset(ids) for key, ids in members.items()}
        self._hours: dict[str, dict[str, float]] = {}
        self._holders_of: dict[str, frozenset[str]] = {}
        self.stages = _holding_stages(scenario)

    def _add(self, p: Posting) -> None:
        e = self.s.expert(p.expert)
        d = self.s.donor(e.donor)
        self.by_expert[e.id].append(p)
        for t in range(max(p.start, 0), min(p.end, self.months)):
            self.dept[(d.id, e.primary)][t] += 1
            self.donor_away[d.id][t] += 1
            self.hosted[p.recipient][t] += 1
            self.leaders[p.recipient][t] += int(e.can_lead)
            self.present[(p.recipient, p.specialty)][t] += 1
        self.donors_at[p.recipient].add(d.id)
        self.groups_at[p.recipient].add(d.group_key)

    def surely_gains(self, gone: list[Posting], new: Posting) -> bool:
        """Whether the plan with ``new`` in place of ``gone`` (the same expert's
        postings for the same gap) surely has a higher primary objective and breaks no
        leader or continuity rule at the gap's recipient; read from the loads.

        The gain counted is the gap's own coverage (a hub's share at a spoke included)
        less what a ``preferred`` leader's penalty may add; every loss a move can cause
        elsewhere (handovers, project periods) is subtracted at its most. Handovers,
        projects and a hub's share at its spokes only add when nothing is removed."""
        r = self.s.recipient(new.recipient)
        g = r.gap(new.specialty)
        assert g is not None
        e = self.s.expert(new.expert)
        delta: Counter[int] = Counter()
        for p in gone:
            for t in range(p.start, min(p.end, self.months)):
                delta[t] -= 1
        for t in range(new.start, min(new.end, self.months)):
            delta[t] += 1
        present = self.present[(r.id, g.specialty)]
        hub = self.s.hub_of(r.id)
        lo, hi = g.window
        gain = 0.0
        for t, d in delta.items():
            if lo <= t < hi and d:
                extra = 0.0 if hub is None else hub[1] * self.present[(hub[0], g.specialty)][t]
                x = present[t] + extra
                gain += g.weight * (min(g.demand, x + d) - min(g.demand, x))
        hosted, leaders = self.hosted[r.id], self.leaders[r.id]
        for t, d in delta.items():
            then = hosted[t] + d
            leaderless_now = hosted[t] >= 1 and leaders[t] == 0
            led = leaders[t] + (d if e.can_lead else 0)
            leaderless_then = then >= 1 and led == 0
            if r.leader is not None and leaderless_then and not leaderless_now:
                if r.leader.mode is LeaderMode.REQUIRED:
                    return False
                gain -= float(r.leader.weight or 0.0)
        if gone:  # a move may lose handovers and project periods: count them lost
            gain -= 2 * len(gone) * g.handover_weight
            removed = sum(1 for d in delta.values() if d < 0)
            gain -= removed * sum(pj.weight for pj in r.projects if g.specialty in pj.needs)
        if g.continuous:
            series = [present[t] + delta[t] for t in range(lo, min(hi, self.months))]
            if any(x >= 1 and y == 0 for x, y in itertools.pairwise(series)):
                return False
        return gain > 1e-9

    def posting_cost(self, p: Posting) -> float:
        costs = self.s.costs
        if costs is None:
            return 0.0
        return costs.posting(self.s.expert(p.expert).seniority, p.months)

    def hours(self, r: RecipientHospital, city: str) -> float | None:
        """Travel hours from ``city`` to ``r`` (``None``: no route)."""
        if r.city not in self._hours:
            net = self.s.network
            self._hours[r.city] = net.travel_hours(r.city) if net else {r.city: 0.0}
        return self._hours[r.city].get(city)

    def holders_of(self, r: RecipientHospital) -> frozenset[str]:
        """Experts holding a specialty of one of ``r``'s gaps."""
        known = self._holders_of.get(r.id)
        if known is None:
            known = frozenset(e.id for g in r.gaps for e in self.holders.get(g.specialty, ()))
            self._holders_of[r.id] = known
        return known

    def shapes(
        self, e: Expert, unmet: Unmet, starts: tuple[int, ...] | None
    ) -> list[tuple[int, int]]:
        """``(start, months)`` of ``e``'s postings on the start grid, inside their
        availability and the horizon, active in an unmet period (and starting in
        ``starts`` if given), in order."""
        step = self.s.horizon.start_step
        a0, a1 = e.available
        out: set[tuple[int, int]] = set()
        for m in self.s.terms_of(e):
            last = min(a1, self.months) - m  # the latest start inside both
            for u0, u1 in unmet.runs:
                lo, hi = max(a0, 0, u0 - m + 1), min(last, u1)
                for st in range(-(-lo // step) * step, hi + 1, step):
                    if starts is None or st in starts:
                        out.add((st, m))
        return sorted(out)

    def closest_miss(self, e: Expert, unmet: Unmet) -> int | None:
        """The fewest periods ``e``'s availability would have to grow by for a posting
        on the grid and inside the horizon to cover an unmet period."""
        step = self.s.horizon.start_step
        a0, a1 = e.available
        best: int | None = None
        for m in self.s.terms_of(e):
            for u0, u1 in unmet.runs:
                lo = -(-max(0, u0 - m + 1) // step) * step
                hi = min(u1, self.months - m) // step * step
                if lo > hi:
                    continue
                # the need is convex in the start: least at an end or next to a bend
                for x in (lo, hi, a0, a1 - m):
                    for st in (x // step * step, -(-x // step) * step):
                        st = min(max(st, lo), hi)
                        need = max(0, a0 - st) + max(0, st + m - a1)
                        best = need if best is None else min(best, need)
        return best


class Unmet:
    """A gap's unmet periods, sorted, and their runs of consecutive periods."""

    def __init__(self, periods: Iterable[int]) -> None:
        self.periods = sorted(set(periods))
        self.runs: list[tuple[int, int]] = []
        for t in self.periods:
            if self.runs and self.runs[-1][1] == t - 1:
                self.runs[-1] = (self.runs[-1][0], t)
            else:
                self.runs.append((t, t))


def _holding_stages(scenario: Scenario) -> list[tuple[int, Goal]]:
    """The objective stages that can hold coverage back: each stage before the coverage
    stage, and each after it when coverage has a tolerance (every stage if none is
    coverage)."""
    goals = [st.goal for st in scenario.stages]
    if Goal.COVERAGE not in goals:
        return list(enumerate(goals))
    c = goals.index(Goal.COVERAGE)
    loose = scenario.stages[c].tolerance > 0
    return [(k, g) for k, g in enumerate(goals) if k < c or (loose and k > c)]


Found = tuple[Reason, Change | None]


def gap_reasons(a: Loads, r: RecipientHospital, g: DisciplineGap, unmet: list[int]) -> list[Found]:
    """The reasons gap ``g`` of ``r`` is unmet in periods ``unmet``, each with the change
    its counterfactual re-solves (``None`` for reasons without one)."""
    holders = a.holders.get(g.specialty, [])
    if not holders:
        text = f"No expert in the programme holds {g.specialty}."
        return [(Reason("no_specialty", text, share=1.0, subject={"specialty": g.specialty}), None)]
    unmet_set = Unmet(unmet)
    fails = {e.id: _holder_fails(a, e, r, g, unmet_set) for e in holders}
    found = _eligibility(a, r, g, holders, fails, unmet_set)
    eligible = [e for e in holders if not fails[e.id]]
    found += _blocking(a, r, g, eligible, unmet_set)
    return found


def _holder_fails(
    a: Loads, e: Expert, r: RecipientHospital, g: DisciplineGap, unmet: Unmet
) -> list[str]:
    """What keeps holder ``e`` from every posting for the gap over an unmet period."""
    out = []
    if g.min_seniority is not None and e.seniority < g.min_seniority:
        out.append("seniority")
    if not a.shapes(e, unmet, None):
        out.append("availability")
    elif r.starts is not None and not a.shapes(e, unmet, r.starts):
        out.append("starts")
    d = a.s.donor(e.donor)
    if (d.id, r.id) in a.forbidden_pairs or (a.required.get(r.id) and d.id not in a.required[r.id]):
        out.append("pairing")
    if r.max_travel_hours is not None:
        hours = a.hours(r, d.city)
        if hours is None or hours > r.max_travel_hours:
            out.append("travel")
    return out


class _Excluded(NamedTuple):
    """The holders one who-could-serve test excludes, and what its words need."""

    a: Loads
    r: RecipientHospital
    g: DisciplineGap
    hit: list[Expert]
    lead: str
    figures: dict[str, Any]
    unmet: Unmet


def _eligibility(
    a: Loads,
    r: RecipientHospital,
    g: DisciplineGap,
    holders: list[Expert],
    fails: dict[str, list[str]],
    unmet: Unmet,
) -> list[Found]:
    """The who-could-serve reasons: each test that excludes some holder."""
    n = len(holders)
    out: list[Found] = []
    for test in ("seniority", "availability", "starts", "pairing", "travel"):
        hit = [e for e in holders if test in fails[e.id]]
        if not hit:
            continue
        alone = sum(fails[e.id] == [test] for e in hit)
        figures: dict[str, Any] = {"holders": n, "excluded": len(hit), "excluded_alone": alone}
        who = "all" if len(hit) == n else f"{len(hit)} of"
        lead = f"{who} {n} holder(s) of {g.specialty}"
        out.append(_ELIGIBILITY_WORDS[test](_Excluded(a, r, g, hit, lead, figures, unmet)))
    return out


def _seniority(x: _Excluded) -> Found:
    r, g, hit, lead, figures = x.r, x.g, x.hit, x.lead, x.figures
    assert g.min_seniority is not None
    best = max(e.seniority for e in hit)
    figures["best_rank"] = best.label
    text = (
        f"{lead.capitalize()} rank below the gap's minimum, {g.min_seniority.label}; "
        f"the best rank among them is {best.label}."
    )
    return Reason(
        "seniority",
        text,
        g.min_seniority.label,
        share=_share(figures),
        subject={"recipient": r.id, "specialty": g.specialty},
        figures=figures,
    ), None


def _availability(x: _Excluded) -> Found:
    a, r, g, hit, lead, figures, unmet = x.a, x.r, x.g, x.hit, x.lead, x.figures, x.unmet
    misses = [(a.closest_miss(e, unmet), e.id) for e in hit]
    known = sorted((m, x) for m, x in misses if m is not None)
    text = (
        f"{lead.capitalize()} have no posting of one of their terms, inside their "
        f"availability, that covers an unmet {a.unit}."
    )
    if known:
        need, who = known[0]
        e = a.s.expert(who)
        terms = "/".join(str(t) for t in a.s.terms_of(e))
        text += (
            f" The closest miss is expert {who} (available {a.unit}s {e.available[0]} to "
            f"{e.available[1]}, terms {terms}), {need} {a.unit}(s) short."
        )
        figures["closest_miss"] = {"expert": who, "short_by": need, "available": list(e.available)}
    return Reason(
        "availability",
        text,
        share=_share(figures),
        subject={"recipient": r.id, "specialty": g.specialty},
        figures=figures,
    ), None


def _starts(x: _Excluded) -> Found:
    a, r, lead, figures = x.a, x.r, x.lead, x.figures
    assert r.starts is not None
    starts = ", ".join(str(t) for t in r.starts)
    figures["rule"] = "starts"
    figures["change"] = "drop"
    text = (
        f"{lead.capitalize()} could serve only with a start outside "
        f"{_name(r.name, r.id)}'s team starts ({a.unit}s {starts})."
    )
    change = Change(
        ("rule", "starts", r.id),
        lambda s: with_recipient(s, r.id, lambda x: replace(x, starts=None)),
        experts=a.holders_of(r),
    )
    return Reason(
        "rule",
        text,
        "starts",
        share=_share(figures),
        subject={"recipient": r.id, "rule": "starts"},
        figures=figures,
    ), change


def _pairing(x: _Excluded) -> Found:
    a, r, g, hit, lead, figures = x.a, x.r, x.g, x.hit, x.lead, x.figures
    donors = sorted({e.donor for e in hit})
    forbidden = [d for d in donors if (d, r.id) in a.forbidden_pairs]
    other = [d for d in donors if d not in forbidden]
    parts = []
    if forbidden:
        parts.append(f"forbidden to serve it: {_some(forbidden)}")
    if other:
        req = _some(sorted(a.required.get(r.id, ())))
        parts.append(f"not among its required donors ({req}): {_some(other)}")
    figures["donors"] = donors
    figures["forbidden"] = forbidden
    text = f"{lead.capitalize()} come from donors excluded by pairings; " + "; ".join(parts) + "."
    limit = (
        "forbidden"
        if forbidden and not other
        else "required"
        if other and not forbidden
        else "pairing"
    )
    return Reason(
        "pairing",
        text,
        limit,
        share=_share(figures),
        subject={"recipient": r.id, "specialty": g.specialty},
        figures=figures,
    ), None


def _travel(x: _Excluded) -> Found:
    a, r, g, hit, lead, figures = x.a, x.r, x.g, x.hit, x.lead, x.figures
    assert r.max_travel_hours is not None
    far: dict[str, float | None] = {}
    for e in hit:
        d = a.s.donor(e.donor)
        far[d.id] = a.hours(r, d.city)
    said = ", ".join(
        f"{d} ({'no route' if h is None else f'{h:g} h'})" for d, h in sorted(far.items())
    )
    figures["donors"] = {d: h for d, h in sorted(far.items())}
    text = (
        f"{lead.capitalize()} are too far: {_name(r.name, r.id)} takes donors within "
        f"{r.max_travel_hours:g} h; theirs: {said}."
    )
    return Reason(
        "travel",
        text,
        r.max_travel_hours,
        share=_share(figures),
        subject={"recipient": r.id, "specialty": g.specialty},
        figures=figures,
    ), None


def _some(names: list[str], most: int = 8) -> str:
    """At most ``most`` names, then how many more (the figures keep them all)."""
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _share(figures: Mapping[str, Any]) -> float:
    return float(figures["excluded"]) / max(1, int(figures["holders"]))


_ELIGIBILITY_WORDS: dict[str, Callable[[_Excluded], Found]] = {
    "seniority": _seniority,
    "availability": _availability,
    "starts": _starts,
    "pairing": _pairing,
    "travel": _travel,
}


# -- one more posting --------------------------------------------------------------

Key = tuple[str, ...]


@dataclass
class _Tally:
    """What one reason stops, over a gap's eligible postings."""

    code: str
    count: int = 0
    periods: set[int] = field(default_factory=set)
    experts: set[str] = field(default_factory=set)
    busy: dict[tuple[str, str, str], None] = field(default_factory=dict)


def _blocking(
    a: Loads, r: RecipientHospital, g: DisciplineGap, eligible: list[Expert], unmet: Unmet
) -> list[Found]:
    """The reasons each eligible posting over an unmet period is not in the plan."""
    tallies: dict[Key, _Tally] = {}
    total = 0
    serving: set[str] = set()
    for e in eligible:
        for st, m in a.shapes(e, unmet, r.starts):
            blocks = _blocks(a, e, r, g, st, m)
            if blocks is None:
                serving.add(e.id)
                continue
            total += 1
            for key, code, periods, busy in blocks:
                tally = tallies.setdefault(key, _Tally(code))
                tally.count += 1
                tally.periods |= periods
                tally.experts.add(e.id)
                for p in busy:
                    tally.busy[(p.expert, p.recipient, p.specialty)] = None
    found = [_blocking_reason(a, r, g, key, t, total) for key, t in tallies.items()]
    if eligible and total == 0:
        found.append(_supply(a, r, g, eligible, serving))
    return found


def _supply(
    a: Loads, r: RecipientHospital, g: DisciplineGap, eligible: list[Expert], serving: set[str]
) -> Found:
    """Every eligible expert already serves the gap whenever they could."""
    n = len(eligible)
    who = "the only eligible expert" if n == 1 else f"all {n} eligible experts"
    text = (
        f"Not enough people: {who} ({', '.join(sorted(e.id for e in eligible))}) already "
        f"serve this gap whenever a posting of theirs could cover an unmet {a.unit}."
    )
    figures = {"eligible": n, "serving": sorted(serving)}
    subject = {"recipient": r.id, "specialty": g.specialty}
    return Reason("supply", text, share=1.0, subject=subject, figures=figures), None


Block = tuple[Key, str, set[int], list[Posting]]


def _blocks(
    a: Loads, e: Expert, r: RecipientHospital, g: DisciplineGap, st: int, m: int
) -> list[Block] | None:
    """Why posting ``(e, r, g, st, m)`` is not in the plan: what stops it, or else why
    the objective did not take it; ``None`` if it only moves the expert within the gap
    and would gain nothing."""
    posting = Posting(e.id, r.id, g.specialty, st, m)
    stops = hard_stops(a, posting)
    if stops is None:  # a move within the gap: it can gain only in a plan not proven best
        if a.optimal or not _move_gains(a, posting):
            return None
        return [(("search",), "search", set(), [])]
    if stops:
        return stops
    return _unstopped(a, e, r, posting)


def hard_stops(a: Loads, posting: Posting) -> list[Block] | None:
    """What stops the plan taking ``posting`` (an eligible posting for a gap), the
    expert's postings it overlaps taken as moved to it. Empty: the plan with the posting
    added is valid (when it overlaps none). ``None``: nothing stops it, and it overlaps
    a posting of the expert for the same gap (a move within the gap)."""
    e = a.s.expert(posting.expert)
    r = a.s.recipient(posting.recipient)
    g = r.gap(posting.specialty)
    assert g is not None
    st, end = posting.start, posting.end
    span = range(st, min(end, a.months))
    clash = [p for p in a.by_expert.get(e.id, ()) if p.start < end and st < p.end]
    other = [p for p in clash if (p.recipient, p.specialty) != (r.id, g.specialty)]
    moved: Counter[int] = Counter()
    moved_here: Counter[int] = Counter()
    for p in clash:
        for t in range(p.start, p.end):
            moved[t] += 1
            moved_here[t] += p.recipient == r.id
    out: list[Block] = []
    if other:
        busy = {t for t in span for p in other if p.start <= t < p.end}
        out.append((("used_elsewhere",), "used_elsewhere", busy, other))
    d = a.s.donor(e.donor)
    out += _capacities(a, e, d, r, span, moved, moved_here)
    out += _budget(a, posting, clash)
    out += _rules(a, e, d, r, g, span, posting, len(clash))
    if not out and len(other) < len(clash):
        return None
    return out


def _move_gains(a: Loads, posting: Posting) -> bool:
    """Whether the plan with ``posting`` in place of the expert's postings it overlaps
    (all for the same gap: :func:`hard_stops` found nothing else against it) is surely
    valid and better."""
    gone = [
        p
        for p in a.by_expert.get(posting.expert, ())
        if p.start < posting.end and posting.start < p.end
    ]
    return a.surely_gains(gone, posting)


def _capacities(
    a: Loads,
    e: Expert,
    d: DonorHospital,
    r: RecipientHospital,
    span: range,
    moved: Counter[int],
    moved_here: Counter[int],
) -> list[Block]:
    out: list[Block] = []
    cap = d.release.get(e.primary)
    if cap is not None:
        load = a.dept[(d.id, e.primary)]
        full = {t for t in span if load[t] - moved[t] + 1 > cap}
        if full:
            out.append((("release", d.id, e.primary), "release", full, []))
    if d.max_away is not None:
        load = a.donor_away[d.id]
        full = {t for t in span if load[t] - moved[t] + 1 > d.max_away}
        if full:
            out.append((("max_away", d.id), "max_away", full, []))
    load = a.hosted[r.id]
    full = {t for t in span if load[t] - moved_here[t] + 1 > r.hosting}
    if full:
        out.append((("hosting", r.id), "hosting", full, []))
    return out


def _budget(a: Loads, posting: Posting, clash: list[Posting]) -> list[Block]:
    budget = a.s.budget
    if budget is None:
        return []
    cost = a.cost - sum(a.posting_cost(p) for p in clash) + a.posting_cost(posting)
    if cost <= budget + 1e-9 * max(1.0, abs(budget)):
        return []
    return [(("budget",), "budget", set(), [])]


def _rules(
    a: Loads,
    e: Expert,
    d: DonorHospital,
    r: RecipientHospital,
    g: DisciplineGap,
    span: range,
    posting: Posting,
    moved: int,
) -> list[Block]:
    out: list[Block] = []
    own = len(a.by_expert.get(e.id, ()))
    if e.max_postings is not None and own - moved + 1 > e.max_postings:
        out.append((("rule", "max_postings", e.id), "rule", set(), []))
    donors, groups = a.donors_at[r.id], a.groups_at[r.id]
    if r.max_donors is not None and d.id not in donors and len(donors) + 1 > r.max_donors:
        out.append((("rule", "max_donors", r.id), "rule", set(), []))
    if (
        r.max_donor_groups is not None
        and d.group_key not in groups
        and len(groups) + 1 > r.max_donor_groups
    ):
        out.append((("rule", "max_donor_groups", r.id), "rule", set(), []))
    if r.leader is not None and r.leader.mode is LeaderMode.REQUIRED and not e.can_lead:
        alone = {t for t in span if a.leaders[r.id][t] == 0}
        if alone:
            out.append((("rule", "leader", r.id), "rule", alone, []))
    if g.continuous and _breaks_continuity(a, r, g, span):
        out.append((("rule", "continuous", r.id, g.specialty), "rule", set(span), []))
    if posting in a.forbidden:
        out.append((("rule", "pin", str(a.forbidden[posting])), "rule", set(span), []))
    return out


def _breaks_continuity(a: Loads, r: RecipientHospital, g: DisciplineGap, span: range) -> bool:
    present = a.present[(r.id, g.specialty)]
    lo, hi = g.window
    now = [present[t] + (t in span) for t in range(lo, min(hi, a.months))]
    return any(x >= 1 and y == 0 for x, y in itertools.pairwise(now))


def _unstopped(a: Loads, e: Expert, r: RecipientHospital, posting: Posting) -> list[Block]:
    """A posting no rule stops: an objective stage, a preferred leader's penalty, or
    the search did not reach it (only in a plan not proven best)."""
    if a.stages:
        return [(("rule", "stage", str(k)), "rule", set(), []) for k, _ in a.stages]
    if not a.optimal and a.surely_gains([], posting):
        return [(("search",), "search", set(), [])]
    if r.leader is not None and r.leader.mode is LeaderMode.PREFERRED and not e.can_lead:
        return [(("rule", "leader", r.id), "rule", set(), [])]
    return [(("search",), "search", set(), [])] if not a.optimal else []


def _blocking_reason(
    a: Loads, r: RecipientHospital, g: DisciplineGap, key: Key, t: _Tally, total: int
) -> Found:
    """One reason from its tally: its words, figures and change."""
    share = t.count / max(1, total)
    figures: dict[str, Any] = {"postings": total, "stopped": t.count, "experts": sorted(t.experts)}
    periods = tuple(sorted(t.periods))
    when = spans(periods, a.unit)
    if t.code == "used_elsewhere":
        return _used_elsewhere(a, r, g, t, figures, share, periods), None
    if t.code == "search":
        text = (
            f"{t.count} eligible posting(s) fit every rule and would add to the objective: "
            "the search stopped before it found them (the plan is not proven optimal)."
        )
        return Reason(
            "search", text, share=share, subject={"recipient": r.id}, figures=figures
        ), None
    words, limit, subject, change = _LIMITS[key[0] if key[0] != "rule" else key[1]](a, key, when)
    if key[0] == "rule":
        figures["rule"] = key[1]
    figures["change"] = "raise" if key[0] != "rule" or key[1] in _RAISED else "drop"
    text = f"{words} It stops {t.count} of {total} eligible posting(s) over the unmet {a.unit}s."
    code = "rule" if key[0] == "rule" else key[0]
    return Reason(code, text, limit, periods, share=share, subject=subject, figures=figures), change


_RAISED = frozenset({"max_postings", "max_donors", "max_donor_groups"})


def _used_elsewhere(
    a: Loads,
    r: RecipientHospital,
    g: DisciplineGap,
    t: _Tally,
    figures: dict[str, Any],
    share: float,
    periods: tuple[int, ...],
) -> Reason:
    elsewhere: list[dict[str, Any]] = []
    for expert, rid, sp in t.busy:
        other = a.s.recipient(rid).gap(sp)
        weight = other.weight if other is not None else 0.0
        elsewhere.append({"expert": expert, "recipient": rid, "specialty": sp, "weight": weight})
    elsewhere.sort(key=lambda x: (-float(x["weight"]), str(x["expert"])))
    figures["elsewhere"] = elsewhere
    said = "; ".join(
        f"{x['expert']} at {_name(a.s.recipient(str(x['recipient'])).name, str(x['recipient']))} "
        f"for {x['specialty']} (weight {float(x['weight']):g})"
        for x in elsewhere[:5]
    )
    more = f" and {len(elsewhere) - 5} more" if len(elsewhere) > 5 else ""
    text = (
        f"{len(t.experts)} eligible expert(s) are posted to other gaps in "
        f"{spans(periods, a.unit)}: {said}{more} (this gap's weight: {g.weight:g})."
    )
    return Reason(
        "used_elsewhere",
        text,
        None,
        periods,
        share=share,
        subject={"recipient": r.id, "specialty": g.specialty},
        figures=figures,
    )


Limit = tuple[str, float | str | None, dict[str, str], Change]


def _release(a: Loads, key: Key, when: str) -> Limit:
    did, dept = key[1], key[2]
    d = a.s.donor(did)
    cap = d.release[dept]
    words = (
        f"{_name(d.name, d.id)}'s {dept} department may have at most {cap} expert(s) "
        f"away at once, and is full in {when}."
    )
    change = capacity_change(a.s, "release", did, dept, holders=a.members[(did, dept)])
    return words, cap, {"donor": did, "specialty": dept}, change


def _max_away(a: Loads, key: Key, when: str) -> Limit:
    d = a.s.donor(key[1])
    assert d.max_away is not None
    words = (
        f"{_name(d.name, d.id)} may have at most {d.max_away} expert(s) away at once, and "
        f"is full in {when}."
    )
    change = capacity_change(a.s, "max_away", d.id, holders=a.members[(d.id, "")])
    return words, d.max_away, {"donor": d.id}, change


def _hosting(a: Loads, key: Key, when: str) -> Limit:
    r = a.s.recipient(key[1])
    words = (
        f"{_name(r.name, r.id)} can host at most {r.hosting} visiting expert(s) at once, "
        f"and is full in {when}."
    )
    change = capacity_change(a.s, "hosting", r.id, holders=a.holders_of(r))
    return words, r.hosting, {"recipient": r.id}, change


def _budget_limit(a: Loads, key: Key, when: str) -> Limit:
    budget = a.s.budget
    assert budget is not None
    words = (
        f"The budget of {budget:g} is spent down to {budget - a.cost:g}, less than each of "
        "these postings would cost."
    )
    return words, budget, {}, capacity_change(a.s, "budget")


def _max_postings(a: Loads, key: Key, when: str) -> Limit:
    e = a.s.expert(key[2])
    assert e.max_postings is not None
    change = Change(
        key,
        lambda s: with_expert(
            s, e.id, lambda x: replace(x, max_postings=(x.max_postings or 0) + 1)
        ),
        experts=frozenset({e.id}),
    )
    words = f"Expert {e.id} may take at most {e.max_postings} posting(s) and has them all."
    return words, e.max_postings, {"expert": e.id, "rule": "max_postings"}, change


def _max_donors(a: Loads, key: Key, when: str) -> Limit:
    r = a.s.recipient(key[2])
    groups = key[1] == "max_donor_groups"
    cap = r.max_donor_groups if groups else r.max_donors
    assert cap is not None
    field_name = "max_donor_groups" if groups else "max_donors"
    change = Change(
        key,
        lambda s: with_recipient(s, r.id, lambda x: _raise_donors(x, groups)),
        experts=a.holders_of(r),
    )
    have = sorted(a.groups_at[r.id] if groups else a.donors_at[r.id])
    what = "groups of donors" if groups else "donors"
    words = (
        f"{_name(r.name, r.id)} takes experts from at most {cap} {what} and has them: "
        f"{', '.join(have)}."
    )
    return words, cap, {"recipient": r.id, "rule": field_name}, change


def _raise_donors(r: RecipientHospital, groups: bool) -> RecipientHospital:
    if groups:
        return replace(r, max_donor_groups=(r.max_donor_groups or 0) + 1)
    return replace(r, max_donors=(r.max_donors or 0) + 1)


def _leader(a: Loads, key: Key, when: str) -> Limit:
    r = a.s.recipient(key[2])
    assert r.leader is not None
    change = Change(
        key,
        lambda s: with_recipient(s, r.id, lambda x: replace(x, leader=None)),
        experts=a.holders_of(r),
    )
    if r.leader.mode is LeaderMode.REQUIRED:
        words = (
            f"{_name(r.name, r.id)} requires someone who can lead whenever it hosts anyone, "
            f"and no leader is posted there in {when}."
        )
    else:
        words = (
            f"{_name(r.name, r.id)} prefers a leader: each {a.unit} it hosts someone and no "
            f"leader costs {r.leader.weight:g}, more than these postings would add."
        )
    return words, "leader", {"recipient": r.id, "rule": "leader"}, change


def _continuous(a: Loads, key: Key, when: str) -> Limit:
    rid, sp = key[2], key[3]
    r = a.s.recipient(rid)
    change = Change(
        key,
        lambda s: with_gap(s, rid, sp, lambda g: replace(g, continuous=False)),
        experts=a.holders_of(r),
    )
    words = (
        f"The gap is continuous: once someone is present, someone must be present in every "
        f"later {a.unit} of its window, and these postings would leave a break."
    )
    return words, "continuous", {"recipient": rid, "specialty": sp, "rule": "continuous"}, change


def _pin(a: Loads, key: Key, when: str) -> Limit:
    k = int(key[2])
    pin = a.s.pins[k]
    change = Change(
        key,
        lambda s: replace(s, pins=tuple(p for p in s.pins if p != pin)),
        experts=frozenset({pin.expert}),
    )
    words = f"pins[{k}] forbids expert {pin.expert}'s posting here in {when}."
    return words, "pin", {"expert": pin.expert, "rule": "pin", "pin": str(k)}, change


def _stage(a: Loads, key: Key, when: str) -> Limit:
    k = int(key[2])
    st = a.s.stages[k]
    change = Change(("rule", "stages"), lambda s: s, everyone=True, from_plan=True)
    words = (
        f"The objective's stage {k + 1} ({st.goal.value}) holds these postings back: the "
        "plan trades coverage for it within the stages' tolerances."
    )
    return words, f"stage:{st.goal.value}", {"rule": "stage", "stage": str(k)}, change


_LIMITS: dict[str, Callable[[Loads, Key, str], Limit]] = {
    "release": _release,
    "max_away": _max_away,
    "hosting": _hosting,
    "budget": _budget_limit,
    "max_postings": _max_postings,
    "max_donors": _max_donors,
    "max_donor_groups": _max_donors,
    "leader": _leader,
    "continuous": _continuous,
    "pin": _pin,
    "stage": _stage,
}
