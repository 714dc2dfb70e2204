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
    Community,
    DisciplineGap,
    DonorHospital,
    Expert,
    Horizon,
    Leader,
    LeaderMode,
    Level,
    Pairing,
    PairingMode,
    RecipientHospital,
    Scenario,
    Seniority,
    Trainee,
)
from matchaid.exceptions import ParamsError, Problem

__all__ = ["TIERS", "VARIANTS", "GeneratorParams", "generate", "tier_params"]

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
    pairing_donors
        ``k > 0``: instead of its province's donors, each recipient is paired with ``k``
        donors drawn from all provinces (overlapping pairings: the programme does not
        split by province).
    national_donors
        The first ``n`` donors are national hospitals, paired with every recipient of
        every region.
    programme
        Switch the format v2 programme rules on: donor groups (their province), a
        required leader at regional hospitals, cohesion (``max_donor_groups`` 1) at county
        hospitals, continuity on the gaps of weight 8 or more, each region's regional
        hospital a hub with two county spokes (share 0.5), and trainees (one per
        recipient on average) into seats at a quarter of the donors.
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
    pairing_donors: int = 0
    national_donors: int = 0
    programme: bool = False

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
        for name in ("pairing_donors", "national_donors"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(Problem(name, f"must be a whole number >= 0, got {value!r}"))
            elif isinstance(self.num_donors, int) and value > self.num_donors:
                problems.append(Problem(name, "must not exceed num_donors"))
        if not isinstance(self.programme, bool):
            problems.append(Problem("programme", "must be true or false"))
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


#: Structure variants of a tier, named after it with a dash (``m-overlap``, also
#: combined: ``m-overlap-rules``): programmes that do not split by province, and the
#: programme rules switched on.
VARIANTS: dict[str, Any] = {
    # each recipient required-paired with 3 donors drawn across provinces
    "overlap": lambda p: p.with_(pairing_donors=min(3, p.num_donors)),
    # one donor in 20 (at least one) is national: paired with every region
    "national": lambda p: p.with_(national_donors=max(1, p.num_donors // 20)),
    "preferred": lambda p: p.with_(pairing="preferred"),
    "none": lambda p: p.with_(pairing="none"),
    "rules": lambda p: p.with_(programme=True),
    # no side rules: the assignment case with an exact network-flow optimum
    "flow": lambda p: p.with_(side_rules=False),
    # 20 donor hospitals at most, each sending more experts (m-overlap-few: the
    # Tibet-scale programme of issue 14, 20 donors, each recipient paired with 3)
    "few": lambda p: p.with_(
        num_donors=min(20, p.num_donors),
        num_provinces=min(20, p.num_provinces),
        pairing_donors=min(20, p.pairing_donors),
        national_donors=min(20, p.national_donors),
    ),
}


def tier_params(name: str) -> GeneratorParams:
    """The knobs of a tier name: a size tier of :data:`TIERS`, then any
    :data:`VARIANTS` joined by dashes (``"m-overlap-rules"``)."""
    base, *variants = name.split("-")
    known = ", ".join(TIERS)
    if base not in TIERS:
        raise ParamsError(
            "<generator>", [Problem("tier", f"unknown tier {name!r} (sizes: {known})")]
        )
    p = TIERS[base]
    for v in variants:
        if v not in VARIANTS:
            raise ParamsError(
                "<generator>",
                [
                    Problem(
                        "tier",
                        f"unknown variant {v!r} in {name!r} (variants: {', '.join(VARIANTS)})",
                    )
                ],
            )
        p = VARIANTS[v](p)
    return p


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
    """A seeded scenario for a size tier (``"xs"``, ``"s"``, ``"m"``, ``"l"``, ``"xl"``,
    with any variants: ``"m-overlap"``, see :func:`tier_params`) or explicit
    :class:`GeneratorParams`.

    The steps draw from one ``numpy.random.default_rng(seed)`` in a fixed order:
    recipients, experts' availability, gaps, experts' specialties and ranks, donors;
    the structure knobs and the programme rules from streams of their own."""
    p = tier_params(tier) if isinstance(tier, str) else tier
    rng = np.random.default_rng(seed)
    specialties = SPECIALTY_NAMES[: p.num_specialties]
    popularity = 1.0 / np.arange(1, len(specialties) + 1) ** 0.8
    popularity /= popularity.sum()
    provinces = _split(p.num_donors, p.num_provinces)
    recipients_spec = _recipient_specs(p, rng, _split(p.num_recipients, p.num_provinces))
    experts_spec, supply = _expert_specs(p, rng, provinces)
    _add_gaps(p, rng, recipients_spec, specialties, popularity, p.demand_supply_ratio * supply)
    # The structure knobs draw from streams of their own, so the default tiers stay
    # what they were.
    served = _served(p, np.random.default_rng([seed, 1]), recipients_spec, provinces)
    experts = _experts(p, rng, experts_spec, recipients_spec, specialties, popularity, served)
    donors = _donors(p, rng, experts, provinces)
    terms = p.terms if p.side_rules else (p.months,)
    scenario = Scenario(
        horizon=Horizon(p.months, start_step=p.start_step if p.side_rules else 1),
        terms=tuple(sorted(set(terms))),
        donors=tuple(donors),
        experts=tuple(experts),
        recipients=_recipients(recipients_spec),
        pairings=_pairings(p, recipients_spec, served),
        name=f"generated ({p.num_experts} experts, {p.num_recipients} recipients, seed {seed})",
    )
    if p.programme:
        scenario = _with_programme(
            scenario, np.random.default_rng([seed, 2]), recipients_spec, provinces
        )
    return scenario


def _served(
    p: GeneratorParams,
    rng: np.random.Generator,
    recipients_spec: list[dict[str, Any]],
    provinces: list[int],
) -> list[list[int]]:
    """Per donor, the recipients it serves (in recipient order): its province's region,
    or with ``pairing_donors = k``, those that drew it among their ``k``; national
    donors serve every recipient."""
    served: list[list[int]] = [[] for _ in range(p.num_donors)]
    for i, r in enumerate(recipients_spec):
        if p.pairing_donors:
            mine = set(rng.choice(p.num_donors, p.pairing_donors, replace=False).tolist())
        else:
            mine = {d for d, province in enumerate(provinces) if province == r["region"]}
        mine |= set(range(p.national_donors))
        for d in sorted(mine):
            served[d].append(i)
    return served


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
    served: list[list[int]],
) -> list[Expert]:
    """Experts' specialties (75% from the gaps of the recipients their donor serves,
    popularity-weighted), ranks, terms and posting limits."""
    wanted_by_donor = [
        [g["specialty"] for i in mine for g in recipients_spec[i]["gaps"]] for mine in served
    ]
    experts = []
    for spec_e in experts_spec:
        wanted = wanted_by_donor[spec_e["donor"]]
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
    p: GeneratorParams, recipients_spec: list[dict[str, Any]], served: list[list[int]]
) -> tuple[Pairing, ...]:
    """Each recipient paired (in the tier's mode) with every donor that serves it."""
    if not p.side_rules or p.pairing == "none":
        return ()
    mode = PairingMode(p.pairing)
    donors_of: list[list[int]] = [[] for _ in recipients_spec]
    for d, mine in enumerate(served):
        for i in mine:
            donors_of[i].append(d)
    return tuple(
        Pairing(f"D{d:04d}", r["id"], mode)
        for i, r in enumerate(recipients_spec)
        for d in donors_of[i]
    )


def _with_programme(
    s: Scenario,
    rng: np.random.Generator,
    recipients_spec: list[dict[str, Any]],
    provinces: list[int],
) -> Scenario:
    """``s`` with the format v2 programme rules of :class:`GeneratorParams` ``programme``."""
    recipients = []
    counties_of: dict[int, list[str]] = {}
    hub_of: dict[int, str] = {}
    for r, spec in zip(s.recipients, recipients_spec, strict=True):
        region = spec["region"]
        if r.level is Level.REGIONAL:
            hub_of.setdefault(region, r.id)
        elif r.level is Level.COUNTY:
            counties_of.setdefault(region, []).append(r.id)
        recipients.append(
            replace(
                r,
                leader=Leader(LeaderMode.REQUIRED) if r.level is Level.REGIONAL else None,
                max_donor_groups=1 if r.level is Level.COUNTY else None,
                gaps=tuple(replace(g, continuous=g.weight >= 8) for g in r.gaps),
            )
        )
    communities = tuple(
        Community(hub, tuple(counties_of[region][:2]), 0.5)
        for region, hub in sorted(hub_of.items())
        if counties_of.get(region)
    )
    specialties = sorted({g.specialty for _, g in s.gaps})
    donors = []
    for d, donor in enumerate(s.donors):
        seats: dict[str, int] = {}
        if rng.random() < 0.25:
            for spec in rng.choice(specialties, min(2, len(specialties)), replace=False):
                seats[str(spec)] = int(rng.integers(1, 3))
        donors.append(replace(donor, group=f"Province{provinces[d]:02d}", seats=seats))
    months = s.horizon.months
    trainees = []
    for k in range(len(s.recipients)):
        home = s.recipients[int(rng.integers(len(s.recipients)))]
        lo = int(rng.integers(0, max(months - 6, 0) + 1))
        trainees.append(
            Trainee(
                f"T{k:05d}",
                home.id,
                str(specialties[int(rng.integers(len(specialties)))]),
                (lo, months),
                float(rng.choice([1, 2, 3])),
            )
        )
    return replace(
        s,
        donors=tuple(donors),
        recipients=tuple(recipients),
        communities=communities,
        trainees=tuple(trainees),
    )
