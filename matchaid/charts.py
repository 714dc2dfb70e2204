"""Interactive charts for the HTML report: drawn by the browser, no library, offline.

The report embeds the plan once as compact JSON (:func:`chart_data`) and a small
script (:data:`CHART_SCRIPT`, about 9 KB) that draws SVG from it: a timeline grouped
by recipient, by donor or by expert (one click switches), with each gap's unmet periods
and a hover box naming the expert, donor, specialty, recipient and calendar dates; and
a heatmap of the share of each gap covered, its values on hover. Text is the browser's,
so Chinese names show as text in every font the reader has.

Why no charting library (measured on 2026-11-28, the minified scripts a
self-contained page must embed): plotly.js 7.1 is 4.82 MB (nearly the whole 5 MB
budget of a tier-m report before any data); Bokeh 3.9 is 1.27 MB (1.95 MB with its
tables and widgets); Vega 6.4 + Vega-Lite 6.4 + vega-embed 7.3 are 0.83 MB. Each can
draw bars with hover boxes and a heatmap, which is all the report needs; this
module's script does the same in about 1% of Vega's bytes and has nothing to keep up
to date. The static pictures (:mod:`matchaid.plots`, matplotlib) stay for PNG export.
"""

from __future__ import annotations

import html
import json
from typing import Any

from matchaid.plan import Plan

__all__ = ["CHART_SCRIPT", "chart_data", "heatmap_html", "timeline_html"]

#: Specialty colours, by first use: no two alike and none the unmet orange (Okabe-Ito,
#: then Paul Tol's muted and dark sets); names in the bars and the hover box tell
#: specialties apart beyond 16.
PALETTE = (
    "#0072B2",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#332288",
    "#117733",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#661100",
    "#6699CC",
    "#888888",
    "#DDCC77",
)
#: cividis at 0, 0.1, ..., 1 (matplotlib's table): light-to-dark and readable with
#: red-green colour blindness.
CIVIDIS = (
    "#00224e",
    "#083370",
    "#35456c",
    "#4f576c",
    "#666970",
    "#7d7c78",
    "#948e77",
    "#aea371",
    "#c8b866",
    "#e5cf52",
    "#fee838",
)


def _unmet_runs(
    by_month: tuple[float, ...], window: tuple[int, int], demand: int
) -> list[list[float]]:
    """``[start, end, shortfall]`` for each run of periods in ``window`` whose cover is
    below ``demand`` by the same amount."""
    runs: list[list[float]] = []
    for t in range(*window):
        short = round(demand - by_month[t], 6)
        if short <= 1e-9:
            continue
        if runs and runs[-1][1] == t and runs[-1][2] == short:
            runs[-1][1] = t + 1
        else:
            runs.append([t, t + 1, short])
    return runs


def chart_data(plan: Plan) -> dict[str, Any]:
    """What the charts draw, as JSON-ready lists indexed into each other.

    Keys: ``unit`` (month, week or day), ``labels`` (the calendar label of each period),
    ``specialties``, ``colours`` (one per specialty), ``donors`` (``[id, name]``),
    ``recipients`` (``[id, name]``), ``experts`` (``[id, donor index, seniority]``, the
    posted ones), ``postings`` (``[expert, recipient, specialty, start, end]``, indices
    and ``[start, end)`` periods), ``gaps`` (``[recipient, specialty, from, to,
    demand, covered, wanted, weight, unmet runs]``).
    """
    s = plan.scenario
    h = s.horizon
    coverage = {(c.recipient, c.specialty): c for c in plan.coverage()}
    specialties = sorted({g.specialty for _, g in s.gaps} | {p.specialty for p in plan.postings})
    spec = {x: i for i, x in enumerate(specialties)}
    donors = {d.id: i for i, d in enumerate(s.donors)}
    recipients = {r.id: i for i, r in enumerate(s.recipients)}
    by_id = {e.id: e for e in s.experts}
    posted = sorted({p.expert for p in plan.postings}, key=lambda e: (by_id[e].donor, e))
    expert = {e: i for i, e in enumerate(posted)}
    gaps = []
    for r, g in s.gaps:
        c = coverage.get((r.id, g.specialty))
        by_month = c.by_month if c is not None else (0.0,) * h.months
        gaps.append(
            [
                recipients[r.id],
                spec[g.specialty],
                g.window[0],
                g.window[1],
                g.demand,
                round(c.covered_months, 3) if c is not None else 0,
                c.demand_months if c is not None else 0,
                g.weight,
                _unmet_runs(tuple(by_month), g.window, g.demand),
            ]
        )
    return {
        "unit": h.unit.value,
        "labels": [h.month_label(t) for t in range(h.months)],
        "specialties": specialties,
        "colours": [PALETTE[i % len(PALETTE)] for i in range(len(specialties))],
        "donors": [[d.id, d.name] for d in s.donors],
        "recipients": [[r.id, r.name] for r in s.recipients],
        "experts": [[e, donors[by_id[e].donor], by_id[e].seniority.label] for e in posted],
        "postings": [
            [expert[p.expert], recipients[p.recipient], spec[p.specialty], p.start, p.end]
            for p in sorted(plan.postings, key=lambda p: (p.start, p.expert))
        ],
        "gaps": gaps,
        "cividis": list(CIVIDIS),
    }


def data_script(plan: Plan) -> str:
    """The chart data as a ``<script type="application/json">`` element (``</`` kept out
    of it, so no name can end the element)."""
    text = json.dumps(chart_data(plan), ensure_ascii=False, separators=(",", ":"))
    return (
        '<script type="application/json" id="matchaid-chart-data">'
        + text.replace("</", "<\\/")
        + "</script>"
    )


def timeline_html() -> str:
    """The timeline's place in the page: the grouping buttons, a row filter, and the
    chart the script draws."""
    choices = "".join(
        f'<label><input type="radio" name="matchaid-group" value="{v}"{" checked" if v == "recipient" else ""}> {html.escape(v)}</label> '
        for v in ("recipient", "donor", "expert")
    )
    return (
        '<div class="chart-controls">Group by: '
        + choices
        + '<input type="search" class="chart-filter" placeholder="filter rows"></div>'
        '<div class="chart" data-chart="timeline" role="img" '
        'aria-label="Rotation timeline"></div>'
    )


def heatmap_html() -> str:
    """The heatmap's place in the page."""
    return '<div class="chart" data-chart="heatmap" role="img" aria-label="Share of demand covered"></div>'


#: Chart styles (the hover box, the controls, hatching of unmet periods).
CHART_STYLE = (
    ".chart{overflow-x:auto;margin:0.5em 0 1.5em}.chart svg{font-size:11px}"
    ".chart text{fill:#222}"
    ".chart-controls{margin:0.5em 0}.chart-controls label{margin-right:0.8em}"
    ".chart-legend{font-size:12px;margin:0.3em 0}.chart-legend span{margin-right:1em;"
    "white-space:nowrap}.chart-legend i{display:inline-block;width:12px;height:12px;"
    "margin-right:4px;vertical-align:-2px}"
    "#chart-tip{position:fixed;display:none;background:#fff;border:1px solid #888;"
    "padding:4px 8px;font-size:12px;pointer-events:none;max-width:420px;z-index:9;"
    "box-shadow:0 1px 4px rgba(0,0,0,.2)}"
)

#: Draws every ``<div data-chart>`` from the JSON data; see the module docstring.
CHART_SCRIPT = r"""
(function () {
var D = JSON.parse(document.getElementById('matchaid-chart-data').textContent);
var NS = 'http://www.w3.org/2000/svg', LANE = 14, HEAD = 18;
var tip = document.createElement('div'); tip.id = 'chart-tip'; document.body.appendChild(tip);
function el(name, attrs, parent) {
  var e = document.createElementNS(NS, name);
  for (var k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
function text(parent, x, y, s, attrs) {
  var t = el('text', attrs || {}, parent); t.setAttribute('x', x); t.setAttribute('y', y);
  t.textContent = s; return t;
}
function hover(e, lines) {
  e.addEventListener('mousemove', function (ev) {
    tip.textContent = ''; lines.forEach(function (l, i) {
      var d = document.createElement('div'); d.textContent = l;
      if (i === 0) d.style.fontWeight = 'bold'; tip.appendChild(d); });
    tip.style.display = 'block';
    tip.style.left = Math.min(ev.clientX + 12, window.innerWidth - 430) + 'px';
    tip.style.top = (ev.clientY + 14) + 'px';
  });
  e.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  e.dataset.tip = lines.join(' | ');
}
function width(s) {  // rough text width: CJK characters are wider
  var w = 0; for (var i = 0; i < s.length; i++) w += s.charCodeAt(i) > 0x2e80 ? 11.5 : 6.3;
  return w;
}
function period(a, b) {
  var n = b - a, last = D.labels[b - 1];
  return (n === 1 ? D.labels[a] : D.labels[a] + ' to ' + last) + ' (' + n + ' ' + D.unit + (n === 1 ? '' : 's') + ')';
}
function postingTip(p) {
  var e = D.experts[p[0]], d = D.donors[e[1]], r = D.recipients[p[1]];
  return [e[0] + ' (' + e[2].replace('_', ' ') + ')', 'donor: ' + d[1] + ' (' + d[0] + ')',
          'specialty: ' + D.specialties[p[2]], 'recipient: ' + r[1] + ' (' + r[0] + ')',
          period(p[3], p[4])];
}
function lanes(items) {  // interval partitioning: the first lane each item fits in
  var ends = [], out = [];
  items.forEach(function (p) {
    var k = 0; while (k < ends.length && ends[k] > p[3]) k++;
    ends[k] = p[4]; out.push(k);
  });
  return [out, Math.max(1, ends.length)];
}
var BY_EXPERT = {}, BY_GAP = {};  // each posting filed once: by expert, by gap
D.postings.forEach(function (p) {
  (BY_EXPERT[p[0]] = BY_EXPERT[p[0]] || []).push(p);
  (BY_GAP[p[1] + ',' + p[2]] = BY_GAP[p[1] + ',' + p[2]] || []).push(p);
});
function groups(by) {  // [{title, sub, rows: [{label, postings, gap}]}]
  var out = [];
  if (by === 'recipient') {
    D.recipients.forEach(function (r, ri) {
      var rows = [];
      D.gaps.forEach(function (g) {
        if (g[0] !== ri) return;
        rows.push({label: D.specialties[g[1]] + ' (' + g[4] + ')', gap: g,
          postings: BY_GAP[ri + ',' + g[1]] || []});
      });
      if (rows.length) out.push({title: r[1], sub: r[0], rows: rows});
    });
  } else if (by === 'donor') {
    D.donors.forEach(function (d, di) {
      var rows = [];
      D.experts.forEach(function (e, ei) {
        if (e[1] !== di) return;
        rows.push({label: e[0], postings: BY_EXPERT[ei] || []});
      });
      if (rows.length) out.push({title: d[1], sub: d[0], rows: rows});
    });
  } else {
    var rows = D.experts.map(function (e, ei) {
      return {label: e[0] + ' · ' + D.donors[e[1]][1],
              postings: BY_EXPERT[ei] || []};
    });
    out.push({title: 'experts posted: ' + rows.length, rows: rows});
  }
  return out;
}
function drawTimeline(div, by, filter) {
  var G = groups(by), T = D.labels.length, q = filter.toLowerCase();
  var step = Math.max(6, Math.min(32, Math.floor(760 / T))), label = 120;
  G = G.map(function (g) {
    var keep = g.title.toLowerCase().indexOf(q) >= 0 || (g.sub || '').toLowerCase().indexOf(q) >= 0;
    return {title: g.title, sub: g.sub, rows: keep ? g.rows : g.rows.filter(function (r) {
      return r.label.toLowerCase().indexOf(q) >= 0; })};
  }).filter(function (g) { return g.rows.length; });
  G.forEach(function (g) { g.rows.forEach(function (r) { label = Math.max(label, width(r.label) + 12); });
                           label = Math.max(label, Math.min(width(g.title) - T * step + 40, 420)); });
  label = Math.min(label, 420);
  var y = 34, x0 = label, items = [];
  G.forEach(function (g) {
    items.push({head: g, y: y}); y += HEAD;
    g.rows.forEach(function (r) {
      var L = lanes(r.postings), n = L[1] + (r.gap && r.gap[8].length ? 1 : 0);
      items.push({row: r, y: y, lane: L[0], n: n}); y += n * LANE + 4;
    });
  });
  var W = x0 + T * step + 10, svg = el('svg', {width: W, height: y + 10, viewBox: '0 0 ' + W + ' ' + (y + 10)});
  var every = Math.max(1, Math.ceil(48 / step));
  for (var t = 0; t <= T; t++) {
    if (t % every) continue;
    el('line', {x1: x0 + t * step, x2: x0 + t * step, y1: 28, y2: y, stroke: '#e4e4e4'}, svg);
    if (t < T) text(svg, x0 + t * step + 2, 22, D.labels[t], {'font-size': 10});
  }
  items.forEach(function (it) {
    if (it.head) {
      var h = text(svg, 4, it.y + 13, it.head.title, {'font-weight': 'bold'});
      if (it.head.sub) {
        var sub = el('tspan', {dx: 8, style: 'fill:#777;font-weight:normal'}, h);
        sub.textContent = it.head.sub;
      }
      el('line', {x1: 0, x2: W, y1: it.y + 1, y2: it.y + 1, stroke: '#bbb'}, svg);
      return;
    }
    var r = it.row;
    text(svg, 12, it.y + 11, r.label);
    if (r.gap) {
      var g = r.gap, bg = el('rect', {x: x0 + g[2] * step, y: it.y, width: (g[3] - g[2]) * step,
        height: it.n * LANE, fill: '#f2f2f2'}, svg);
      hover(bg, [D.specialties[g[1]] + ' at ' + D.recipients[g[0]][1], 'wanted: ' + g[4] + ' at a time, ' + period(g[2], g[3]),
                 'covered ' + g[5] + ' of ' + g[6] + ' expert-' + D.unit + 's, weight ' + g[7]]);
      g[8].forEach(function (u) {
        var box = el('rect', {x: x0 + u[0] * step, y: it.y + (it.n - 1) * LANE + 2, width: (u[1] - u[0]) * step,
          height: LANE - 4, fill: 'url(#unmet)', stroke: '#E69F00', 'data-kind': 'unmet'}, svg);
        hover(box, ['unmet: ' + D.specialties[g[1]] + ' at ' + D.recipients[g[0]][1],
                    u[2] + ' expert' + (u[2] === 1 ? '' : 's') + ' short, ' + period(u[0], u[1])]);
      });
    }
    r.postings.forEach(function (p, k) {
      var bx = x0 + p[3] * step, bw = (p[4] - p[3]) * step, by = it.y + it.lane[k] * LANE + 1;
      var bar = el('rect', {x: bx + 0.5, y: by, width: bw - 1, height: LANE - 2, rx: 2,
        fill: D.colours[p[2]], 'data-kind': 'posting'}, svg);
      hover(bar, postingTip(p));
      var name = by_name(p, r, bw);
      if (width(name) + 6 < bw) {
        text(svg, bx + 3, by + 10, name, {'font-size': 10, 'pointer-events': 'none',
             style: 'fill:' + (light(D.colours[p[2]]) ? '#000' : '#fff')});
      }
    });
  });
  var defs = el('defs', {}, svg), pat = el('pattern', {id: 'unmet', width: 6, height: 6,
    patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)'}, defs);
  el('rect', {width: 6, height: 6, fill: '#fbe3b4'}, pat);
  el('line', {x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#E69F00', 'stroke-width': 3}, pat);
  div.textContent = ''; div.appendChild(svg);
  div.dataset.rows = items.filter(function (it) { return it.row; }).length;
}
function by_name(p, r, room) {  // the words inside a bar: what the row does not say
  if (r.gap) return D.experts[p[0]][0];
  var rec = D.recipients[p[1]];
  return width(rec[1]) + 6 < room ? rec[1] : rec[0];
}
function legend(div) {  // the specialties' colours and the unmet hatching
  var used = {}, box = document.createElement('div');
  D.postings.forEach(function (p) { used[p[2]] = true; });
  box.className = 'chart-legend';
  Object.keys(used).map(Number).sort(function (a, b) {
    return D.specialties[a] < D.specialties[b] ? -1 : 1; }).concat([-1]).forEach(function (k) {
    var item = document.createElement('span'), swatch = document.createElement('i');
    swatch.style.background = k < 0 ? 'repeating-linear-gradient(45deg,#E69F00 0 3px,#fbe3b4 3px 6px)' : D.colours[k];
    item.appendChild(swatch); item.appendChild(document.createTextNode(k < 0 ? 'unmet' : D.specialties[k]));
    box.appendChild(item);
  });
  div.parentNode.insertBefore(box, div);
}
function light(hex) {  // dark words on a light bar
  var n = parseInt(hex.slice(1), 16);
  return 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255) > 150;
}
function colour(share) {
  var x = Math.max(0, Math.min(1, share)) * 10, i = Math.min(9, Math.floor(x));
  return x - i < 0.5 ? D.cividis[i] : D.cividis[i + 1];
}
function drawHeatmap(div) {
  var rows = [], cols = {}, cells = {};
  D.gaps.forEach(function (g) {
    if (rows.indexOf(g[0]) < 0) rows.push(g[0]);
    cols[g[1]] = true; cells[g[0] + ',' + g[1]] = g;
  });
  var C = Object.keys(cols).map(Number).sort(function (a, b) { return D.specialties[a] < D.specialties[b] ? -1 : 1; });
  var left = 0, top = 0, cell = 26;
  rows.forEach(function (r) { left = Math.max(left, width(D.recipients[r][1]) + 10); });
  C.forEach(function (c) { top = Math.max(top, width(D.specialties[c]) * 0.71 + 14); });
  // labels slant up and to the right (45 degrees): room for the last ones
  var W = left + C.length * cell + top, H = top + rows.length * cell + 10;
  var svg = el('svg', {width: W, height: H, viewBox: '0 0 ' + W + ' ' + H});
  C.forEach(function (c, j) {
    var x = left + j * cell + cell / 2;
    text(svg, x, top - 6, D.specialties[c], {transform: 'rotate(-45 ' + x + ' ' + (top - 6) + ')', 'data-kind': 'column'});
  });
  rows.forEach(function (r, i) {
    var y = top + i * cell;
    text(svg, 4, y + cell / 2 + 4, D.recipients[r][1]);
    C.forEach(function (c, j) {
      var g = cells[r + ',' + c], x = left + j * cell;
      if (!g) { el('rect', {x: x, y: y, width: cell - 1, height: cell - 1, fill: '#eee'}, svg); return; }
      var share = g[6] ? g[5] / g[6] : 1, box = el('rect', {x: x, y: y, width: cell - 1,
        height: cell - 1, fill: colour(share), 'data-kind': 'cell'}, svg);
      hover(box, [D.recipients[r][1] + ' · ' + D.specialties[c],
        'covered ' + g[5] + ' of ' + g[6] + ' expert-' + D.unit + 's (' + Math.round(100 * share) + '%)',
        'weight ' + g[7] + ', ' + g[8].length + ' unmet stretch' + (g[8].length === 1 ? '' : 'es')]);
      text(svg, x + cell / 2, y + cell / 2 + 4, Math.round(100 * share),
           {'text-anchor': 'middle', 'font-size': 9, style: light(colour(share)) ? 'fill:#000' : 'fill:#fff', 'pointer-events': 'none'});
    });
  });
  div.textContent = ''; div.appendChild(svg);
}
document.querySelectorAll('div[data-chart]').forEach(function (div) {
  if (div.dataset.chart === 'heatmap') drawHeatmap(div);
  else {
    var box = document.querySelector('.chart-filter');
    var by = function () { return document.querySelector('input[name=matchaid-group]:checked').value; };
    var redraw = function () { drawTimeline(div, by(), box.value.trim()); };
    document.querySelectorAll('input[name=matchaid-group]').forEach(function (b) { b.addEventListener('change', redraw); });
    box.addEventListener('input', redraw);
    legend(div);
    redraw();
  }
  div.dataset.drawn = 'true';
});
})();
"""
