"""Reports: every section is there, pictures are embedded, the CLI writes them."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

import matchaid
from matchaid.charts import chart_data
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


@pytest.mark.parametrize("interactive", [True, False])
def test_html_has_every_section_and_embedded_images(solved, interactive: bool) -> None:  # type: ignore[no-untyped-def]
    scenario, result = solved
    page = build_report(scenario, result.plan, result, interactive=interactive).to_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert all(base64.b64decode(i).startswith(PNG) for i in images)
    charts = re.findall(r'<div class="chart" data-chart="(\w+)"', page)
    if interactive:  # unmet and flow as pictures; heatmap and timeline drawn by the page
        assert len(images) == 2 and charts == ["heatmap", "timeline"]
        assert page.count('id="matchaid-chart-data"') == 1
    else:  # heatmap, unmet, flow, and one timeline per recipient with postings
        assert len(images) == 3 + len({p.recipient for p in result.plan.postings})
        assert charts == [] and "matchaid-chart-data" not in page
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
    assert "*Interactive chart: Rotations and unmet periods (in the HTML report)*" in printed
    page = out.read_text()
    assert page.count("data:image/png;base64,") == 2 and 'data-chart="timeline"' in page
    # --static: every chart a picture; --png: the pictures as files too
    pngs = tmp_path / "pictures"
    args = ["report", str(scenario_file), str(tmp_path / "plan.json"), "--no-why"]
    assert main([*args, "--html", str(out), "--static", "--png", str(pngs)]) == 0
    capsys.readouterr()
    page = out.read_text()
    pictures = 3 + len({p.recipient for p in result.plan.postings})
    assert page.count("data:image/png;base64,") == pictures and 'class="chart"' not in page
    files = sorted(pngs.glob("*.png"))
    assert len(files) == pictures and all(f.read_bytes().startswith(PNG) for f in files)
    assert files[0].name == "01-share-of-each-gap-s-demand-covered.png"


def test_report_of_an_empty_plan_still_renders(solved) -> None:  # type: ignore[no-untyped-def]
    scenario, _ = solved
    empty = matchaid.Plan.empty(scenario)
    page = build_report(scenario, empty, interactive=False).to_html()
    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in page
    assert "0 recipients receive postings;" in page
    # every recipient with a gap has its timeline (its unmet periods), none left out
    with_gaps = [r for r in scenario.recipients if r.gaps]
    assert page.count("<figcaption>Rotations at ") == len(with_gaps)
    # and in the interactive timeline, every gap has its lane, wholly unmet
    data = chart_data(empty)
    assert len(data["gaps"]) == len(scenario.gaps) and data["postings"] == []
    for (r, g), row in zip(scenario.gaps, data["gaps"], strict=True):
        assert data["recipients"][row[0]][0] == r.id and data["specialties"][row[1]] == g.specialty
        assert row[8] == [[g.window[0], g.window[1], g.demand]]


def test_chart_data_unmet_runs_match_the_coverage(solved) -> None:  # type: ignore[no-untyped-def]
    """Each gap's unmet runs cover exactly the periods of its window where fewer than
    its demand are there, each with its shortfall; postings keep their periods."""
    scenario, result = solved
    data = chart_data(result.plan)
    coverage = {(c.recipient, c.specialty): c for c in result.plan.coverage()}
    for (r, g), row in zip(scenario.gaps, data["gaps"], strict=True):
        c = coverage[(r.id, g.specialty)]
        short = {t: g.demand - c.by_month[t] for t in range(*g.window) if c.by_month[t] < g.demand}
        runs = {t: s for a, b, s in row[8] for t in range(int(a), int(b))}
        assert runs.keys() == short.keys()
        assert all(abs(runs[t] - short[t]) < 1e-6 for t in short)
        assert row[5:8] == [round(c.covered_months, 3), c.demand_months, g.weight]
    posted = {
        (data["experts"][e][0], data["recipients"][r][0], data["specialties"][k], a, b)
        for e, r, k, a, b in data["postings"]
    }
    assert posted == {
        (p.expert, p.recipient, p.specialty, p.start, p.end) for p in result.plan.postings
    }
    assert len(data["labels"]) == scenario.horizon.months


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


def test_a_tier_m_report_is_under_5_mb() -> None:
    """Issue 17's bar: the report of a tier-m programme (519 experts, 94 recipients, 36
    months) stays under 5 MB, every recipient with a gap in its charts."""
    from matchaid.generate import generate

    s = generate("m", 1)
    result = matchaid.solve(s, matchaid.SolveParams(time_limit=2))
    page = build_report(s, result.plan, result).to_html()
    assert len(page.encode()) < 5_000_000
    recipients = {row[0] for row in chart_data(result.plan)["gaps"]}
    assert len(recipients) == sum(1 for r in s.recipients if r.gaps) == 94
