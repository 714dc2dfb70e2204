"""Travel: a donor serves a recipient only within the recipient's ``max_travel_hours``,
by the shortest route on the network (no route: out of reach)."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation

CODES = ("travel",)


def check(view: PlanView) -> list[Violation]:
    network = view.scenario.network
    reach: dict[str, dict[str, float]] = {}
    out = []
    for i, p, e, r in view.to_test():
        if r.max_travel_hours is None:
            continue
        if r.city not in reach:
            reach[r.city] = network.travel_hours(r.city) if network else {r.city: 0.0}
        city = view.donors[e.donor].city
        hours = reach[r.city].get(city)
        if hours is None or hours > r.max_travel_hours:
            far = "unreachable" if hours is None else f"{hours:g} h away"
            out.append(
                Violation(
                    rule="travel",
                    message=f"{view.where(i, p)}: donor {e.donor!r} in {city!r} is {far}, over "
                    f"the limit of {r.max_travel_hours:g} h",
                    posting=i,
                    expert=e.id,
                    recipient=r.id,
                )
            )
    return out
