"""Independent oracles for the planner, written from the contract in issue 3 and, for
format v2 (team starts, cohesion, leaders, continuity, handover, communities,
projects), from issue 12, and (trainees and seats, costs and budget, pins, stages) from
issue 13.

None of these use matchaid's candidate generation, model or validator:

- :func:`eligible_postings` enumerates eligible postings with plain loops;
- :func:`mip_optimum` states the whole model month by month and solves it with HiGHS
  through OR-Tools MathOpt;
- :func:`flow_optimum` solves the case without side rules (single term = horizon) as a
  min-cost flow with networkx;
- :func:`exhaustive_optimum` tries every subset of eligible postings (tiny cases).
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import networkx as nx
from ortools.math_opt.python import mathopt

from matchaid.domain import Goal, LeaderMode, PairingMode, PinMode, Scenario
from matchaid.posting import Posting, Training


def _travel(scenario: Scenario, a: str, b: str) -> float | None:
    if a == b:
        return 0.0
    if scenario.network is None:
        return None
    g = nx.Graph()
    for road in scenario.network.edges:
        if not g.has_edge(road.a, road.b) or g[road.a][road.b]["w"] > road.hours:
            g.add_edge(road.a, road.b, w=road.hours)
    try:
        return float(nx.dijkstra_path_length(g, a, b, weight="w"))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None


def _paired(scenario: Scenario, recipient: str, mode: PairingMode) -> set[str]:
    """The donors paired with ``recipient`` in ``mode``."""
    return {p.donor for p in scenario.pairings if p.recipient == recipient and p.mode is mode}


def eligible_postings(scenario: Scenario) -> list[Posting]:
    """Every eligible posting by the contract, in a plain loop."""
    donors = {d.id: d for d in scenario.donors}
    out = []
    for e in scenario.experts:
        for r in scenario.recipients:
            req = _paired(scenario, r.id, PairingMode.REQUIRED)
            forb = _paired(scenario, r.id, PairingMode.FORBIDDEN)
            if e.donor in forb or (req and e.donor not in req):
                continue
            if r.max_travel_hours is not None:
                hours = _travel(scenario, donors[e.donor].city, r.city)
                if hours is None or hours > r.max_travel_hours:
                    continue
            for g in r.gaps:
                if g.specialty not in e.specialties:
                    continue
                if g.min_seniority is not None and e.seniority < g.min_seniority:
                    continue
                for m in e.terms if e.terms is not None else scenario.terms:
                    for s in range(scenario.horizon.months):
                        if s % scenario.horizon.start_step:
                            continue
                        if r.starts is not None and s not in r.starts:
                            continue
                        if (
                            s >= e.available[0]
                            and s + m <= e.available[1]
                            and s + m <= scenario.horizon.months
                        ):
                            out.append(Posting(e.id, r.id, g.specialty, s, m))
    return out


def eligible_trainings(scenario: Scenario) -> list[Training]:
    """Every eligible training placement by the contract, in a plain loop."""
    out = []
    for t in scenario.trainees:
        req = _paired(scenario, t.recipient, PairingMode.REQUIRED)
        forb = _paired(scenario, t.recipient, PairingMode.FORBIDDEN)
        for d in scenario.donors:
            if d.seats.get(t.specialty, 0) < 1 or d.id in forb or (req and d.id not in req):
                continue
            for m in t.terms if t.terms is not None else scenario.terms:
                for s in range(scenario.horizon.months):
                    if s % scenario.horizon.start_step or (
                        t.starts is not None and s not in t.starts
                    ):
                        continue
                    if t.available[0] <= s and s + m <= min(
                        t.available[1], scenario.horizon.months
                    ):
                        out.append(Training(t.id, d.id, s, m))
    return out


def mip_optimum(scenario: Scenario, postings: list[Posting] | None = None) -> float | None:
    """The optimum of the planner's primary objective, solved as a MIP by HiGHS;
    ``None`` when no plan keeps every fixed pin."""
    values = mip_stages(scenario, postings, stages=((Goal.COVERAGE, 0.0),))
    return None if values is None else values[0]


def replan_optimum(
    changed: Scenario,
    old: list[Posting],
    old_trainings: list[Training],
    withdrawn: dict[str, int],
    now: int,
    moves_weight: float | None = None,
) -> list[float] | None:
    """Re-planning's two stages (issue 16), from the changed scenario alone: the past
    (old postings and placements starting before ``now``, a withdrawn expert's cut at
    the withdrawal) fixed, new ones eligible and starting at ``now`` or later, rules
    period by period from ``now`` on (continuity where ``t+1 >= now``); the best primary
    objective, then the fewest changes at it (with ``moves_weight``, the best primary
    objective minus ``moves_weight`` per change, alone). ``None`` when no plan keeps the
    past."""
    past = []
    for p in old:
        if p.start < now:
            stop = withdrawn.get(p.expert)
            if stop is not None and p.start + p.months > stop:
                p = Posting(p.expert, p.recipient, p.specialty, p.start, stop - p.start)
            past.append(p)
    past_t = [t for t in old_trainings if t.start < now]
    postings = past + [p for p in eligible_postings(changed) if p.start >= now]
    trainings = past_t + [t for t in eligible_trainings(changed) if t.start >= now]
    future = {p for p in old if p.start >= now} | {t for t in old_trainings if t.start >= now}
    return mip_stages(
        changed,
        postings,
        ((Goal.COVERAGE, 0.0), ("changes", 0.0))  # type: ignore[arg-type]
        if moves_weight is None
        else (("tradeoff", moves_weight),),  # type: ignore[arg-type]
        trainings=trainings,
        now=now,
        past=set(past) | set(past_t),
        future=future,
    )


def mip_stages(
    scenario: Scenario,
    postings: list[Posting] | None = None,
    stages: tuple[tuple[Goal, float], ...] | None = None,
    *,
    trainings: list[Training] | None = None,
    now: int = 0,
    past: set[Posting | Training] | None = None,
    future: set[Posting | Training] | None = None,
) -> list[float] | None:
    """The value of each lexicographic stage (default: the scenario's), each optimised
    by HiGHS with the earlier stages kept within their tolerance; ``None`` when no plan
    keeps every fixed pin. Re-planning: ``past`` postings and placements are fixed, the
    rules stated period by period bind from ``now`` on, and the goal ``"changes"``
    counts the old plan's ``future`` entries left out plus new ones not among them."""
    if stages is None:
        stages = tuple((st.goal, st.tolerance) for st in scenario.stages) or ((Goal.COVERAGE, 0.0),)
    postings = eligible_postings(scenario) if postings is None else postings
    past = past or set()
    forbidden = {p.posting for p in scenario.pins if p.mode is PinMode.FORBIDDEN}
    fixed = {p.posting for p in scenario.pins if p.mode is PinMode.FIXED} | past
    postings = [p for p in postings if p not in forbidden or p in past]
    experts = {e.id: e for e in scenario.experts}
    donors = {d.id: d for d in scenario.donors}
    recipients = {r.id: r for r in scenario.recipients}
    horizon = scenario.horizon.months
    model = mathopt.Model(name="matchaid-oracle")
    x = [
        model.add_variable(
            lb=1 if p in fixed else 0,
            ub=1,
            is_integer=True,
        )
        for p in postings
    ]
    trainings = eligible_trainings(scenario) if trainings is None else trainings
    y = [model.add_variable(lb=1 if t in past else 0, ub=1, is_integer=True) for t in trainings]
    periods = range(now, horizon)  # rules stated period by period bind from now on

    def active(pred, t):  # type: ignore[no-untyped-def]
        return [
            x[i] for i, p in enumerate(postings) if pred(p) and p.start <= t < p.start + p.months
        ]

    for e in scenario.experts:
        mine = [x[i] for i, p in enumerate(postings) if p.expert == e.id]
        if e.max_postings is not None and mine:
            model.add_linear_constraint(sum(mine) <= e.max_postings)
        for t in periods:
            here = active(lambda p, e=e: p.expert == e.id, t)
            if len(here) > 1:
                model.add_linear_constraint(sum(here) <= 1)
    for d in scenario.donors:
        for t in periods:
            if d.max_away is not None:
                here = active(lambda p, d=d: experts[p.expert].donor == d.id, t)
                if here:
                    model.add_linear_constraint(sum(here) <= d.max_away)
            for spec, cap in d.release.items():
                here = active(
                    lambda p, d=d, spec=spec: (
                        experts[p.expert].donor == d.id and experts[p.expert].specialties[0] == spec
                    ),
                    t,
                )
                if here:
                    model.add_linear_constraint(sum(here) <= cap)
    for r in scenario.recipients:
        for t in periods:
            here = active(lambda p, r=r: p.recipient == r.id, t)
            if here:
                model.add_linear_constraint(sum(here) <= r.hosting)

    def present(rid: str, specialty: str, t: int) -> list[mathopt.Variable]:
        return active(lambda p: p.recipient == rid and p.specialty == specialty, t)

    objective = 0.0
    covered_at: dict[str, object] = {}
    eligible_at = {p.recipient for p in postings}
    hub_of = {sp: (cm.hub, cm.share) for cm in scenario.communities for sp in cm.spokes}
    for r in recipients.values():
        for g in r.gaps:
            hub, share = hub_of.get(r.id, (None, 0.0))
            if hub is not None and recipients[hub].gap(g.specialty) is None:
                hub = None
            for t in range(*g.window):
                here = present(r.id, g.specialty, t)
                shared = present(hub, g.specialty, t) if hub is not None else []
                if not here and not shared:
                    continue
                cov = model.add_variable(lb=0, ub=g.demand)
                model.add_linear_constraint(cov <= sum(here) + share * sum(shared))
                objective += g.weight * cov
                covered_at[r.id] = covered_at.get(r.id, 0.0) + g.weight * cov
    objective += _v2_rules(scenario, model, postings, x, present, now)
    objective += _trainees(scenario, model, trainings, y, now)
    del donors
    fair = model.add_variable(lb=0, ub=1)
    for r in scenario.recipients:
        if r.id in eligible_at:
            demand = sum(g.weight * g.demand * (g.window[1] - g.window[0]) for g in r.gaps)
            model.add_linear_constraint(fair * demand <= covered_at.get(r.id, 0.0))
    cost = 0.0
    if scenario.costs is not None:
        c = scenario.costs
        cost = sum(
            (c.per_trip + p.months * c.per_period[experts[p.expert].seniority]) * x[i]
            for i, p in enumerate(postings)
        ) + sum(
            (c.per_trip + tr.months * c.trainee_per_period) * y[j] for j, tr in enumerate(trainings)
        )
        if scenario.budget is not None and (postings or trainings):
            model.add_linear_constraint(cost <= scenario.budget)
    changes = 0.0
    if future is not None:
        chosen = [*zip(postings, x, strict=True), *zip(trainings, y, strict=True)]
        changes = len(future - {e for e, _ in chosen}) + sum(
            (1 - v) if e in future else v for e, v in chosen if e not in past
        )
    expression = {
        Goal.COVERAGE: objective,
        Goal.FAIRNESS: fair,
        Goal.COST: cost,
        "changes": changes,
    }
    values = []
    if stages and stages[0][0] == "tradeoff":  # re-planning's weighted trade-off
        expression["tradeoff"] = objective - stages[0][1] * changes
        stages = (("tradeoff", 0.0),)  # type: ignore[assignment]
    for goal, tolerance in stages:
        if isinstance(expression[goal], (int, float)):
            values.append(float(expression[goal]))  # a constant goal
            continue
        if goal in (Goal.COST, "changes"):
            model.minimize(expression[goal])
        else:
            model.maximize(expression[goal])
        result = mathopt.solve(model, mathopt.SolverType.HIGHS)
        if result.termination.reason == mathopt.TerminationReason.INFEASIBLE:
            return None
        assert result.termination.reason == mathopt.TerminationReason.OPTIMAL, result.termination
        value = float(result.objective_value())
        values.append(value)

        slack = tolerance * abs(value) + 1e-7
        if goal in (Goal.COST, "changes"):
            model.add_linear_constraint(expression[goal] <= value + slack)
        else:
            model.add_linear_constraint(expression[goal] >= value - slack)
    return values


def _trainees(scenario, model, trainings, y, now=0):  # type: ignore[no-untyped-def]
    """At most one placement per trainee; seats per donor, specialty and period; each
    placement's weight x periods."""
    trainees = {t.id: t for t in scenario.trainees}
    for t in scenario.trainees:
        mine = [y[j] for j, tr in enumerate(trainings) if tr.trainee == t.id]
        if len(mine) > 1:
            model.add_linear_constraint(sum(mine) <= 1)
    for d in scenario.donors:
        for spec, cap in d.seats.items():
            for t in range(now, scenario.horizon.months):
                here = [
                    y[j]
                    for j, tr in enumerate(trainings)
                    if tr.donor == d.id
                    and trainees[tr.trainee].specialty == spec
                    and tr.start <= t < tr.start + tr.months
                ]
                if len(here) > cap:
                    model.add_linear_constraint(sum(here) <= cap)
    return sum(trainees[tr.trainee].weight * tr.months * y[j] for j, tr in enumerate(trainings))


def _v2_rules(scenario, model, postings, x, present, now=0):  # type: ignore[no-untyped-def]
    """The format v2 rules, each period by period with its own indicator variables;
    returns their objective terms."""
    experts = {e.id: e for e in scenario.experts}
    donors = {d.id: d for d in scenario.donors}
    horizon = scenario.horizon.months
    objective = 0.0
    for r in scenario.recipients:
        at_r = [i for i, p in enumerate(postings) if p.recipient == r.id]
        # cohesion: an indicator per donor (group) used
        for cap, key in (
            (r.max_donors, lambda p: experts[p.expert].donor),
            (
                r.max_donor_groups,
                lambda p: donors[experts[p.expert].donor].group or "own:" + experts[p.expert].donor,
            ),
        ):
            if cap is None:
                continue
            used = {}
            for i in at_r:
                k = key(postings[i])
                if k not in used:
                    used[k] = model.add_binary_variable()
                model.add_linear_constraint(x[i] <= used[k])
            if used:
                model.add_linear_constraint(sum(used.values()) <= cap)
        # leaders
        if r.leader is not None:
            for t in range(horizon):
                here = [
                    i
                    for i in at_r
                    if postings[i].start <= t < postings[i].start + postings[i].months
                ]
                if not here:
                    continue
                leaders = sum(x[i] for i in here if experts[postings[i].expert].can_lead)
                if r.leader.mode is LeaderMode.REQUIRED and t < now:
                    continue  # history
                if r.leader.mode is LeaderMode.REQUIRED:
                    for i in here:
                        model.add_linear_constraint(x[i] <= leaders)
                else:
                    lone = model.add_binary_variable()
                    for i in here:
                        model.add_linear_constraint(lone >= x[i] - leaders)
                    objective -= r.leader.weight * lone
        # continuity and handover
        for g in r.gaps:
            lo, hi = g.window
            mine = [i for i in at_r if postings[i].specialty == g.specialty]
            for t in range(lo, hi - 1):
                if g.continuous and t + 1 >= now:
                    here_t = present(r.id, g.specialty, t)
                    if here_t:
                        on = model.add_binary_variable()
                        for v in here_t:
                            model.add_linear_constraint(v <= on)
                        model.add_linear_constraint(on <= sum(present(r.id, g.specialty, t + 1)))
                if g.handover_weight:
                    ending = [x[i] for i in mine if postings[i].start + postings[i].months - 1 == t]
                    staying = [
                        x[i]
                        for i in mine
                        if postings[i].start <= t
                        and postings[i].start + postings[i].months >= t + 2
                    ]
                    if ending and staying:
                        h = model.add_binary_variable()
                        model.add_linear_constraint(h <= sum(ending))
                        model.add_linear_constraint(h <= sum(staying))
                        objective += g.handover_weight * h
        # projects
        for pj in r.projects:
            for t in range(*pj.window):
                q = model.add_binary_variable()
                for spec, k in pj.needs.items():
                    model.add_linear_constraint(k * q <= sum(present(r.id, spec, t)))
                objective += pj.weight * q
    return objective


def flow_optimum(scenario: Scenario) -> float:
    """Optimum when each expert serves at most once, for the whole horizon, and there
    are no donor, hosting, pairing or travel limits: a max-weight b-matching of experts
    to gap slots, solved as a min-cost flow."""
    horizon = scenario.horizon.months
    g = nx.DiGraph()
    g.add_node("s", demand=0)
    total = 0
    for e in scenario.experts:
        if e.available != (0, horizon) or horizon not in (e.terms or scenario.terms):
            continue
        g.add_edge("s", ("e", e.id), capacity=1, weight=0)
        for r in scenario.recipients:
            for gap in r.gaps:
                if gap.specialty in e.specialties and (
                    gap.min_seniority is None or e.seniority >= gap.min_seniority
                ):
                    g.add_edge(("e", e.id), ("g", r.id, gap.specialty), capacity=1, weight=0)
        total += 1
    scale = 1000
    for r in scenario.recipients:
        for gap in r.gaps:
            node = ("g", r.id, gap.specialty)
            if node in g:
                value = round(gap.weight * (gap.window[1] - gap.window[0]) * scale)
                g.add_edge(node, "t", capacity=gap.demand, weight=-value)
    if total == 0 or "t" not in g:
        return 0.0
    g.add_edge("s", "t", capacity=total, weight=0)  # experts may stay home
    flow = nx.max_flow_min_cost(g, "s", "t")
    return -nx.cost_of_flow(g, flow) / scale


def exhaustive_optimum(
    scenario: Scenario, postings: list[Posting] | None = None, limit: int = 14
) -> float:
    """Best objective over every valid subset of eligible postings (for tiny cases)."""
    postings = eligible_postings(scenario) if postings is None else postings
    assert len(postings) <= limit, f"{len(postings)} postings is too many to enumerate"
    experts = {e.id: e for e in scenario.experts}
    donors = {d.id: d for d in scenario.donors}
    recipients = {r.id: r for r in scenario.recipients}
    best = 0.0
    for k in range(len(postings) + 1):
        for subset in itertools.combinations(postings, k):
            counts: dict[tuple[str, object], int] = defaultdict(int)
            ok = True
            per_expert: dict[str, int] = defaultdict(int)
            for p in subset:
                per_expert[p.expert] += 1
                e = experts[p.expert]
                for t in range(p.start, p.start + p.months):
                    for key in (
                        ("e", p.expert, t),
                        ("r", p.recipient, t),
                        ("d", e.donor, t),
                        ("k", e.donor, e.specialties[0], t),
                        ("g", p.recipient, p.specialty, t),
                    ):
                        counts[key] += 1  # type: ignore[index]
            for (kind, *rest), n in counts.items():  # type: ignore[misc]
                if (
                    (kind == "e" and n > 1)
                    or (kind == "r" and n > recipients[rest[0]].hosting)
                    or (
                        kind == "d"
                        and donors[rest[0]].max_away is not None
                        and n > donors[rest[0]].max_away
                    )
                ):
                    ok = False
                elif kind == "k":
                    cap = donors[rest[0]].release.get(rest[1])
                    if cap is not None and n > cap:
                        ok = False
            for eid, n in per_expert.items():
                if experts[eid].max_postings is not None and n > experts[eid].max_postings:
                    ok = False
            if not ok:
                continue
            value = 0.0
            for r in recipients.values():
                for gap in r.gaps:
                    for t in range(*gap.window):
                        value += gap.weight * min(
                            gap.demand, counts.get(("g", r.id, gap.specialty, t), 0)
                        )  # type: ignore[call-overload]
            best = max(best, value)
    return best
