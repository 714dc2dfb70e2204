"""The HTML report in a real browser (issue 17, part 4): headless Chromium opens the
flagship report and a report with Chinese names, logs no console message, draws every
picture, shows the Chinese names as text, and leaves a screenshot to look at
(``out/browser/*.png``). Skipped, saying so, where no Chromium is installed."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import matchaid
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
        assert name in dom  # as text, not as pictures of boxes
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
    assert pictures > 10 and drawn == pictures
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
