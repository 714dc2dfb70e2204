"""Pins: a ``fixed`` pin's posting is in the plan, a ``forbidden`` one's is not; and
(:func:`pin_problems`) a fixed pin must be an eligible posting by the contract."""

from __future__ import annotations

from matchaid.domain import PinMode, Scenario
from matchaid.exceptions import Problem
from matchaid.posting import Posting
from matchaid.validation import pairing, references, seniority, starts, terms, travel
from matchaid.validation.base import PlanView, Violation

CODES = ("pin_fixed", "pin_forbidden")

#: The checks that say whether a posting, on its own, is eligible.
_ELIGIBILITY = (references, seniority, pairing, travel, terms, starts)


def check(view: PlanView) -> list[Violation]:
    planned = set(view.postings)
    out = []
    for k, pin in enumerate(view.scenario.pins):
        there = pin.posting in planned
        if (pin.mode is PinMode.FIXED) == there:
            continue
        said = "fixed but not in the plan" if not there else "forbidden but in the plan"
        out.append(
            Violation(
                rule="pin_fixed" if not there else "pin_forbidden",
                message=f"pins: pins[{k}]: expert {pin.expert!r} at {pin.recipient!r} in "
                f"{pin.specialty}, periods [{pin.start}, {pin.start + pin.months}) is {said}",
                expert=pin.expert,
                recipient=pin.recipient,
                month=pin.start,
            )
        )
    return out


def eligible_alone(scenario: Scenario, posting: Posting) -> bool:
    """Whether ``posting`` is eligible by the contract (taken on its own)."""
    view = PlanView(scenario, [posting])
    return not any(module.check(view) for module in _ELIGIBILITY)


def pin_problems(scenario: Scenario) -> list[Problem]:
    """Every fixed pin that is not an eligible posting by the contract, with why."""
    fixed = [(k, pin) for k, pin in enumerate(scenario.pins) if pin.mode is PinMode.FIXED]
    view = PlanView(scenario, [pin.posting for _, pin in fixed])
    problems = []
    for module in _ELIGIBILITY:
        for v in module.check(view):
            if v.posting is not None:
                k = fixed[v.posting][0]
                reason = (
                    v.message.split(": ", 1)[-1] if v.message.startswith("posting") else v.message
                )
                problems.append(
                    Problem(f"pins[{k}]", f"a fixed pin must be an eligible posting: {reason}")
                )
    return sorted(problems, key=lambda p: (int(p.path[5:-1]), p.message))
