"""The difference between two plans of a scenario: :func:`plan_diff`, and
``matchaid diff SCENARIO OLD NEW``.

It lists the postings kept, removed and added, those **cut** (the same posting ending
earlier, as a withdrawal leaves it) and those **moved**: for one expert, a removed
posting and an added one are paired as a move (the same expert at another recipient or
time), earliest with earliest; what is left unpaired is removed or added. Training
placements are kept, removed or added. The people affected are the experts (and
trainees) with a posting (placement) removed, added, cut or moved, each with their old
and new postings. ``changes`` counts, as re-planning does, the old postings and
placements starting at or after ``now`` (0 unless given) that are not in the new plan,
plus the new ones starting at or after ``now`` that are not in the old (a move counts
twice). Every numeric KPI of :class:`~matchaid.PlanKPIs` is given old, new and their
change; each plan's KPIs are computed on its own scenario (before and after a change).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
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
    cut: tuple[tuple[Posting, Posting], ...] = ()
    now: int = 0

    @property
    def changes(self) -> int:
        """Old postings and placements starting at or after ``now`` that are not in the
        new plan, plus new ones starting at or after ``now`` not in the old."""
        sides: list[Posting | Training] = [
            *self.removed,
            *self.added,
            *(x for pair in (*self.moved, *self.cut) for x in pair),
            *self.trainings_removed,
            *self.trainings_added,
        ]
        return sum(1 for x in sides if x.start >= self.now)

    def to_dict(self) -> dict[str, Any]:

        return {
            "kept": [asdict(p) for p in self.kept],
            "removed": [asdict(p) for p in self.removed],
            "added": [asdict(p) for p in self.added],
            "moved": [{"old": asdict(a), "new": asdict(b)} for a, b in self.moved],
            "cut": [{"old": asdict(a), "new": asdict(b)} for a, b in self.cut],
            "now": self.now,
            "trainings": {
                "kept": [asdict(t) for t in self.trainings_kept],
                "removed": [asdict(t) for t in self.trainings_removed],
                "added": [asdict(t) for t in self.trainings_added],
            },
            "changes": self.changes,
            "people": [
                {"id": who, "old": [asdict(x) for x in old], "new": [asdict(x) for x in new]}
                for who, (old, new) in sorted(self.people.items())
            ],
            "kpis": {k: {"old": a, "new": b, "change": c} for k, (a, b, c) in self.kpis.items()},
        }

    def to_text(self) -> str:
        def p(x: Posting) -> str:
            return f"{x.expert} at {x.recipient} ({x.specialty}) periods {x.start}-{x.end - 1}"

        since = f" from period {self.now} on" if self.now else ""
        lines = [
            f"{len(self.kept)} postings kept, {len(self.removed)} removed, "
            f"{len(self.added)} added, {len(self.moved)} moved, {len(self.cut)} cut; "
            f"{len(self.trainings_kept)} training placements kept, "
            f"{len(self.trainings_removed)} removed, {len(self.trainings_added)} added; "
            f"{self.changes} changes{since}, {len(self.people)} people affected",
        ]
        lines += [f"  cut:     {p(a)} -> ends after period {b.end - 1}" for a, b in self.cut]
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
        if self.people:
            lines.append("people affected (old -> new):")

        def said(x: Posting | Training) -> str:
            if isinstance(x, Training):
                return f"training at {x.donor} periods {x.start}-{x.start + x.months - 1}"
            return f"{x.recipient} ({x.specialty}) periods {x.start}-{x.end - 1}"

        for who, (before, after) in sorted(self.people.items()):
            lines.append(
                f"  {who}: {', '.join(map(said, before)) or 'nothing'} -> "
                f"{', '.join(map(said, after)) or 'nothing'}"
            )
        lines.append("KPIs (old -> new, change):")
        for k, (a, b, c) in self.kpis.items():
            lines.append(f"  {k}: {a:g} -> {b:g} ({c:+g})")
        if self.kept or self.trainings_kept:
            lines.append("kept:")
            lines += [f"  {p(x)}" for x in self.kept]
            lines += [
                f"  training: {t.trainee} at {t.donor} from {t.start}" for t in self.trainings_kept
            ]
        return "\n".join(lines)


def plan_diff(scenario: Scenario, old: Plan, new: Plan, now: int = 0) -> PlanDiff:
    """The difference between ``old`` and ``new``, two plans of ``scenario`` (or of a
    scenario and its changed self), counting changes from ``now`` on."""
    old_set, new_set = set(old.postings), set(new.postings)
    kept = tuple(p for p in new.postings if p in old_set)
    gone = [p for p in old.postings if p not in new_set]
    came = [p for p in new.postings if p not in old_set]
    cut = _cuts(gone, came)
    gone = [p for p in gone if p not in {a for a, _ in cut}]
    came = [p for p in came if p not in {b for _, b in cut}]
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
    for e in {p.expert for p in (*gone, *came, *(a for a, _ in cut))}:
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
        cut=cut,
        now=now,
    )


def _cuts(gone: list[Posting], came: list[Posting]) -> tuple[tuple[Posting, Posting], ...]:
    """Pairs of a removed posting and an added one that is the same posting ending
    earlier (same expert, recipient, specialty and start)."""
    by_key = {(p.expert, p.recipient, p.specialty, p.start): p for p in came}
    out = []
    for a in gone:
        b = by_key.get((a.expert, a.recipient, a.specialty, a.start))
        if b is not None and b.months < a.months:
            out.append((a, b))
            del by_key[(a.expert, a.recipient, a.specialty, a.start)]
    return tuple(out)
