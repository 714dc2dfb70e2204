"""Team starts: a posting at a recipient with ``starts`` starts in one of them."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation

CODES = ("starts",)


def check(view: PlanView) -> list[Violation]:
    out = []
    for i, p, _, r in view.to_test():
        if r.starts is not None and p.start not in r.starts:
            allowed = ", ".join(str(t) for t in sorted(r.starts)) or "none"
            out.append(
                Violation(
                    rule="starts",
                    message=f"starts: {view.where(i, p)} starts in period {p.start}, not one "
                    f"of the recipient's team start periods ({allowed})",
                    posting=i,
                    expert=p.expert,
                    recipient=p.recipient,
                    month=p.start,
                )
            )
    return out
