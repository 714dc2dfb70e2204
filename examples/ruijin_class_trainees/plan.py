"""Plan the Ruijin class / Guangdong experts to Guizhou and write the report.

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
    print(f"\nreport: {out / 'report.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / HERE.name)
