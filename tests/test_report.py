"""Reports: every section is there, pictures are embedded, the CLI writes them."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

import matchaid
from matchaid.cli import main
from matchaid.report import SECTIONS, build_report

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def solved() -> tuple[matchaid.Scenario, matchaid.Result]:
    s = matchaid.load_scenario(
        Path(__file__).parents[1] / "examples" / "huicheng_ceheng_counterpart" / "scenario.json"
    )
    return s, matchaid.solve(
        s, matchaid.SolveParams(workers=1, time_limit=10, cp_sat={"linearization_level": 2})
    )


def test_html_has_every_section_and_embedded_images(solved) -> None:  # type: ignore[no-untyped-def]
    scenario, result = solved
    page = build_report(scenario, result.plan, result).to_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    # heatmap, unmet, flow, and one timeline per recipient with postings
    assert len(images) == 3 + len({p.recipient for p in result.plan.postings})
    assert all(base64.b64decode(i).startswith(PNG) for i in images)
    assert f"{result.objective:g}" in page and "optimal" in page


def test_markdown_has_every_section_and_the_kpis(solved) -> None:  # type: ignore[no-untyped-def]
    scenario, result = solved
    text = build_report(scenario, result.plan, result, pictures=False).to_markdown()
    for title in SECTIONS:
        assert f"## {title}" in text
    k = result.plan.kpis()
    unit = scenario.horizon.unit.value
    assert f"| expert-{unit}s covered / wanted | {k.covered_months:g} / {k.demand_months} |" in text
    assert "| solver status | optimal |" in text


def test_report_command_prints_markdown_and_writes_html(solved, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    scenario, result = solved
    scenario_file = tmp_path / "s.json"
    matchaid.save_scenario(scenario, scenario_file)
    result.plan.to_json(tmp_path / "plan.json")
    out = tmp_path / "report.html"
    assert (
        main(["report", str(scenario_file), str(tmp_path / "plan.json"), "--html", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert printed.startswith(f"# {scenario.name}")
    assert out.read_text().count("data:image/png;base64,") >= 4


def test_report_of_an_empty_plan_still_renders(solved) -> None:  # type: ignore[no-untyped-def]
    scenario, _ = solved
    page = build_report(scenario, matchaid.Plan.empty(scenario)).to_html()
    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in page
    assert "0 recipients receive postings;" in page
    # every recipient with a gap has its timeline (its unmet periods), none left out
    with_gaps = [r for r in scenario.recipients if r.gaps]
    assert page.count("<figcaption>Rotations at ") == len(with_gaps)


def test_an_unknown_bound_is_shown_as_unknown_not_inf(solved) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import math

    scenario, result = solved
    unproven = dataclasses.replace(
        result, status=matchaid.SolveStatus.FEASIBLE, best_bound=math.inf, gap=math.inf
    )
    text = build_report(scenario, result.plan, unproven, pictures=False).to_markdown()
    assert "| best bound | unknown |" in text and "| gap | unknown |" in text
    assert "inf" not in text


def test_programme_sections_show_what_each_v2_rule_did() -> None:
    """A hand-checked plan: A (can lead, donor D1 of group Anhui) serves months 0-1 and
    2-3, B (donor D2) all six months, at hub H; spoke S takes half of H's urologists;
    trainee T of S trains at D2 in months 0-5, trainee U is not placed."""
    from matchaid import Community, Leader, LeaderMode, Posting, Project, Trainee, Training
    from matchaid.report import PROGRAMME_SECTIONS
    from tests.planner.helpers import donor, expert, gap, recipient, scenario

    hub = recipient(
        "H",
        gap(demand=2, handover_weight=0.5),
        leader=Leader(LeaderMode.PREFERRED, 1.0),
        projects=(Project("centre", {"urology": 2}, (0, 6), 3),),
    )
    s = scenario(
        [expert("A", "D1", can_lead=True), expert("B", "D2")],
        [hub, recipient("S", gap())],
        [donor("D1", group="Anhui"), donor("D2", seats={"urology": 1})],
        terms=(2, 6),
        communities=(Community("H", ("S",), 0.5),),
        trainees=(
            Trainee("T", "S", "urology", (0, 6), 1.5),
            Trainee("U", "H", "urology", (0, 6), 1.0),
        ),
    )
    plan = [
        Posting("B", "H", "urology", 0, 6),
        Posting("A", "H", "urology", 0, 2),
        Posting("A", "H", "urology", 2, 2),
    ]
    full = matchaid.Plan(s, tuple(plan), (Training("T", "D2", 0, 6),))
    assert matchaid.validate(s, full) == []
    # coverage H 2x4 + 1x2, S 1+1+1+1+0.5+0.5, handovers 2 x 0.5, project 4 x 3, 2 lone
    assert matchaid.objective_value(s, plan) == pytest.approx(10 + 5 + 1 + 12 - 2)
    # and T's training 1.5 x 6
    assert matchaid.objective_value(s, full) == pytest.approx(26 + 9)
    text = build_report(s, full, pictures=False).to_markdown()
    for title in PROGRAMME_SECTIONS:
        assert f"## {title}" in text
    for row in (
        "| H | preferred | 2 | 4-5 | 2 |",
        "| H | 2: D1, D2 | - | 2: Anhui, donor D2 | - |",
        "| H | urology | 2 | 1, 3 | 1 |",
        "| S | urology | H | 5 |",
        "| H | centre | 4 of 6 | 0-3 | 12 |",
        "| T | S | urology | D2 | 0-5 | 9 |",
        "| U | H | urology | not placed | - | 0 |",
        "| handover + projects + training - leaderless | +20 |",
    ):
        assert row in text, text


def test_report_shows_the_solver_status_the_plan_file_records(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(data_dir / "scenario-v1-small-2.json")
    plan = tmp_path / "plan.json"
    assert main(["solve", scenario, "-o", str(plan), "--workers", "1", "--time-limit", "10"]) == 0
    capsys.readouterr()
    assert main(["report", scenario, str(plan), "--no-why"]) == 0
    out = capsys.readouterr().out
    assert "| solver status | optimal |" in out and "| best bound | 246 |" in out
    plan.write_text('{"postings": []}')  # hand-made: no record, no status row
    assert main(["report", scenario, str(plan), "--no-why"]) == 0
    assert "solver status" not in capsys.readouterr().out
