"""Every example is solved (short time limit), its plan validates, its sizes match what
its README claims, and its committed scenario.json is what build.py makes."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import matchaid

EXAMPLES = Path(__file__).parents[1] / "examples"
SCENARIO_EXAMPLES = sorted(p.parent.name for p in EXAMPLES.glob("*/scenario.json"))
QUICK = matchaid.SolveParams(time_limit=10, workers=1, cp_sat={"linearization_level": 2})


def _sizes(readme: Path) -> dict[str, int]:
    """The rows of the README's '## Size' table."""
    text = readme.read_text()
    block = text.split("## Size", 1)[1].split("\n## ", 1)[0]
    return {
        m.group(1): int(m.group(2)) for m in re.finditer(r"^\| (\w+) \| (\d+) \|$", block, re.M)
    }


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{path.parent.name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _measure(s: matchaid.Scenario) -> dict[str, int]:
    return {
        "donors": len(s.donors),
        "experts": len(s.experts),
        "academicians": sum(e.academician for e in s.experts),
        "specialties": len({sp for e in s.experts for sp in e.specialties}),
        "recipients": len(s.recipients),
        "gaps": len(s.gaps),
        "trainees": len(s.trainees),
        "seats": sum(n for d in s.donors for n in d.seats.values()),
        f"{s.horizon.unit.value}s": s.horizon.months,  # months, weeks or days
    }


def test_the_five_programmes_are_there() -> None:
    assert SCENARIO_EXAMPLES == [
        "guizhou_expert_group",
        "huicheng_ceheng_counterpart",
        "jiuquan_regional_center",
        "ruijin_class_trainees",
        "tibet_group_aid",
    ]


@pytest.mark.parametrize("name", SCENARIO_EXAMPLES)
def test_example_solves_validates_and_matches_its_readme(name: str) -> None:
    folder = EXAMPLES / name
    scenario = matchaid.load_scenario(folder / "scenario.json")
    claimed = _sizes(folder / "README.md")
    assert {"donors", "experts", "recipients", "gaps"} <= claimed.keys()
    assert {"months", "weeks", "days"} & claimed.keys()
    measured = _measure(scenario)
    assert {k: measured[k] for k in claimed} == claimed
    assert (folder / "plan.py").is_file() and (folder / "build.py").is_file()
    result = matchaid.solve(scenario, QUICK)
    assert result.status in (matchaid.SolveStatus.OPTIMAL, matchaid.SolveStatus.FEASIBLE)
    assert matchaid.validate(scenario, result.plan) == []
    assert result.objective > 0 and result.best_bound >= result.objective


@pytest.mark.parametrize("name", SCENARIO_EXAMPLES)
def test_committed_scenario_is_what_build_makes(name: str) -> None:
    built = _load(EXAMPLES / name / "build.py").build()
    assert built == matchaid.load_scenario(EXAMPLES / name / "scenario.json")


def test_flagship_meets_the_source_figures() -> None:
    s = matchaid.load_scenario(EXAMPLES / "tibet_group_aid" / "scenario.json")
    assert len(s.experts) == 519 and len(s.donors) == 85 and s.horizon.months == 36
    aided = [r for r in s.recipients if r.level is not matchaid.Level.COUNTY]
    assert len(aided) == 8


def test_quickstart_runs_and_prints_its_readme_output() -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart" / "quickstart.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    readme = (EXAMPLES / "quickstart" / "README.md").read_text()
    shown = readme.split("```\n", 2)[1].split("```", 1)[0]
    assert run.stdout == shown


def test_example_script_writes_plan_and_report(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "huicheng_ceheng_counterpart" / "plan.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.startswith("status optimal")
    assert {p.name for p in tmp_path.iterdir()} == {"plan.json", "plan-csv", "report.html"}


def test_flagship_replan_prints_what_readme_shows(tmp_path: Path) -> None:
    """The README's re-planning output (two chief surgeons leave from period 8) is what
    examples/tibet_group_aid/replan.py prints, timings aside; its new plan re-checks."""
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "tibet_group_aid" / "replan.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    readme = (EXAMPLES.parent / "README.md").read_text()
    block = readme.split("## Re-planning after a change", 1)[1].split("```text\n", 1)[1]
    shown = [
        line
        for line in block.split("```", 1)[0].splitlines()
        if line != "..." and " s, search " not in line
    ]
    assert len(shown) > 10
    printed = run.stdout.splitlines()
    missing = [line for line in shown if line not in printed]
    assert missing == []
    s = matchaid.load_scenario(EXAMPLES / "tibet_group_aid" / "scenario.json")
    from matchaid.replanning import plan_scenario

    new = tmp_path / "replan-new.json"
    changed = plan_scenario(s, new)
    plan = matchaid.Plan(changed, *matchaid.load_plan_entries(new))
    assert matchaid.validate(changed, plan) == []
