"""Pictures of a plan, as PNG bytes (matplotlib; install the ``report`` extra).

Each function draws one figure with matplotlib's object-oriented API (no pyplot, no
global state) and returns PNG bytes, ready to embed in a report:

- :func:`coverage_heatmap`: recipient x specialty, share of demand covered;
- :func:`unmet_by_specialty`: unmet expert-months per specialty;
- :func:`rotation_timeline`: a Gantt chart of one recipient's postings;
- :func:`donor_flow`: expert-months from donor cities to recipients.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import warnings
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from matchaid.exceptions import FontWarning, MatchaidError
from matchaid.plan import Plan

__all__ = [
    "CJK_FAMILIES",
    "cjk_families",
    "coverage_heatmap",
    "donor_flow",
    "new_figure",
    "png_bytes",
    "rotation_timeline",
    "unmet_by_specialty",
]


#: Font families with Chinese glyphs, tried in order after DejaVu Sans (per glyph).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
#: Font file names that hold those families (to find fonts installed after
#: matplotlib built its font cache).
_CJK_FILES = re.compile(
    r"(cjk|wqy|sourcehan|simhei|msyh|pingfang|uming|ukai|droidsansfallback|notosanssc)", re.I
)
_WARNED: list[bool] = []


@cache
def cjk_families() -> tuple[str, ...]:
    """The installed families of :data:`CJK_FAMILIES`, in that order (also fonts
    installed after matplotlib's font cache was built)."""
    from matplotlib import font_manager

    def known() -> tuple[str, ...]:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return tuple(name for name in CJK_FAMILIES if name in names)

    if not known():
        for path in font_manager.findSystemFonts():
            if _CJK_FILES.search(Path(path).name):
                with contextlib.suppress(Exception):  # an unreadable font file: skip it
                    font_manager.fontManager.addfont(path)
    return known()


def _has_cjk(plan: Plan) -> bool:
    s = plan.scenario
    texts = [r.name for r in s.recipients] + [g.specialty for _, g in s.gaps]
    texts += [d.city for d in s.donors] + [e.id for e in s.experts]
    return any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for t in texts for ch in t)


def _fonts(draw: Callable[..., bytes]) -> Callable[..., bytes]:
    """Draw with DejaVu Sans, then an installed CJK family for glyphs it lacks; when a
    plan has Chinese text and no CJK font is installed, one :class:`FontWarning` (once
    per process) instead of a warning per missing glyph."""

    @functools.wraps(draw)
    def wrapped(plan: Plan, *args: Any) -> bytes:
        import matplotlib

        families = cjk_families()
        with warnings.catch_warnings():
            if not families and _has_cjk(plan):
                if not _WARNED:
                    _WARNED.append(True)
                    warnings.warn(
                        FontWarning(
                            "no CJK font is installed: Chinese names show as boxes in the "
                            "pictures (the report's text is fine); install one, e.g. "
                            "'apt install fonts-noto-cjk' or 'fonts-wqy-microhei'"
                        ),
                        stacklevel=2,
                    )
                warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            # A list of concrete families: matplotlib takes each glyph from the first
            # family that has it (a generic "sans-serif" would not fall back).
            rc: dict[Any, Any] = {"font.family": ["DejaVu Sans", *families]}
            with matplotlib.rc_context(rc):
                return draw(plan, *args)

    return wrapped


def new_figure(width: float, height: float, layout: Any = "constrained") -> Any:
    """A matplotlib Figure (object-oriented API, constrained layout unless ``layout`` is
    ``None``, 100 dpi)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise MatchaidError("pictures need matplotlib: pip install 'matchaid[report]'") from None
    return Figure(figsize=(width, height), dpi=100, layout=layout)


def png_bytes(fig: Any) -> bytes:
    """The figure as PNG bytes, in an adaptive palette of 128 colours (a third of the
    size of full colour for these flat charts, so that a report of a hundred timelines
    stays small)."""
    from PIL import Image  # matplotlib's own dependency

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    buffer.seek(0)
    with Image.open(buffer) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
        out = io.BytesIO()
        small.save(out, format="png", optimize=True)
    return out.getvalue()


def _runs(periods: list[int]) -> list[tuple[int, int]]:
    """Consecutive periods as ``[start, end)`` runs: ``[1, 2, 3, 7]`` -> ``[(1, 4), (7, 8)]``."""
    out: list[tuple[int, int]] = []
    for t in periods:
        if out and out[-1][1] == t:
            out[-1] = (out[-1][0], t + 1)
        else:
            out.append((t, t + 1))
    return out


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _specialty_colours(plan: Plan) -> dict[str, Any]:
    """The interactive charts' colours (:data:`matchaid.charts.PALETTE`): no two alike
    (tab20's pairs were) and none the unmet orange."""
    from matchaid.charts import PALETTE

    specs = sorted({g.specialty for _, g in plan.scenario.gaps})
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(specs)}


@_fonts
def coverage_heatmap(plan: Plan) -> bytes:
    """Share of each gap's demand covered, recipients down, specialties across (grey:
    no gap)."""
    cov = plan.coverage()
    recipients = [r for r in plan.scenario.recipients if r.gaps]
    specs = sorted({c.specialty for c in cov})
    grid = np.full((len(recipients), len(specs)), np.nan)
    row = {r.id: i for i, r in enumerate(recipients)}
    col = {s: j for j, s in enumerate(specs)}
    for c in cov:
        grid[row[c.recipient], col[c.specialty]] = (
            c.covered_months / c.demand_months if c.demand_months else 1.0
        )
    fig = new_figure(max(6.0, 0.45 * len(specs) + 3.5), max(3.5, 0.28 * len(recipients) + 2.5))
    ax = fig.add_subplot()
    masked = np.ma.masked_invalid(grid)
    from matplotlib import colormaps

    # cividis: ordered light-to-dark and readable with red-green colour blindness
    cmap = colormaps["cividis"].with_extremes(bad="#eeeeee")
    image = ax.imshow(masked, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    if grid.size <= 800:  # each cell's share as a percentage, while it stays readable
        for (i, j), value in np.ndenumerate(grid):
            if not np.isnan(value):
                ax.text(
                    j,
                    i,
                    f"{100 * value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="black" if value > 0.55 else "white",
                )
    ax.set_xticks(
        range(len(specs)), [_short(s, 26) for s in specs], rotation=60, ha="right", fontsize=8
    )
    ax.set_yticks(range(len(recipients)), [_short(r.name, 48) for r in recipients], fontsize=8)
    ax.set_title("Share of demand covered, % (grey: no gap)")
    fig.colorbar(image, ax=ax, shrink=0.8, label="covered / wanted")
    return png_bytes(fig)


@_fonts
def unmet_by_specialty(plan: Plan) -> bytes:
    """Covered and unmet expert-months per specialty, most unmet on top."""
    covered: dict[str, float] = defaultdict(float)
    unmet: dict[str, float] = defaultdict(float)
    for c in plan.coverage():
        covered[c.specialty] += c.covered_months
        unmet[c.specialty] += c.unmet_months
    specs = sorted(unmet, key=lambda s: (unmet[s], s))
    fig = new_figure(8.0, max(2.5, 0.32 * len(specs) + 1.5))
    ax = fig.add_subplot()
    y = np.arange(len(specs))
    # blue and orange (Okabe-Ito): told apart with red-green colour blindness
    ax.barh(y, [covered[s] for s in specs], color="#0072B2", label="covered")
    ax.barh(
        y,
        [unmet[s] for s in specs],
        left=[covered[s] for s in specs],
        color="#E69F00",
        label="unmet",
    )
    ax.set_yticks(y, [_short(s, 26) for s in specs], fontsize=8)
    ax.set_xlabel("expert-months")
    ax.set_title("Demand by specialty: covered and unmet")
    ax.legend(loc="lower right", fontsize=8)
    return png_bytes(fig)


@_fonts
def rotation_timeline(plan: Plan, recipient: str) -> bytes:
    """Gantt chart of the postings at ``recipient``: one row per expert (with their
    donor), coloured by specialty, then one row per gap showing its window (grey) and
    the periods its demand is not met (orange, hatched); every timeline has the whole
    horizon across at the same place, so that pictures line up."""
    scenario = plan.scenario
    horizon = scenario.horizon
    postings = sorted(
        (p for p in plan.postings if p.recipient == recipient),
        key=lambda p: (p.specialty, p.start, p.expert),
    )
    experts = list(dict.fromkeys(p.expert for p in postings))
    gaps = [c for c in plan.coverage() if c.recipient == recipient]
    colours = _specialty_colours(plan)
    rows = len(experts) + len(gaps)
    height = max(1.8, 0.22 * rows + 1.3)
    fig = new_figure(9.0, height, layout=None)
    # fixed margins (inches): every timeline's axis starts and ends at the same place
    ax = fig.add_axes((2.0 / 9.0, 0.75 / height, 5.1 / 9.0, (height - 1.2) / height))
    donor_of = {e.id: e.donor for e in scenario.experts}
    for p in postings:
        ax.barh(
            experts.index(p.expert),
            p.months,
            left=p.start,
            color=colours.get(p.specialty, "grey"),
            edgecolor="white",
        )
    gap_of = {g.specialty: g for r, g in scenario.gaps if r.id == recipient}
    for k, c in enumerate(gaps, start=len(experts)):
        lo, hi = gap_of[c.specialty].window
        ax.barh(k, hi - lo, left=lo, color="#eeeeee", height=0.6)
        demand = gap_of[c.specialty].demand
        for a, b in _runs([t for t in range(lo, hi) if c.by_month[t] < demand - 1e-9]):
            ax.barh(k, b - a, left=a, color="#E69F00", hatch="//", edgecolor="white", height=0.6)
    labels = [f"{e} ({donor_of.get(e, '?')})" for e in experts]
    labels += [f"unmet: {_short(c.specialty, 20)}" for c in gaps]
    ax.set_yticks(range(rows), labels, fontsize=7)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlim(0, horizon.months)
    step = max(1, horizon.months // 12)
    ticks = list(range(0, horizon.months + 1, step))
    ax.set_xticks(
        ticks,
        [horizon.month_label(t) if t < horizon.months else "" for t in ticks],
        rotation=45,
        fontsize=7,
    )
    name = scenario.recipient(recipient).name
    ax.set_title(f"Rotations at {name}", fontsize=10)
    used = list(dict.fromkeys(p.specialty for p in postings))
    from matplotlib.patches import Patch

    handles = [Patch(color=colours.get(s, "grey"), label=s) for s in used]
    handles.append(Patch(facecolor="#E69F00", hatch="//", edgecolor="white", label="unmet"))
    ax.legend(
        handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False
    )
    return png_bytes(fig)


@_fonts
def donor_flow(plan: Plan) -> bytes:
    """Expert-months sent from each donor city (left) to each recipient (right); line
    width is proportional to expert-months."""
    scenario = plan.scenario
    donor_city = {d.id: d.city for d in scenario.donors}
    expert_donor = {e.id: e.donor for e in scenario.experts}
    flows: dict[tuple[str, str], int] = defaultdict(int)
    for p in plan.postings:
        flows[(donor_city[expert_donor[p.expert]], p.recipient)] += p.months
    cities = sorted({c for c, _ in flows})
    recipients = [r.id for r in scenario.recipients if any(r.id == rr for _, rr in flows)]
    fig = new_figure(9.0, max(3.0, 0.25 * max(len(recipients), len(cities)) + 1.5))
    ax = fig.add_subplot()
    ax.set_axis_off()
    if not flows:
        ax.text(0.5, 0.5, "no postings", ha="center", va="center")
        return png_bytes(fig)
    ly = {c: 1 - (i + 0.5) / len(cities) for i, c in enumerate(cities)}
    ry = {r: 1 - (i + 0.5) / len(recipients) for i, r in enumerate(recipients)}
    biggest = max(flows.values())
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    for (city, rid), months in sorted(flows.items()):
        colour = cmap(cities.index(city) % 10)
        ax.plot(
            [0.2, 0.8],
            [ly[city], ry[rid]],
            color=colour,
            alpha=0.6,
            linewidth=0.5 + 6 * months / biggest,
        )
    out: dict[str, int] = defaultdict(int)
    for (city, _), months in flows.items():
        out[city] += months
    for c in cities:
        ax.text(0.19, ly[c], f"{c} ({out[c]})", ha="right", va="center", fontsize=8)
    for r in recipients:
        ax.text(
            0.81, ry[r], _short(scenario.recipient(r).name, 40), ha="left", va="center", fontsize=7
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Donor cities to recipients (line width: expert-months)")
    return png_bytes(fig)
