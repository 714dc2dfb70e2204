"""Build the Huicheng -> Ceheng east-west counterpart scenario (writes scenario.json).

From seed article 003: since May 2021 Huicheng District (Huizhou, Guangdong) has sent 15
medical staff to Ceheng County (Qianxinan, Guizhou) in emergency medicine, neurosurgery,
urology, cardiovascular medicine, obstetrics and gynecology, orthopedics, radiology and
public health, and is building a neurosurgery department and a chest-pain center at the
Ceheng County People's Hospital. Everything else is a plausible choice (README.md).

    python examples/huicheng_ceheng_counterpart/build.py
"""

from __future__ import annotations

from pathlib import Path

from matchaid import (
    DisciplineGap,
    DonorHospital,
    Expert,
    Horizon,
    Level,
    Pairing,
    PairingMode,
    Project,
    RecipientHospital,
    Scenario,
    Seniority,
    save_scenario,
)

MONTHS = 24  # May 2021 - April 2023
#: The chest-pain center works only with cardiology, emergency medicine and radiology
#: there at the same time: each such month is worth this much on top of their coverage.
CHEST_PAIN = Project(
    "chest-pain center",
    {"cardiovascular medicine": 1, "emergency medicine": 1, "radiology": 1},
    (0, MONTHS),
    8.0,
)
C, AC, AT = Seniority.CHIEF, Seniority.ASSOCIATE_CHIEF, Seniority.ATTENDING

DONORS = (
    DonorHospital(
        "HZ3",
        "Huizhou Third People's Hospital",
        "Huizhou",
        release={"neurosurgery": 2, "cardiovascular medicine": 2, "emergency medicine": 1},
    ),
    DonorHospital(
        "HCPH",
        "Huicheng District People's Hospital",
        "Huizhou",
        release={"orthopedics": 1, "urology": 1, "radiology": 1},
    ),
    DonorHospital(
        "HCMCH",
        "Huicheng District Maternal and Child Health Hospital",
        "Huizhou",
        release={"obstetrics and gynecology": 1},
    ),
    DonorHospital(
        "HCCDC",
        "Huicheng District Center for Disease Control",
        "Huizhou",
        release={"public health": 1},
    ),
)
# (id, donor, specialties, seniority, available from, to)
STAFF = (
    ("NS1", "HZ3", ("neurosurgery",), C, 0, 24),
    ("NS2", "HZ3", ("neurosurgery",), AC, 0, 24),
    ("NS3", "HZ3", ("neurosurgery", "emergency medicine"), AT, 6, 24),
    ("CV1", "HZ3", ("cardiovascular medicine",), C, 0, 24),
    ("CV2", "HZ3", ("cardiovascular medicine",), AC, 0, 18),
    ("CV3", "HZ3", ("cardiovascular medicine", "emergency medicine"), AT, 6, 24),
    ("EM1", "HZ3", ("emergency medicine",), AC, 0, 24),
    ("EM2", "HCPH", ("emergency medicine",), AT, 0, 12),
    ("UR1", "HCPH", ("urology",), AC, 0, 24),
    ("OB1", "HCMCH", ("obstetrics and gynecology",), C, 0, 12),
    ("OB2", "HCMCH", ("obstetrics and gynecology",), AT, 6, 24),
    ("OR1", "HCPH", ("orthopedics",), AC, 0, 24),
    ("OR2", "HCPH", ("orthopedics",), AT, 12, 24),
    ("RA1", "HCPH", ("radiology",), AC, 0, 24),
    ("PH1", "HCCDC", ("public health",), AT, 0, 24),
)


def build() -> Scenario:
    experts = tuple(
        Expert(eid, donor, specs, sen, (lo, hi), can_lead=sen is C)
        for eid, donor, specs, sen, lo, hi in STAFF
    )
    people = RecipientHospital(
        "CEHENG-PH",
        "Ceheng County People's Hospital",
        "Ceheng",
        Level.COUNTY,
        hosting=10,
        gaps=(
            # The two projects named in the article carry the highest priority.
            # the new neurosurgery department, built by successive rotations
            DisciplineGap("neurosurgery", 2, (0, MONTHS), 10.0, AC, continuous=True),
            DisciplineGap("cardiovascular medicine", 2, (0, MONTHS), 10.0, AC),  # chest-pain center
            DisciplineGap("emergency medicine", 2, (0, MONTHS), 6.0),  # chest-pain center
            DisciplineGap("urology", 1, (0, MONTHS), 3.0),
            DisciplineGap("obstetrics and gynecology", 1, (0, MONTHS), 4.0),
            DisciplineGap("orthopedics", 1, (0, MONTHS), 3.0),
            DisciplineGap("radiology", 1, (0, MONTHS), 3.0),
        ),
        projects=(CHEST_PAIN,),
    )
    cdc = RecipientHospital(
        "CEHENG-CDC",
        "Ceheng County Center for Disease Control",
        "Ceheng",
        Level.COUNTY,
        hosting=2,
        gaps=(DisciplineGap("public health", 1, (0, MONTHS), 2.0),),
    )
    pairings = tuple(
        Pairing(d.id, r, PairingMode.REQUIRED) for d in DONORS for r in ("CEHENG-PH", "CEHENG-CDC")
    )
    return Scenario(
        horizon=Horizon(MONTHS, start_step=3, start="2021-05"),
        terms=(6, 12),
        donors=DONORS,
        experts=experts,
        recipients=(people, cdc),
        pairings=pairings,
        name="Huicheng District to Ceheng County east-west counterpart support, 2021-2023",
        description=(
            "15 medical staff from Huicheng District's hospitals and CDC to Ceheng County in the eight "
            "specialties the article lists; a neurosurgery department and a chest-pain center are the "
            "priority gaps. Staff count and specialties from the source article; seniority, "
            "availability and demands are plausible choices (see README.md)."
        ),
    )


if __name__ == "__main__":
    save_scenario(build(), Path(__file__).with_name("scenario.json"))
    print(f"wrote {Path(__file__).with_name('scenario.json')}")
