"""Plan the Guizhou expert group and write its report.

python examples/guizhou_expert_group/plan.py [OUT_DIR]     (default: out/guizhou_expert_group)
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
    # How far the three key specialties get at the three regional hospitals.
    print("\nkey specialties (chiefs present, expert-months):")
    for gap in result.coverage:
        if gap.weight == 10:
            print(
                f"  {gap.recipient:7} {gap.specialty:17} {gap.covered_months:4} of {gap.demand_months}"
            )
    print(f"\nreport: {out / 'report.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / HERE.name)
