"""Continuity: for a ``continuous`` gap, someone present in period ``t`` of its window
means someone present in ``t+1`` when that is in the window too."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation
from matchaid.validation.coverage import active_counts

CODES = ("continuous",)


def check(view: PlanView) -> list[Violation]:
    present = active_counts(view)
    out = []
    for r in view.scenario.recipients:
        for g in r.gaps:
            if not g.continuous:
                continue
            counts = present.get((r.id, g.specialty), {})
            lo, hi = g.window
            for t in range(lo, hi - 1):
                if counts.get(t, 0) >= 1 and counts.get(t + 1, 0) == 0:
                    out.append(
                        Violation(
                            rule="continuous",
                            message=f"continuous: {r.id!r} {g.specialty} is covered in period "
                            f"{t} and not in period {t + 1}",
                            recipient=r.id,
                            month=t + 1,
                        )
                    )
    return out
