"""Tiny scenario builders for hand-checked planner tests."""

from __future__ import annotations

from typing import Any

from matchaid import (
    DisciplineGap,
    DonorHospital,
    Expert,
    Horizon,
    Level,
    Pairing,
    RecipientHospital,
    Scenario,
    Seniority,
    SolveParams,
)

EXACT = SolveParams(workers=1, time_limit=30)


def expert(eid: str, donor: str = "D", specs: tuple[str, ...] = ("urology",), **kw: Any) -> Expert:
    kw.setdefault("seniority", Seniority.CHIEF)
    kw.setdefault("available", (0, 6))
    return Expert(eid, donor, specs, **kw)


def gap(
    spec: str = "urology",
    demand: int = 1,
    window: tuple[int, int] = (0, 6),
    weight: float = 1,
    **kw: Any,
) -> DisciplineGap:
    return DisciplineGap(spec, demand, window, weight, **kw)


def recipient(
    rid: str, *gaps: DisciplineGap, hosting: int = 9, city: str = "Lhasa", **kw: Any
) -> RecipientHospital:
    return RecipientHospital(rid, f"Hospital {rid}", city, Level.COUNTY, hosting, tuple(gaps), **kw)


def donor(did: str = "D", city: str = "Shanghai", **kw: Any) -> DonorHospital:
    return DonorHospital(did, f"Donor {did}", city, **kw)


def scenario(
    experts: list[Expert],
    recipients: list[RecipientHospital],
    donors: list[DonorHospital] | None = None,
    *,
    months: int = 6,
    terms: tuple[int, ...] = (3,),
    step: int = 1,
    pairings: list[Pairing] | None = None,
    **kw: Any,
) -> Scenario:
    return Scenario(
        horizon=Horizon(months, start_step=step),
        terms=terms,
        donors=tuple(donors or [donor()]),
        experts=tuple(experts),
        recipients=tuple(recipients),
        pairings=tuple(pairings or []),
        **kw,
    )
