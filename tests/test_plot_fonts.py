"""Chinese names in pictures (issue 17): drawn with an installed CJK font as fallback
for DejaVu Sans; without one, a single clear FontWarning instead of a warning per
missing glyph."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import pytest

import matchaid
from matchaid import plots
from matchaid.exceptions import FontWarning

NAME = "册亨县人民医院"


@pytest.fixture(scope="module")
def chinese_plan() -> matchaid.Plan:
    s = matchaid.load_scenario(Path(__file__).parent / "data" / "scenario-v1-small-2.json")
    first = replace(s.recipients[0], name=NAME)
    s = replace(s, recipients=(first, *s.recipients[1:]))
    return matchaid.solve(s, matchaid.SolveParams(workers=1, time_limit=10)).plan


def _draw(plan: matchaid.Plan) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for png in (
            plots.coverage_heatmap(plan),
            plots.rotation_timeline(plan, plan.scenario.recipients[0].id),
            plots.donor_flow(plan),
        ):
            assert png.startswith(b"\x89PNG")
    return list(caught)


def test_an_installed_cjk_font_draws_chinese_names(chinese_plan: matchaid.Plan) -> None:
    if not plots.cjk_families():
        pytest.skip("no CJK font installed here (e.g. apt install fonts-wqy-microhei)")
    caught = _draw(chinese_plan)
    assert [str(w.message) for w in caught] == []  # no glyph missing, no FontWarning


def test_without_a_cjk_font_one_clear_warning(
    chinese_plan: matchaid.Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plots, "cjk_families", lambda: ())
    monkeypatch.setattr(plots, "_WARNED", [])
    caught = _draw(chinese_plan) + _draw(chinese_plan)
    assert [w.category for w in caught] == [FontWarning]
    assert "no CJK font is installed" in str(caught[0].message)
