"""Max postings: an expert has at most ``max_postings`` postings."""

from __future__ import annotations

from collections import Counter

from matchaid.validation.base import PlanView, Violation

CODES = ("max_postings",)


def check(view: PlanView) -> list[Violation]:
    count = Counter(p.expert for _, p, _, _ in view.known())
    out = []
    for eid, n in count.items():
        cap = view.experts[eid].max_postings
        if cap is not None and n > cap:
            out.append(
                Violation(
                    rule="max_postings",
                    message=f"expert {eid!r} has {n} postings, more than their max_postings "
                    f"of {cap}",
                    expert=eid,
                )
            )
    return out
