"""Properties of explanations on generated scenarios: the load-based checks agree with
the independent validator, every unmet gap gets a reason, and proven gains equal an
independent MIP's."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

import matchaid
from matchaid.explanation import explain
from matchaid.plan import Plan
from matchaid.reasons import CODES, COUNTERFACTUAL, Loads, Reason, hard_stops
from tests.oracles import eligible_postings, mip_optimum
from tests.planner.helpers import EXACT
from tests.strategies import v2_scenarios

SMALL = v2_scenarios(max_experts=5, max_recipients=3, max_months=8)


def _solved(s: matchaid.Scenario) -> matchaid.Result:
    try:
        return matchaid.solve(s, EXACT)
    except matchaid.ScenarioError:  # fixed pins that cannot hold together
        reject()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SMALL)
def test_hard_stops_agree_with_the_validator(s: matchaid.Scenario) -> None:
    plan = _solved(s).plan
    loads = Loads(s, plan)
    busy = {(p.expert, t) for p in plan.postings for t in range(p.start, p.end)}
    for p in eligible_postings(s):
        if any((p.expert, t) in busy for t in range(p.start, p.end)):
            continue  # overlaps the expert's own posting: the checks take it as moved
        stops = hard_stops(loads, p)
        bigger = Plan(s, (*plan.postings, p), plan.trainings)
        broken = matchaid.validate(s, bigger)
        assert (stops == []) == (broken == []), (p, stops, broken)


def _changed(s: matchaid.Scenario, reason: Reason) -> matchaid.Scenario:
    """The scenario with the reason's limit raised by one or its rule dropped, stated
    from the contract's words."""
    sub, rule = reason.subject, reason.figures.get("rule")

    def donors(f: Any) -> matchaid.Scenario:
        return replace(s, donors=tuple(f(d) if d.id == sub["donor"] else d for d in s.donors))

    def recipients(f: Any) -> matchaid.Scenario:
        rs = tuple(f(r) if r.id == sub["recipient"] else r for r in s.recipients)
        return replace(s, recipients=rs)

    if reason.code == "release":
        sp = sub["specialty"]
        return donors(lambda d: replace(d, release={**d.release, sp: d.release[sp] + 1}))
    if reason.code == "max_away":
        return donors(lambda d: replace(d, max_away=d.max_away + 1))
    if reason.code == "hosting":
        return recipients(lambda r: replace(r, hosting=r.hosting + 1))
    if reason.code == "budget":
        return replace(s, budget=s.budget + 1)
    if rule == "max_postings":
        es = tuple(
            replace(e, max_postings=e.max_postings + 1) if e.id == sub["expert"] else e
            for e in s.experts
        )
        return replace(s, experts=es)
    if rule in ("max_donors", "max_donor_groups"):
        return recipients(lambda r: replace(r, **{rule: getattr(r, rule) + 1}))
    if rule == "leader":
        return recipients(lambda r: replace(r, leader=None))
    if rule == "starts":
        return recipients(lambda r: replace(r, starts=None))
    if rule == "continuous":
        sp = sub["specialty"]
        return recipients(
            lambda r: replace(
                r,
                gaps=tuple(
                    replace(g, continuous=False) if g.specialty == sp else g for g in r.gaps
                ),
            )
        )
    if rule == "pin":
        k = int(sub["pin"])
        return replace(s, pins=s.pins[:k] + s.pins[k + 1 :])
    raise AssertionError(f"no change for {reason}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SMALL)
def test_every_unmet_gap_has_a_reason_and_proven_gains_are_exact(s: matchaid.Scenario) -> None:
    result = _solved(s)
    found = explain(s, result, time_limit=60, params=EXACT)
    unmet = {(c.recipient, c.specialty) for c in result.plan.coverage() if c.unmet_months > 1e-9}
    assert {(g.recipient, g.specialty) for g in found.gaps} == unmet
    base = mip_optimum(s)
    checked: set[str] = set()
    for g in found.gaps:
        assert g.reasons, g
        for r in g.reasons:
            assert r.code in CODES
            if r.code not in COUNTERFACTUAL or s.stages:
                continue
            assert r.gain is not None and r.gain_proven, r  # 60 s suffice for these sizes
            if r.text in checked:
                continue
            checked.add(r.text)
            event(f"gain checked: {r.code} {r.figures.get('rule', '')}")
            new = mip_optimum(_changed(s, r))
            assert base is not None and new is not None
            assert abs(r.gain - (new - base)) < 1e-6, (r, new, base)


@settings(max_examples=300, deadline=None)
@given(st.integers(4, 24), st.integers(1, 4), st.data())
def test_shapes_and_closest_miss_match_brute_force(
    months: int, step: int, data: st.DataObject
) -> None:
    from matchaid.reasons import Unmet
    from tests.planner.helpers import expert, recipient, scenario

    terms = data.draw(st.lists(st.integers(1, months), min_size=1, max_size=3, unique=True))
    a0 = data.draw(st.integers(0, months - 1))
    a1 = data.draw(st.integers(a0 + 1, months))
    unmet = data.draw(st.sets(st.integers(0, months - 1), min_size=1))
    starts = data.draw(st.none() | st.tuples(st.integers(0, months - 1)))
    e = expert("E", available=(a0, a1), terms=tuple(terms))
    s = scenario([e], [recipient("R")], months=months, step=step, terms=(1,))
    loads = Loads(s, matchaid.Plan(s, ()))
    brute = sorted(
        (t0, m)
        for m in terms
        for t0 in range(0, months, step)
        if a0 <= t0
        and t0 + m <= min(a1, months)
        and (starts is None or t0 in starts)
        and any(t in unmet for t in range(t0, t0 + m))
    )
    assert loads.shapes(e, Unmet(unmet), starts) == brute
    needs = [
        max(0, a0 - t0) + max(0, t0 + m - a1)
        for m in terms
        for t0 in range(0, months - m + 1, step)
        if any(t in unmet for t in range(t0, t0 + m))
    ]
    assert loads.closest_miss(e, Unmet(unmet)) == (min(needs) if needs else None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SMALL, st.data())
def test_a_sure_gain_is_a_valid_better_plan(s: matchaid.Scenario, data: st.DataObject) -> None:
    full = _solved(s).plan
    keep = data.draw(
        st.lists(st.booleans(), min_size=len(full.postings), max_size=len(full.postings))
    )
    postings = tuple(p for p, k in zip(full.postings, keep, strict=True) if k)
    plan = Plan(s, postings, full.trainings)
    if matchaid.validate(s, plan):
        reject()  # dropping a posting broke a leader or continuity rule
    loads = Loads(s, plan)
    base = matchaid.objective_value(s, plan)
    for p in eligible_postings(s):
        stops = hard_stops(loads, p)
        if stops:
            continue
        gone = [q for q in postings if q.expert == p.expert and q.start < p.end and p.start < q.end]
        if loads.surely_gains(gone, p):
            event("a sure gain" + (" by a move" if gone else ""))
            moved = Plan(s, (*(q for q in postings if q not in gone), p), plan.trainings)
            assert matchaid.validate(s, moved) == [], (p, gone)
            assert matchaid.objective_value(s, moved) > base + 1e-9, (p, gone)
