"""Fairness (a lexicographic goal, nothing to violate): the least share of its weighted
demand covered at any recipient that has at least one eligible posting (not forbidden
by a pin). A recipient's share is ``sum(weight x coverage)`` over its gaps and window
periods divided by ``sum(weight x demand x window length)``; coverage is the contract's
(with a community's hub share). 1.0 when no recipient has an eligible posting."""

from __future__ import annotations

from matchaid.domain import PinMode, Scenario
from matchaid.posting import Posting
from matchaid.validation.base import PlanView
from matchaid.validation.pins import eligible_alone as _eligible


def fairness_recipients(scenario: Scenario) -> list[str]:
    """Recipients with at least one eligible posting that no pin forbids (plain loops
    over experts, gaps, terms and starts; each recipient stops at its first)."""
    forbidden = {p.key for p in scenario.pins if p.mode is PinMode.FORBIDDEN}
    step, months = scenario.horizon.start_step, scenario.horizon.months
    out = []
    for r in scenario.recipients:
        found = False
        for g in r.gaps:
            for e in scenario.experts:
                if g.specialty not in e.specialties:
                    continue
                for m in scenario.terms_of(e):
                    for s in range(0, months, step):
                        p = Posting(e.id, r.id, g.specialty, s, m)
                        key = (p.expert, p.recipient, p.specialty, p.start, p.months)
                        if key not in forbidden and _eligible(scenario, p):
                            found = True
                            break
                    if found:
                        break
                if found:
                    break
            if found:
                break
        if found:
            out.append(r.id)
    return out


def shares(view: PlanView, recipients: list[str]) -> dict[str, float]:
    """Each listed recipient's covered share of its weighted demand."""
    from matchaid.validation.coverage import gap_coverage

    covered = gap_coverage(view)
    out = {}
    for rid in recipients:
        r = view.recipients[rid]
        demand = sum(g.weight * g.demand * (g.window[1] - g.window[0]) for g in r.gaps)
        got = sum(g.weight * covered[(rid, g.specialty)] for g in r.gaps)
        out[rid] = got / demand if demand else 1.0
    return out


def value(view: PlanView, recipients: list[str] | None = None) -> float:
    """The plan's fairness."""
    who = fairness_recipients(view.scenario) if recipients is None else recipients
    got = shares(view, who)
    return min(got.values()) if got else 1.0
