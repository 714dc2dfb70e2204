"""Budget: the plan's total cost (each posting ``per_trip + periods x
per_period[seniority]``, each training placement ``per_trip + periods x
trainee_per_period``) is at most ``budget``."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation

CODES = ("budget",)


def total_cost(view: PlanView) -> float:
    """What the plan's postings and placements cost (0 without ``costs``)."""
    costs = view.scenario.costs
    if costs is None:
        return 0.0
    total = 0.0
    for _, p, e, _ in view.known():
        total += costs.per_trip + p.months * costs.per_period[e.seniority]
    for _, tr, _, _ in view.known_trainings():
        total += costs.per_trip + tr.months * costs.trainee_per_period
    return total


def check(view: PlanView) -> list[Violation]:
    budget = view.scenario.budget
    if budget is None:
        return []
    cost = total_cost(view)
    if cost <= budget + 1e-9 * max(1.0, abs(budget)):
        return []
    return [
        Violation(
            rule="budget",
            message=f"budget: the plan costs {cost:g}, more than its budget of {budget:g}",
        )
    ]
