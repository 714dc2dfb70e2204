"""The smallest complete use of matchaid: build a scenario in code, solve, check.

python examples/quickstart/quickstart.py
"""

import matchaid
from matchaid import (
    DisciplineGap,
    DonorHospital,
    Expert,
    Horizon,
    Level,
    RecipientHospital,
    Seniority,
)

scenario = matchaid.Scenario(
    horizon=Horizon(months=12, start="2027-01"),
    terms=(3, 6),
    donors=(DonorHospital("RJ", "Ruijin Hospital", "Shanghai", release={"cardiology": 1}),),
    experts=(
        Expert("zhang", "RJ", ("cardiology",), Seniority.CHIEF, available=(0, 12)),
        Expert(
            "li", "RJ", ("cardiology", "emergency medicine"), Seniority.ATTENDING, available=(0, 6)
        ),
        Expert("wang", "RJ", ("neurosurgery",), Seniority.ASSOCIATE_CHIEF, available=(3, 9)),
    ),
    recipients=(
        RecipientHospital(
            "CH",
            "Ceheng County People's Hospital",
            "Ceheng",
            Level.COUNTY,
            hosting=2,
            gaps=(
                DisciplineGap("cardiology", demand=1, window=(0, 12), weight=5),
                DisciplineGap("neurosurgery", demand=1, window=(0, 12), weight=8),
                DisciplineGap("emergency medicine", demand=1, window=(0, 6), weight=2),
            ),
        ),
    ),
)

result = matchaid.solve(scenario, matchaid.SolveParams(workers=1, time_limit=10))
print(result.status, result.objective)  # optimal 108.0
for p in result.plan.postings:
    print(f"{p.expert:6} -> {p.recipient} {p.specialty:18} months {p.start}-{p.end - 1}")
assert matchaid.validate(scenario, result.plan) == []
