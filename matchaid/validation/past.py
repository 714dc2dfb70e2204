"""The past, when re-planning (a scenario with a ``past``): every past posting and
training placement is in the plan, exactly as it happened (a withdrawn expert's posting
cut as the past says), and every other posting and placement starts at ``now`` or
later.

The past's postings and placements are exempt from eligibility (:meth:`PlanView.to_test`),
and the rules checked period by period (:data:`BY_PERIOD`) bind from ``now`` on: their
violations in earlier periods are history, not re-checked (:func:`history`).
"""

from __future__ import annotations

from collections import Counter

from matchaid.validation.base import PlanView, Violation

CODES = ("past_missing", "before_now")

#: The codes of the rules checked period by period, which bind from ``now`` on.
BY_PERIOD = frozenset(
    ("overlap", "release", "max_away", "hosting", "seats", "leader", "continuous")
)


def check(view: PlanView) -> list[Violation]:
    past = view.scenario.past
    if past is None:
        return []
    out = []
    have = Counter(view.postings)
    for p in past.postings:
        if have[p] < 1:
            out.append(
                Violation(
                    rule="past_missing",
                    message=f"past: expert {p.expert!r} at {p.recipient!r} in {p.specialty}, "
                    f"periods [{p.start}, {p.end}) happened but is not in the plan",
                    expert=p.expert,
                    recipient=p.recipient,
                    month=p.start,
                )
            )
    trained = Counter(view.trainings)
    for t in past.trainings:
        if trained[t] < 1:
            out.append(
                Violation(
                    rule="past_missing",
                    message=f"past: trainee {t.trainee!r} at {t.donor!r}, periods "
                    f"[{t.start}, {t.start + t.months}) happened but is not in the plan",
                    month=t.start,
                )
            )
    for i, p in enumerate(view.postings):
        if i not in view.past_postings and p.start < past.now:
            out.append(
                Violation(
                    rule="before_now",
                    message=f"past: {view.where(i, p)} starts in period {p.start}, before now "
                    f"({past.now}), and is not a posting of the past",
                    posting=i,
                    expert=p.expert,
                    recipient=p.recipient,
                    month=p.start,
                )
            )
    for i, t in enumerate(view.trainings):
        if i not in view.past_trainings and t.start < past.now:
            out.append(
                Violation(
                    rule="before_now",
                    message=f"past: training {i}: trainee {t.trainee!r} at {t.donor!r} starts "
                    f"in period {t.start}, before now ({past.now}), and is not a placement of "
                    "the past",
                    month=t.start,
                )
            )
    return out


def history(view: PlanView, violations: list[Violation]) -> list[Violation]:
    """``violations`` without those of rules checked period by period in periods before
    ``now`` (history, not re-checked when re-planning)."""
    if not view.now:
        return violations
    return [
        v
        for v in violations
        if not (v.rule in BY_PERIOD and v.month is not None and v.month < view.now)
    ]
