"""Hypothesis strategies for small, valid scenarios (shared by the property tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from matchaid.domain import (
    DisciplineGap,
    DonorHospital,
    Expert,
    Horizon,
    Level,
    Network,
    Pairing,
    PairingMode,
    RecipientHospital,
    Road,
    Scenario,
    Seniority,
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
    step = draw(st.integers(1, min(3, months)))
    terms = tuple(sorted(draw(st.sets(st.integers(1, months), min_size=1, max_size=3))))
    specs = SPECIALTIES[: draw(st.integers(1, len(SPECIALTIES)))]
    text = safe_text if rich_text else st.sampled_from(CITIES)
    num_donors = draw(st.integers(1, 3))
    donors = []
    for i in range(num_donors):
        release = {}
        if side_rules:
            for s in draw(st.lists(st.sampled_from(specs), unique=True, max_size=2)):
                release[s] = draw(st.integers(0, 3))
        donors.append(
            DonorHospital(
                id=f"D{i}",
                name=draw(text),
                city=draw(st.sampled_from(CITIES)),
                release=release,
                max_away=draw(st.none() | st.integers(0, 4)) if side_rules else None,
            )
        )
    experts = []
    for i in range(draw(st.integers(0, max_experts))):
        own = draw(st.lists(st.sampled_from(specs), min_size=1, max_size=2, unique=True))
        experts.append(
            Expert(
                id=f"E{i}",
                donor=f"D{draw(st.integers(0, num_donors - 1))}",
                specialties=tuple(own),
                seniority=draw(st.sampled_from(list(Seniority))),
                available=draw(intervals(months)),
                academician=draw(st.booleans()),
                can_lead=draw(st.booleans()),
                terms=draw(
                    st.none()
                    | st.sets(st.integers(1, months), min_size=1, max_size=2).map(
                        lambda t: tuple(sorted(t))
                    )
                ),
                max_postings=draw(st.none() | st.integers(0, 3)) if side_rules else None,
            )
        )
    recipients = []
    for i in range(draw(st.integers(0, max_recipients))):
        gaps = []
        for s in draw(st.lists(st.sampled_from(specs), unique=True, max_size=3)):
            gaps.append(
                DisciplineGap(
                    specialty=s,
                    demand=draw(st.integers(1, 3)),
                    window=draw(intervals(months)),
                    weight=draw(st.integers(1, 9) | st.sampled_from([0.5, 1.25, 2.5])),
                    min_seniority=draw(st.none() | st.sampled_from(list(Seniority))),
                )
            )
        recipients.append(
            RecipientHospital(
                id=f"R{i}",
                name=draw(text),
                city=draw(st.sampled_from(CITIES)),
                level=draw(st.sampled_from(list(Level))),
                hosting=draw(st.integers(0, 4)) if side_rules else 1000,
                gaps=tuple(gaps),
                max_travel_hours=(
                    draw(st.none() | st.sampled_from([0.0, 2.0, 5.5, 12.0])) if side_rules else None
                ),
            )
        )
    pairings = []
    network = None
    if side_rules:
        for r in recipients:
            for d in donors:
                mode = draw(st.none() | st.sampled_from(list(PairingMode)))
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
