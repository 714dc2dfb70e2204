"""Release: in every month, a donor department's experts away number at most its
``release`` (a department is a donor and its experts' primary specialty)."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation, count_by_month, over_capacity

CODES = ("release",)


def check(view: PlanView) -> list[Violation]:
    experts = view.experts
    away = count_by_month(
        ((experts[eid].donor, experts[eid].primary), t, t + 1)
        for eid, months in view.away.items()
        for t in months
    )

    def violation(key: tuple[str, str], t: int, n: int, cap: int) -> Violation:
        donor, specialty = key
        return Violation(
            rule="release",
            message=f"donor {donor!r} has {n} {specialty} experts away in month {t}, more "
            f"than its release of {cap}",
            month=t,
        )

    return over_capacity(away, lambda key: view.donors[key[0]].release.get(key[1]), violation)
