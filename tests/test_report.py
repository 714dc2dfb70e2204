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
        Path(__file__).parents[1] / "examples" / "jiuquan_regional_center" / "scenario.json"
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
    assert f"| expert-months covered / wanted | {k.covered_months} / {k.demand_months} |" in text
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
    assert "0 recipients receive postings." in page


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
