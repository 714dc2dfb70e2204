"""Re-plan the Tibet programme after a chief surgeon withdraws in month 8.

python examples/tibet_group_aid/replan.py [OUT_DIR]     (default: out/tibet_group_aid)

SN-E025, a chief general surgeon of a Shaanxi hospital, is due at Rutog County Hospital
(Ngari) for periods 6-11. In period 6 he tells the programme he must leave from period
8 on (``withdraw.json``). The base plan is the programme's best plan for coverage alone
(the scenario's first goal; re-planning maximises coverage first, so a base plan that
gave some coverage to fairness would also be re-balanced). Re-planning from period 6
keeps what started before period 6 exactly, finds the best coverage after the
withdrawal, then the fewest changes at it. Writes OUT_DIR/replan-old.json,
OUT_DIR/replan-new.json (which ``matchaid check`` re-checks from the original scenario)
and OUT_DIR/replan-diff.json, and prints the result and the diff.
"""

import dataclasses
import json
import sys
from pathlib import Path

import matchaid

HERE = Path(__file__).parent
NOW = 6
PARAMS = matchaid.SolveParams(time_limit=60, workers=1)  # one worker: the same plan each run


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    scenario = matchaid.load_scenario(HERE / "scenario.json")
    base = matchaid.solve(dataclasses.replace(scenario, stages=()), PARAMS)
    base.plan.to_json(out / "replan-old.json", {"solve": base.record()})
    changes = json.loads((HERE / "withdraw.json").read_text())
    found = matchaid.replan(scenario, base.plan, changes, NOW, PARAMS)
    record = {"solve": found.result.record(), "replan": found.record()}
    found.plan.to_json(out / "replan-new.json", record)
    (out / "replan-diff.json").write_text(json.dumps(found.diff.to_dict(), indent=2) + "\n")
    print(f"base plan: {base.status.value}, objective {base.objective:g}")
    print(found.summary(max_rows=3))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / HERE.name)
