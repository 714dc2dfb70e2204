"""Build the Tibet "group-style" medical talent aid scenario (writes scenario.json).

Figures from the source article (DOMAIN.md, seed 002): 519 experts sent in three years
from tertiary hospitals of seven provinces and cities and national hospitals (Peking
Union Medical College Hospital and three Peking University hospitals); 8 aided hospitals
(the Xizang Autonomous Region People's Hospital and the People's Hospitals of the seven
cities) plus 86 primary institutions; 85 tertiary hospitals in counterpart pairs.
Everything else is a plausible choice, listed in README.md. Run:

    python examples/tibet_group_aid/build.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matchaid import (
    Community,
    DisciplineGap,
    DonorHospital,
    Expert,
    Goal,
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
    Stage,
    save_scenario,
)

SEED = 2018
MONTHS = 36
#: Teams arrive in annual batches (format v2 ``starts``).
BATCHES = (0, 12, 24)
#: Handover reward per month in which a key specialty's outgoing expert overlaps a
#: colleague who stays on.
HANDOVER = 1.0
#: What a city hospital's expert counts at each of its county hospitals (spokes).
HUB_SHARE = 0.25
SPECIALTIES = (
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
)

# Donor groups: (group, city, named hospitals, number of donor hospitals, experts).
# The national group serves the regional hospital; each province its city.
DONOR_GROUPS = (
    (
        "National",
        "Beijing",
        (
            "Peking Union Medical College Hospital",
            "Peking University First Hospital",
            "Peking University People's Hospital",
            "Peking University Third Hospital",
        ),
        4,
        60,
    ),
    (
        "Beijing",
        "Beijing",
        (
            "Beijing Tongren Hospital",
            "Beijing Chaoyang Hospital",
            "Xuanwu Hospital",
            "Beijing Tiantan Hospital",
            "Beijing Anzhen Hospital",
        ),
        10,
        66,
    ),
    (
        "Shanghai",
        "Shanghai",
        (
            "Ruijin Hospital",
            "Zhongshan Hospital",
            "Huashan Hospital",
            "Shanghai General Hospital",
            "Renji Hospital",
            "Shanghai Sixth People's Hospital",
        ),
        14,
        72,
    ),
    (
        "Guangdong",
        "Guangzhou",
        (
            "First Affiliated Hospital of Sun Yat-sen University",
            "Guangdong Provincial People's Hospital",
            "Nanfang Hospital",
            "Sun Yat-sen Memorial Hospital",
        ),
        14,
        70,
    ),
    (
        "Anhui",
        "Hefei",
        ("First Affiliated Hospital of Anhui Medical University", "Anhui Provincial Hospital"),
        11,
        64,
    ),
    (
        "Tianjin",
        "Tianjin",
        ("Tianjin Medical University General Hospital", "Tianjin First Central Hospital"),
        10,
        62,
    ),
    (
        "Liaoning",
        "Shenyang",
        ("China Medical University First Hospital", "Shengjing Hospital"),
        11,
        63,
    ),
    (
        "Shaanxi",
        "Xi'an",
        ("First Affiliated Hospital of Xi'an Jiaotong University", "Xijing Hospital"),
        11,
        62,
    ),
)

# Aided hospitals: (id, name, city, level, paired donor group, hosting, primary institutions sampled)
AIDED = (
    (
        "XZ-RPH",
        "Xizang Autonomous Region People's Hospital",
        "Lhasa",
        "regional",
        "National",
        40,
        (),
    ),
    (
        "LHASA",
        "Lhasa People's Hospital",
        "Lhasa",
        "prefecture",
        "Beijing",
        14,
        ("Dagze", "Lhunzhub", "Maizhokunggar", "Nyemo", "Quxu"),
    ),
    (
        "SHIGATSE",
        "Shigatse People's Hospital",
        "Shigatse",
        "prefecture",
        "Shanghai",
        14,
        ("Gyantse", "Lhatse", "Tingri", "Sakya", "Namling"),
    ),
    (
        "NYINGCHI",
        "Nyingchi People's Hospital",
        "Nyingchi",
        "prefecture",
        "Guangdong",
        14,
        ("Mainling", "Gongbo'gyamda", "Bomi", "Zayu"),
    ),
    (
        "SHANNAN",
        "Shannan People's Hospital",
        "Tsetang",
        "prefecture",
        "Anhui",
        14,
        ("Gonggar", "Chanang", "Lhunze", "Tsona", "Qonggyai"),
    ),
    (
        "CHAMDO",
        "Chamdo People's Hospital",
        "Chamdo",
        "prefecture",
        "Tianjin",
        13,
        ("Riwoqe", "Jomda", "Gonjo", "Markam"),
    ),
    (
        "NAGQU",
        "Nagqu People's Hospital",
        "Nagqu",
        "prefecture",
        "Liaoning",
        13,
        ("Biru", "Amdo", "Lhari", "Sog"),
    ),
    (
        "NGARI",
        "Ngari People's Hospital",
        "Shiquanhe",
        "prefecture",
        "Shaanxi",
        12,
        ("Purang", "Gar", "Rutog"),
    ),
)


COUNTY_NEEDS = (
    "general surgery",
    "obstetrics and gynecology",
    "pediatrics",
    "internal medicine",
    "emergency medicine",
    "anesthesiology",
)
CODE = {
    "National": "NAT",
    "Beijing": "BJ",
    "Shanghai": "SH",
    "Guangdong": "GD",
    "Anhui": "AH",
    "Tianjin": "TJ",
    "Liaoning": "LN",
    "Shaanxi": "SN",
}


def build() -> Scenario:
    rng = np.random.default_rng(SEED)
    donors: list[DonorHospital] = []
    donors_of_group: dict[str, list[str]] = {}
    for group, city, names, count, _ in DONOR_GROUPS:
        ids = []
        for k in range(count):
            name = names[k] if k < len(names) else f"{group} Tertiary Hospital {k + 1}"
            did = f"{CODE[group]}{k + 1:02d}"
            # A 3A hospital can spare one or two doctors of a department at a time.
            release = {
                str(s): int(rng.integers(1, 3))
                for s in rng.choice(SPECIALTIES, size=6, replace=False)
            }
            donors.append(
                DonorHospital(
                    did,
                    name,
                    city,
                    release=release,
                    max_away=int(rng.integers(4, 8)),
                    group=group,
                )
            )
            ids.append(did)
        donors_of_group[group] = ids

    recipients: list[RecipientHospital] = []
    pairings: list[Pairing] = []
    roads: list[Road] = []
    wanted_by_group: dict[str, list[str]] = {}
    communities: list[Community] = []
    for rid, name, city, level, group, hosting, counties in AIDED:
        wanted = [
            str(s)
            for s in rng.choice(SPECIALTIES, size=9 if level == "regional" else 7, replace=False)
        ]
        gaps = []
        for i, spec in enumerate(wanted):
            gaps.append(
                DisciplineGap(
                    specialty=spec,
                    demand=int(rng.integers(2, 5))
                    if level == "regional"
                    else int(rng.integers(1, 4)),
                    window=(0, MONTHS),
                    weight=float(rng.choice([3, 4, 5])) if i < 3 else float(rng.choice([1, 2, 3])),
                    min_seniority=Seniority.ASSOCIATE_CHIEF if i < 2 else None,
                    # key specialties are built by successive teams, handing over
                    continuous=i < 3,
                    handover_weight=HANDOVER if i < 3 else 0.0,
                )
            )
        recipients.append(
            RecipientHospital(
                rid,
                name,
                city,
                Level(level),
                hosting,
                tuple(gaps),
                leader=Leader(LeaderMode.REQUIRED),  # each team has a leader
                max_donor_groups=1,  # served by its one province's group
                starts=BATCHES,  # teams arrive in annual batches
            )
        )
        wanted_by_group.setdefault(group, []).extend(wanted)
        for did in donors_of_group[group]:
            pairings.append(Pairing(did, rid, PairingMode.REQUIRED))
        spokes = []
        for county in counties:
            cid = f"{rid}-{county.upper().replace(' ', '').replace(chr(39), '')}"
            spokes.append(cid)
            specs = [str(s) for s in rng.choice(COUNTY_NEEDS, size=2, replace=False)]
            start = int(rng.choice([0, 6, 12]))
            cgaps = tuple(
                DisciplineGap(s, 1, (start, MONTHS), weight=float(rng.choice([1, 2])))
                for s in specs
            )
            recipients.append(
                RecipientHospital(
                    cid, f"{county} County People's Hospital", county, Level.COUNTY, 2, cgaps
                )
            )
            wanted_by_group[group].extend(specs)
            # County hospitals are served by the same province's group ("group" model).
            for did in donors_of_group[group]:
                pairings.append(Pairing(did, cid, PairingMode.REQUIRED))
            roads.append(Road(city, county, float(rng.integers(1, 6))))
        if spokes:  # the city hospital's experts also serve its county hospitals
            communities.append(Community(rid, tuple(spokes), HUB_SHARE))
        for donor_city in {d.city for d in donors if d.id in donors_of_group[group]}:
            roads.append(Road(donor_city, city, 5.0))  # flight to the prefecture city

    experts: list[Expert] = []
    for group, _, _, _, num_experts in DONOR_GROUPS:
        ids = donors_of_group[group]
        wanted = wanted_by_group[group]
        # Experts come in three annual cohorts; most take one 12-month term, a fifth can
        # be away only six months. Four in five are chosen for a gap of the group's
        # hospitals, the rest bring a specialty the hospitals did not ask for.
        for k in range(num_experts):
            cohort = k % 3
            narrow = rng.random() < 0.2
            lo = 12 * cohort + (int(rng.choice([0, 6])) if narrow else 0)
            hi = lo + (6 if narrow else 12)
            primary = (
                str(rng.choice(wanted)) if rng.random() < 0.8 else str(rng.choice(SPECIALTIES))
            )
            extra = [
                str(s)
                for s in rng.choice(SPECIALTIES, size=int(rng.integers(0, 2)), replace=False)
                if s != primary
            ]
            seniority = Seniority(int(rng.choice([1, 2, 2, 3, 3])))
            experts.append(
                Expert(
                    id=f"{CODE[group]}-E{k + 1:03d}",
                    donor=ids[int(rng.integers(0, len(ids)))],
                    specialties=(primary, *extra),
                    seniority=seniority,
                    available=(lo, hi),
                    can_lead=seniority >= Seniority.ASSOCIATE_CHIEF and rng.random() < 0.4,
                    terms=(6,) if narrow else None,
                    max_postings=None if narrow else 1,
                )
            )
    return Scenario(
        horizon=Horizon(MONTHS, start_step=3, start="2015-08"),
        terms=(6, 12),
        donors=tuple(donors),
        experts=tuple(experts),
        recipients=tuple(recipients),
        pairings=tuple(pairings),
        network=Network(tuple(roads)),
        communities=tuple(communities),
        # cover the gaps; then, giving up at most 2% of that, the fairest plan between
        # city and county hospitals
        stages=(Stage(Goal.COVERAGE, 0.02), Stage(Goal.FAIRNESS)),
        name="Tibet group-style medical talent aid, 2015-2018",
        description=(
            "519 experts from the national hospitals and tertiary hospitals of Beijing, Shanghai, "
            "Guangdong, Anhui, Tianjin, Liaoning and Shaanxi to the Xizang Autonomous Region "
            "People's Hospital, the People's Hospitals of the seven cities and a sample of 30 "
            "county hospitals. Counts from the source article; specialties, demands, capacities "
            "and availability are plausible choices (see README.md)."
        ),
    )


if __name__ == "__main__":
    save_scenario(build(), Path(__file__).with_name("scenario.json"))
    print(f"wrote {Path(__file__).with_name('scenario.json')}")
