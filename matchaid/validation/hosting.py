"""Hosting: in every month, a recipient hosts at most ``hosting`` visiting experts."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation, count_by_month, over_capacity

CODES = ("hosting",)


def check(view: PlanView) -> list[Violation]:
    hosted = count_by_month(
        (p.recipient, m.start, m.stop) for _, p, _, _ in view.known() for m in [view.months(p)]
    )

    def violation(recipient: str, t: int, n: int, cap: int) -> Violation:
        return Violation(
            rule="hosting",
            message=f"recipient {recipient!r} hosts {n} visiting experts in month {t}, more "
            f"than its hosting capacity of {cap}",
            recipient=recipient,
            month=t,
        )

    return over_capacity(hosted, lambda recipient: view.recipients[recipient].hosting, violation)
