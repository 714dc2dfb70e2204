"""Seniority: an expert serves a gap only at the gap's ``min_seniority`` or above."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation

CODES = ("seniority",)


def check(view: PlanView) -> list[Violation]:
    out = []
    for i, p, e, r, gap in view.with_gap():
        if gap.min_seniority is not None and e.seniority < gap.min_seniority:
            out.append(
                Violation(
                    rule="seniority",
                    message=f"{view.where(i, p)}: the gap needs {gap.min_seniority.label} or "
                    f"above, the expert is {e.seniority.label}",
                    posting=i,
                    expert=e.id,
                    recipient=r.id,
                )
            )
    return out
