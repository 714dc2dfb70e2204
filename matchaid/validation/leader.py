"""Leaders: ``hosted(r, t)`` postings at a recipient active in period ``t``,
``leaders(r, t)`` those whose expert can lead. ``required``: a period with ``hosted >=
1`` has ``leaders >= 1``. ``preferred``: each such period without a leader subtracts the
rule's weight from the primary objective (:func:`value`)."""

from __future__ import annotations

from collections import defaultdict

from matchaid.domain import LeaderMode, RecipientHospital
from matchaid.validation.base import PlanView, Violation

CODES = ("leader",)


def leaderless(view: PlanView) -> dict[str, list[tuple[int, int]]]:
    """Per recipient with a leader rule: ``(period, hosted)`` for every period it hosts
    someone and no one posted there can lead."""
    hosted: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    leaders: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for _, p, e, r in view.known():
        for t in view.months(p):
            hosted[r.id][t] += 1
            if e.can_lead:
                leaders[r.id][t] += 1
    out: dict[str, list[tuple[int, int]]] = {}
    for r in view.scenario.recipients:
        if r.leader is None:
            continue
        out[r.id] = [
            (t, n)
            for t, n in sorted(hosted[r.id].items())
            if n >= 1 and leaders[r.id].get(t, 0) == 0
        ]
    return out


def _required(r: RecipientHospital) -> bool:
    return r.leader is not None and r.leader.mode is LeaderMode.REQUIRED


def check(view: PlanView) -> list[Violation]:
    out = []
    for rid, periods in leaderless(view).items():
        if not _required(view.recipients[rid]):
            continue
        for t, n in periods:
            experts = "1 expert" if n == 1 else f"{n} experts"
            out.append(
                Violation(
                    rule="leader",
                    message=f"leader: {rid!r} hosts {experts} in period {t} and none can lead",
                    recipient=rid,
                    month=t,
                )
            )
    return out


def value(view: PlanView) -> float:
    """What leaderless periods at recipients with a preferred leader cost."""
    total = 0.0
    for rid, periods in leaderless(view).items():
        r = view.recipients[rid]
        if r.leader is not None and r.leader.mode is LeaderMode.PREFERRED:
            total += float(r.leader.weight or 0.0) * len(periods)
    return total
