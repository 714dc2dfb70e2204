"""Planner and notebook outputs (issue 17, part 5): a short repr of results and plans,
and an HTML table for notebooks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

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


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_line_on_a_terminal_only_with_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    from matchaid import cli
    from matchaid.cli import _progress_printer

    # a fresh interrupt state: an earlier in-process command may have left a signal noted
    monkeypatch.setattr(cli, "_INTERRUPTS", cli._Interrupts())

    term, log = _Stream(True), _Stream(False)
    for stream in (term, log):
        show = _progress_printer(stream, time_limit=60.0)
        show(matchaid.Progress(1.0, 5.0, 20.0))  # the first two seconds: nothing
        show(matchaid.Progress(3.0, 10.0, 20.0))
    assert term.text == "     3.0 s  objective 10  bound 20  gap 50.00%  57 s left   \r"
    assert log.text == ""


def test_plan_and_coverage_as_data_frames(data_dir: Path) -> None:
    pd = pytest.importorskip("pandas")
    s = matchaid.load_scenario(data_dir / "scenario-v1-small-2.json")
    r = matchaid.solve(s, matchaid.SolveParams(workers=1, time_limit=10))
    frame = r.plan.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(r.plan.postings)
    assert list(frame.columns[:6]) == ["expert", "recipient", "specialty", "start", "months", "end"]
    assert (frame["end"] == frame["start"] + frame["months"]).all()
    cov = r.coverage_frame()
    # weight x covered summed over gaps and periods is the plan's objective
    assert (cov["weight"] * cov["covered"]).sum() == pytest.approx(r.objective)
    assert (cov["covered"] <= cov["demand"]).all()
