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

from matchaid.posting import Posting, Training
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
    have = Counter([*view.postings, *view.trainings])
    happened: list[Posting | Training] = [*past.postings, *past.trainings]
    for x in happened:
        if have[x] < 1:
            who = (
                f"expert {x.expert!r} at {x.recipient!r} in {x.specialty}"
                if isinstance(x, Posting)
                else f"trainee {x.trainee!r} at {x.donor!r}"
            )
            out.append(
                Violation(
                    rule="past_missing",
                    message=f"past: {who}, periods [{x.start}, {x.start + x.months}) happened "
                    "but is not in the plan",
                    expert=x.expert if isinstance(x, Posting) else None,
                    recipient=x.recipient if isinstance(x, Posting) else None,
                    month=x.start,
                )
            )
    entries: list[tuple[str, bool, Posting | Training, int | None]] = [
        (view.where(i, p), i in view.past_postings, p, i) for i, p in enumerate(view.postings)
    ]
    entries += [
        (f"training {i}: trainee {t.trainee!r} at {t.donor!r}", i in view.past_trainings, t, None)
        for i, t in enumerate(view.trainings)
    ]
    for where, kept, x, index in entries:
        if not kept and x.start < past.now:
            out.append(
                Violation(
                    rule="before_now",
                    message=f"past: {where} starts in period {x.start}, before now "
                    f"({past.now}), and is not one of the past",
                    posting=index,
                    expert=x.expert if isinstance(x, Posting) else None,
                    recipient=x.recipient if isinstance(x, Posting) else None,
                    month=x.start,
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
