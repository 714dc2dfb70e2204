"""Multi-specialty projects (a primary term, nothing to violate): a period of a
project's window counts when every needed specialty has at least its number of postings
active there for the recipient's gap in it."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation
from matchaid.validation.coverage import active_counts

CODES: tuple[str, ...] = ()


def check(view: PlanView) -> list[Violation]:
    return []


def project_periods(view: PlanView) -> dict[tuple[str, str], list[int]]:
    """``(recipient, project name) -> counted periods``."""
    present = active_counts(view)
    out: dict[tuple[str, str], list[int]] = {}
    for r in view.scenario.recipients:
        for pj in r.projects:
            out[(r.id, pj.name)] = [
                t
                for t in range(*pj.window)
                if all(present.get((r.id, s), {}).get(t, 0) >= k for s, k in pj.needs.items())
            ]
    return out


def value(view: PlanView) -> float:
    total = 0.0
    for r in view.scenario.recipients:
        for pj in r.projects:
            total += pj.weight * len(project_periods(view)[(r.id, pj.name)])
    return total
