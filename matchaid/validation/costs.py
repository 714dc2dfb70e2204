"""Costs (tie-breaks, or weighted terms): travel hours of every posting (donor city to
recipient city by the shortest route; unknown routes as 0) and expert-months posted."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation

CODES: tuple[str, ...] = ()


def check(view: PlanView) -> list[Violation]:
    return []


def travel_hours(view: PlanView) -> float:
    """Total travel hours of the postings whose expert and recipient exist."""
    network = view.scenario.network
    if network is None:
        return 0.0
    reach: dict[str, dict[str, float]] = {}
    hours = 0.0
    for _, _, e, r in view.known():
        if r.city not in reach:
            reach[r.city] = network.travel_hours(r.city)
        hours += reach[r.city].get(view.donors[e.donor].city, 0.0)
    return hours


def posted_months(view: PlanView) -> int:
    """Expert-months posted by the postings whose expert and recipient exist."""
    return sum(p.months for _, p, _, _ in view.known())
