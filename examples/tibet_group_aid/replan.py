"""Re-plan the Tibet programme after a chief surgeon withdraws in month 8.

python examples/tibet_group_aid/replan.py [OUT_DIR]     (default: out/tibet_group_aid)

Reads the plan that ``plan.py`` (``make run``) wrote to OUT_DIR/plan.json, takes the
first chief general surgeon (by start, then id) on a posting that is still running in
period 8 (April 2016), withdraws them from period 8 and re-plans from period 8: what
started before stays as it happened (the surgeon's posting cut at period 8), the best
coverage is found first, then the fewest changes at it. Writes OUT_DIR/replan.json (the
new plan, which ``matchaid check`` re-checks from the original scenario),
replan-changes.json and replan-diff.json, and prints the result and the diff.
"""

import json
import sys
from pathlib import Path

import matchaid
from matchaid.domain import Seniority

HERE = Path(__file__).parent
NOW = 8  # April 2016: the programme's eighth month after August 2015 is period 8
PARAMS = matchaid.SolveParams(time_limit=60)


def main(out: Path) -> None:
    scenario = matchaid.load_scenario(HERE / "scenario.json")
    old = matchaid.Plan(scenario, *matchaid.load_plan_entries(out / "plan.json"))
    chiefs = sorted(
        (p.start, p.expert)
        for p in old.postings
        if p.specialty == "general surgery"
        and scenario.expert(p.expert).seniority is Seniority.CHIEF
        and p.start < NOW < p.end
    )
    if not chiefs:
        sys.exit(f"no chief general surgeon is serving in period {NOW} of {out / 'plan.json'}")
    surgeon = chiefs[0][1]
    changes = [{"withdraw": surgeon, "from": NOW}]
    (out / "replan-changes.json").write_text(json.dumps(changes, indent=2) + "\n")
    found = matchaid.replan(scenario, old, changes, NOW, PARAMS)
    found.plan.to_json(
        out / "replan.json", {"solve": found.result.record(), "replan": found.record()}
    )
    (out / "replan-diff.json").write_text(json.dumps(found.diff.to_dict(), indent=2) + "\n")
    print(f"{surgeon} ({scenario.expert(surgeon).donor}) withdraws from period {NOW}")
    print(found.summary(max_rows=5))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / HERE.name)
