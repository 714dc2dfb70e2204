"""References: a posting names an expert and a recipient that exist, a specialty the
expert practises, and a gap the recipient has. (Not a planning rule: a plan that breaks
these is not for this scenario.)"""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation

CODES = ("unknown_expert", "unknown_recipient", "no_such_gap", "specialty")


def check(view: PlanView) -> list[Violation]:
    out = []
    for i, p in enumerate(view.postings):
        where = view.where(i, p)
        e, r = view.experts.get(p.expert), view.recipients.get(p.recipient)
        if e is None:
            out.append(
                Violation(
                    rule="unknown_expert",
                    message=f"{where}: no such expert",
                    posting=i,
                    expert=p.expert,
                    recipient=p.recipient,
                )
            )
        if r is None:
            out.append(
                Violation(
                    rule="unknown_recipient",
                    message=f"{where}: no such recipient",
                    posting=i,
                    expert=p.expert,
                    recipient=p.recipient,
                )
            )
        if e is None or r is None:
            continue
        if r.gap(p.specialty) is None:
            out.append(
                Violation(
                    rule="no_such_gap",
                    message=f"{where}: the recipient has no gap in {p.specialty!r}",
                    posting=i,
                    expert=p.expert,
                    recipient=p.recipient,
                )
            )
        if p.specialty not in e.specialties:
            out.append(
                Violation(
                    rule="specialty",
                    message=f"{where}: the expert does not practise {p.specialty!r}",
                    posting=i,
                    expert=p.expert,
                    recipient=p.recipient,
                )
            )
    return out
