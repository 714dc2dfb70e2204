"""Plan Shanghai General Hospital's teams for Jiuquan and Jinta and write the report.

python examples/jiuquan_regional_center/plan.py [OUT_DIR]     (default: out/jiuquan_regional_center)
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
    # Hub (the regional center) and spoke (the county hospital).
    for rid in ("JQ-PH", "JINTA-PH"):
        visits = [p for p in result.plan.postings if p.recipient == rid]
        lengths = sorted({p.months for p in visits})
        print(f"\n{scenario.recipient(rid).name}: {len(visits)} visits of {lengths} weeks")
    print(f"\nreport: {out / 'report.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / HERE.name)
