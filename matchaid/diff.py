"""The difference between two plans of a scenario: :func:`plan_diff`, and
``matchaid diff SCENARIO OLD NEW``.

It lists the postings kept, removed and added, and those **moved**: for one expert, a
removed posting and an added one are paired as a move (the same expert at another
recipient or time), earliest with earliest; what is left unpaired is removed or added.
Training placements are kept, removed or added. The people affected are the experts
(and trainees) with a posting (placement) removed, added or moved, each with their old
and new postings. ``changes`` counts, as re-planning does, the old postings and
placements not in the new plan plus the new ones not in the old (a move counts twice).
Every numeric KPI of :class:`~matchaid.PlanKPIs` is given old, new and their change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from matchaid.domain import Scenario
from matchaid.plan import Plan
from matchaid.posting import Posting, Training

__all__ = ["PlanDiff", "plan_diff"]

#: The KPIs compared, in their order.
KPIS = (
    "objective",
    "weighted_coverage",
    "covered_months",
    "num_postings",
    "num_experts_posted",
    "expert_utilisation",
    "num_trainings",
    "training_months",
)


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """What :func:`plan_diff` returns (see the module docstring)."""

    kept: tuple[Posting, ...]
    removed: tuple[Posting, ...]
    added: tuple[Posting, ...]
    moved: tuple[tuple[Posting, Posting], ...]
    trainings_kept: tuple[Training, ...]
    trainings_removed: tuple[Training, ...]
    trainings_added: tuple[Training, ...]
    people: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]]
    kpis: dict[str, tuple[float, float, float]]

    @property
    def changes(self) -> int:
        """Old postings and placements not in the new plan plus new ones not in the old."""
        return (
            len(self.removed)
            + len(self.added)
            + 2 * len(self.moved)
            + len(self.trainings_removed)
            + len(self.trainings_added)
        )

    def to_dict(self) -> dict[str, Any]:
        def post(p: Posting) -> dict[str, Any]:
            return {
                "expert": p.expert,
                "recipient": p.recipient,
                "specialty": p.specialty,
                "start": p.start,
                "months": p.months,
            }

        def train(t: Training) -> dict[str, Any]:
            return {"trainee": t.trainee, "donor": t.donor, "start": t.start, "months": t.months}

        def item(x: Any) -> dict[str, Any]:
            return post(x) if isinstance(x, Posting) else train(x)

        return {
            "kept": [post(p) for p in self.kept],
            "removed": [post(p) for p in self.removed],
            "added": [post(p) for p in self.added],
            "moved": [{"old": post(a), "new": post(b)} for a, b in self.moved],
            "trainings": {
                "kept": [train(t) for t in self.trainings_kept],
                "removed": [train(t) for t in self.trainings_removed],
                "added": [train(t) for t in self.trainings_added],
            },
            "changes": self.changes,
            "people": [
                {"id": who, "old": [item(x) for x in old], "new": [item(x) for x in new]}
                for who, (old, new) in sorted(self.people.items())
            ],
            "kpis": {k: {"old": a, "new": b, "change": c} for k, (a, b, c) in self.kpis.items()},
        }

    def to_text(self) -> str:
        def p(x: Posting) -> str:
            return f"{x.expert} at {x.recipient} ({x.specialty}) periods {x.start}-{x.end - 1}"

        lines = [
            f"{len(self.kept)} postings kept, {len(self.removed)} removed, "
            f"{len(self.added)} added, {len(self.moved)} moved; "
            f"{len(self.trainings_kept)} training placements kept, "
            f"{len(self.trainings_removed)} removed, {len(self.trainings_added)} added; "
            f"{self.changes} changes, {len(self.people)} people affected",
        ]
        lines += [
            f"  moved:   {p(a)} -> {b.recipient} ({b.specialty}) periods {b.start}-{b.end - 1}"
            for a, b in self.moved
        ]
        lines += [f"  removed: {p(x)}" for x in self.removed]
        lines += [f"  added:   {p(x)}" for x in self.added]
        lines += [
            f"  training removed: {t.trainee} at {t.donor} from {t.start}"
            for t in self.trainings_removed
        ]
        lines += [
            f"  training added:   {t.trainee} at {t.donor} from {t.start}"
            for t in self.trainings_added
        ]
        lines.append("KPIs (old -> new, change):")
        for k, (a, b, c) in self.kpis.items():
            lines.append(f"  {k}: {a:g} -> {b:g} ({c:+g})")
        return "\n".join(lines)


def plan_diff(scenario: Scenario, old: Plan, new: Plan) -> PlanDiff:
    """The difference between ``old`` and ``new``, two plans of ``scenario``."""
    old_set, new_set = set(old.postings), set(new.postings)
    kept = tuple(p for p in new.postings if p in old_set)
    gone = [p for p in old.postings if p not in new_set]
    came = [p for p in new.postings if p not in old_set]
    by_expert_gone: dict[str, list[Posting]] = defaultdict(list)
    by_expert_came: dict[str, list[Posting]] = defaultdict(list)
    for p in sorted(gone, key=lambda x: (x.start, x.recipient, x.specialty)):
        by_expert_gone[p.expert].append(p)
    for p in sorted(came, key=lambda x: (x.start, x.recipient, x.specialty)):
        by_expert_came[p.expert].append(p)
    moved: list[tuple[Posting, Posting]] = []
    removed: list[Posting] = []
    added: list[Posting] = []
    for e in sorted(set(by_expert_gone) | set(by_expert_came)):
        a, b = by_expert_gone.get(e, []), by_expert_came.get(e, [])
        n = min(len(a), len(b))
        moved += list(zip(a[:n], b[:n], strict=True))
        removed += a[n:]
        added += b[n:]
    old_t, new_t = set(old.trainings), set(new.trainings)
    t_removed = tuple(t for t in old.trainings if t not in new_t)
    t_added = tuple(t for t in new.trainings if t not in old_t)
    people: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
    for e in {p.expert for p in (*gone, *came)}:
        people[e] = (
            tuple(p for p in old.postings if p.expert == e),
            tuple(p for p in new.postings if p.expert == e),
        )
    for t in {x.trainee for x in (*t_removed, *t_added)}:
        people[t] = (
            tuple(x for x in old.trainings if x.trainee == t),
            tuple(x for x in new.trainings if x.trainee == t),
        )
    ko, kn = old.kpis(), new.kpis()
    kpis: dict[str, tuple[float, float, float]] = {}
    for k in KPIS:
        before, after = float(getattr(ko, k)), float(getattr(kn, k))
        kpis[k] = (before, after, float(round(after - before, 9)))
    return PlanDiff(
        kept=kept,
        removed=tuple(removed),
        added=tuple(added),
        moved=tuple(moved),
        trainings_kept=tuple(t for t in new.trainings if t in old_t),
        trainings_removed=t_removed,
        trainings_added=t_added,
        people=people,
        kpis=kpis,
    )
