"""A one-screen overview of a scenario: what is asked for and what is on offer.

Call :func:`summarize` for the figures and :func:`format_summary` for the text that
``matchaid validate`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchaid.domain import Scenario

__all__ = ["ScenarioSummary", "SpecialtyBalance", "format_summary", "summarize"]


@dataclass(frozen=True, slots=True)
class SpecialtyBalance:
    """Demand against supply in one specialty, in expert-months over the horizon.

    ``supply_months`` counts every month each expert holding the specialty (primary or
    secondary) is available, so an expert with two specialties counts in both: it is an
    upper bound on what the specialty can get, not a share.
    """

    specialty: str
    num_experts_primary: int
    num_experts_any: int
    num_gaps: int
    demand_months: int
    supply_months: int


@dataclass(frozen=True, slots=True)
class ScenarioSummary:
    """Counts of a scenario and its balance by specialty (``num_trainees`` and
    ``num_seats``: format v2 trainees, and every donor's seats summed)."""

    name: str | None
    months: int
    num_donors: int
    num_experts: int
    num_recipients: int
    num_gaps: int
    num_pairings: int
    balance: tuple[SpecialtyBalance, ...]
    unit: str = "month"
    num_trainees: int = 0
    num_seats: int = 0


def summarize(scenario: Scenario) -> ScenarioSummary:
    """Count a scenario's entities and its demand and supply by specialty.

    >>> from matchaid.domain import *
    >>> s = Scenario(Horizon(6), (3,), (DonorHospital("D", "D", "X"),),
    ...     (Expert("E", "D", ("urology",), Seniority.CHIEF, (0, 6)),),
    ...     (RecipientHospital("R", "R", "Y", Level.COUNTY, 1,
    ...          (DisciplineGap("urology", 1, (0, 3), 1.0),)),))
    >>> summarize(s).balance[0].demand_months, summarize(s).balance[0].supply_months
    (3, 6)
    """
    rows = []
    for spec in scenario.all_specialties:
        holders = [e for e in scenario.experts if spec in e.specialties]
        gaps = [g for _, g in scenario.gaps if g.specialty == spec]
        rows.append(
            SpecialtyBalance(
                specialty=spec,
                num_experts_primary=sum(1 for e in holders if e.primary == spec),
                num_experts_any=len(holders),
                num_gaps=len(gaps),
                demand_months=sum(g.demand_months for g in gaps),
                supply_months=sum(e.available[1] - e.available[0] for e in holders),
            )
        )
    return ScenarioSummary(
        name=scenario.name,
        months=scenario.horizon.months,
        num_donors=len(scenario.donors),
        num_experts=len(scenario.experts),
        num_recipients=len(scenario.recipients),
        num_gaps=sum(len(r.gaps) for r in scenario.recipients),
        num_pairings=len(scenario.pairings),
        balance=tuple(rows),
        unit=scenario.horizon.unit.value,
        num_trainees=len(scenario.trainees),
        num_seats=sum(n for d in scenario.donors for n in d.seats.values()),
    )


def format_summary(summary: ScenarioSummary) -> str:
    """The text ``matchaid validate`` prints."""
    lines = []
    if summary.name:
        lines.append(summary.name)
    lines.append(
        f"{summary.num_donors} donors, {summary.num_experts} experts, "
        f"{summary.num_recipients} recipients, {summary.num_gaps} gaps, "
        f"{summary.num_pairings} pairings over {summary.months} {summary.unit}s"
    )
    if summary.num_trainees or summary.num_seats:
        lines.append(
            f"{summary.num_trainees} trainees, {summary.num_seats} training seats at donors"
        )
    lines.append("")
    head = f"{'specialty':<24} {'experts':>7} {'(any)':>6} {'gaps':>5} {'demand':>8} {'supply':>8} {'ratio':>6}"
    lines.append(head)
    lines.append("-" * len(head))
    for b in sorted(summary.balance, key=lambda b: (-b.demand_months, b.specialty)):
        ratio = f"{b.supply_months / b.demand_months:.2f}" if b.demand_months else "-"
        lines.append(
            f"{b.specialty[:24]:<24} {b.num_experts_primary:>7} {b.num_experts_any:>6} "
            f"{b.num_gaps:>5} {b.demand_months:>8} {b.supply_months:>8} {ratio:>6}"
        )
    demand = sum(b.demand_months for b in summary.balance)
    lines.append("-" * len(head))
    lines.append(f"{f'total demand (expert-{summary.unit}s)':<38} {demand:>14}")
    lines.append(
        f"demand: expert-{summary.unit}s wanted over each gap's window; supply: available "
        f"expert-{summary.unit}s of experts holding the specialty (counted once per specialty)"
    )
    return "\n".join(lines)
