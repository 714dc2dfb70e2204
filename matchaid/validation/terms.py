"""Terms: a posting's length is one of the expert's terms; it lies inside the expert's
availability and the horizon; it starts on a multiple of ``start_step``."""

from __future__ import annotations

from matchaid.validation.base import PlanView, Violation

CODES = ("term", "availability", "start_step")


def check(view: PlanView) -> list[Violation]:
    s, horizon = view.scenario, view.horizon
    step = s.horizon.start_step
    out = []
    for i, p, e, r in view.to_test():
        where = view.where(i, p)
        terms = e.terms if e.terms is not None else s.terms
        if p.months not in terms:
            out.append(
                Violation(
                    rule="term",
                    message=f"{where}: a {p.months}-month term is not one of {list(terms)}",
                    posting=i,
                    expert=e.id,
                    recipient=r.id,
                )
            )
        lo, hi = e.available
        end = p.start + p.months
        if p.start < lo or end > hi or p.start < 0 or end > horizon or p.months < 1:
            outside = f" or the horizon [0, {horizon})" if end > horizon or p.start < 0 else ""
            out.append(
                Violation(
                    rule="availability",
                    message=f"{where} in months [{p.start}, {end}) is outside their "
                    f"availability [{lo}, {hi}){outside}",
                    posting=i,
                    expert=e.id,
                    recipient=r.id,
                )
            )
        if p.start % step != 0:
            out.append(
                Violation(
                    rule="start_step",
                    message=f"{where}: starts in month {p.start}, not a multiple of {step}",
                    posting=i,
                    expert=e.id,
                    recipient=r.id,
                )
            )
    return out
