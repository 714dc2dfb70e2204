"""Overlap: an expert's postings never overlap."""

from __future__ import annotations

from collections import defaultdict

from matchaid.validation.base import PlanView, Violation

CODES = ("overlap",)


def check(view: PlanView) -> list[Violation]:
    by_expert: dict[str, list[int]] = defaultdict(list)
    for i, p, _, _ in view.known():
        by_expert[p.expert].append(i)
    out = []
    for eid, idx in by_expert.items():
        postings = [view.postings[i] for i in idx]
        for month in sorted({t for p in postings for t in view.months(p)}):
            active = [i for i in idx if view.postings[i].is_active(month)]
            if len(active) > 1:
                out.append(
                    Violation(
                        rule="overlap",
                        message=f"expert {eid!r} has {len(active)} postings in month {month} "
                        f"(postings {', '.join(map(str, active))})",
                        expert=eid,
                        month=month,
                    )
                )
    return out
