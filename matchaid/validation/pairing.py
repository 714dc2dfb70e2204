"""Pairing: a ``forbidden`` pairing never serves; a recipient with ``required`` pairings
takes only those donors."""

from __future__ import annotations

from collections import defaultdict

from matchaid.domain import PairingMode
from matchaid.validation.base import PlanView, Violation

CODES = ("pairing_forbidden", "pairing_required")


def check(view: PlanView) -> list[Violation]:
    required: dict[str, set[str]] = defaultdict(set)
    forbidden: set[tuple[str, str]] = set()
    for pr in view.scenario.pairings:
        if pr.mode is PairingMode.REQUIRED:
            required[pr.recipient].add(pr.donor)
        elif pr.mode is PairingMode.FORBIDDEN:
            forbidden.add((pr.donor, pr.recipient))
    out = []
    for i, p, e, r in view.to_test():
        if (e.donor, r.id) in forbidden:
            out.append(
                Violation(
                    rule="pairing_forbidden",
                    message=f"{view.where(i, p)}: donor {e.donor!r} is forbidden to serve it",
                    posting=i,
                    expert=e.id,
                    recipient=r.id,
                )
            )
        if required.get(r.id) and e.donor not in required[r.id]:
            out.append(
                Violation(
                    rule="pairing_required",
                    message=f"{view.where(i, p)}: the recipient takes only its required donors "
                    f"({', '.join(sorted(required[r.id]))}), not {e.donor!r}",
                    posting=i,
                    expert=e.id,
                    recipient=r.id,
                )
            )
    return out
