"""Screenshots of the HTML reports for the examples' READMEs, taken in headless Chromium.

python examples/screenshots.py [CHROMIUM]      (needs the 'report' extra and Chromium)

Solves the Tibet flagship (10 s) and the generator's tier m, seed 1 (20 s), writes their
reports to out/screenshots/, and shows one part of each page at a time: the coverage
heatmap, and the rotation timeline grouped by recipient (Tibet, a bar hovered) or by
expert (tier m). The pictures go to each example's images/ folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matchaid
from matchaid.generate import generate
from matchaid.report import build_report

HERE = Path(__file__).parent
OUT = Path("out") / "screenshots"

#: Shows one section (and in it, only its chart) and sets up the chart the way wanted.
SHOW = """
<style>section{{display:none}} section#{section}{{display:block}}
section#{section} table, section#{section} input.filter{{display:none}}</style>
<script>window.addEventListener('load', function () {{ setTimeout(function () {{
  var group = document.querySelector('input[name=matchaid-group][value={group}]');
  if (group) {{ group.checked = true; group.dispatchEvent(new Event('change')); }}
  var bar = document.querySelectorAll('[data-kind=posting]')[{hover}];
  if ({hover} >= 0 && bar) {{
    var box = bar.getBoundingClientRect();
    bar.dispatchEvent(new MouseEvent('mousemove', {{clientX: box.left + 30, clientY: box.bottom}}));
  }}
}}, 0); }});</script>
"""


def shot(
    chromium: str,
    page: Path,
    out: Path,
    section: str,
    *,
    group: str = "recipient",
    hover: int = -1,
    height: int = 1100,
) -> None:
    """A screenshot of ``section`` of ``page`` (1200 px wide), cut to ``height``."""
    from PIL import Image

    show = SHOW.format(section=section, group=group, hover=hover)
    one = page.with_name(f"{page.stem}-{out.stem}.html")
    one.write_text(page.read_text().replace("</head>", show + "</head>"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                f"--window-size=1200,{height}",
                f"--screenshot={out}",
                one.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    with Image.open(out) as image:  # a palette PNG: a fifth of the bytes
        image.convert("RGB").quantize(colors=64).save(out, optimize=True)
    print(f"wrote {out}")


def main(chromium: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tibet = matchaid.load_scenario(HERE / "tibet_group_aid" / "scenario.json")
    m = generate("m", 1)
    for name, scenario, seconds in (("tibet", tibet, 10), ("tier-m", m, 20)):
        result = matchaid.solve(scenario, matchaid.SolveParams(time_limit=seconds))
        build_report(scenario, result.plan, result).write_html(OUT / f"{name}.html")
    images = HERE / "tibet_group_aid" / "images"
    shot(
        chromium,
        OUT / "tibet.html",
        images / "report-heatmap.png",
        "coverage-by-recipient-and-specialty",
        height=1150,
    )
    shot(
        chromium,
        OUT / "tibet.html",
        images / "report-timeline.png",
        "rotation-timelines",
        hover=3,
        height=900,
    )
    images = HERE / "generated_tier_m" / "images"
    shot(
        chromium,
        OUT / "tier-m.html",
        images / "report-heatmap.png",
        "coverage-by-recipient-and-specialty",
        height=900,
    )
    shot(
        chromium,
        OUT / "tier-m.html",
        images / "report-timeline-by-expert.png",
        "rotation-timelines",
        group="expert",
        hover=40,
        height=900,
    )


if __name__ == "__main__":
    found = sys.argv[1] if len(sys.argv) > 1 else shutil.which("chromium")
    if found is None:
        sys.exit("screenshots.py: no Chromium found (apt install chromium, or give its path)")
    main(found)
