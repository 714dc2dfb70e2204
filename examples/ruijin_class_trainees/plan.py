"""Plan the Ruijin class / Guangdong experts to Guizhou and the trainees the other way,
and write the report.

python examples/ruijin_class_trainees/plan.py [OUT_DIR]     (default: out/ruijin_class_trainees)
"""

import sys
from pathlib import Path

import matchaid
from matchaid.report import solve_and_report

HERE = Path(__file__).parent
PARAMS = matchaid.SolveParams(time_limit=45)  # the defaults, with a time limit


def main(out: Path) -> None:
    scenario = matchaid.load_scenario(HERE / "scenario.json")
    result = solve_and_report(scenario, PARAMS, out)
    print(result.summary(max_rows=8))
    # Each Guizhou prefecture: its city hospital and two county hospitals.
    print("\ncoverage by Guizhou prefecture (expert-months):")
    totals: dict[str, list[int]] = {}
    for gap in result.coverage:
        t = totals.setdefault(gap.recipient.split("-")[0], [0, 0])
        t[0] += gap.covered_months
        t[1] += gap.demand_months
    for prefecture, (covered, wanted) in totals.items():
        print(f"  {prefecture:7} {covered:4} of {wanted:4}")
    # The class (RJ..) starts together; the other trainees (GD..) when they can.
    placed = {t.trainee: t for t in result.plan.trainings}
    for prefix, what in (("RJ", "the second Ruijin class"), ("GD", "other trainees")):
        group = [t.id for t in scenario.trainees if t.id.startswith(prefix)]
        mine = [placed[t] for t in group if t in placed]
        at_ruijin = sum(t.donor == "RUIJIN" for t in mine)
        print(
            f"{what}: {len(mine)} of {len(group)} placed, {at_ruijin} at Ruijin, "
            f"{len(mine) - at_ruijin} at Guangdong hospitals"
        )
    print(f"\nreport: {out / 'report.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / HERE.name)
