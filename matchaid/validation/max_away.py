"""Max away: in every month, a donor's experts away number at most its ``max_away``."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation, count_by_month, over_capacity

CODES = ("max_away",)


def check(view: PlanView) -> list[Violation]:
    away = count_by_month(
        (view.experts[eid].donor, t, t + 1) for eid, months in view.away.items() for t in months
    )

    def violation(donor: str, t: int, n: int, cap: int) -> Violation:
        return Violation(
            rule="max_away",
            message=f"donor {donor!r} has {n} experts away in month {t}, more than its "
            f"max_away of {cap}",
            month=t,
        )

    return over_capacity(away, lambda donor: view.donors[donor].max_away, violation)
