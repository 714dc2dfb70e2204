"""The independent validator: the written specification of a valid plan.

:func:`validate` re-checks every rule of the planner's contract from the scenario alone,
with plain Python loops over months, one module per rule (:data:`CHECKS`). It shares
with the engine only the domain model and the rule names
(:class:`~matchaid.rulenames.RuleName`), never a line of rule logic, and never imports
NumPy or OR-Tools, so a bug in the engine cannot hide itself. :func:`objective_value`
recomputes the objective the same way.

The contract, for a posting ``(expert, recipient, specialty, start, months)``:

- eligibility: the expert and recipient exist; the recipient has a gap in the specialty;
  the expert holds the specialty at the gap's ``min_seniority`` or above; ``months`` is
  one of the expert's terms; ``[start, start+months)`` lies inside the expert's
  availability and the horizon; ``start`` is a multiple of ``start_step``; no
  ``forbidden`` pairing; if the recipient has ``required`` pairings, the donor is one of
  them; the donor city is within the recipient's ``max_travel_hours``;
- an expert's postings never overlap and number at most ``max_postings``;
- in every month: a donor department's experts away <= its ``release``; a donor's
  experts away <= ``max_away``; a recipient's visiting experts <= ``hosting``;
- coverage of a gap in a month of its window is ``min(demand, postings active)``; the
  objective is the sum over gaps and months of ``weight x coverage``;
- format v2: team ``starts``, ``max_donors``, ``max_donor_groups``, leaders,
  continuity; coverage at a community's spokes takes ``share`` of the hub's experts;
  handover and project periods add their weights and leaderless periods at a
  ``preferred`` leader subtract theirs;
- re-planning (a scenario with a ``past``): the past's postings and placements are in
  the plan exactly and exempt from eligibility, every other one starts at ``now`` or
  later, and the rules checked period by period bind from ``now`` on.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from matchaid.domain import Scenario
from matchaid.posting import Posting
from matchaid.rulenames import RuleName
from matchaid.validation import (
    budget,
    community,
    costs,
    coverage,
    handover,
    leader,
    past,
    preferences,
    preferred,
    project,
    references,
    training,
)
from matchaid.validation.base import Check, PlanView, Violation
from matchaid.weights import ObjectiveWeights

__all__ = [
    "CHECKS",
    "CODES",
    "Posting",
    "ProgrammeFigures",
    "Violation",
    "objective_value",
    "programme_figures",
    "secondary_values",
    "validate",
]

#: Each rule's check: the function ``check`` of the module named after the rule, in the
#: order of :class:`RuleName` (the order violations are listed in).
_MODULES = {name: importlib.import_module(f"{__name__}.{name.value}") for name in RuleName}
CHECKS: Mapping[RuleName, Check] = MappingProxyType(
    {name: module.check for name, module in _MODULES.items()}
)

#: Every code a :class:`Violation` may carry.
CODES: tuple[str, ...] = references.CODES + tuple(
    code for module in _MODULES.values() for code in module.CODES
)


def _view(scenario: Scenario, plan: object) -> PlanView:
    postings = getattr(plan, "postings", plan)
    trainings = getattr(plan, "trainings", ())
    return PlanView(scenario, tuple(postings), tuple(trainings))  # type: ignore[arg-type]


def validate(scenario: Scenario, plan: object) -> list[Violation]:
    """Every rule the plan breaks (an empty list for a valid plan).

    Parameters
    ----------
    scenario
        The scenario the plan is for.
    plan
        A :class:`~matchaid.Plan` (its postings and training placements), or any
        iterable of :class:`~matchaid.Posting`.

    Examples
    --------
    >>> from matchaid.domain import *
    >>> s = Scenario(Horizon(6), (3,), (DonorHospital("D", "D", "X"),),
    ...     (Expert("E", "D", ("urology",), Seniority.CHIEF, (0, 6)),),
    ...     (RecipientHospital("R", "R", "Y", Level.COUNTY, 1,
    ...          (DisciplineGap("urology", 1, (0, 6), 1.0),)),))
    >>> for v in validate(s, [Posting("E", "R", "urology", 2, 3),
    ...                       Posting("E", "R", "urology", 4, 3)]):
    ...     print(v)
    [availability] posting 1: expert 'E' at 'R' in months [4, 7) is outside their availability [0, 6) or the horizon [0, 6)
    [overlap] expert 'E' has 2 postings in month 4 (postings 0, 1)
    [hosting] recipient 'R' hosts 2 visiting experts in month 4, more than its hosting capacity of 1
    """
    view = _view(scenario, plan)
    out = references.check(view)
    for check in CHECKS.values():
        out.extend(check(view))
    return past.history(view, out)


def objective_value(
    scenario: Scenario, plan: object, weights: ObjectiveWeights | None = None
) -> float:
    """The primary objective of ``plan``: the sum over gaps and months of their window of
    ``weight x min(demand, postings active)`` (at a community's spoke, plus ``share x``
    the hub's postings active in the same specialty), plus each handover period's and
    each counted project period's weight, minus each leaderless period's weight at a
    recipient with a preferred leader. Postings with unknown references count nothing.

    With ``weights`` in ``weighted`` mode, the combined objective that mode maximises:
    that plus ``preferred x preferred-months - travel x hours - posted_month x
    posted-months`` (see :func:`secondary_values`).

    >>> from matchaid.domain import *
    >>> s = Scenario(Horizon(6), (3,), (DonorHospital("D", "D", "X"),),
    ...     (Expert("E", "D", ("urology",), Seniority.CHIEF, (0, 6)),),
    ...     (RecipientHospital("R", "R", "Y", Level.COUNTY, 1,
    ...          (DisciplineGap("urology", 1, (2, 6), 2.5),)),))
    >>> objective_value(s, [Posting("E", "R", "urology", 0, 3)])
    2.5
    """
    view = _view(scenario, plan)
    total = (
        coverage.value(view)
        + handover.value(view)
        + project.value(view)
        + training.value(view)
        - leader.value(view)
    )
    if weights is not None and weights.mode == "weighted":
        total += (
            weights.preference * preferences.value(view)
            + weights.preferred * preferred.value(view)
            - weights.travel * costs.travel_hours(view)
            - weights.posted_month * costs.posted_months(view)
        )
    return total


def secondary_values(scenario: Scenario, plan: object) -> tuple[int, float]:
    """The secondary terms of ``plan``: covered expert-months served by donors with a
    ``preferred`` pairing (per gap and month at most the covered amount), and the total
    travel hours of all postings (donor city to recipient city, unknown routes as 0)."""
    view = _view(scenario, plan)
    return preferred.value(view), costs.travel_hours(view)


@dataclass(frozen=True, slots=True)
class ProgrammeFigures:
    """What a plan does under the format v2 programme rules, for reports.

    Attributes
    ----------
    leaderless
        Per recipient with a leader rule: ``(period, hosted)`` for each period it hosts
        someone and no one there can lead.
    donors, groups
        Per recipient hosting anyone: its donors, and their groups (a donor without a
        group counts as ``"donor <id>"``), sorted.
    handovers
        Per gap ``(recipient, specialty)`` with a ``handover_weight``: its handover
        periods.
    from_hub
        Per spoke gap with a hub gap: expert-periods of its coverage the hub's share
        adds.
    projects
        Per ``(recipient, project name)``: its counted periods.
    terms
        The primary objective's terms besides coverage: ``handover``, ``projects`` and
        ``training`` (sums of their weights) and ``leaderless`` (the preferred leaders' penalties, >= 0);
        ``cost``, the plan's total cost (0 without ``costs``); ``first_choice`` and
        ``listed_choice``, experts serving their first choice / any listed recipient.
    """

    leaderless: dict[str, list[tuple[int, int]]]
    donors: dict[str, list[str]]
    groups: dict[str, list[str]]
    handovers: dict[tuple[str, str], list[int]]
    from_hub: dict[tuple[str, str], float]
    projects: dict[tuple[str, str], list[int]]
    terms: dict[str, float]


def programme_figures(scenario: Scenario, plan: object) -> ProgrammeFigures:
    """The :class:`ProgrammeFigures` of ``plan``, recomputed from the scenario alone."""
    view = _view(scenario, plan)
    donors: dict[str, set[str]] = {}
    groups: dict[str, set[str]] = {}
    for _, _, e, r in view.known():
        donors.setdefault(r.id, set()).add(e.donor)
        d = view.donors.get(e.donor)
        groups.setdefault(r.id, set()).add(
            d.group if d is not None and d.group is not None else f"donor {e.donor}"
        )
    return ProgrammeFigures(
        leaderless=leader.leaderless(view),
        donors={r: sorted(v) for r, v in donors.items()},
        groups={r: sorted(v) for r, v in groups.items()},
        handovers=handover.handover_periods(view),
        from_hub=community.from_hub(view),
        projects=project.project_periods(view),
        terms={
            "handover": handover.value(view),
            "projects": project.value(view),
            "leaderless": leader.value(view),
            "training": training.value(view),
            "cost": budget.total_cost(view),
            "first_choice": float(preferences.choices(view)[0]),
            "listed_choice": float(preferences.choices(view)[1]),
        },
    )
