"""Plan the Tibet group-style aid programme and write its report.

python examples/tibet_group_aid/plan.py [OUT_DIR]     (default: out/tibet_group_aid)
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
    # Coverage by aided city: its People's Hospital and its county hospitals together.
    by_city: dict[str, list[float]] = {}
    for gap in result.coverage:
        city = gap.recipient.split("-")[0]
        covered, wanted = by_city.setdefault(city, [0, 0])
        by_city[city] = [covered + gap.covered_months, wanted + gap.demand_months]
    print("\ncoverage by aided city (expert-months):")
    for city, (covered, wanted) in by_city.items():
        print(f"  {city:9} {covered:6g} of {wanted:5}  {100 * covered / wanted:5.1f}%")
    print(f"\nreport: {out / 'report.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / HERE.name)
