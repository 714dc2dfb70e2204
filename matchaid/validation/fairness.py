"""Fairness (a lexicographic goal, nothing to violate): the least share of its weighted
demand covered at any recipient that has at least one eligible posting (not forbidden
by a pin). A recipient's share is ``sum(weight x coverage)`` over its gaps and window
periods divided by ``sum(weight x demand x window length)``; coverage is the contract's
(with a community's hub share). 1.0 when no recipient has an eligible posting."""

from __future__ import annotations

from matchaid.domain import Expert, PinMode, Scenario
from matchaid.posting import Posting
from matchaid.validation import pairing, references, seniority, starts, terms, travel
from matchaid.validation.base import PlanView

#: The eligibility rules about an expert and a gap, and those about a posting's shape.
_PAIR = (references, seniority, pairing, travel)
_SHAPE = (terms, starts)


def fairness_recipients(scenario: Scenario) -> list[str]:
    """Recipients with at least one eligible posting that no pin forbids (plain loops
    over experts, gaps, terms and starts; each recipient stops at its first). The rules
    about the pair (references, seniority, pairing, travel) are checked once per expert
    and gap, those about the posting's shape (terms, starts) per posting."""
    forbidden = {p.posting for p in scenario.pins if p.mode is PinMode.FORBIDDEN}
    step, months = scenario.horizon.start_step, scenario.horizon.months
    out = []
    for r in scenario.recipients:
        if any(
            _pair_has_posting(scenario, e, r.id, g.specialty, step, months, forbidden)
            for g in r.gaps
            for e in scenario.experts
            if g.specialty in e.specialties
        ):
            out.append(r.id)
    return out


def _pair_has_posting(
    scenario: Scenario,
    e: Expert,
    rid: str,
    specialty: str,
    step: int,
    months: int,
    forbidden: set[Posting],
) -> bool:
    lo, hi = e.available
    shapes = [
        (s, m)
        for m in scenario.terms_of(e)
        for s in range(0, months, step)
        if lo <= s and s + m <= min(hi, months)
    ]
    if not shapes:
        return False
    probe = PlanView(scenario, [Posting(e.id, rid, specialty, *shapes[0])])
    if any(module.check(probe) for module in _PAIR):
        return False
    for s, m in shapes:
        p = Posting(e.id, rid, specialty, s, m)
        if p in forbidden:
            continue
        view = PlanView(scenario, [p])
        if not any(module.check(view) for module in _SHAPE):
            return True
    return False


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
