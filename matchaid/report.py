"""Reports people want to look at: KPIs, coverage, unmet demand, rotations and flows.

Call :func:`build_report` with a scenario and a plan (and optionally the solver's
:class:`~matchaid.Result`); render it with :meth:`Report.to_markdown` (text tables) or
:meth:`Report.to_html` (one self-contained file with embedded pictures; pictures need
the ``report`` extra, matplotlib). ``matchaid report`` does both from files.
"""

from __future__ import annotations

import base64
import html
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from matchaid.domain import Scenario
from matchaid.io import prepare_folder, write_text_atomic
from matchaid.params import SolveParams
from matchaid.plan import Plan, PlanKPIs
from matchaid.result import Result, format_bound, format_gap

if TYPE_CHECKING:
    from matchaid.compare import Comparison
    from matchaid.explanation import Explanation
    from matchaid.values import CapacityValue, MarginalValues

__all__ = [
    "PROGRAMME_SECTIONS",
    "SECTIONS",
    "Figure",
    "Report",
    "Section",
    "build_report",
    "solve_and_report",
]

#: Section titles, in the order a report shows them.
SECTIONS = (
    "Summary",
    "Coverage by recipient and specialty",
    "Unmet demand by specialty",
    "Rotation timelines",
    "Donor to recipient flow",
)

#: Sections of the planner's questions, after "Unmet demand by specialty" when given.
WHY_SECTIONS = ("Unmet gaps and why", "Whom to recruit and which limits to raise")

#: Sections on the format v2 programme rules, shown after "Unmet demand by specialty"
#: when the scenario uses the rule.
PROGRAMME_SECTIONS = (
    "Leaderless periods",
    "Donors and groups per recipient",
    "Handover periods",
    "Spoke coverage from the hub",
    "Project periods",
    "Trainees",
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A picture: PNG bytes and its caption."""

    caption: str
    png: bytes


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of a report: Markdown text, tables as rows, pictures, and
    interactive charts (``charts``: the HTML of the places the page's script draws in,
    from :mod:`matchaid.charts`; Markdown names them)."""

    title: str
    text: str = ""
    table: tuple[tuple[str, ...], ...] = ()
    figures: tuple[Figure, ...] = field(default_factory=tuple)
    charts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """A report: a title, its sections, and the data its interactive charts draw (a
    ``<script type="application/json">`` element; empty without charts)."""

    title: str
    sections: tuple[Section, ...]
    chart_data: str = ""

    def to_markdown(self) -> str:
        """The report as Markdown (tables and text; pictures are listed by caption)."""
        out = [f"# {self.title}", ""]
        for s in self.sections:
            out += [f"## {s.title}", ""]
            if s.text:
                out += [s.text, ""]
            if s.table:
                out += [*_markdown_table(s.table), ""]
            for caption, _ in s.charts:
                out += [f"*Interactive chart: {caption} (in the HTML report)*", ""]
            for fig in s.figures:
                out += [f"*Figure: {fig.caption} (in the HTML report)*", ""]
        return "\n".join(out).rstrip() + "\n"

    def to_html(self) -> str:
        """The report as one self-contained HTML page (images embedded as data URIs, charts
        drawn by its own script: it opens offline)."""
        from matchaid.charts import CHART_SCRIPT, CHART_STYLE

        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(self.title)}</title>",
            "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
            "padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0}"
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:0.9em}"
            "th{background:#f3f3f3}img{max-width:100%;height:auto;border:1px solid #eee}"
            "figure{margin:1.5em 0}figcaption{color:#555;font-size:0.9em}"
            f"pre{{white-space:pre-wrap}}{CHART_STYLE}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        for s in self.sections:
            anchor = s.title.lower().replace(" ", "-")
            parts.append(f'<section id="{anchor}"><h2>{html.escape(s.title)}</h2>')
            if s.text:
                parts.append(f"<pre>{html.escape(s.text)}</pre>")
            for caption, chart in s.charts:
                parts.append(
                    f"<figure>{chart}<figcaption>{html.escape(caption)}</figcaption></figure>"
                )
            if s.table:
                parts.append(_html_table(s.table))
            for fig in s.figures:
                data = base64.b64encode(fig.png).decode("ascii")
                caption = html.escape(fig.caption)
                parts.append(
                    f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
                    f"<figcaption>{caption}</figcaption></figure>"
                )
            parts.append("</section>")
        if self.chart_data:
            parts += [self.chart_data, f"<script>{CHART_SCRIPT}</script>"]
        # Sortable, filterable tables; and <body data-rendered="k/n">: how many of its n
        # pictures and charts the browser drew (a browser test reads it).
        parts.append(f"<script>{_PAGE_SCRIPT}</script>")
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"

    def write_html(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_html` to ``path`` atomically."""
        write_text_atomic(path, self.to_html())

    def write_pngs(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write every static picture into ``folder`` (created if missing), numbered in
        report order and named after its caption (``01-share-of-each-gap-s-demand-
        covered.png``), each atomically; the paths written."""
        from matchaid.io._atomic import atomic_path

        prepare_folder(folder)
        figures = [fig for s in self.sections for fig in s.figures]
        width = max(2, len(str(len(figures))))
        written = []
        for n, fig in enumerate(figures, 1):
            slug = "-".join("".join(c if c.isalnum() else " " for c in fig.caption.lower()).split())
            path = Path(folder) / f"{n:0{width}d}-{slug[:80]}.png"
            with atomic_path(path) as tmp:
                Path(tmp).write_bytes(fig.png)
            written.append(path)
        return written


def _markdown_table(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return lines


#: The page's script (no library, works offline): a click on a column header sorts
#: its table by that column (numbers as numbers; again: the other way), a box above a
#: table of more than 10 rows keeps the rows holding what is typed; on load, the count of
#: pictures drawn goes to <body data-rendered="k/n">.
_PAGE_SCRIPT = """
function cellValue(row, k) {
  var t = row.cells[k].textContent.trim(), n = parseFloat(t.replace('%', ''));
  return isNaN(n) || !/^-?[0-9.]/.test(t) ? t.toLowerCase() : n;
}
function sortBy(table, k, th) {
  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
  var up = th.dataset.order !== 'up';
  rows.sort(function (a, b) {
    var x = cellValue(a, k), y = cellValue(b, k);
    if (typeof x !== typeof y) { x = String(x); y = String(y); }
    return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1);
  });
  rows.forEach(function (r) { body.appendChild(r); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { delete c.dataset.order; });
  th.dataset.order = up ? 'up' : 'down';
}
window.addEventListener('load', function () {
  Array.prototype.forEach.call(document.querySelectorAll('table'), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, k) {
      th.title = 'sort by ' + th.textContent;
      th.style.cursor = 'pointer';
      th.addEventListener('click', function () { sortBy(table, k, th); });
    });
    if (table.tBodies[0].rows.length > 10) {
      var box = document.createElement('input');
      box.type = 'search'; box.className = 'filter'; box.placeholder = 'filter rows';
      box.addEventListener('input', function () {
        var q = box.value.trim().toLowerCase();
        Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
          r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
        });
      });
      table.parentNode.insertBefore(box, table);
    }
  });
  var images = document.images, charts = document.querySelectorAll('div[data-chart]'), drawn = 0;
  for (var j = 0; j < images.length; j++) {
    if (images[j].complete && images[j].naturalWidth > 0) drawn++;
  }
  for (j = 0; j < charts.length; j++) {
    if (charts[j].dataset.drawn === 'true' && charts[j].querySelector('svg')) drawn++;
  }
  document.body.dataset.rendered = drawn + '/' + (images.length + charts.length);
});
"""


def _html_table(rows: tuple[tuple[str, ...], ...]) -> str:
    head, *body = rows
    cells = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    out = [f"<table><thead><tr>{cells}</tr></thead><tbody>"]
    for r in body:
        out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def build_report(
    scenario: Scenario,
    plan: Plan,
    result: Result | None = None,
    *,
    title: str | None = None,
    pictures: bool = True,
    interactive: bool = True,
    max_timelines: int | None = None,
    explanation: Explanation | None = None,
    values: MarginalValues | None = None,
) -> Report:
    """Assemble the report of ``plan``.

    Parameters
    ----------
    scenario, plan
        What was planned and the plan.
    result
        The :class:`~matchaid.Result` that produced the plan, to show the solver's
        status, bound, gap and timings.
    title
        Defaults to the scenario's name.
    pictures
        Draw the static figures (PNG, needs matplotlib); ``False`` leaves them out.
    interactive
        Show the coverage heatmap and the rotation timeline as interactive charts,
        drawn by the HTML page itself (:mod:`matchaid.charts`; no matplotlib needed);
        ``False`` draws them as static pictures instead (with ``pictures``).
    max_timelines
        Static pictures only: draw rotation timelines for at most this many recipients
        (those with most postings first; default: every recipient with a gap or a
        posting); the rest are listed.
    explanation, values
        :func:`matchaid.explain` of the plan and :func:`matchaid.marginal_values` of the
        scenario: the sections "Unmet gaps and why" and "Whom to recruit and which limits
        to raise".
    """
    k = plan.kpis()
    summary_rows = _summary_rows(scenario, k, result, plan)
    text = scenario.description or ""
    sections = [Section("Summary", text=text, table=tuple(summary_rows))]

    drawn, timeline_text = _timelines(scenario, plan, max_timelines, interactive)
    figs = _figures(scenario, plan, drawn, interactive) if pictures else defaultdict(tuple)
    charts, data = _charts(plan, interactive)
    sections += [
        Section(
            SECTIONS[1],
            table=tuple(_coverage_rows(plan)),
            figures=figs["cov"],
            charts=charts["cov"],
        ),
        Section(SECTIONS[2], table=tuple(_unmet_rows(scenario, k)), figures=figs["unmet"]),
        *why_sections(scenario, explanation, values),
        *_programme_sections(scenario, plan),
        Section(SECTIONS[3], text=timeline_text, figures=figs["time"], charts=charts["time"]),
        Section(
            SECTIONS[4],
            text="The 30 largest flows (donor hospital to recipient).",
            table=tuple(_flow_rows(scenario, plan)),
            figures=figs["flow"],
        ),
    ]
    return Report(
        title=title or scenario.name or "matchaid plan", sections=tuple(sections), chart_data=data
    )


def _charts(plan: Plan, interactive: bool) -> tuple[dict[str, tuple[tuple[str, str], ...]], str]:
    """The interactive charts' places by section (``cov``, ``time``) and the data they
    draw, or none."""
    charts: dict[str, tuple[tuple[str, str], ...]] = defaultdict(tuple)
    if not interactive:
        return charts, ""
    from matchaid.charts import data_script, heatmap_html, timeline_html

    charts["cov"] = (
        (
            "Share of each gap's demand covered, % (hover a cell for its figures; grey: no gap)",
            heatmap_html(),
        ),
    )
    charts["time"] = (("Rotations and unmet periods", timeline_html()),)
    return charts, data_script(plan)


def _receive(n: int) -> str:
    return f"{n} recipient{'' if n == 1 else 's'} receive{'s' if n == 1 else ''} postings"


def _timelines(
    scenario: Scenario, plan: Plan, max_timelines: int | None, interactive: bool
) -> tuple[list[str], str]:
    """The recipients whose static timelines are drawn, and the section's text."""
    by_recipient: dict[str, int] = defaultdict(int)
    for p in plan.postings:
        by_recipient[p.recipient] += 1
    if interactive:
        return [], (
            f"{_receive(len(by_recipient))}. Group the timeline by "
            "recipient (a lane per gap, its unmet periods hatched orange), by donor or by "
            "expert, and filter its rows; hover a bar for the expert, donor, specialty "
            "and dates."
        )
    # every recipient with a gap or a posting: its rotations and its unmet periods
    shown = [r.id for r in scenario.recipients if r.gaps or r.id in by_recipient]
    ranked = sorted(shown, key=lambda r: (-by_recipient.get(r, 0), r))
    drawn, listed = ranked[:max_timelines], ranked[max_timelines:]
    text = f"{_receive(len(by_recipient))}; each timeline also shows its gaps' unmet periods."
    if listed:
        text += f" Timelines are drawn for the {len(drawn)} with most postings; not drawn: {', '.join(listed)}."
    return drawn, text


def _figures(
    scenario: Scenario, plan: Plan, drawn: list[str], interactive: bool
) -> dict[str, tuple[Figure, ...]]:
    """The report's pictures (matplotlib): heatmap (unless ``interactive``), unmet,
    timelines of ``drawn``, flow."""
    from matchaid import plots

    heatmap = (
        ()
        if interactive
        else (Figure("Share of each gap's demand covered", plots.coverage_heatmap(plan)),)
    )
    return {
        "cov": heatmap,
        "unmet": (
            Figure("Covered and unmet expert-months by specialty", plots.unmet_by_specialty(plan)),
        ),
        "time": tuple(
            Figure(f"Rotations at {scenario.recipient(r).name}", plots.rotation_timeline(plan, r))
            for r in drawn
        ),
        "flow": (Figure("Expert-months from donor cities to recipients", plots.donor_flow(plan)),),
    }


def _summary_rows(
    scenario: Scenario, k: PlanKPIs, result: Result | None, plan: Plan | None = None
) -> list[tuple[str, ...]]:
    """The summary table: the solver's figures (an unknown bound or gap is said so),
    then the plan's KPIs."""
    rows: list[tuple[str, ...]] = [("figure", "value")]
    if result is not None:
        bound = format_bound(result.best_bound)
        gap = format_gap(result.gap)
        rows += [
            ("solver status", result.status.value),
            ("objective", f"{result.objective:g}"),
            ("best bound", bound),
            # with lexicographic stages the bound is the first stage's (coverage): the
            # gap is what later stages gave up of it, within their tolerances
            ("coverage given up for later stages" if result.stages else "gap", gap),
            ("build / search seconds", f"{result.build_seconds:.2f} / {result.solve_seconds:.2f}"),
        ]
        for n, st in enumerate(result.stages, 1):
            bound_text = "unknown" if st.bound is None else f"{st.bound:g}"
            rows.append(
                (
                    f"stage {n}: {st.goal} (tolerance {st.tolerance:g})",
                    f"{st.status.value}, value {st.value:g}, bound {bound_text}",
                )
            )
        if result.reason:
            rows.append(("note", result.reason))
    unit = scenario.horizon.unit.value
    covered = k.weighted_coverage * k.max_objective
    rows += [
        (
            f"weighted covered expert-{unit}s",
            f"{covered:g} of {k.max_objective:g} ({100 * k.weighted_coverage:.1f}%)",
        ),
        (f"expert-{unit}s covered / wanted", f"{k.covered_months:g} / {k.demand_months}"),
        *_programme_terms(scenario, k, plan),
        ("postings", str(k.num_postings)),
        ("experts posted", f"{k.num_experts_posted} of {len(scenario.experts)}"),
        ("expert utilisation", f"{100 * k.expert_utilisation:.1f}% of available expert-{unit}s"),
        ("recipients with nothing", ", ".join(k.recipients_with_nothing) or "none"),
    ]
    return rows


def _programme_terms(
    scenario: Scenario, k: PlanKPIs, plan: Plan | None = None
) -> list[tuple[str, ...]]:
    """The objective's terms besides coverage (format v2), and the plan's cost, if the
    scenario has them."""
    if scenario.format_version < 2:
        return []
    extra = k.objective - k.weighted_coverage * k.max_objective
    label = "handover + projects" + (" + training" if scenario.trainees else "")
    rows: list[tuple[str, ...]] = [(f"{label} - leaderless", f"{extra:+g}")]
    if scenario.trainees:
        unit = scenario.horizon.unit.value
        rows.append(
            (
                "trainees placed",
                f"{k.num_trainings} of {len(scenario.trainees)}, {k.training_months} "
                f"trainee-{unit}s, +{k.training_value:g}",
            )
        )
    if scenario.costs is not None and plan is not None:
        from matchaid.validation import programme_figures

        cost = programme_figures(scenario, plan).terms["cost"]
        limit = "" if scenario.budget is None else f" (budget {scenario.budget:g})"
        rows.append(("total cost", f"{cost:g}{limit}"))
    return rows


def _coverage_rows(plan: Plan) -> list[tuple[str, ...]]:
    """Every gap, least covered first."""
    rows: list[tuple[str, ...]] = [
        ("recipient", "specialty", "weight", "covered", "wanted", "share")
    ]
    for c in sorted(
        plan.coverage(), key=lambda c: (c.covered_months / max(c.demand_months, 1), -c.weight)
    ):
        share = c.covered_months / c.demand_months if c.demand_months else 1.0
        rows.append(
            (
                c.recipient,
                c.specialty,
                f"{c.weight:g}",
                f"{c.covered_months:g}",
                str(c.demand_months),
                f"{100 * share:.0f}%",
            )
        )
    return rows


def _unmet_rows(scenario: Scenario, k: PlanKPIs) -> list[tuple[str, ...]]:
    """Unmet expert-months by specialty, most first."""
    rows: list[tuple[str, ...]] = [("specialty", "unmet expert-months", "gaps")]
    gaps_of: dict[str, int] = defaultdict(int)
    for _, g in scenario.gaps:
        gaps_of[g.specialty] += 1
    for spec, n in sorted(k.unmet_by_specialty.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append((spec, f"{n:g}", str(gaps_of[spec])))
    return rows


def _periods(periods: list[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``"3-5, 9"``."""
    runs: list[list[int]] = []
    for t in periods:
        if runs and t == runs[-1][1] + 1:
            runs[-1][1] = t
        else:
            runs.append([t, t])
    return ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in runs) or "none"


def _programme_sections(scenario: Scenario, plan: Plan) -> list[Section]:
    """One section per format v2 rule the scenario uses (see :data:`PROGRAMME_SECTIONS`)."""
    if scenario.format_version < 2:
        return []
    from matchaid.validation import programme_figures

    f = programme_figures(scenario, plan)
    recipients = scenario.recipients
    out: list[Section] = []
    rows: list[tuple[str, ...]]
    if f.leaderless:
        rows = [("recipient", "leader rule", "leaderless periods", "periods", "cost")]
        for r in recipients:
            if r.leader is None:
                continue
            lone = [t for t, _ in f.leaderless[r.id]]
            weight = r.leader.weight or 0.0
            cost = f"{weight * len(lone):g}" if r.leader.weight else "-"
            rows.append((r.id, r.leader.mode.value, str(len(lone)), _periods(lone), cost))
        out.append(Section(PROGRAMME_SECTIONS[0], table=tuple(rows)))
    if any(r.max_donors or r.max_donor_groups for r in recipients) or any(
        d.group for d in scenario.donors
    ):
        rows = [("recipient", "donors", "max_donors", "groups", "max_donor_groups")]
        for r in recipients:
            donors, groups = f.donors.get(r.id, []), f.groups.get(r.id, [])
            rows.append(
                (
                    r.id,
                    f"{len(donors)}: {', '.join(donors)}" if donors else "0",
                    "-" if r.max_donors is None else str(r.max_donors),
                    f"{len(groups)}: {', '.join(groups)}" if groups else "0",
                    "-" if r.max_donor_groups is None else str(r.max_donor_groups),
                )
            )
        out.append(Section(PROGRAMME_SECTIONS[1], table=tuple(rows)))
    if f.handovers:
        rows = [("recipient", "specialty", "handover periods", "periods", "value")]
        for (rid, spec), periods in f.handovers.items():
            gap = scenario.recipient(rid).gap(spec)
            value = (gap.handover_weight if gap else 0.0) * len(periods)
            rows.append((rid, spec, str(len(periods)), _periods(periods), f"{value:g}"))
        out.append(Section(PROGRAMME_SECTIONS[2], table=tuple(rows)))
    if f.from_hub:
        rows = [
            ("spoke", "specialty", "hub", f"expert-{scenario.horizon.unit.value}s from the hub")
        ]
        for (rid, spec), amount in f.from_hub.items():
            hub = scenario.hub_of(rid)
            rows.append((rid, spec, hub[0] if hub else "-", f"{amount:g}"))
        out.append(Section(PROGRAMME_SECTIONS[3], table=tuple(rows)))
    if f.projects:
        rows = [("recipient", "project", "counted periods", "periods", "value")]
        for (rid, name), periods in f.projects.items():
            pj = next(p for p in scenario.recipient(rid).projects if p.name == name)
            lo, hi = pj.window
            rows.append(
                (
                    rid,
                    name,
                    f"{len(periods)} of {hi - lo}",
                    _periods(periods),
                    f"{pj.weight * len(periods):g}",
                )
            )
        out.append(Section(PROGRAMME_SECTIONS[4], table=tuple(rows)))
    if scenario.trainees:
        out.append(Section(PROGRAMME_SECTIONS[5], table=_trainee_rows(scenario, plan)))
    return out


def _trainee_rows(scenario: Scenario, plan: Plan) -> tuple[tuple[str, ...], ...]:
    """Every trainee: home hospital, specialty, and where and when they train."""
    placed = {t.trainee: t for t in plan.trainings}
    rows: list[tuple[str, ...]] = [("trainee", "home", "specialty", "donor", "periods", "value")]
    for person in scenario.trainees:
        t = placed.get(person.id)
        where = (
            ("not placed", "-", "0")
            if t is None
            else (
                t.donor,
                f"{t.start}-{t.end - 1}",
                f"{person.weight * t.months:g}",
            )
        )
        rows.append((person.id, person.recipient, person.specialty, *where))
    return tuple(rows)


def _flow_rows(scenario: Scenario, plan: Plan) -> list[tuple[str, ...]]:
    """The 30 largest donor-to-recipient flows in expert-months."""
    flows: dict[tuple[str, str], int] = defaultdict(int)
    donor_of = {e.id: e.donor for e in scenario.experts}
    for p in plan.postings:
        flows[(donor_of[p.expert], p.recipient)] += p.months
    rows: list[tuple[str, ...]] = [("donor", "recipient", "expert-months")]
    for (d, r), months in sorted(flows.items(), key=lambda kv: (-kv[1], kv[0]))[:30]:
        rows.append((scenario.donor(d).name, scenario.recipient(r).name, str(months)))
    return rows


def why_sections(
    scenario: Scenario,
    explanation: Explanation | None,
    values: MarginalValues | None,
    top: int = 10,
) -> list[Section]:
    """The report sections of an explanation (each unmet gap's main reasons, the most
    unmet weight first) and of marginal values (the two rankings)."""
    from matchaid.reasons import COUNTERFACTUAL

    out = []
    if explanation is not None:
        unit = explanation.unit
        rows: list[tuple[str, ...]] = [("Gap", f"Unmet expert-{unit}s", "Why", "If changed")]
        for g in explanation.gaps:
            r = scenario.recipient(g.recipient)
            for k, reason in enumerate(g.reasons[:3]):
                label = f"{g.specialty} at {r.name}" if k == 0 else ""
                unmet = f"{g.unmet:g}" if k == 0 else ""
                if reason.gain is None:
                    gain = "-" if reason.code not in COUNTERFACTUAL else "not computed"
                else:
                    gain = _worth(reason.gain, reason.gain_proven)
                rows.append(
                    (
                        label,
                        unmet,
                        reason.text.split(" Raising it")[0].split(" Dropping it")[0],
                        gain,
                    )
                )
        text = (
            "Each unmet gap's main reasons, most binding first. 'If changed' is how much "
            "the plan's objective would rise if that one limit were one higher or that one "
            "rule dropped, found by planning again."
        )
        if not explanation.gaps:
            text = "Every gap is fully covered."
        out.append(
            Section(WHY_SECTIONS[0], text=text, table=tuple(rows) if explanation.gaps else ())
        )
    if values is not None:
        rows = [("Rank", "What", "Estimated worth", "Worth (planned again)")]
        for n, v in enumerate(values.supply[:top], 1):
            d = scenario.donor(v.donor)
            rows.append(
                (
                    str(n),
                    f"one more {v.specialty} expert at {d.name}",
                    f"{v.estimate:g}",
                    _worth(v.gain, v.gain_proven),
                )
            )
        for n, c in enumerate(values.capacity[:top], 1):
            rows.append(
                (
                    str(n),
                    _capacity_words(scenario, c),
                    f"{c.estimate:g}",
                    _worth(c.gain, c.gain_proven),
                )
            )
        text = (
            "Whom to recruit first (one more expert like a department's most flexible one) "
            "and which limit to negotiate first (one more unit), by what the plan's "
            "objective would gain. The estimate comes from the linear relaxation; the "
            "worth from planning again."
        )
        out.append(Section(WHY_SECTIONS[1], text=text, table=tuple(rows)))
    return out


def _worth(gain: float | None, proven: bool) -> str:
    if gain is None:
        return "-"
    return f"+{gain:g}" if proven else f"+{gain:g} found (not proven)"


def _capacity_words(scenario: Scenario, c: CapacityValue) -> str:
    kind, ident, specialty = c.kind, c.id, c.specialty
    if kind == "budget":
        return "one more unit of budget"
    if kind == "hosting":
        return f"room for one more visitor at {scenario.recipient(ident).name}"
    d = scenario.donor(ident).name
    if kind == "release":
        return f"{d} releasing one more {specialty} expert at once"
    if kind == "seats":
        return f"one more {specialty} training seat at {d}"
    return f"{d} letting one more expert away at once"


def comparison_report(comparison: Comparison, title: str = "What-if comparison") -> Report:
    """A report of one section: the KPIs of the base and its variants side by side."""
    rows = tuple(tuple(r) for r in comparison.rows())
    text = (
        "Each column is one version of the programme, planned on its own: the base first, "
        "then each variant."
    )
    return Report(title=title, sections=(Section("What-if comparison", text=text, table=rows),))


def solve_and_report(
    scenario: Scenario,
    params: SolveParams | None = None,
    out_dir: str | os.PathLike[str] = "out",
    *,
    pictures: bool = True,
    why: bool = True,
) -> Result:
    """Solve ``scenario``, then write ``plan.json``, ``plan-csv/`` and ``report.html``
    into ``out_dir``; return the :class:`~matchaid.Result`. With ``why``, the report
    says why each unmet gap is unmet and whom to recruit (re-solves within twice the
    solve's time each).

    The plan passed :func:`matchaid.validate` inside :func:`matchaid.solve`.
    """
    from pathlib import Path

    from matchaid.explanation import explain
    from matchaid.search import solve
    from matchaid.values import marginal_values

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = solve(scenario, params)
    result.plan.to_json(out / "plan.json", {"solve": result.record()})
    result.plan.to_csv(out / "plan-csv")
    explanation = values = None
    if why and not result.interrupted:
        explanation = explain(scenario, result, params=params)
        if not explanation.interrupted:
            values = marginal_values(scenario, result, params=params)
    build_report(
        scenario, result.plan, result, pictures=pictures, explanation=explanation, values=values
    ).write_html(out / "report.html")
    return result
