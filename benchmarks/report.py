"""The benchmark report: ranking table, charts and the machine, as Markdown and HTML.

Built from ``results.json`` with :func:`build`; pictures need matplotlib. Ratios are to
the *best peer* of each instance: the best objective any peer (greedy, HiGHS, CP-SAT on
the whole model, flow) reached on it; time ratios compare a configuration's time to
proof with the fastest peer's to prove it (HiGHS or CP-SAT, median over a peer's solver
seeds), on instances both proved optimal.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from typing import Any

from matchaid.plots import new_figure, png_bytes
from matchaid.report import Figure, Report, Section
from matchaid.result import relative_gap


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def _seconds(r: dict[str, Any]) -> float:
    """The time a run is measured by: candidate generation + model build + search (not
    instance generation or interpreter start-up), the same for matchaid and its peers."""
    return float(r["build_seconds"]) + float(r["solve_seconds"])


def _proof_seconds(r: dict[str, Any]) -> float | None:
    """Build + search until proven (relative gap <= 1e-4), or ``None``."""
    if r["time_to_proof"] is None:
        return None
    return float(r["build_seconds"]) + float(r["time_to_proof"])


def _gap_at(r: dict[str, Any], seconds: float) -> tuple[float | None, float | None]:
    """``(objective, gap)`` of a matchaid run at ``seconds`` of measured time (build +
    search), from its trace; ``(None, None)`` if nothing was known by then."""
    known = [
        (obj, bound)
        for t, obj, bound in r["trace"]
        if float(r["build_seconds"]) + t <= seconds and obj is not None
    ]
    if not known:
        return None, None
    obj, bound = known[-1]
    return obj, None if bound is None else relative_gap(obj, bound)


def ranking(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (tier, configuration or peer) with the figures of the table."""
    best_peer: dict[tuple[str, int], float] = {}
    highs_time: dict[tuple[str, int], float] = {}  # the fastest proving peer's time
    for key in {(r["tier"], r["instance_seed"]) for r in records}:
        _, proof, objective = _best_peer(records, *key)
        if objective is not None:
            best_peer[key] = objective
        if proof is not None:
            highs_time[key] = proof
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[(r["tier"], r["config"])].append(r)
    rows = []
    for (tier, config), runs in groups.items():
        ratios = [
            r["objective"] / best_peer[(tier, r["instance_seed"])]
            for r in runs
            if r["objective"] is not None and best_peer.get((tier, r["instance_seed"]))
        ]
        time_ratios = [
            float(_proof_seconds(r) or 0.0) / highs_time[(tier, r["instance_seed"])]
            for r in runs
            if r["time_to_proof"] is not None and (tier, r["instance_seed"]) in highs_time
        ]
        gaps = [r["gap"] for r in runs if r["gap"] is not None]
        rows.append(
            {
                "tier": tier,
                "config": config,
                "kind": runs[0]["kind"],
                "runs": len(runs),
                "optimal": sum(r["status"] == "optimal" for r in runs),
                "valid": all(r["valid"] for r in runs),
                "objective_ratio": _median(ratios),
                "gap": _median(gaps),
                "time_to_proof": _median([p for r in runs if (p := _proof_seconds(r)) is not None]),
                "proven": sum(r["time_to_proof"] is not None for r in runs),
                "wall": _median([_seconds(r) for r in runs]),
                "time_ratio": _median(time_ratios),
                "build": _median([r["build_seconds"] for r in runs]),
                "candidates": _median([float(r["num_candidates"]) for r in runs]),
                "memory": _median([r["peak_memory_mb"] for r in runs]),
                "status": runs[0]["status"] if runs[0]["status"] == "n/a" else "",
            }
        )
    order = {t: i for i, t in enumerate(dict.fromkeys(r["tier"] for r in records))}
    rows.sort(
        key=lambda r: (
            order[r["tier"]],
            r["kind"] != "cp-sat",
            -(r["objective_ratio"] or 0),
            r["wall"] or 0,
        )
    )
    return rows


def table(rows: list[dict[str, Any]]) -> tuple[tuple[str, ...], ...]:
    head = (
        "tier",
        "configuration",
        "runs",
        "optimal",
        "objective / best peer",
        "median gap",
        "proven (gap <= 1e-4)",
        "median time to proof (s)",
        "median time (s)",
        "time / best peer",
        "median build (s)",
        "candidates",
        "peak MB",
        "all plans valid",
    )
    body = []
    for r in rows:
        if r["status"] == "n/a":
            continue
        name = r["config"] + (" (peer)" if r["kind"] == "peer" else "")
        body.append(
            (
                r["tier"],
                name,
                str(r["runs"]),
                f"{r['optimal']}/{r['runs']}",
                _fmt(r["objective_ratio"], ".4f"),
                "-" if r["gap"] is None else f"{100 * r['gap']:.2f}%",
                f"{r['proven']}/{r['runs']}",
                _fmt(r["time_to_proof"]),
                _fmt(r["wall"]),
                _fmt(r["time_ratio"]),
                _fmt(r["build"]),
                _fmt(r["candidates"], ".0f"),
                _fmt(r["memory"], ".0f"),
                "yes" if r["valid"] else "NO",
            )
        )
    return (head, *body)


def verdicts(rows: list[dict[str, Any]]) -> str:
    """Plain sentences: for each tier, the best configuration and whether a peer wins."""
    lines = []
    for tier in dict.fromkeys(r["tier"] for r in rows):
        mine = [r for r in rows if r["tier"] == tier and r["kind"] == "cp-sat"]
        peers = [r for r in rows if r["tier"] == tier and r["config"] in PROVING_PEERS]
        if not mine:
            continue
        best = max(
            mine, key=lambda r: ((r["objective_ratio"] or 0), r["optimal"], -(r["wall"] or 0))
        )
        text = (
            f"Tier {tier}: best configuration {best['config']} (objective {_fmt(best['objective_ratio'], '.4f')} "
            f"of the best peer, {best['optimal']}/{best['runs']} proven optimal, median time {_fmt(best['wall'])} s)."
        )
        greedy = next((r for r in rows if r["tier"] == tier and r["config"] == "greedy"), None)
        tied = (
            greedy is not None
            and (greedy["objective_ratio"] or 0) >= (best["objective_ratio"] or 0) - 1e-9
        )
        if tied:
            assert greedy is not None
            text += (
                f" The greedy baseline reaches the same objective in {_fmt(greedy['wall'])} s: at this time "
                "limit matchaid's search adds nothing to its starting plan."
            )
        winners = [
            p
            for p in peers
            if (p["objective_ratio"] or 0) > (best["objective_ratio"] or 0) + 1e-9
            or p["optimal"] / p["runs"] > best["optimal"] / best["runs"]
        ]
        for p in winners:
            text += f" {p['config']} wins here: {p['optimal']}/{p['runs']} proven optimal, median time {_fmt(p['wall'])} s."
        if not winners and best["time_ratio"] is not None and best["time_ratio"] > 1:
            text += f" A peer proves optimality faster (matchaid takes {best['time_ratio']:.2f}x its time)."
        elif not winners and not tied and peers:
            text += " No peer beats it."
        lines.append(text)
    return "\n".join(lines)


#: Issue 14's targets by tier size (tier ``m-overlap`` is size ``m``, structure ``overlap``):
#: size -> (target number, what it asks).
TARGETS = {
    "m": (
        3,
        "every structure and the rules on: proven optimal (gap <= 1e-4) within 120 s and in "
        "less time than the best peer, median over solver seeds",
    ),
    "l": (4, "every structure: gap <= 0.5% within 60 s, objective never below the best peer's"),
    "xl": (5, "gap <= 0.5% within 300 s, peak <= 8 GiB, build < 15% of wall"),
}

#: Peers that can prove optimality (the greedy baseline cannot).
PROVING_PEERS = ("highs", "cp_sat")


def _peer_proof(runs: list[dict[str, Any]]) -> float | None:
    """A peer's time to proof on one instance: the median over its runs if every run
    proved, else ``None``."""
    proofs = [_proof_seconds(r) for r in runs]
    if not proofs or any(p is None for p in proofs):
        return None
    return _median([p for p in proofs if p is not None])


def _best_peer(
    records: list[dict[str, Any]], tier: str, seed: int
) -> tuple[str | None, float | None, float | None]:
    """``(name, time to proof, best objective)`` of the peers on one instance: the
    fastest peer to prove, and the best objective any peer reached."""
    peers = [
        r
        for r in records
        if r["kind"] == "peer" and r["tier"] == tier and r["instance_seed"] == seed
    ]
    objective = max((r["objective"] for r in peers if r["objective"] is not None), default=None)
    timed = [
        (t, name)
        for name in PROVING_PEERS
        if (t := _peer_proof([r for r in peers if r["config"] == name])) is not None
    ]
    if not timed:
        return None, None, objective
    t, name = min(timed)
    return name, t, objective


def _target_row(
    number: int, runs: list[dict[str, Any]], peer: tuple[str | None, float | None, float | None]
) -> tuple[bool, tuple[str, str, str]]:
    """Whether one instance meets its target, and the table's three figures."""
    name, peer_s, peer_obj = peer
    if number == 3:
        proofs = [_proof_seconds(r) for r in runs]
        mine_s = _median([p for p in proofs if p is not None]) if None not in proofs else None
        ratio = mine_s / peer_s if mine_s is not None and peer_s else None
        met = (
            mine_s is not None
            and mine_s <= 120
            and (peer_s is None or mine_s < peer_s)
            and all(r["valid"] for r in runs)
        )
        return met, (
            f"{_fmt(mine_s)} s to proof (median of {len(runs)})"
            if mine_s is not None
            else f"not proven in {runs[0]['time_limit']:g} s",
            f"{name} {_fmt(peer_s)} s" if peer_s is not None else "no peer proved it",
            f"time ratio {_fmt(ratio)}",
        )
    budget, limit = (60.0, 0.005) if number == 4 else (300.0, 0.005)
    at = [_gap_at(r, budget) for r in runs]
    objs = [o for o, _ in at if o is not None]
    gaps = [g for _, g in at if g is not None]
    obj = _median(objs) if len(objs) == len(runs) else None
    gap = _median(gaps) if len(gaps) == len(runs) else None
    met = (
        gap is not None
        and gap <= limit
        and all(r["valid"] for r in runs)
        and (peer_obj is None or (obj is not None and obj >= peer_obj - 1e-9))
    )
    figure = f"objective ratio {_fmt(obj / peer_obj if obj and peer_obj else None, '.4f')}"
    if number == 5:
        r = runs[0]
        share = float(r["build_seconds"]) / max(_seconds(r), 1e-9)
        met = met and r["peak_memory_mb"] <= 8192 and share < 0.15
        figure += f"; build {100 * share:.1f}% of {_fmt(_seconds(r))} s, peak {r['peak_memory_mb']:.0f} MB"
    return met, (
        f"objective {_fmt(obj, '.0f')}, gap {_pct(gap)} at {budget:g} s (median of {len(runs)})",
        f"best peer objective {_fmt(peer_obj, '.0f')}",
        figure,
    )


def targets(records: list[dict[str, Any]]) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """Issue 14's targets, checked instance by instance on the ``default``
    configuration against the best peer: a verdict text and a table."""
    mine = [r for r in records if r["config"] == "default"]
    head = (
        "target",
        "tier",
        "instance",
        "matchaid (default)",
        "best peer",
        "ratio / figure",
        "met",
    )
    body: list[tuple[str, ...]] = []
    missed: dict[int, list[str]] = defaultdict(list)
    checked: dict[int, int] = defaultdict(int)
    for tier in dict.fromkeys(r["tier"] for r in mine):
        size = tier.split("-")[0]
        if size not in TARGETS:
            continue
        number, _ = TARGETS[size]
        for seed in sorted({r["instance_seed"] for r in mine if r["tier"] == tier}):
            runs = [r for r in mine if r["tier"] == tier and r["instance_seed"] == seed]
            met, row = _target_row(number, runs, _best_peer(records, tier, seed))
            checked[number] += 1
            body.append((str(number), tier, str(seed), *row, "yes" if met else "NO"))
            if not met:
                missed[number].append(f"{tier} seed {seed}")
    lines = []
    for number in sorted(checked):
        what = next(text for n, text in TARGETS.values() if n == number)
        if missed[number]:
            lines.append(
                f"Target {number} ({what}): NOT met on {', '.join(missed[number])} "
                f"({len(missed[number])} of {checked[number]} instances)."
            )
        else:
            lines.append(f"Target {number} ({what}): met on all {checked[number]} instances.")
    return "\n".join(lines), (head, *body)


def _pct(gap: float | None) -> str:
    return "unknown" if gap is None else f"{100 * gap:.2f}%"


def trace_chart(records: list[dict[str, Any]], tier: str) -> bytes:
    """Objective (solid) and bound (dashed) over time per configuration, first instance."""
    seed = min(r["instance_seed"] for r in records if r["tier"] == tier)
    fig = new_figure(10, 4.5)
    ax = fig.add_subplot()
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    runs = [
        r
        for r in records
        if r["tier"] == tier
        and r["instance_seed"] == seed
        and r["kind"] == "cp-sat"
        and r["solver_seed"] == min(x["solver_seed"] for x in records)
    ]
    for i, r in enumerate(runs):
        for k, style, what in ((1, "-", "objective"), (2, "--", "bound")):
            t = [p[0] for p in r["trace"] if p[k] is not None]
            v = [p[k] for p in r["trace"] if p[k] is not None]
            ax.step(
                t, v, where="post", color=cmap(i), linestyle=style, label=f"{r['config']} {what}"
            )
            if t:  # the last point marked: a run proven at its first report is one point
                ax.plot(t[-1:], v[-1:], color=cmap(i), marker="o" if k == 1 else "x")
    for r in records:
        if (
            r["tier"] == tier
            and r["instance_seed"] == seed
            and r["config"] == "highs"
            and r["objective"] is not None
        ):
            ax.axhline(
                r["objective"],
                color="black",
                linewidth=0.8,
                linestyle=":",
                label="HiGHS final objective",
            )
    ax.set_xscale("symlog", linthresh=0.1)
    ax.set_xlim(left=0)  # the symlog scale's margin would show negative seconds
    ax.set_xlabel("seconds of search")
    ax.set_ylabel("weighted covered expert-months")
    ax.set_title(f"Tier {tier}, instance seed {seed}: objective and bound over time")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return png_bytes(fig)


def proof_chart(rows: list[dict[str, Any]]) -> bytes:
    """Median wall time by tier, for configurations and HiGHS (proven runs marked)."""
    tiers = list(dict.fromkeys(r["tier"] for r in rows))
    names = list(
        dict.fromkeys(r["config"] for r in rows if r["kind"] == "cp-sat" or r["config"] == "highs")
    )
    fig = new_figure(8, 4)
    ax = fig.add_subplot()
    width = 0.8 / max(len(names), 1)
    shown = []
    for i, name in enumerate(names):
        values = []
        for t in tiers:
            row = next((r for r in rows if r["tier"] == t and r["config"] == name), None)
            values.append(row["wall"] if row and row["wall"] else 0)
        ax.bar([k + i * width for k in range(len(tiers))], values, width=width, label=name)
        shown += [v for v in values if v > 0]
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(tiers))], tiers)
    ax.set_yscale("log")
    if shown:  # bars from a whole decade below the shortest: 30 s against 40 s is not ~0
        ax.set_ylim(bottom=10 ** math.floor(math.log10(min(shown))))
    ax.set_ylabel("median seconds (build + search)")
    ax.set_title("Time by tier (a run that hits the time limit shows the limit)")
    ax.legend(fontsize=8)
    return png_bytes(fig)


def _structure(tier: str) -> str:
    """``m-overlap-rules`` -> ``overlap-rules``; a plain size tier is ``province``
    (required pairings by province, the generator's default)."""
    return tier.partition("-")[2] or "province"


def scaling_chart(records: list[dict[str, Any]]) -> bytes:
    """Build (circles) and search (crosses) time against candidate count (log-log),
    matchaid's default configuration, one colour per generator structure."""
    from matplotlib import colormaps

    mine = [r for r in records if r["kind"] == "cp-sat"]
    if any(r["config"] == "default" for r in mine):  # else every configuration
        mine = [r for r in mine if r["config"] == "default"]
    cmap = colormaps["tab10"]
    fig = new_figure(8, 4.5)
    ax = fig.add_subplot()
    for i, structure in enumerate(sorted({_structure(r["tier"]) for r in mine})):
        runs = [r for r in mine if _structure(r["tier"]) == structure]
        x = [r["num_candidates"] for r in runs]
        ax.scatter(
            x,
            [r["build_seconds"] for r in runs],
            color=cmap(i % 10),
            marker="o",
            label=f"{structure}: build",
        )
        ax.scatter(
            x,
            [r["solve_seconds"] for r in runs],
            color=cmap(i % 10),
            marker="x",
            label=f"{structure}: search",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("candidate postings")
    ax.set_ylabel("seconds")
    ax.set_title("Cost against problem size, by structure")
    if mine:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return png_bytes(fig)


def build(results: dict[str, Any], pictures: bool = True) -> Report:
    records = results["records"]
    rows = ranking(records)
    m = results["machine"]
    grid = results["grid"]
    machine_rows = (("item", "value"), *((k, str(v)) for k, v in m.items()))
    protocol = (
        f"Tiers {', '.join(grid['tiers'])}; instance seeds {grid['instance_seeds']}; solver seeds "
        f"{grid['solver_seeds']}; time limit {grid['time_limit']:g} s per run for every configuration and peer"
        + "".join(
            f"; tier {t}: " + ", ".join(f"{k} {v}" for k, v in o.items())
            for t, o in grid.get("tier_settings", {}).items()
        )
        + ". "
        "Objective ratio: objective / best objective any peer reached on the instance (median over runs). "
        "Time: candidate generation + model build + search (instance generation and start-up excluded), "
        "for matchaid and peers alike. Proven: relative gap <= 1e-4 (HiGHS's default MIP gap) or a proof; "
        "time to proof: build + search until then. Time / best peer: time to proof over the fastest "
        "peer's (HiGHS or CP-SAT), on instances both proved."
    )
    figures_perf: tuple[Figure, ...] = ()
    figures_scale: tuple[Figure, ...] = ()
    if pictures:
        traced = [
            t
            for t in dict.fromkeys(r["tier"] for r in records)
            if any(r["tier"] == t and r["kind"] == "cp-sat" for r in records)
        ]
        figures_perf = (
            *(
                Figure(f"Objective and bound over time, tier {t}", trace_chart(records, t))
                for t in traced
            ),
            Figure("Median time by tier", proof_chart(rows)),
        )
        figures_scale = (
            Figure("Build and search time against candidate count", scaling_chart(records)),
        )
    target_text, target_table = targets(records)
    target_sections = (
        (Section("Targets", text=target_text, table=target_table),) if len(target_table) > 1 else ()
    )
    return Report(
        title="matchaid benchmark",
        sections=(
            *target_sections,
            Section("Ranking", text=protocol + "\n\n" + verdicts(rows), table=table(rows)),
            Section("Search over time", figures=figures_perf),
            Section("Scaling", figures=figures_scale),
            Section("Machine", table=machine_rows),
        ),
    )
