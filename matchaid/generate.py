"""Seeded scenario generator for tests and benchmarks.

:func:`generate` makes a realistic scenario from a few knobs (:class:`GeneratorParams`)
or a named size tier (:data:`TIERS`): donors grouped in provinces, each province paired
with a region of recipients (as in counterpart aid), experts drawn mostly for the gaps of
their province's region, and gaps added until demand reaches the asked multiple of
supply. The same parameters and seed always give the same scenario; randomness comes only
from ``numpy.random.default_rng(seed)``.

>>> s = generate("xs", seed=1)
>>> len(s.experts), len(s.recipients), s.horizon.months
(20, 5, 12)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matchaid.domain import (
    DisciplineGap,
    DonorHospital,
    Expert,
    Horizon,
    Level,
    Pairing,
    PairingMode,
    RecipientHospital,
    Scenario,
    Seniority,
)
from matchaid.exceptions import ParamsError, Problem

__all__ = ["TIERS", "GeneratorParams", "generate"]

SPECIALTY_NAMES = (
    "general surgery",
    "internal medicine",
    "obstetrics and gynecology",
    "pediatrics",
    "orthopedics",
    "cardiology",
    "neurosurgery",
    "anesthesiology",
    "radiology",
    "emergency medicine",
    "ophthalmology",
    "hepatobiliary surgery",
    "urology",
    "oncology",
    "respiratory medicine",
    "nephrology",
    "neurology",
    "dermatology",
    "infectious diseases",
    "otolaryngology",
    "stomatology",
    "psychiatry",
    "endocrinology",
    "gastroenterology",
    "hematology",
    "rheumatology",
    "thoracic surgery",
    "plastic surgery",
    "rehabilitation medicine",
    "pathology",
)


@dataclass(frozen=True, slots=True)
class GeneratorParams:
    """The knobs of :func:`generate`.

    Parameters
    ----------
    num_donors, num_experts, num_recipients
        Sizes.
    num_specialties
        How many specialties (at most 30); popularity follows a Zipf-like law.
    months, start_step, terms
        The horizon, start grid and default rotation lengths.
    demand_supply_ratio
        Gaps are added until total demand (expert-months) reaches this multiple of total
        supply (experts' available months).
    num_provinces
        Donors are split into this many provinces and recipients into as many regions;
        province ``k`` is paired with region ``k``.
    pairing
        The mode of those pairings: ``"required"`` (counterpart aid), ``"preferred"``,
        or ``"none"`` (no pairings).
    narrow_share
        Share of experts available only 3-12 months (the rest 12 months to the horizon).
    side_rules
        ``False`` gives the special case without donor release, ``max_away``, hosting
        limits or pairings, every expert available over the whole horizon with a single
        term as long as it (each serves at most once): an assignment problem with an
        exact network-flow solution.
    """

    num_donors: int
    num_experts: int
    num_recipients: int
    num_specialties: int = 12
    months: int = 36
    start_step: int = 3
    terms: tuple[int, ...] = (3, 6, 12)
    demand_supply_ratio: float = 1.3
    num_provinces: int = 4
    pairing: Literal["required", "preferred", "none"] = "required"
    narrow_share: float = 0.3
    side_rules: bool = True

    def __post_init__(self) -> None:
        problems = []
        for name in (
            "num_donors",
            "num_experts",
            "num_recipients",
            "num_specialties",
            "months",
            "start_step",
            "num_provinces",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(Problem(name, f"must be a whole number >= 1, got {value!r}"))
        if not problems:
            if self.num_specialties > len(SPECIALTY_NAMES):
                problems.append(Problem("num_specialties", f"at most {len(SPECIALTY_NAMES)}"))
            if self.num_provinces > min(self.num_donors, self.num_recipients):
                problems.append(
                    Problem("num_provinces", "must not exceed num_donors or num_recipients")
                )
            if (
                any(not isinstance(t, int) or not 1 <= t <= self.months for t in self.terms)
                or not self.terms
            ):
                problems.append(Problem("terms", f"must be months between 1 and {self.months}"))
        if not (
            isinstance(self.demand_supply_ratio, (int, float))
            and 0 < self.demand_supply_ratio < 100
        ):
            problems.append(Problem("demand_supply_ratio", "must be a number in (0, 100)"))
        if not (isinstance(self.narrow_share, (int, float)) and 0 <= self.narrow_share <= 1):
            problems.append(Problem("narrow_share", "must be between 0 and 1"))
        if self.pairing not in ("required", "preferred", "none"):
            problems.append(Problem("pairing", "must be required, preferred or none"))
        if problems:
            raise ParamsError("<generator>", problems)

    def with_(self, **changes: Any) -> GeneratorParams:
        """A copy with some knobs changed."""
        return replace(self, **changes)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The knob names."""
        return tuple(f.name for f in fields(cls))


#: Named size tiers. ``m`` is about the Tibet programme; ``xl`` is national scale.
TIERS: dict[str, GeneratorParams] = {
    "xs": GeneratorParams(
        num_donors=4,
        num_experts=20,
        num_recipients=5,
        num_specialties=5,
        months=12,
        num_provinces=2,
    ),
    "s": GeneratorParams(
        num_donors=20, num_experts=100, num_recipients=20, num_specialties=10, num_provinces=4
    ),
    "m": GeneratorParams(
        num_donors=85, num_experts=519, num_recipients=94, num_specialties=16, num_provinces=7
    ),
    "l": GeneratorParams(
        num_donors=300, num_experts=3000, num_recipients=500, num_specialties=20, num_provinces=15
    ),
    "xl": GeneratorParams(
        num_donors=1000,
        num_experts=10000,
        num_recipients=2000,
        num_specialties=24,
        num_provinces=31,
    ),
}


_MIN_SENIORITY: tuple[Seniority | None, ...] = (
    None,
    None,
    None,
    Seniority.ATTENDING,
    Seniority.ASSOCIATE_CHIEF,
)


def _split(n: int, parts: int) -> list[int]:
    """``n`` items into ``parts`` contiguous groups, as equal as possible (group of each)."""
    return [min(parts - 1, i * parts // n) for i in range(n)]


def generate(tier: str | GeneratorParams, seed: int = 0) -> Scenario:
    """A seeded scenario for a size tier (``"xs"``, ``"s"``, ``"m"``, ``"l"``, ``"xl"``) or
    explicit :class:`GeneratorParams`.

    The steps draw from one ``numpy.random.default_rng(seed)`` in a fixed order:
    recipients, experts' availability, gaps, experts' specialties and ranks, donors."""
    if isinstance(tier, str):
        if tier not in TIERS:
            raise ParamsError(
                "<generator>",
                [Problem("tier", f"unknown tier {tier!r} (one of: {', '.join(TIERS)})")],
            )
        p = TIERS[tier]
    else:
        p = tier
    rng = np.random.default_rng(seed)
    specialties = SPECIALTY_NAMES[: p.num_specialties]
    popularity = 1.0 / np.arange(1, len(specialties) + 1) ** 0.8
    popularity /= popularity.sum()
    provinces = _split(p.num_donors, p.num_provinces)
    recipients_spec = _recipient_specs(p, rng, _split(p.num_recipients, p.num_provinces))
    experts_spec, supply = _expert_specs(p, rng, provinces)
    _add_gaps(p, rng, recipients_spec, specialties, popularity, p.demand_supply_ratio * supply)
    experts = _experts(p, rng, experts_spec, recipients_spec, specialties, popularity)
    donors = _donors(p, rng, experts, provinces)
    terms = p.terms if p.side_rules else (p.months,)
    return Scenario(
        horizon=Horizon(p.months, start_step=p.start_step if p.side_rules else 1),
        terms=tuple(sorted(set(terms))),
        donors=tuple(donors),
        experts=tuple(experts),
        recipients=_recipients(recipients_spec),
        pairings=_pairings(p, recipients_spec, provinces),
        name=f"generated ({p.num_experts} experts, {p.num_recipients} recipients, seed {seed})",
    )


def _recipient_specs(
    p: GeneratorParams, rng: np.random.Generator, regions: list[int]
) -> list[dict[str, Any]]:
    """Recipients: the first of each region is its regional hospital."""
    recipients_spec: list[dict[str, Any]] = []
    first_of_region: set[int] = set()
    for i, region in enumerate(regions):
        if region not in {regions[j] for j in first_of_region}:
            first_of_region.add(i)
        if i in first_of_region:
            level, hosting = Level.REGIONAL, int(rng.integers(15, 41))
        elif rng.random() < 0.2:
            level, hosting = Level.PREFECTURE, int(rng.integers(5, 15))
        else:
            level, hosting = Level.COUNTY, int(rng.integers(2, 5))
        recipients_spec.append(
            {
                "id": f"R{i:04d}",
                "region": region,
                "level": level,
                "hosting": hosting if p.side_rules else 10**6,
                "gaps": [],
            }
        )
    return recipients_spec


def _expert_specs(
    p: GeneratorParams, rng: np.random.Generator, provinces: list[int]
) -> tuple[list[dict[str, Any]], int]:
    """Experts' donors and availability (and their donor's province), and the supply of
    expert-months they make."""
    months = p.months
    experts_spec: list[dict[str, Any]] = []
    supply = 0
    for i in range(p.num_experts):
        donor = int(rng.integers(0, p.num_donors))
        if not p.side_rules:
            lo, hi = 0, months
        elif rng.random() < p.narrow_share:
            length = int(rng.integers(3, min(12, months) + 1))
            lo = int(rng.integers(0, months - length + 1))
            hi = lo + length
        else:
            length = int(rng.integers(min(12, months), months + 1))
            lo = int(rng.integers(0, months - length + 1))
            hi = lo + length
        supply += hi - lo
        experts_spec.append(
            {
                "id": f"E{i:05d}",
                "donor": donor,
                "available": (lo, hi),
                "region": provinces[donor],
            }
        )
    return experts_spec, supply


def _add_gaps(
    p: GeneratorParams,
    rng: np.random.Generator,
    recipients_spec: list[dict[str, Any]],
    specialties: tuple[str, ...],
    popularity: npt.NDArray[np.floating[Any]],
    target: float,
) -> None:
    """Gaps, added round-robin over recipients until demand reaches ``target``."""
    months = p.months
    demand = 0
    order = rng.permutation(p.num_recipients)
    cursor = 0
    max_gaps = {
        Level.REGIONAL: len(specialties),
        Level.PREFECTURE: min(8, len(specialties)),
        Level.COUNTY: min(3, len(specialties)),
    }
    stalled = 0
    while demand < target and stalled < p.num_recipients:
        r = recipients_spec[int(order[cursor % p.num_recipients])]
        cursor += 1
        taken = {g["specialty"] for g in r["gaps"]}
        if len(taken) >= max_gaps[r["level"]]:
            stalled += 1
            continue
        stalled = 0
        free = [k for k, s in enumerate(specialties) if s not in taken]
        weights = popularity[free] / popularity[free].sum()
        spec = specialties[int(rng.choice(free, p=weights))]
        if p.side_rules:
            lo = int(rng.choice([0, 0, 0, months // 4, months // 2]))
            hi = months if rng.random() < 0.7 else int(rng.integers(lo + 1, months + 1))
        else:
            lo, hi = 0, months
        dem = int(rng.integers(1, 5)) if r["level"] is Level.REGIONAL else int(rng.integers(1, 3))
        weight = float(rng.choice([1, 1, 2, 2, 3, 5, 8, 10]))
        min_sen = (
            _MIN_SENIORITY[int(rng.integers(0, len(_MIN_SENIORITY)))] if p.side_rules else None
        )
        r["gaps"].append(
            {
                "specialty": spec,
                "demand": dem,
                "window": (lo, hi),
                "weight": weight,
                "min_seniority": min_sen,
            }
        )
        demand += dem * (hi - lo)


def _experts(
    p: GeneratorParams,
    rng: np.random.Generator,
    experts_spec: list[dict[str, Any]],
    recipients_spec: list[dict[str, Any]],
    specialties: tuple[str, ...],
    popularity: npt.NDArray[np.floating[Any]],
) -> list[Expert]:
    """Experts' specialties (75% from their paired region's gaps, popularity-weighted),
    ranks, terms and posting limits."""
    wanted_by_region: dict[int, list[str]] = {k: [] for k in range(p.num_provinces)}
    for r in recipients_spec:
        wanted_by_region[r["region"]].extend(g["specialty"] for g in r["gaps"])
    experts = []
    for spec_e in experts_spec:
        wanted = wanted_by_region[spec_e["region"]]
        if wanted and rng.random() < 0.75:
            primary = str(wanted[int(rng.integers(0, len(wanted)))])
        else:
            primary = str(specialties[int(rng.choice(len(specialties), p=popularity))])
        specs = [primary]
        if rng.random() < 0.25:
            extra = str(specialties[int(rng.integers(0, len(specialties)))])
            if extra != primary:
                specs.append(extra)
        seniority = Seniority(int(rng.choice([0, 1, 1, 2, 2, 3])))
        terms = None
        max_postings = None
        if p.side_rules:
            if rng.random() < 0.15:
                terms = tuple(
                    sorted(
                        {
                            int(t)
                            for t in rng.choice(p.terms, size=min(2, len(p.terms)), replace=False)
                        }
                    )
                )
            if rng.random() < 0.3:
                max_postings = int(rng.integers(1, 3))
        experts.append(
            Expert(
                id=spec_e["id"],
                donor=f"D{spec_e['donor']:04d}",
                specialties=tuple(specs),
                seniority=seniority,
                available=spec_e["available"],
                can_lead=seniority >= Seniority.ASSOCIATE_CHIEF and rng.random() < 0.3,
                terms=terms,
                max_postings=max_postings,
            )
        )
    return experts


def _donors(
    p: GeneratorParams, rng: np.random.Generator, experts: list[Expert], provinces: list[int]
) -> list[DonorHospital]:
    """Donors, with release caps on some departments and a limit on experts away."""
    donors = []
    for d in range(p.num_donors):
        own = [e for e in experts if e.donor == f"D{d:04d}"]
        release: dict[str, int] = {}
        max_away = None
        if p.side_rules and own:
            departments: dict[str, int] = {}
            for e in own:
                departments[e.primary] = departments.get(e.primary, 0) + 1
            for dept, count in departments.items():
                if count >= 2 and rng.random() < 0.6:
                    release[dept] = max(1, math.ceil(count * float(rng.uniform(0.3, 0.7))))
            max_away = max(1, math.ceil(len(own) * float(rng.uniform(0.4, 0.8))))
        donors.append(
            DonorHospital(
                f"D{d:04d}",
                f"Donor hospital {d}",
                f"Province{provinces[d]:02d}-City{d % 5}",
                release=release,
                max_away=max_away,
            )
        )
    return donors


def _recipients(recipients_spec: list[dict[str, Any]]) -> tuple[RecipientHospital, ...]:
    return tuple(
        RecipientHospital(
            id=r["id"],
            name=f"{r['level'].value.title()} hospital {r['id'][1:]}",
            city=f"Region{r['region']:02d}",
            level=r["level"],
            hosting=r["hosting"],
            gaps=tuple(
                DisciplineGap(
                    g["specialty"], g["demand"], g["window"], g["weight"], g["min_seniority"]
                )
                for g in r["gaps"]
            ),
        )
        for r in recipients_spec
    )


def _pairings(
    p: GeneratorParams, recipients_spec: list[dict[str, Any]], provinces: list[int]
) -> tuple[Pairing, ...]:
    """Each recipient paired (in the tier's mode) with every donor of its province."""
    if not p.side_rules or p.pairing == "none":
        return ()
    mode = PairingMode(p.pairing)
    return tuple(
        Pairing(f"D{d:04d}", r["id"], mode)
        for r in recipients_spec
        for d, province in enumerate(provinces)
        if province == r["region"]
    )
