"""Preferred donors (a tie-break, or a weighted term): covered expert-months served by
donors with a ``preferred`` pairing with the recipient, per gap and month at most the
covered amount."""

from __future__ import annotations

from collections import defaultdict

from matchaid.domain import PairingMode
from matchaid.validation.base import PlanView, Violation

CODES: tuple[str, ...] = ()


def check(view: PlanView) -> list[Violation]:
    return []


def value(view: PlanView) -> int:
    """Preferred covered expert-months."""
    s = view.scenario
    preferred = {(p.donor, p.recipient) for p in s.pairings if p.mode is PairingMode.PREFERRED}
    every: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    pref: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for _, p, e, r in view.known():
        for t in view.months(p):
            every[(r.id, p.specialty)][t] += 1
            if (e.donor, r.id) in preferred:
                pref[(r.id, p.specialty)][t] += 1
    months = 0
    for r in s.recipients:
        for g in r.gaps:
            key = (r.id, g.specialty)
            for t in range(*g.window):
                covered = min(g.demand, every[key].get(t, 0)) if key in every else 0
                months += min(covered, pref[key].get(t, 0)) if key in pref else 0
    return months
