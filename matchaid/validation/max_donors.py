"""Cohesion by donor: the donors of all experts posted at a recipient over the horizon
number at most its ``max_donors``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from matchaid.domain import Expert, RecipientHospital
from matchaid.validation.base import PlanView, Violation

CODES = ("max_donors",)


def too_many(
    view: PlanView,
    rule: str,
    limit: Callable[[RecipientHospital], int | None],
    key: Callable[[Expert], str],
    noun: str,
) -> list[Violation]:
    """A violation of ``rule`` for each recipient whose experts have more distinct
    ``key`` s over the horizon than its ``limit``."""
    used: dict[str, set[str]] = defaultdict(set)
    for _, _, e, r in view.known():
        used[r.id].add(key(e))
    out = []
    for r in view.scenario.recipients:
        mine, cap = used.get(r.id, set()), limit(r)
        if cap is not None and len(mine) > cap:
            out.append(
                Violation(
                    rule=rule,
                    message=f"{rule}: {r.id!r} is served by {len(mine)} {noun} "
                    f"({', '.join(sorted(mine))}), more than its {rule} of {cap}",
                    recipient=r.id,
                )
            )
    return out


def check(view: PlanView) -> list[Violation]:
    return too_many(view, "max_donors", lambda r: r.max_donors, lambda e: e.donor, "donors")
