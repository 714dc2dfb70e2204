"""The independent validator: the written specification of a valid plan.

:func:`validate` re-checks every rule of the planner's contract from the scenario alone,
with plain Python loops over months. It deliberately shares no code with candidate
generation or the CP-SAT model (and never imports OR-Tools), so a bug in either cannot
hide itself. :func:`objective_value` recomputes the primary objective the same way.

The contract, for a posting ``(expert, recipient, specialty, start, months)``:

- eligibility: the expert and recipient exist; the recipient has a gap in the specialty;
  the expert holds the specialty at the gap's ``min_seniority`` or above; ``months`` is
  one of the expert's terms; ``[start, start+months)`` lies inside the expert's
  availability and the horizon; ``start`` is a multiple of ``start_step``; no
  ``forbidden`` pairing; if the recipient has ``required`` pairings, the donor is one of
  them; the donor city is within the recipient's ``max_travel_hours``;
- an expert's postings never overlap and number at most ``max_postings``;
- in every month: a donor department's experts away <= its ``release``; a donor's
  experts away <= ``max_away``; a recipient's visiting experts <= ``hosting``;
- coverage of a gap in a month of its window is ``min(demand, postings active)``; the
  objective is the sum over gaps and months of ``weight x coverage``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from matchaid.domain import PairingMode, Scenario
from matchaid.posting import Posting
from matchaid.weights import ObjectiveWeights

K = TypeVar("K")

__all__ = ["RULES", "Violation", "objective_value", "secondary_values", "validate"]

#: Rule codes a :class:`Violation` may carry.
RULES: tuple[str, ...] = (
    "unknown_expert",
    "unknown_recipient",
    "no_such_gap",
    "specialty",
    "seniority",
    "term",
    "availability",
    "start_step",
    "pairing_forbidden",
    "pairing_required",
    "travel",
    "overlap",
    "max_postings",
    "release",
    "max_away",
    "hosting",
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    rule
        One of :data:`RULES`.
    message
        What is wrong, naming the expert, recipient and month where they apply.
    posting
        Index of the offending posting in the plan, or ``None`` for rules about
        several postings (capacities).
    expert, recipient, month
        Where it happens, when that applies.
    """

    rule: str
    message: str
    posting: int | None = None
    expert: str | None = None
    recipient: str | None = None
    month: int | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _months(p: Posting, horizon: int) -> range:
    """The months of the horizon a posting is active in. Months outside the horizon
    are reported once, as an availability violation; counting them month by month could
    run out of memory on a hand-made posting of 2**62 months."""
    return range(max(p.start, 0), min(p.start + p.months, horizon))


def _postings(plan: object) -> tuple[Posting, ...]:
    postings = getattr(plan, "postings", plan)
    return tuple(postings)  # type: ignore[arg-type]


def validate(scenario: Scenario, plan: object) -> list[Violation]:
    """Every rule the plan breaks (an empty list for a valid plan).

    Parameters
    ----------
    scenario
        The scenario the plan is for.
    plan
        A :class:`~matchaid.Plan`, or any iterable of :class:`~matchaid.Posting`.

    Examples
    --------
    >>> from matchaid.domain import *
    >>> from matchaid.posting import Posting
    >>> s = Scenario(Horizon(6), (3,), (DonorHospital("D", "D", "X"),),
    ...     (Expert("E", "D", ("urology",), Seniority.CHIEF, (0, 6)),),
    ...     (RecipientHospital("R", "R", "Y", Level.COUNTY, 1,
    ...          (DisciplineGap("urology", 1, (0, 6), 1.0),)),))
    >>> for v in validate(s, [Posting("E", "R", "urology", 2, 3),
    ...                       Posting("E", "R", "urology", 4, 3)]):
    ...     print(v)
    [availability] posting 1: expert 'E' at 'R' in months [4, 7) is outside their availability [0, 6) or the horizon [0, 6)
    [overlap] expert 'E' has 2 postings in month 4 (postings 0, 1)
    [hosting] recipient 'R' hosts 2 visiting experts in month 4, more than its hosting capacity of 1
    """
    postings = _postings(plan)
    out: list[Violation] = []
    experts = {e.id: e for e in scenario.experts}
    recipients = {r.id: r for r in scenario.recipients}
    donors = {d.id: d for d in scenario.donors}
    required: dict[str, set[str]] = defaultdict(set)
    forbidden: set[tuple[str, str]] = set()
    for pr in scenario.pairings:
        if pr.mode is PairingMode.REQUIRED:
            required[pr.recipient].add(pr.donor)
        elif pr.mode is PairingMode.FORBIDDEN:
            forbidden.add((pr.donor, pr.recipient))
    horizon = scenario.horizon.months
    step = scenario.horizon.start_step
    travel_cache: dict[str, dict[str, float]] = {}

    valid_ref: list[bool] = []
    for i, p in enumerate(postings):
        where = f"posting {i}: expert {p.expert!r} at {p.recipient!r}"
        e = experts.get(p.expert)
        r = recipients.get(p.recipient)
        if e is None:
            out.append(
                Violation("unknown_expert", f"{where}: no such expert", i, p.expert, p.recipient)
            )
        if r is None:
            out.append(
                Violation(
                    "unknown_recipient", f"{where}: no such recipient", i, p.expert, p.recipient
                )
            )
        valid_ref.append(e is not None and r is not None)
        if e is None or r is None:
            continue
        gap = r.gap(p.specialty)
        if gap is None:
            out.append(
                Violation(
                    "no_such_gap",
                    f"{where}: the recipient has no gap in {p.specialty!r}",
                    i,
                    e.id,
                    r.id,
                )
            )
        if p.specialty not in e.specialties:
            out.append(
                Violation(
                    "specialty",
                    f"{where}: the expert does not practise {p.specialty!r}",
                    i,
                    e.id,
                    r.id,
                )
            )
        if gap is not None and gap.min_seniority is not None and e.seniority < gap.min_seniority:
            out.append(
                Violation(
                    "seniority",
                    f"{where}: the gap needs {gap.min_seniority.label} or above, the expert "
                    f"is {e.seniority.label}",
                    i,
                    e.id,
                    r.id,
                )
            )
        terms = e.terms if e.terms is not None else scenario.terms
        if p.months not in terms:
            out.append(
                Violation(
                    "term",
                    f"{where}: a {p.months}-month term is not one of {list(terms)}",
                    i,
                    e.id,
                    r.id,
                )
            )
        lo, hi = e.available
        end = p.start + p.months
        if p.start < lo or end > hi or p.start < 0 or end > horizon or p.months < 1:
            out.append(
                Violation(
                    "availability",
                    f"{where} in months [{p.start}, {end}) is outside their availability "
                    f"[{lo}, {hi})"
                    + (f" or the horizon [0, {horizon})" if end > horizon or p.start < 0 else ""),
                    i,
                    e.id,
                    r.id,
                )
            )
        if p.start % step != 0:
            out.append(
                Violation(
                    "start_step",
                    f"{where}: starts in month {p.start}, not a multiple of {step}",
                    i,
                    e.id,
                    r.id,
                )
            )
        if (e.donor, r.id) in forbidden:
            out.append(
                Violation(
                    "pairing_forbidden",
                    f"{where}: donor {e.donor!r} is forbidden to serve it",
                    i,
                    e.id,
                    r.id,
                )
            )
        if required.get(r.id) and e.donor not in required[r.id]:
            out.append(
                Violation(
                    "pairing_required",
                    f"{where}: the recipient takes only its required donors "
                    f"({', '.join(sorted(required[r.id]))}), not {e.donor!r}",
                    i,
                    e.id,
                    r.id,
                )
            )
        if r.max_travel_hours is not None:
            if r.city not in travel_cache:
                travel_cache[r.city] = (
                    scenario.network.travel_hours(r.city) if scenario.network else {r.city: 0.0}
                )
            hours = travel_cache[r.city].get(donors[e.donor].city)
            if hours is None or hours > r.max_travel_hours:
                far = "unreachable" if hours is None else f"{hours:g} h away"
                out.append(
                    Violation(
                        "travel",
                        f"{where}: donor {e.donor!r} in {donors[e.donor].city!r} is {far}, over the "
                        f"limit of {r.max_travel_hours:g} h",
                        i,
                        e.id,
                        r.id,
                    )
                )

    # Per-month counts, from the postings whose expert and recipient exist.
    by_expert: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(postings):
        if valid_ref[i]:
            by_expert[p.expert].append(i)
    for eid, idx in by_expert.items():
        e = experts[eid]
        if e.max_postings is not None and len(idx) > e.max_postings:
            out.append(
                Violation(
                    "max_postings",
                    f"expert {eid!r} has {len(idx)} postings, more than their max_postings of "
                    f"{e.max_postings}",
                    None,
                    eid,
                )
            )
        for month in sorted({t for i in idx for t in _months(postings[i], horizon)}):
            active = [i for i in idx if postings[i].is_active(month)]
            if len(active) > 1:
                out.append(
                    Violation(
                        "overlap",
                        f"expert {eid!r} has {len(active)} postings in month {month} "
                        f"(postings {', '.join(map(str, active))})",
                        None,
                        eid,
                        None,
                        month,
                    )
                )
    out.extend(_capacities(scenario, [p for i, p in enumerate(postings) if valid_ref[i]], horizon))
    return out


def _count_by_month(spans: Iterable[tuple[K, int, int]]) -> dict[K, dict[int, int]]:
    """``{key: {month: number of spans (key, start, end) covering it}}``."""
    counts: dict[K, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, start, end in spans:
        for t in range(start, end):
            counts[key][t] += 1
    return counts


def _capacities(scenario: Scenario, postings: list[Posting], horizon: int) -> list[Violation]:
    out: list[Violation] = []
    experts = {e.id: e for e in scenario.experts}
    donors = {d.id: d for d in scenario.donors}
    recipients = {r.id: r for r in scenario.recipients}
    # An expert is away once in a month even if (wrongly) posted twice: count people.
    away: dict[str, set[int]] = defaultdict(set)
    for p in postings:
        away[p.expert].update(_months(p, horizon))
    dept = _count_by_month(
        ((experts[eid].donor, experts[eid].primary), t, t + 1)
        for eid, away_months in away.items()
        for t in away_months
    )
    for (did, spec), counts in sorted(dept.items()):
        cap = donors[did].release.get(spec)
        for t, n in sorted(counts.items()):
            if cap is not None and n > cap:
                out.append(
                    Violation(
                        "release",
                        f"donor {did!r} has {n} {spec} experts away in month {t}, more than its "
                        f"release of {cap}",
                        None,
                        None,
                        None,
                        t,
                    )
                )
    total = _count_by_month(
        (experts[eid].donor, t, t + 1) for eid, away_months in away.items() for t in away_months
    )
    for did, months in sorted(total.items(), key=lambda kv: str(kv[0])):
        cap = donors[str(did)].max_away
        for t, n in sorted(months.items()):
            if cap is not None and n > cap:
                out.append(
                    Violation(
                        "max_away",
                        f"donor {did!r} has {n} experts away in month {t}, more than its "
                        f"max_away of {cap}",
                        None,
                        None,
                        None,
                        t,
                    )
                )
    hosted = _count_by_month(
        (p.recipient, m.start, m.stop) for p in postings for m in [_months(p, horizon)]
    )
    for rid, months in sorted(hosted.items(), key=lambda kv: str(kv[0])):
        cap = recipients[str(rid)].hosting
        for t, n in sorted(months.items()):
            if n > cap:
                out.append(
                    Violation(
                        "hosting",
                        f"recipient {rid!r} hosts {n} visiting experts in month {t}, more than "
                        f"its hosting capacity of {cap}",
                        None,
                        None,
                        str(rid),
                        t,
                    )
                )
    return out


def objective_value(
    scenario: Scenario, plan: object, weights: ObjectiveWeights | None = None
) -> float:
    """The primary objective of ``plan``: the sum over gaps and months of their window of
    ``weight x min(demand, postings active)``. Postings with unknown references count
    nothing.

    With ``weights`` in ``weighted`` mode, the combined objective that mode maximises:
    that plus ``preferred x preferred-months - travel x hours - posted_month x
    posted-months`` (see :func:`secondary_values`).

    >>> from matchaid.domain import *
    >>> from matchaid.posting import Posting
    >>> s = Scenario(Horizon(6), (3,), (DonorHospital("D", "D", "X"),),
    ...     (Expert("E", "D", ("urology",), Seniority.CHIEF, (0, 6)),),
    ...     (RecipientHospital("R", "R", "Y", Level.COUNTY, 1,
    ...          (DisciplineGap("urology", 1, (2, 6), 2.5),)),))
    >>> objective_value(s, [Posting("E", "R", "urology", 0, 3)])
    2.5
    """
    active: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    horizon = scenario.horizon.months
    for p in _postings(plan):
        for t in _months(p, horizon):
            active[(p.recipient, p.specialty)][t] += 1
    total = 0.0
    for r in scenario.recipients:
        for g in r.gaps:
            counts = active.get((r.id, g.specialty), {})
            covered = sum(min(g.demand, counts.get(t, 0)) for t in range(*g.window))
            total += g.weight * covered
    if weights is not None and weights.mode == "weighted":
        pref_months, hours = secondary_values(scenario, plan)
        posted = sum(p.months for p in _postings(plan))
        total += (
            weights.preferred * pref_months - weights.travel * hours - weights.posted_month * posted
        )
    return total


def secondary_values(scenario: Scenario, plan: object) -> tuple[int, float]:
    """The secondary terms of ``plan``: covered expert-months served by donors with a
    ``preferred`` pairing (per gap and month at most the covered amount), and the total
    travel hours of all postings (donor city to recipient city, unknown routes as 0)."""
    preferred = {
        (p.donor, p.recipient) for p in scenario.pairings if p.mode is PairingMode.PREFERRED
    }
    experts = {e.id: e for e in scenario.experts}
    donors = {d.id: d for d in scenario.donors}
    recipients = {r.id: r for r in scenario.recipients}
    all_n: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    pref_n: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    hours = 0.0
    cache: dict[str, dict[str, float]] = {}
    for p in _postings(plan):
        e, r = experts.get(p.expert), recipients.get(p.recipient)
        if e is None or r is None:
            continue
        for t in _months(p, scenario.horizon.months):
            all_n[(r.id, p.specialty)][t] += 1
            if (e.donor, r.id) in preferred:
                pref_n[(r.id, p.specialty)][t] += 1
        if scenario.network is not None:
            if r.city not in cache:
                cache[r.city] = scenario.network.travel_hours(r.city)
            hours += cache[r.city].get(donors[e.donor].city, 0.0)
    months = 0
    for r in scenario.recipients:
        for g in r.gaps:
            key = (r.id, g.specialty)
            for t in range(*g.window):
                covered = min(g.demand, all_n[key].get(t, 0)) if key in all_n else 0
                months += min(covered, pref_n[key].get(t, 0)) if key in pref_n else 0
    return months, hours
