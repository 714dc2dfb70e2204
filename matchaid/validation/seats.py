"""Seats: in every period, the trainees of a specialty placed at a donor number at most
the donor's ``seats`` for that specialty (0 where it lists none)."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation, count_by_month, over_capacity

CODES = ("seats",)


def check(view: PlanView) -> list[Violation]:
    spans = [
        ((d.id, t.specialty), max(tr.start, 0), min(tr.end, view.horizon))
        for _, tr, t, d in view.known_trainings()
    ]

    def violation(key: tuple[str, str], month: int, n: int, cap: int) -> Violation:
        return Violation(
            rule="seats",
            message=f"seats: donor {key[0]!r} trains {n} trainees in {key[1]!r} in period "
            f"{month}, more than its {cap} seat(s)",
            month=month,
        )

    return over_capacity(
        count_by_month(spans), lambda key: view.donors[key[0]].seats.get(key[1], 0), violation
    )
