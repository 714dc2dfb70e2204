"""The HTML report in a real browser (issue 17, part 4): headless Chromium opens the
flagship report and a report with Chinese names, logs no console message, draws every
picture, shows the Chinese names as text, and leaves a screenshot to look at
(``out/browser/*.png``). Skipped, saying so, where no Chromium is installed."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import matchaid
from matchaid.charts import chart_data
from matchaid.report import build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed: the browser test is skipped (apt install chromium)",
)
EXAMPLES = Path(__file__).parents[1] / "examples"
SHOTS = Path(__file__).parents[1] / "out" / "browser"
#: Flags for a headless Chromium on a closed network, as root.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _chromium(page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _open(page: Path, shot: Path | None = None) -> str:
    """The page's DOM after load, asserting no console message; a screenshot."""
    run = _chromium(
        page, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "CONSOLE" not in run.stderr, re.findall(r".*CONSOLE.*", run.stderr)
    if shot is not None:
        shot.parent.mkdir(parents=True, exist_ok=True)
        took = _chromium(page, f"--screenshot={shot}", "--window-size=1200,2400")
        assert took.returncode == 0 and shot.stat().st_size > 10_000, took.stderr[-2000:]
    return run.stdout


def _rendered(dom: str) -> tuple[int, int]:
    found = re.search(r'data-rendered="(\d+)/(\d+)"', dom)
    assert found, "the page's load script did not run"
    return int(found.group(1)), int(found.group(2))


def test_a_report_with_chinese_names_renders_in_chromium(data_dir: Path, tmp_path: Path) -> None:
    s = matchaid.load_scenario(data_dir / "scenario-v1-small-2.json")
    names = ["册亨县人民医院", "西藏自治区人民医院", "那曲市人民医院"]
    recipients = tuple(
        dataclasses.replace(r, name=n) for r, n in zip(s.recipients, names, strict=False)
    )
    s = dataclasses.replace(s, recipients=recipients, name="贵州省卫生健康委员会 对口帮扶")
    result = matchaid.solve(s, matchaid.SolveParams(workers=1, time_limit=10))
    page = tmp_path / "report.html"
    build_report(s, result.plan, result).write_html(page)
    dom = _open(page, SHOTS / "chinese-report.png")
    for name in names[: len(s.recipients)]:
        # as text in the charts the page drew (the heatmap's rows), not as boxes
        assert re.search(f"<text[^>]*>{name}</text>", dom), name
    assert "贵州省卫生健康委员会" in dom
    drawn, pictures = _rendered(dom)
    assert pictures > 0 and drawn == pictures


def test_the_flagship_report_renders_in_chromium(tmp_path: Path) -> None:
    s = matchaid.load_scenario(EXAMPLES / "tibet_group_aid" / "scenario.json")
    result = matchaid.solve(s, matchaid.SolveParams(workers=1, time_limit=3))
    page = tmp_path / "report.html"
    build_report(s, result.plan, result).write_html(page)
    assert page.stat().st_size < 5_000_000
    dom = _open(page, SHOTS / "flagship-report.png")
    drawn, pictures = _rendered(dom)
    # two interactive charts (heatmap, timeline) and two pictures (unmet, flow)
    assert pictures == 4 and drawn == pictures
    assert "Xizang Autonomous Region People" in dom
    # the script made every long table filterable and every header sortable
    long_tables = dom.count('class="filter"')
    assert long_tables >= 2 and 'title="sort by recipient"' in dom
    # and they work: sort the coverage table by 'covered', then filter it to Chamdo
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text().replace("</body>", f"<script>{_PROBE}</script></body>"))
    dom = _open(probe)
    chamdo = sum("chamdo" in c.recipient.lower() for c in result.plan.coverage())
    assert 'data-sorted="true"' in dom and f'data-shown="{chamdo}"' in dom
    _check_charts(page, s, result.plan, tmp_path)


def _expected_tip(s: matchaid.Scenario, p: matchaid.Posting) -> str:
    """The hover box of a posting's bar, stated from the issue: expert, donor,
    specialty, recipient and calendar dates."""
    e = next(x for x in s.experts if x.id == p.expert)
    donor = next(d for d in s.donors if d.id == e.donor)
    r = s.recipient(p.recipient)
    h = s.horizon
    return (
        f"{e.id} ({e.seniority.label.replace('_', ' ')}) | donor: {donor.name} ({donor.id}) | "
        f"specialty: {p.specialty} | recipient: {r.name} ({r.id}) | "
        f"{h.month_label(p.start)} to {h.month_label(p.end - 1)} ({p.months} months)"
    )


def _check_charts(page: Path, s: matchaid.Scenario, plan: matchaid.Plan, tmp_path: Path) -> None:
    """The timeline in each grouping, its filter, its hover box, and the heatmap."""
    probe = tmp_path / "charts.html"
    probe.write_text(page.read_text().replace("</body>", f"<script>{_CHART_PROBE}</script></body>"))
    dom = _open(probe, SHOTS / "flagship-timeline-by-donor.png")
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, "the chart probe did not run"
    got = json.loads(html.unescape(found.group(1)))
    posted = {p.expert for p in plan.postings}
    # by recipient: a lane per gap; by donor and by expert: a lane per posted expert
    assert got["recipient"] == len(s.gaps)
    assert got["donor"] == got["expert"] == len(posted)
    assert got["bars"] == got["donorBars"] == got["expertBars"] == len(plan.postings)
    assert sorted(got["tips"]) == sorted(_expected_tip(s, p) for p in plan.postings)
    assert got["shown"] == "block" and got["tip"] == got["tips"][0].replace(" | ", "")
    unmet = sum(len(row[8]) for row in chart_data(plan)["gaps"])
    assert got["unmet"] == unmet > 0
    lhasa = [r for r in s.recipients if "lhasa" in (r.id + r.name).lower()]
    assert got["filtered"] == sum(len(r.gaps) for r in lhasa) > 0
    gaps = {(c.recipient, c.specialty): c for c in plan.coverage()}
    assert got["cells"] == len(gaps)
    assert all(
        re.search(r"covered [0-9.]+ of [0-9]+ expert-months \(\d+%\)", t) for t in got["cellTips"]
    )


#: Reads the timeline by recipient (lanes, bars, unmet boxes, every bar's hover text,
#: the hover box after a mouse move), filtered to LHASA, then by donor and by expert,
#: and the heatmap's cells; leaves it grouped by donor, alone on the page, for the
#: screenshot.
_CHART_PROBE = """
window.addEventListener('load', function () { setTimeout(function () {
  var chart = document.querySelector('div[data-chart=timeline]'), out = {};
  var tip = document.getElementById('chart-tip');
  var tips = function () { return Array.prototype.map.call(
    chart.querySelectorAll('[data-kind=posting]'), function (b) { return b.dataset.tip; }); };
  out.recipient = +chart.dataset.rows; out.tips = tips(); out.bars = out.tips.length;
  out.unmet = chart.querySelectorAll('[data-kind=unmet]').length;
  chart.querySelector('[data-kind=posting]').dispatchEvent(
    new MouseEvent('mousemove', {clientX: 20, clientY: 20}));
  out.tip = tip.textContent; out.shown = tip.style.display;
  var box = document.querySelector('.chart-filter');
  box.value = 'LHASA'; box.dispatchEvent(new Event('input'));
  out.filtered = +chart.dataset.rows;
  box.value = ''; box.dispatchEvent(new Event('input'));
  ['expert', 'donor'].forEach(function (v) {
    var b = document.querySelector('input[name=matchaid-group][value=' + v + ']');
    b.checked = true; b.dispatchEvent(new Event('change'));
    out[v] = +chart.dataset.rows; out[v + 'Bars'] = tips().length;
  });
  var cells = document.querySelectorAll('div[data-chart=heatmap] [data-kind=cell]');
  out.cells = cells.length;
  out.cellTips = Array.prototype.map.call(cells, function (c) { return c.dataset.tip; });
  document.body.dataset.probe = JSON.stringify(out);
  Array.prototype.forEach.call(document.querySelectorAll('section'), function (x) {
    if (x.id !== 'rotation-timelines') x.style.display = 'none'; });
}, 0); });
"""


#: Clicks the 'covered' header of the coverage table, checks the rows are in order, and
#: types CHAMDO into its filter box; reports on <body data-sorted data-shown>.
_PROBE = """
window.addEventListener('load', function () { setTimeout(function () {
  var t = document.querySelector('#coverage-by-recipient-and-specialty table');
  var k = Array.prototype.map.call(t.tHead.rows[0].cells, function (c) {
    return c.textContent; }).indexOf('covered');
  t.tHead.rows[0].cells[k].click();
  var v = Array.prototype.map.call(t.tBodies[0].rows, function (r) {
    return parseFloat(r.cells[k].textContent); });
  document.body.dataset.sorted = v.every(function (x, i) { return i === 0 || v[i - 1] <= x; });
  var box = t.previousSibling;
  box.value = 'CHAMDO';
  box.dispatchEvent(new Event('input'));
  document.body.dataset.shown = Array.prototype.filter.call(t.tBodies[0].rows, function (r) {
    return r.style.display !== 'none'; }).length;
}, 0); });
"""
