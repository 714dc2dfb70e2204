"""Build the Shanghai General Hospital -> Jiuquan regional medical center scenario.

From seed article 004: Shanghai General Hospital supports the Jiuquan National Regional
Medical Center at Jiuquan People's Hospital (more than 100 expert teams so far), which in
turn drives satellite county hospitals such as Jinta County People's Hospital (a hub and
its spokes). Everything else is a plausible choice (README.md).

    python examples/jiuquan_regional_center/build.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matchaid import (
    Community,
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
    RecipientHospital,
    Road,
    Scenario,
    Seniority,
    TimeUnit,
    save_scenario,
)

SEED = 2023
WEEKS = 156  # three years, planned in weeks: teams visit for weeks, not months
#: Visit lengths in weeks: a fortnight, a month, a quarter.
VISITS = (2, 4, 13)
#: What a hub expert counts at Jinta, an hour's drive away.
HUB_SHARE = 0.5


def weeks(months: int) -> int:
    """Months as whole weeks (52 a year)."""
    return months * 52 // 12


HUB_NEEDS = (
    "cardiology",
    "neurology",
    "oncology",
    "interventional radiology",
    "general surgery",
    "orthopedics",
    "obstetrics and gynecology",
    "pediatrics",
    "emergency medicine",
    "anesthesiology",
)
SPOKE_NEEDS = (
    "internal medicine",
    "general surgery",
    "interventional radiology",
    "emergency medicine",
)


def build() -> Scenario:
    rng = np.random.default_rng(SEED)
    specialties = tuple(dict.fromkeys(HUB_NEEDS + SPOKE_NEEDS))
    donor = DonorHospital(
        "SGH",
        "Shanghai General Hospital",
        "Shanghai",
        release={s: 3 for s in specialties},
        max_away=24,
    )
    experts = []
    # About 100 expert teams over three years: 60 experts making one to three 3-month visits.
    for k in range(60):
        spec = str(rng.choice(specialties))
        lo = int(rng.choice([0, 6, 12, 18]))
        hi = lo + int(rng.choice([9, 12, 18]))
        experts.append(
            Expert(
                f"SGH-E{k + 1:02d}",
                "SGH",
                (spec,),
                Seniority(int(rng.choice([1, 2, 2, 3, 3]))),
                (weeks(lo), min(WEEKS, weeks(hi))),
                can_lead=k < 9,
                max_postings=int(rng.integers(1, 4)),
            )
        )
    hub = RecipientHospital(
        "JQ-PH",
        "Jiuquan People's Hospital",
        "Jiuquan",
        Level.REGIONAL,
        hosting=10,
        gaps=tuple(
            DisciplineGap(s, int(rng.integers(1, 3)), (0, WEEKS), float(w))
            for s, w in zip(HUB_NEEDS, (6, 4, 5, 6, 3, 3, 3, 3, 4, 2), strict=True)
        ),
        leader=Leader(LeaderMode.REQUIRED),  # each visiting team has a leader
    )
    spoke = RecipientHospital(
        "JINTA-PH",
        "Jinta County People's Hospital",
        "Jinta",
        Level.COUNTY,
        hosting=3,
        gaps=tuple(
            DisciplineGap(s, 1, (weeks(6), WEEKS), float(w))
            for s, w in zip(SPOKE_NEEDS, (3, 2, 4, 2), strict=True)
        ),
        max_travel_hours=8.0,
        leader=Leader(LeaderMode.REQUIRED),
    )
    network = Network((Road("Shanghai", "Jiuquan", 6.0), Road("Jiuquan", "Jinta", 1.0)))
    pairings = (
        Pairing("SGH", "JQ-PH", PairingMode.REQUIRED),
        Pairing("SGH", "JINTA-PH", PairingMode.REQUIRED),
    )
    return Scenario(
        horizon=Horizon(WEEKS, start_step=1, start="2021-01", unit=TimeUnit.WEEK),
        terms=VISITS,
        donors=(donor,),
        experts=tuple(experts),
        recipients=(hub, spoke),
        pairings=pairings,
        network=network,
        # Jinta is a satellite (spoke) of the regional medical center (hub)
        communities=(Community("JQ-PH", ("JINTA-PH",), HUB_SHARE),),
        name="Shanghai General Hospital and the Jiuquan National Regional Medical Center, 2021-2023",
        description=(
            "Shanghai General Hospital sends expert teams on visits of 2, 4 or 13 weeks to Jiuquan People's "
            "Hospital (the regional medical center) and its satellite Jinta County People's Hospital. "
            "Names and the hub-and-spoke structure from the source article; sizes are plausible "
            "choices (see README.md)."
        ),
    )


if __name__ == "__main__":
    save_scenario(build(), Path(__file__).with_name("scenario.json"))
    print(f"wrote {Path(__file__).with_name('scenario.json')}")
