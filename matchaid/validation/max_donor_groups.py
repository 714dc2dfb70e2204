"""Cohesion by donor group: the groups of the donors of all experts posted at a
recipient over the horizon number at most its ``max_donor_groups``; a donor without a
``group`` is a group of its own."""

from __future__ import annotations

from matchaid.domain import Expert
from matchaid.validation.base import PlanView, Violation
from matchaid.validation.max_donors import too_many

CODES = ("max_donor_groups",)


def check(view: PlanView) -> list[Violation]:
    def group(e: Expert) -> str:
        donor = view.donors.get(e.donor)
        return f"donor {e.donor}" if donor is None or donor.group is None else donor.group

    return too_many(view, "max_donor_groups", lambda r: r.max_donor_groups, group, "donor groups")
