"""A stability audit of a plan against the experts' preferences.

A pair ``(e, r)`` *blocks* a plan when both hold:

- ``e`` lists ``r`` above every recipient ``e`` serves in the plan (or serves none and
  lists ``r``);
- some eligible posting of ``e`` at ``r``, put in place of all of ``e``'s postings,
  leaves a valid plan in which ``r``'s weighted coverage is strictly higher.

:func:`audit` lists every blocking pair with the posting that gains most. It re-checks
each candidate plan with the independent validator, so it is exact and slow on large
plans (every listed recipient above an expert's current one is tried, with every term
and start).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matchaid.domain import Scenario
from matchaid.plan import Plan
from matchaid.posting import Posting, Training
from matchaid.validation import validate
from matchaid.validation.base import PlanView
from matchaid.validation.coverage import gap_coverage
from matchaid.validation.pins import eligible_alone

__all__ = ["BlockingPair", "audit"]


@dataclass(frozen=True, slots=True)
class BlockingPair:
    """An expert and a recipient they prefer, who would both gain.

    Attributes
    ----------
    expert, recipient
        The pair.
    choice
        The recipient's place in the expert's list (1: first choice).
    serving
        The recipients the expert serves in the plan (empty: none).
    posting
        The posting that, in place of the expert's postings, gains most.
    gain
        How much the recipient's weighted coverage rises with it.
    """

    expert: str
    recipient: str
    choice: int
    serving: tuple[str, ...]
    posting: Posting
    gain: float

    def __str__(self) -> str:
        now = ", ".join(repr(r) for r in self.serving) or "nowhere"
        p = self.posting
        return (
            f"expert {self.expert!r} prefers {self.recipient!r} (choice {self.choice}) to "
            f"{now}: {p.specialty} in periods [{p.start}, {p.end}) instead would raise "
            f"{self.recipient!r}'s weighted coverage by {self.gain:g}"
        )


def _weighted(scenario: Scenario, postings: Iterable[Posting], rid: str) -> float:
    covered = gap_coverage(PlanView(scenario, tuple(postings)))
    r = scenario.recipient(rid)
    return sum(g.weight * covered[(rid, g.specialty)] for g in r.gaps)


def audit(scenario: Scenario, plan: object) -> list[BlockingPair]:
    """Every blocking pair of ``plan`` (a :class:`~matchaid.Plan` or postings)."""
    postings: tuple[Posting, ...] = tuple(getattr(plan, "postings", plan))  # type: ignore[arg-type]
    trainings: tuple[Training, ...] = tuple(getattr(plan, "trainings", ()))
    months, step = scenario.horizon.months, scenario.horizon.start_step
    out = []
    for e in scenario.experts:
        if not e.preferences:
            continue
        mine = [p for p in postings if p.expert == e.id]
        serving = tuple(sorted({p.recipient for p in mine}))
        ranks = [e.preferences.index(r) for r in serving if r in e.preferences]
        # an unlisted recipient ranks below every listed one
        worst = len(e.preferences) if any(r not in e.preferences for r in serving) else None
        best_now = min(ranks, default=len(e.preferences)) if worst is None else min([*ranks, worst])
        others = [p for p in postings if p.expert != e.id]
        for k, rid in enumerate(e.preferences[:best_now]):
            base = _weighted(scenario, postings, rid)
            best: tuple[float, Posting] | None = None
            for g in scenario.recipient(rid).gaps:
                if g.specialty not in e.specialties:
                    continue
                for m in scenario.terms_of(e):
                    for s in range(0, months, step):
                        q = Posting(e.id, rid, g.specialty, s, m)
                        if not eligible_alone(scenario, q):
                            continue
                        trial = [*others, q]
                        gain = _weighted(scenario, trial, rid) - base
                        if gain <= 1e-9 or (best is not None and gain <= best[0] + 1e-9):
                            continue
                        if validate(scenario, Plan(scenario, tuple(trial), trainings)) == []:
                            best = (gain, q)
            if best is not None:
                out.append(BlockingPair(e.id, rid, k + 1, serving, best[1], best[0]))
    return out
