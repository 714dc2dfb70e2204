"""Experts' preferences (a tie-break or weighted term, nothing to violate): each period
an expert serves at the ``k``-th of ``L`` listed recipients is worth ``(L - k + 1) /
L``; :func:`value` sums it, :func:`choices` counts experts at a listed recipient."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation

CODES: tuple[str, ...] = ()


def check(view: PlanView) -> list[Violation]:
    return []


def value(view: PlanView) -> float:
    """Preference-weighted periods served."""
    total = 0.0
    for _, p, e, r in view.known():
        if r.id in e.preferences:
            size = len(e.preferences)
            total += p.months * (size - e.preferences.index(r.id)) / size
    return total


def choices(view: PlanView) -> tuple[int, int]:
    """Experts (with preferences) serving their first choice, and serving any listed
    recipient."""
    first: set[str] = set()
    listed: set[str] = set()
    for _, _, e, r in view.known():
        if r.id in e.preferences:
            listed.add(e.id)
            if e.preferences[0] == r.id:
                first.add(e.id)
    return len(first), len(listed)
