"""Hypothesis strategies for small, valid scenarios (shared by the property tests)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from matchaid.domain import (
    Community,
    Costs,
    DisciplineGap,
    DonorHospital,
    Expert,
    Horizon,
    Leader,
    LeaderMode,
    Level,
    Network,
    Pairing,
    PairingMode,
    Pin,
    PinMode,
    Project,
    RecipientHospital,
    Road,
    Scenario,
    Seniority,
    Trainee,
)

SPECIALTIES = ("cardiology", "urology", "neurosurgery", "obstetrics", "orthopedics")
CITIES = ("Lhasa", "Shigatse", "Nyingchi", "Shanghai", "Beijing", "Xi'an")
safe_text = (
    st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=0x4E2D, exclude_characters=';:"\\'),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def intervals(draw: st.DrawFn, months: int) -> tuple[int, int]:
    lo = draw(st.integers(0, months - 1))
    hi = draw(st.integers(lo + 1, months))
    return (lo, hi)


@st.composite
def long_intervals(draw: st.DrawFn, months: int) -> tuple[int, int]:
    """Intervals biased to be long (most experts are away for a good part of the time)."""
    lo = draw(st.integers(0, max(0, months // 2)))
    hi = draw(
        st.integers(lo + 1, months).map(lambda h, lo=lo: max(h, min(months, lo + months // 2)))
    )
    return (lo, hi)


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    max_experts: int = 6,
    max_recipients: int = 3,
    max_months: int = 12,
    side_rules: bool = True,
    rich_text: bool = False,
) -> Scenario:
    """A valid scenario. With ``side_rules=False`` there are no donor release limits,
    no hosting limits (hosting large), no pairings, no travel limits and no
    ``max_postings``: only experts, gaps, terms and availability."""
    months = draw(st.integers(1, max_months))
    step = draw(st.sampled_from([1, 1, 2, 3])) if months >= 3 else 1
    short = st.integers(1, max(1, months // 3))
    terms = tuple(sorted(draw(st.sets(short | st.integers(1, months), min_size=1, max_size=3))))
    specs = SPECIALTIES[: draw(st.integers(1, 3))]
    text = safe_text if rich_text else st.sampled_from(CITIES)
    num_donors = draw(st.integers(1, 3))
    donors = []
    for i in range(num_donors):
        release = {}
        if side_rules:
            for s in draw(st.lists(st.sampled_from(specs), unique=True, max_size=2)):
                release[s] = draw(st.integers(1, 3) | st.just(0))
        donors.append(
            DonorHospital(
                id=f"D{i}",
                name=draw(text),
                city=draw(st.sampled_from(CITIES)),
                release=release,
                max_away=draw(st.none() | st.integers(1, 4)) if side_rules else None,
            )
        )
    experts = []
    for i in range(draw(st.integers(min(1, max_experts), max_experts))):
        own = draw(st.lists(st.sampled_from(specs), min_size=1, max_size=2, unique=True))
        experts.append(
            Expert(
                id=f"E{i}",
                donor=f"D{draw(st.integers(0, num_donors - 1))}",
                specialties=tuple(own),
                seniority=draw(
                    st.sampled_from([Seniority.CHIEF, Seniority.ASSOCIATE_CHIEF, *Seniority])
                ),
                available=draw(long_intervals(months)),
                academician=draw(st.booleans()),
                can_lead=draw(st.booleans()),
                terms=draw(
                    st.one_of(
                        st.none(),
                        st.none(),
                        st.none(),
                        st.sets(short, min_size=1, max_size=2).map(lambda t: tuple(sorted(t))),
                    )
                ),
                max_postings=draw(st.none() | st.integers(1, 3) | st.just(0))
                if side_rules
                else None,
            )
        )
    recipients = []
    for i in range(draw(st.integers(min(1, max_recipients), max_recipients))):
        gaps = []
        for s in draw(st.lists(st.sampled_from(specs), unique=True, min_size=1, max_size=3)):
            gaps.append(
                DisciplineGap(
                    specialty=s,
                    demand=draw(st.integers(1, 3)),
                    window=draw(intervals(months)),
                    weight=draw(st.integers(1, 9) | st.sampled_from([0.5, 1.25, 2.5])),
                    min_seniority=draw(
                        st.one_of(st.none(), st.none(), st.sampled_from(list(Seniority)))
                    ),
                )
            )
        recipients.append(
            RecipientHospital(
                id=f"R{i}",
                name=draw(text),
                city=draw(st.sampled_from(CITIES)),
                level=draw(st.sampled_from(list(Level))),
                hosting=draw(st.integers(1, 4) | st.just(0)) if side_rules else 1000,
                gaps=tuple(gaps),
                max_travel_hours=(
                    draw(st.one_of(st.none(), st.none(), st.sampled_from([0.0, 2.0, 5.5, 12.0])))
                    if side_rules
                    else None
                ),
            )
        )
    pairings = []
    network = None
    if side_rules:
        for r in recipients:
            for d in donors:
                mode = draw(st.one_of(st.none(), st.none(), st.sampled_from(list(PairingMode))))
                if mode is not None:
                    pairings.append(Pairing(d.id, r.id, mode))
        if any(r.max_travel_hours is not None for r in recipients) or draw(st.booleans()):
            roads = draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(CITIES), st.sampled_from(CITIES), st.integers(0, 8)
                    ).filter(lambda t: t[0] != t[1]),
                    max_size=6,
                )
            )
            network = Network(tuple(Road(a, b, float(h)) for a, b, h in roads))
    return Scenario(
        horizon=Horizon(months=months, start_step=step, start=draw(st.none() | st.just("2027-01"))),
        terms=terms,
        donors=tuple(donors),
        experts=tuple(experts),
        recipients=tuple(recipients),
        pairings=tuple(pairings),
        network=network,
        name=draw(st.none() | text),
        description=draw(st.none() | text) if rich_text else None,
    )


@st.composite
def v2_scenarios(draw: st.DrawFn, **kwargs: object) -> Scenario:
    """A valid scenario of format v2: :func:`scenarios` plus, at random, donor groups,
    leader rules, cohesion limits, team starts, continuous gaps, handover weights,
    projects, one medical community, trainees with donor seats, costs with a budget and
    pins."""
    side_rules = draw(st.booleans())  # without them, more postings to choose from
    base = draw(scenarios(side_rules=side_rules, **kwargs))  # type: ignore[arg-type]
    months = base.horizon.months
    groups = ("Anhui", "Shanghai", None)
    donors = tuple(replace(d, group=draw(st.sampled_from(groups))) for d in base.donors)
    recipients = []
    for r in base.recipients:
        gaps = tuple(
            replace(
                g,
                continuous=draw(st.booleans()),
                handover_weight=draw(st.sampled_from([0.0, 0.0, 0.5, 2.0])),
            )
            for g in r.gaps
        )
        leader = draw(
            st.one_of(
                st.none(),
                st.just(Leader(LeaderMode.REQUIRED)),
                st.sampled_from([0.5, 3.0]).map(lambda w: Leader(LeaderMode.PREFERRED, w)),
            )
        )
        projects: tuple[Project, ...] = ()
        if draw(st.booleans()):
            needs = draw(
                st.lists(st.sampled_from([g.specialty for g in gaps]), unique=True, min_size=1)
            )
            projects = (
                Project(
                    name="centre",
                    needs={s: draw(st.integers(1, 2)) for s in needs},
                    window=draw(intervals(months)),
                    weight=draw(st.sampled_from([1.0, 2.5, 7.0])),
                ),
            )
        starts = None
        if draw(st.booleans()):
            starts = tuple(sorted(draw(st.sets(st.integers(0, months - 1), max_size=3))))
        recipients.append(
            replace(
                r,
                gaps=gaps,
                leader=leader,
                max_donors=draw(st.none() | st.integers(1, 2)),
                max_donor_groups=draw(st.none() | st.just(1)),
                starts=starts,
                projects=projects,
            )
        )
    communities: tuple[Community, ...] = ()
    if len(recipients) >= 2 and draw(st.booleans()):
        hub = draw(st.integers(0, len(recipients) - 1))
        spokes = [r.id for k, r in enumerate(recipients) if k != hub]
        communities = (
            Community(
                hub=recipients[hub].id,
                spokes=tuple(draw(st.lists(st.sampled_from(spokes), unique=True, min_size=1))),
                share=draw(st.sampled_from([0.25, 0.5, 0.33, 1.0])),
            ),
        )
    trainees: tuple[Trainee, ...] = ()
    if draw(st.booleans()):
        specs = list(base.all_specialties[:3]) or ["cardiology"]
        donors = tuple(
            replace(
                d,
                seats={sp: draw(st.integers(0, 2)) for sp in draw(st.sets(st.sampled_from(specs)))},
            )
            for d in donors
        )
        trainees = tuple(
            Trainee(
                id=f"T{k}",
                recipient=draw(st.sampled_from([r.id for r in recipients])),
                specialty=draw(st.sampled_from(specs)),
                available=draw(intervals(months)),
                weight=draw(st.sampled_from([0.5, 1.0, 3.0])),
                terms=draw(
                    st.none()
                    | st.sets(st.integers(1, months), min_size=1, max_size=2).map(
                        lambda x: tuple(sorted(x))
                    )
                ),
                starts=draw(
                    st.none()
                    | st.sets(st.integers(0, months - 1), max_size=2).map(
                        lambda x: tuple(sorted(x))
                    )
                ),
            )
            for k in range(draw(st.integers(1, 4)))
        )
    costs = budget = None
    if draw(st.booleans()):
        costs = Costs(
            {rank: draw(st.sampled_from([0, 1, 1.5, 4])) for rank in Seniority},
            per_trip=draw(st.sampled_from([0, 2, 5])),
            trainee_per_period=draw(st.sampled_from([0, 0.5, 2])),
        )
        budget = draw(st.none() | st.sampled_from([0, 5, 12.5, 30, 80]))
    s = replace(
        base,
        donors=donors,
        recipients=tuple(recipients),
        communities=communities,
        costs=costs,
        budget=budget,
        trainees=trainees,
    )
    if not draw(st.booleans()):
        return s
    from tests.oracles import eligible_postings  # plain loops, independent of matchaid

    eligible = eligible_postings(s)
    if not eligible:
        return s
    chosen = draw(st.lists(st.sampled_from(eligible), max_size=2, unique=True))
    pins = tuple(
        Pin(p.expert, p.recipient, p.specialty, p.start, p.months, draw(st.sampled_from(PinMode)))
        for p in chosen
    )
    return replace(s, pins=pins)


def random_scenario(
    seed: int,
    *,
    num_experts: int = 24,
    num_recipients: int = 6,
    months: int = 12,
    side_rules: bool = True,
) -> Scenario:
    """A medium scenario from a seed (not shrinkable, but big enough for capacities,
    pairings and coverage caps to interact)."""
    import random

    rnd = random.Random(seed)
    specs = SPECIALTIES[:4]
    donors = [
        DonorHospital(
            id=f"D{i}",
            name=f"Donor {i}",
            city=rnd.choice(CITIES),
            release={s: rnd.randint(1, 3) for s in rnd.sample(specs, 2)} if side_rules else {},
            max_away=rnd.choice([None, 3, 5]) if side_rules else None,
        )
        for i in range(4)
    ]
    experts = []
    for i in range(num_experts):
        lo = rnd.randint(0, months // 2)
        hi = rnd.randint(min(months, lo + 3), months)
        experts.append(
            Expert(
                id=f"E{i}",
                donor=rnd.choice(donors).id,
                specialties=tuple(rnd.sample(specs, rnd.choice([1, 1, 2]))),
                seniority=rnd.choice(list(Seniority)),
                available=(lo, hi),
                terms=rnd.choice([None, None, None, (3,), (6,)]),
                max_postings=rnd.choice([None, None, 1, 2]) if side_rules else None,
            )
        )
    recipients = []
    for i in range(num_recipients):
        gaps = []
        for s in rnd.sample(specs, rnd.randint(1, 3)):
            lo = rnd.randint(0, months - 3)
            gaps.append(
                DisciplineGap(
                    specialty=s,
                    demand=rnd.randint(1, 3),
                    window=(lo, rnd.randint(lo + 1, months)),
                    weight=rnd.choice([1, 2, 3, 5, 8, 1.5]),
                    min_seniority=rnd.choice(
                        [None, None, Seniority.ATTENDING, Seniority.ASSOCIATE_CHIEF]
                    ),
                )
            )
        recipients.append(
            RecipientHospital(
                id=f"R{i}",
                name=f"Hospital {i}",
                city=rnd.choice(CITIES),
                level=rnd.choice(list(Level)),
                hosting=rnd.randint(1, 4) if side_rules else 1000,
                gaps=tuple(gaps),
            )
        )
    pairings = []
    if side_rules:
        for r in recipients:
            roll = rnd.random()
            if roll < 0.3:
                for d in rnd.sample(donors, 2):
                    pairings.append(Pairing(d.id, r.id, PairingMode.REQUIRED))
            elif roll < 0.5:
                pairings.append(Pairing(rnd.choice(donors).id, r.id, PairingMode.FORBIDDEN))
            elif roll < 0.8:
                pairings.append(Pairing(rnd.choice(donors).id, r.id, PairingMode.PREFERRED))
    return Scenario(
        horizon=Horizon(months=months, start_step=rnd.choice([1, 3])),
        terms=(3, 6),
        donors=tuple(donors),
        experts=tuple(experts),
        recipients=tuple(recipients),
        pairings=tuple(pairings),
    )
