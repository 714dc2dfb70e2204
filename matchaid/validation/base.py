"""What every check reads: the plan with the scenario's lookups, and :class:`Violation`.

Nothing here states a rule; each rule's check is a module of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from matchaid.domain import (
    DisciplineGap,
    DonorHospital,
    Expert,
    RecipientHospital,
    Scenario,
    Trainee,
)
from matchaid.posting import Posting, Training

__all__ = ["Check", "PlanView", "Violation", "count_by_month", "over_capacity"]

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    rule
        The violation's code, one of :data:`CODES`: the name of the rule it breaks, or a
        finer code of it (``term``, ``availability`` and ``start_step`` for
        ``terms``; ``pairing_forbidden`` and ``pairing_required`` for ``pairing``), or a
        reference problem (``unknown_expert``, ``unknown_recipient``, ``no_such_gap``,
        ``specialty``).
    message
        What is wrong, naming the expert, recipient and month where they apply.
    posting
        Index of the offending posting in the plan, or ``None`` for rules about
        several postings (capacities).
    expert, recipient, month
        Where it happens, when that applies.
    """

    rule: str
    message: str
    posting: int | None = None
    expert: str | None = None
    recipient: str | None = None
    month: int | None = None

    def __str__(self) -> str:
        if self.message.startswith(f"{self.rule}: "):  # format v2 messages name their rule
            return self.message
        return f"[{self.rule}] {self.message}"


class PlanView:
    """A plan's postings and training placements with the scenario's lookups, read by
    every check.

    Postings whose expert or recipient does not exist are reported once (by the
    reference check) and skipped by every rule's check (:meth:`known`); so are
    placements whose trainee or donor does not exist (reported by the training check,
    :meth:`known_trainings`). When the scenario has a past (re-planning), the past's
    postings and placements are not checked for eligibility (:meth:`to_test`).
    """

    def __init__(
        self, scenario: Scenario, postings: Sequence[Posting], trainings: Sequence[Training] = ()
    ) -> None:
        self.scenario = scenario
        self.postings = tuple(postings)
        self.trainings = tuple(trainings)
        self.trainees: dict[str, Trainee] = {t.id: t for t in scenario.trainees}
        self.horizon = scenario.horizon.months
        self.experts: dict[str, Expert] = {e.id: e for e in scenario.experts}
        self.donors: dict[str, DonorHospital] = {d.id: d for d in scenario.donors}
        self.recipients: dict[str, RecipientHospital] = {r.id: r for r in scenario.recipients}
        past = scenario.past
        #: Re-planning: the first period the rules checked period by period bind in.
        self.now = 0 if past is None else past.now
        kept, trained = (
            (set(), set()) if past is None else (set(past.postings), set(past.trainings))
        )
        #: Indices of the past's postings and placements: exempt from eligibility.
        self.past_postings = frozenset(i for i, p in enumerate(self.postings) if p in kept)
        self.past_trainings = frozenset(i for i, t in enumerate(self.trainings) if t in trained)

    def months(self, p: Posting) -> range:
        """The months of the horizon a posting is active in. Months outside the horizon
        are reported once, as an availability violation; counting them month by month
        could run out of memory on a hand-made posting of 2**62 months."""
        return range(max(p.start, 0), min(p.start + p.months, self.horizon))

    def known(self) -> list[tuple[int, Posting, Expert, RecipientHospital]]:
        """``(index, posting, expert, recipient)`` for postings whose expert and
        recipient exist."""
        out = []
        for i, p in enumerate(self.postings):
            e, r = self.experts.get(p.expert), self.recipients.get(p.recipient)
            if e is not None and r is not None:
                out.append((i, p, e, r))
        return out

    def to_test(self) -> list[tuple[int, Posting, Expert, RecipientHospital]]:
        """Like :meth:`known`, without the past's postings (re-planning): the postings
        whose eligibility is checked."""
        return [x for x in self.known() if x[0] not in self.past_postings]

    def with_gap(self) -> list[tuple[int, Posting, Expert, RecipientHospital, DisciplineGap]]:
        """Like :meth:`to_test`, for postings whose recipient has a gap in their
        specialty."""
        out = []
        for i, p, e, r in self.to_test():
            gap = r.gap(p.specialty)
            if gap is not None:
                out.append((i, p, e, r, gap))
        return out

    def known_trainings(self) -> list[tuple[int, Training, Trainee, DonorHospital]]:
        """``(index, placement, trainee, donor)`` for placements whose trainee and donor
        exist."""
        out = []
        for i, t in enumerate(self.trainings):
            person, d = self.trainees.get(t.trainee), self.donors.get(t.donor)
            if person is not None and d is not None:
                out.append((i, t, person, d))
        return out

    @staticmethod
    def where(i: int, p: Posting) -> str:
        """How a message names posting ``i``."""
        return f"posting {i}: expert {p.expert!r} at {p.recipient!r}"

    @cached_property
    def away(self) -> dict[str, set[int]]:
        """The months each expert is away (once a month, even if wrongly posted twice)."""
        away: dict[str, set[int]] = defaultdict(set)
        for _, p, _, _ in self.known():
            away[p.expert].update(self.months(p))
        return away


#: A rule's check: every violation of the rule in the plan.
Check = Callable[[PlanView], list[Violation]]


def count_by_month(spans: Iterable[tuple[K, int, int]]) -> dict[K, dict[int, int]]:
    """``{key: {month: number of spans (key, start, end) covering it}}``."""
    counts: dict[K, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, start, end in spans:
        for t in range(start, end):
            counts[key][t] += 1
    return counts


def over_capacity(
    counts: dict[K, dict[int, int]],
    cap: Callable[[K], int | None],
    violation: Callable[[K, int, int, int], Violation],
) -> list[Violation]:
    """``violation(key, month, count, cap)`` for every month a key's count exceeds its
    cap (``None``: no cap), keys and months in order."""
    out = []
    for key, months in sorted(counts.items(), key=lambda kv: str(kv[0])):
        limit = cap(key)
        for t, n in sorted(months.items()):
            if limit is not None and n > limit:
                out.append(violation(key, t, n, limit))
    return out
