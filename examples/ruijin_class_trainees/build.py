"""Build the Ruijin class / Guangdong-Guizhou scenario (writes scenario.json).

From seed article 001: Ruijin Hospital (Shanghai) and 20 Guangdong tertiary hospitals are
the receiving units of the Guizhou Medical Talents Plan, paired with Guizhou's city and
county hospitals; terms of 3, 6 or 12 months. This scenario plans both flows: the
experts these hospitals send to Guizhou, and the Guizhou doctors who train in their
seats, among them the second Ruijin class of 52 who start together for six months
(README.md).

    python examples/ruijin_class_trainees/build.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matchaid import (
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
    Trainee,
    save_scenario,
)

SEED = 2021
MONTHS = 24
COHORT = 52  # the second Ruijin class
COHORT_START = 6  # March 2022, six months after the horizon opens
RUIJIN_SEATS = 3  # per specialty: 36 in all, fewer than the class
GUANGDONG_TRAINEES = 60
SPECIALTIES = (
    "general surgery",
    "internal medicine",
    "obstetrics and gynecology",
    "pediatrics",
    "emergency medicine",
    "anesthesiology",
    "cardiology",
    "orthopedics",
    "nursing management",
    "radiology",
    "oncology",
    "neurology",
)
GUANGDONG = (  # (id, name, city); paired Guizhou prefecture
    ("SYSU1", "First Affiliated Hospital of Sun Yat-sen University", "Guangzhou", "QN"),
    ("SYSU-MEM", "Sun Yat-sen Memorial Hospital", "Guangzhou", "QN"),
    ("SYSU3", "Third Affiliated Hospital of Sun Yat-sen University", "Guangzhou", "QN"),
    ("SYSU-CC", "Sun Yat-sen University Cancer Center", "Guangzhou", "BIJIE"),
    ("GMU1", "First Affiliated Hospital of Guangzhou Medical University", "Guangzhou", "BIJIE"),
    ("GMU2", "Second Affiliated Hospital of Guangzhou Medical University", "Guangzhou", "BIJIE"),
    ("GMU3", "Third Affiliated Hospital of Guangzhou Medical University", "Guangzhou", "QDN"),
    ("NANFANG", "Nanfang Hospital, Southern Medical University", "Guangzhou", "QDN"),
    ("ZHUJIANG", "Zhujiang Hospital, Southern Medical University", "Guangzhou", "QDN"),
    ("GDPH", "Guangdong Provincial People's Hospital", "Guangzhou", "QXN"),
    ("GZWCMC", "Guangzhou Women and Children's Medical Center", "Guangzhou", "QXN"),
    ("GDTCM", "Guangdong Provincial Hospital of Chinese Medicine", "Guangzhou", "QXN"),
    ("SZPH", "Shenzhen People's Hospital", "Shenzhen", "BIJIE"),
    ("PKUSZ", "Peking University Shenzhen Hospital", "Shenzhen", "BIJIE"),
    (
        "STU1",
        "First Affiliated Hospital of Shantou University Medical College",
        "Shantou",
        "ANSHUN",
    ),
    ("FOSHAN1", "Foshan First People's Hospital", "Foshan", "ANSHUN"),
    ("DONGGUAN", "Dongguan People's Hospital", "Dongguan", "ANSHUN"),
    ("ZHUHAI", "Zhuhai People's Hospital", "Zhuhai", "ZUNYI"),
    ("ZHONGSHAN", "Zhongshan City People's Hospital", "Zhongshan", "ZUNYI"),
    ("HUIZHOU", "Huizhou Central People's Hospital", "Huizhou", "ZUNYI"),
)
GUIZHOU = (  # prefecture id, city hospital, county hospitals
    ("QN", "Qiannan People's Hospital", "Duyun", ("Luodian", "Pingtang")),
    ("BIJIE", "Bijie First People's Hospital", "Bijie", ("Weining", "Hezhang")),
    ("QDN", "Qiandongnan People's Hospital", "Kaili", ("Congjiang", "Leishan")),
    ("QXN", "Qianxinan People's Hospital", "Xingyi", ("Ceheng", "Wangmo")),
    ("ANSHUN", "Anshun People's Hospital", "Anshun", ("Zhenning", "Ziyun")),
    ("ZUNYI", "Zunyi First People's Hospital", "Zunyi", ("Zheng'an", "Wuchuan")),
)


def build() -> Scenario:
    rng = np.random.default_rng(SEED)
    donors = [
        DonorHospital(
            "RUIJIN",
            "Ruijin Hospital, Shanghai Jiao Tong University",
            "Shanghai",
            release={s: 3 for s in SPECIALTIES},
            max_away=20,
            seats={s: RUIJIN_SEATS for s in SPECIALTIES},
        )
    ]
    donors += [
        DonorHospital(
            did,
            name,
            city,
            release={str(s): 1 for s in rng.choice(SPECIALTIES, 5, replace=False)},
            max_away=4,
            seats={str(s): 1 for s in rng.choice(SPECIALTIES, 2, replace=False)},
        )
        for did, name, city, _ in GUANGDONG
    ]
    experts = []
    for d in donors:
        for k in range(16 if d.id == "RUIJIN" else 5):
            lo = int(rng.choice([0, 0, 6, 12]))
            hi = min(MONTHS, lo + int(rng.choice([6, 12, 18])))
            experts.append(
                Expert(
                    f"{d.id}-E{k + 1:02d}",
                    d.id,
                    (str(rng.choice(SPECIALTIES)),),
                    Seniority(int(rng.choice([1, 2, 2, 3]))),
                    (lo, hi),
                    max_postings=2,
                )
            )
    recipients, pairings = [], []
    for pid, name, city, counties in GUIZHOU:
        hospitals = [(pid, name, city, Level.PREFECTURE, 6)]
        hospitals += [
            (
                f"{pid}-{c.upper().replace(chr(39), '')}",
                f"{c} County People's Hospital",
                c,
                Level.COUNTY,
                3,
            )
            for c in counties
        ]
        for rid, rname, rcity, level, hosting in hospitals:
            gaps = tuple(
                DisciplineGap(
                    str(s),
                    1 if level is Level.COUNTY else int(rng.integers(1, 3)),
                    (int(rng.choice([0, 3, 6])), MONTHS),
                    float(rng.choice([1, 2, 3, 5])),
                )
                for s in rng.choice(SPECIALTIES, 3 if level is Level.COUNTY else 5, replace=False)
            )
            recipients.append(RecipientHospital(rid, rname, rcity, level, hosting, gaps))
            # Guangdong hospitals serve their paired prefecture (required), and Ruijin
            # serves every Guizhou hospital: so a hospital's doctors train at its partners
            # or at Ruijin.
            for did, _, _, paired in GUANGDONG:
                if paired == pid:
                    pairings.append(Pairing(did, rid, PairingMode.REQUIRED))
            pairings.append(Pairing("RUIJIN", rid, PairingMode.REQUIRED))
    return Scenario(
        horizon=Horizon(MONTHS, start_step=3, start="2021-09"),
        terms=(3, 6, 12),
        donors=tuple(donors),
        experts=tuple(experts),
        recipients=tuple(recipients),
        pairings=tuple(pairings),
        trainees=_trainees(rng, recipients),
        name="Ruijin class and Guangdong-Guizhou cooperation: experts and trainees, 2021-2023",
        description=(
            "Ruijin Hospital and the 20 Guangdong tertiary hospitals of the Guizhou Medical Talents "
            "Plan send experts on 3-, 6- or 12-month terms to 6 Guizhou city hospitals and 12 county "
            "hospitals, and train Guizhou doctors in their seats: the second Ruijin class of 52 "
            "for six months from March 2022, and 60 more for 3, 6 or 12 months. Hospital list, "
            "terms and class size from the source article; the rest are plausible choices (see "
            "README.md)."
        ),
    )


def _trainees(rng: np.random.Generator, recipients: list[RecipientHospital]) -> tuple[Trainee, ...]:
    """The Ruijin class (one start, six months) and doctors who train for 3, 6 or 12
    months when they can be spared; a county doctor's training weighs twice a city
    doctor's per month."""
    out = []
    for k in range(COHORT + GUANGDONG_TRAINEES):
        home = recipients[int(rng.integers(len(recipients)))]
        cohort = k < COHORT
        lo = COHORT_START if cohort else int(rng.choice([0, 3, 6, 9, 12]))
        out.append(
            Trainee(
                f"RJ{k + 1:02d}" if cohort else f"GD{k - COHORT + 1:02d}",
                home.id,
                str(rng.choice(SPECIALTIES)),
                (lo, MONTHS),
                2.0 if home.level is Level.COUNTY else 1.0,
                terms=(6,) if cohort else None,
                starts=(COHORT_START,) if cohort else None,
            )
        )
    return tuple(out)


if __name__ == "__main__":
    save_scenario(build(), Path(__file__).with_name("scenario.json"))
    print(f"wrote {Path(__file__).with_name('scenario.json')}")
