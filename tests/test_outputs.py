"""Planner and notebook outputs (issue 17, part 5): a short repr of results and plans,
and an HTML table for notebooks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import matchaid


def test_result_and_plan_reprs_are_one_short_line(data_dir: Path) -> None:
    s = matchaid.load_scenario(data_dir / "scenario-v1-small-2.json")
    r = matchaid.solve(s, matchaid.SolveParams(workers=1, time_limit=10))
    text = repr(r)
    assert "\n" not in text and len(text) < 200
    assert text.startswith("Result(status=optimal, objective=246, best_bound=246, gap=0.00%")
    assert repr(r.plan) == f"Plan({len(r.plan.postings)} postings for 'scenario')"
    html = r._repr_html_()
    assert html.startswith("<table>") and "optimal" in html and "weighted coverage" in html
    assert "<script" not in html


def test_notebook_table_escapes_names(data_dir: Path) -> None:
    s = matchaid.load_scenario(data_dir / "scenario-v1-small.json")
    r = matchaid.solve(s, matchaid.SolveParams(workers=1, time_limit=10))
    assert r.plan.kpis().unmet_by_recipient  # some gap is unmet: the second table is there
    html = replace(r, reason="<script>x</script> & more")._repr_html_()
    assert html.count("<table>") == 2 and "<th>recipient</th>" in html
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; &amp; more" in html
