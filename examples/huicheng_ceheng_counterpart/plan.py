"""Plan Huicheng's medical team for Ceheng and write the report.

python examples/huicheng_ceheng_counterpart/plan.py [OUT_DIR]     (default: out/huicheng_ceheng_counterpart)
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
    # The two projects of the article: the neurosurgery department and the chest-pain center.
    print("\npriority projects:")
    for gap in result.coverage:
        if gap.specialty in ("neurosurgery", "cardiovascular medicine", "emergency medicine"):
            print(
                f"  {gap.specialty:24} {gap.covered_months:3} of {gap.demand_months} expert-months"
            )
    print(f"\nreport: {out / 'report.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / HERE.name)
