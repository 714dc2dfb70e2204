"""Training: each placement ``(trainee, donor, start, months)`` is eligible, a trainee has
at most one, and each adds ``weight x periods`` to the primary objective.

A placement is eligible when the donor has at least one seat in the trainee's
specialty; ``months`` is one of the trainee's terms (else the scenario's);
``[start, start + months)`` lies inside the trainee's availability and the horizon;
``start`` is a multiple of ``start_step`` and, if the trainee lists ``starts``, one of
them; and no ``forbidden`` pairing joins the donor and the trainee's home recipient,
which, if it has ``required`` pairings, lists the donor among them.
"""

from __future__ import annotations

from matchaid.domain import PairingMode
from matchaid.validation.base import PlanView, Violation

CODES = ("training",)


def _problems(view: PlanView, start: int, months: int, trainee_id: str, donor_id: str) -> list[str]:
    """Why this placement is not eligible (empty: it is)."""
    s = view.scenario
    t, d = view.trainees[trainee_id], view.donors[donor_id]
    out = []
    if d.seats.get(t.specialty, 0) < 1:
        out.append(f"donor {donor_id!r} has no seat in {t.specialty!r}")
    terms = t.terms if t.terms is not None else s.terms
    if months not in terms:
        out.append(f"{months} periods is not one of the trainee's terms {list(terms)}")
    lo, hi = t.available
    if start < max(lo, 0) or start + months > min(hi, view.horizon):
        out.append(
            f"periods [{start}, {start + months}) are outside their availability "
            f"[{lo}, {hi}) or the horizon [0, {view.horizon})"
        )
    if start % s.horizon.start_step != 0:
        out.append(f"start {start} is not a multiple of the start step {s.horizon.start_step}")
    if t.starts is not None and start not in t.starts:
        out.append(f"start {start} is not one of the trainee's starts {list(t.starts)}")
    modes = {p.mode for p in s.pairings if p.donor == donor_id and p.recipient == t.recipient}
    required = any(
        p.mode is PairingMode.REQUIRED and p.recipient == t.recipient for p in s.pairings
    )
    if PairingMode.FORBIDDEN in modes:
        out.append(f"donor {donor_id!r} is forbidden for home recipient {t.recipient!r}")
    elif required and PairingMode.REQUIRED not in modes:
        out.append(
            f"home recipient {t.recipient!r} takes only its required donors, not {donor_id!r}"
        )
    return out


def check(view: PlanView) -> list[Violation]:
    out = []
    first: dict[str, int] = {}
    for i, tr in enumerate(view.trainings):
        where = f"training {i}: trainee {tr.trainee!r} at {tr.donor!r}"
        if tr.trainee not in view.trainees or tr.donor not in view.donors:
            what = "trainee" if tr.trainee not in view.trainees else "donor"
            name = tr.trainee if what == "trainee" else tr.donor
            out.append(
                Violation(rule="training", message=f"training: {where}: unknown {what} {name!r}")
            )
            continue
        past = i in view.past_trainings  # it happened: exempt from eligibility
        for problem in [] if past else _problems(view, tr.start, tr.months, tr.trainee, tr.donor):
            out.append(
                Violation(
                    rule="training",
                    message=f"training: {where}: {problem}",
                    recipient=view.trainees[tr.trainee].recipient,
                )
            )
        if tr.trainee in first:
            out.append(
                Violation(
                    rule="training",
                    message=f"training: {where}: trainee {tr.trainee!r} already has a "
                    f"placement (training {first[tr.trainee]}); a trainee has at most one",
                )
            )
        first.setdefault(tr.trainee, i)
    return out


def value(view: PlanView) -> float:
    """``weight x periods`` summed over the placements whose trainee and donor exist."""
    return sum(t.weight * tr.months for _, tr, t, _ in view.known_trainings())
