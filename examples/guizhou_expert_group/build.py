"""Build the Guizhou expert-group scenario (writes scenario.json).

From seed article 000: the 2017 expert group offering medical assistance to Guizhou had
9 academicians and 239 other experts; of the 806 experts in the group, 198 specialists
are attached long-term to Guizhou institutions; the aim is 2-3 top clinical key
specialties within 5 years. Everything else is a plausible choice (README.md).

    python examples/guizhou_expert_group/build.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matchaid import (
    Costs,
    DisciplineGap,
    DonorHospital,
    Expert,
    Goal,
    Horizon,
    Level,
    Pairing,
    PairingMode,
    RecipientHospital,
    Scenario,
    Seniority,
    Stage,
    save_scenario,
)

SEED = 2017
MONTHS = 60  # "in 5 years"
#: The programme's budget in 10,000 yuan: about 90% of what the plan without one costs.
BUDGET = 6500.0
KEY = ("medical oncology", "dermatology", "cardiology")  # the key specialties to build
OTHER = (
    "general surgery",
    "neurology",
    "pediatrics",
    "obstetrics and gynecology",
    "orthopedics",
    "respiratory medicine",
    "infectious diseases",
    "anesthesiology",
    "radiology",
    "nephrology",
)

DONORS = (  # (id, name, city)
    ("PUMCH", "Peking Union Medical College Hospital", "Beijing"),
    ("CAMS-CH", "Cancer Hospital, Chinese Academy of Medical Sciences", "Beijing"),
    ("PKU1", "Peking University First Hospital", "Beijing"),
    ("TIANTAN", "Beijing Tiantan Hospital", "Beijing"),
    ("CHANGZHENG", "Shanghai Changzheng Hospital", "Shanghai"),
    ("RUIJIN", "Ruijin Hospital", "Shanghai"),
    ("ZHONGSHAN", "Zhongshan Hospital, Fudan University", "Shanghai"),
    ("SOUTHWEST", "Southwest Hospital, Third Military Medical University", "Chongqing"),
    ("WESTCHINA", "West China Hospital, Sichuan University", "Chengdu"),
    ("XIANGYA", "Xiangya Hospital, Central South University", "Changsha"),
    ("TONGJI", "Tongji Hospital, Huazhong University of Science and Technology", "Wuhan"),
    ("ZJU1", "First Affiliated Hospital, Zhejiang University", "Hangzhou"),
    ("NANFANG", "Nanfang Hospital", "Guangzhou"),
)
RECIPIENTS = (  # (id, name, city, level, hosting)
    ("GZ-PPH", "Guizhou Provincial People's Hospital", "Guiyang", "regional", 30),
    ("GMU-AH", "Affiliated Hospital of Guizhou Medical University", "Guiyang", "regional", 30),
    ("ZMU-AH", "Affiliated Hospital of Zunyi Medical University", "Zunyi", "regional", 20),
    ("GY1", "Guiyang First People's Hospital", "Guiyang", "prefecture", 10),
    ("ANSHUN", "Anshun People's Hospital", "Anshun", "prefecture", 8),
    ("BIJIE", "Bijie First People's Hospital", "Bijie", "prefecture", 8),
    ("TONGREN", "Tongren People's Hospital", "Tongren", "prefecture", 8),
    ("LPS", "Liupanshui People's Hospital", "Liupanshui", "prefecture", 8),
    ("QDN", "Qiandongnan People's Hospital", "Kaili", "prefecture", 8),
    ("QN", "Qiannan People's Hospital", "Duyun", "prefecture", 8),
    ("QXN", "Qianxinan People's Hospital", "Xingyi", "prefecture", 8),
)


def build() -> Scenario:
    rng = np.random.default_rng(SEED)
    specialties = KEY + OTHER
    donors = tuple(
        DonorHospital(did, name, city, release={s: 4 for s in specialties}, max_away=30)
        for did, name, city in DONORS
    )
    experts: list[Expert] = []
    # 9 academicians: chiefs in the key specialties and a few others; short visits.
    academician_fields = (
        "medical oncology",
        "dermatology",
        "cardiology",
        "medical oncology",
        "infectious diseases",
        "neurology",
        "general surgery",
        "cardiology",
        "dermatology",
    )
    for k, spec in enumerate(academician_fields):
        start = 12 * int(rng.integers(0, 5))
        experts.append(
            Expert(
                f"ACAD{k + 1}",
                str(rng.choice([d[0] for d in DONORS[:8]])),
                (spec,),
                Seniority.CHIEF,
                (start, start + 12),
                academician=True,
                can_lead=True,
                terms=(3,),
                max_postings=2,
            )
        )
    # 198 specialists attached long-term: available the whole 5 years, 12-month terms.
    for k in range(198):
        spec = str(rng.choice(KEY)) if rng.random() < 0.3 else str(rng.choice(OTHER))
        sen = Seniority(int(rng.choice([2, 2, 3, 3, 3])))
        experts.append(
            Expert(
                f"SPEC{k + 1:03d}",
                str(rng.choice([d[0] for d in DONORS])),
                (spec,),
                sen,
                (0, MONTHS),
                can_lead=sen is Seniority.CHIEF and rng.random() < 0.3,
                terms=(12,),
                max_postings=int(rng.integers(2, 4)),
            )
        )
    # 41 more experts of the 239: short 3- or 6-month visits within one year.
    for k in range(41):
        start = 12 * int(rng.integers(0, 5))
        spec = str(rng.choice(specialties))
        experts.append(
            Expert(
                f"VIS{k + 1:03d}",
                str(rng.choice([d[0] for d in DONORS])),
                (spec,),
                Seniority(int(rng.choice([1, 2, 3]))),
                (start, start + 12),
                terms=(3, 6),
                max_postings=1,
            )
        )
    recipients = []
    for rid, name, city, level, hosting in RECIPIENTS:
        gaps = []
        if level == "regional":  # the key specialties are built at the three big hospitals
            for spec in KEY:
                # built over the five years without a break (continuous)
                gaps.append(
                    DisciplineGap(spec, 3, (0, MONTHS), 10.0, Seniority.CHIEF, continuous=True)
                )
        for spec in rng.choice(OTHER, size=4 if level == "regional" else 5, replace=False):
            start = int(rng.choice([0, 12, 24]))
            gaps.append(
                DisciplineGap(
                    str(spec),
                    int(rng.integers(1, 3)),
                    (start, MONTHS),
                    float(rng.choice([1, 2, 3, 4])),
                )
            )
        recipients.append(RecipientHospital(rid, name, city, Level(level), hosting, tuple(gaps)))
    # Long-standing partnerships are preferred, not required.
    pairings = [
        Pairing("PUMCH", "GZ-PPH", PairingMode.PREFERRED),
        Pairing("CAMS-CH", "GMU-AH", PairingMode.PREFERRED),
        Pairing("CHANGZHENG", "GMU-AH", PairingMode.PREFERRED),
        Pairing("SOUTHWEST", "ZMU-AH", PairingMode.PREFERRED),
        Pairing("WESTCHINA", "BIJIE", PairingMode.PREFERRED),
        Pairing("XIANGYA", "TONGREN", PairingMode.PREFERRED),
        Pairing("NANFANG", "QXN", PairingMode.PREFERRED),
        Pairing("ZJU1", "QDN", PairingMode.PREFERRED),
    ]
    return Scenario(
        horizon=Horizon(MONTHS, start_step=3, start="2017-09"),
        terms=(3, 6, 12),
        donors=donors,
        experts=tuple(experts),
        recipients=tuple(recipients),
        pairings=tuple(pairings),
        # 10,000 yuan per expert-month by rank, plus 5,000 per trip
        costs=Costs(
            {
                Seniority.RESIDENT: 0.8,
                Seniority.ATTENDING: 1.0,
                Seniority.ASSOCIATE_CHIEF: 1.3,
                Seniority.CHIEF: 1.6,
            },
            per_trip=0.5,
        ),
        budget=BUDGET,
        # cover the gaps; then spread the aid fairly, giving up at most 2% of coverage;
        # then spend as little as possible, giving up at most 2% of that fairness
        stages=(
            Stage(Goal.COVERAGE, 0.02),
            Stage(Goal.FAIRNESS, 0.02),
            Stage(Goal.COST),
        ),
        name="Expert group offering medical assistance to Guizhou, 2017-2022",
        description=(
            "9 academicians and 239 experts, 198 of them specialists attached long-term, from 13 "
            "national and provincial tertiary hospitals to 11 Guizhou hospitals; medical oncology, "
            "dermatology and cardiology are the key specialties to build in 5 years. Counts from the "
            "source article; the rest are plausible choices (see README.md)."
        ),
    )


if __name__ == "__main__":
    save_scenario(build(), Path(__file__).with_name("scenario.json"))
    print(f"wrote {Path(__file__).with_name('scenario.json')}")
