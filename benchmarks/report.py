"""The benchmark report: ranking table, charts and the machine, as Markdown and HTML.

Built from ``results.json`` with :func:`build`; pictures need matplotlib. Ratios are to
the *best peer* of each instance: the best objective any peer (greedy, HiGHS, flow)
reached on it; time ratios compare a configuration's time to proof with HiGHS's, on
instances both proved optimal.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from matchaid.plots import new_figure, png_bytes
from matchaid.report import Figure, Report, Section


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def _seconds(r: dict[str, Any]) -> float:
    """The time a run is measured by: candidate generation + model build + search (not
    instance generation or interpreter start-up), the same for matchaid and its peers."""
    return float(r["build_seconds"]) + float(r["solve_seconds"])


def ranking(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (tier, configuration or peer) with the figures of the table."""
    best_peer: dict[tuple[str, int], float] = {}
    highs_time: dict[tuple[str, int], float] = {}
    for r in records:
        key = (r["tier"], r["instance_seed"])
        if r["kind"] == "peer" and r["objective"] is not None:
            best_peer[key] = max(best_peer.get(key, float("-inf")), r["objective"])
        if r["config"] == "highs" and r["time_to_proof"] is not None:
            highs_time[key] = _seconds(r)
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
            _seconds(r) / highs_time[(tier, r["instance_seed"])]
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
                "time_to_proof": _median(
                    [r["time_to_proof"] for r in runs if r["time_to_proof"] is not None]
                ),
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
        "median time to proof (s)",
        "median time (s)",
        "time / HiGHS",
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
        highs = next((r for r in rows if r["tier"] == tier and r["config"] == "highs"), None)
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
        if highs is not None:
            if (highs["objective_ratio"] or 0) > (best["objective_ratio"] or 0) + 1e-9 or (
                highs["optimal"] > best["optimal"]
            ):
                text += f" HiGHS wins here: {highs['optimal']}/{highs['runs']} proven optimal, median time {_fmt(highs['wall'])} s."
            elif best["time_ratio"] is not None and best["time_ratio"] > 1:
                text += f" HiGHS proves optimality faster (matchaid takes {best['time_ratio']:.2f}x its time)."
            elif not tied:
                text += " No peer beats it."
        lines.append(text)
    return "\n".join(lines)


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
        t = [p[0] for p in r["trace"] if p[1] is not None]
        ax.step(
            t,
            [p[1] for p in r["trace"] if p[1] is not None],
            where="post",
            color=cmap(i),
            label=f"{r['config']} objective",
        )
        tb = [p[0] for p in r["trace"] if p[2] is not None]
        ax.step(
            tb,
            [p[2] for p in r["trace"] if p[2] is not None],
            where="post",
            color=cmap(i),
            linestyle="--",
            label=f"{r['config']} bound",
        )
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
    for i, name in enumerate(names):
        values = []
        for t in tiers:
            row = next((r for r in rows if r["tier"] == t and r["config"] == name), None)
            values.append(row["wall"] if row and row["wall"] else 0)
        ax.bar([k + i * width for k in range(len(tiers))], values, width=width, label=name)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(tiers))], tiers)
    ax.set_yscale("log")
    ax.set_ylabel("median seconds (build + search)")
    ax.set_title("Time by tier (a run that hits the time limit shows the limit)")
    ax.legend(fontsize=8)
    return png_bytes(fig)


def scaling_chart(records: list[dict[str, Any]]) -> bytes:
    """Build and search time against candidate count (log-log), matchaid runs."""
    mine = [r for r in records if r["kind"] == "cp-sat"]
    fig = new_figure(7, 4.5)
    ax = fig.add_subplot()
    ax.scatter(
        [r["num_candidates"] for r in mine],
        [r["build_seconds"] for r in mine],
        label="model build",
        marker="o",
    )
    ax.scatter(
        [r["num_candidates"] for r in mine],
        [r["solve_seconds"] for r in mine],
        label="search",
        marker="x",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("candidate postings")
    ax.set_ylabel("seconds")
    ax.set_title("Cost against problem size")
    ax.legend()
    return png_bytes(fig)


def build(results: dict[str, Any], pictures: bool = True) -> Report:
    records = results["records"]
    rows = ranking(records)
    m = results["machine"]
    grid = results["grid"]
    machine_rows = (("item", "value"), *((k, str(v)) for k, v in m.items()))
    protocol = (
        f"Tiers {', '.join(grid['tiers'])}; instance seeds {grid['instance_seeds']}; solver seeds "
        f"{grid['solver_seeds']}; time limit {grid['time_limit']:g} s per run for every configuration and peer. "
        "Objective ratio: objective / best objective any peer reached on the instance (median over runs). "
        "Time: candidate generation + model build + search (instance generation and start-up excluded), "
        "for matchaid and peers alike. Time / HiGHS: that time over HiGHS's, on instances both proved optimal."
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
    return Report(
        title="matchaid benchmark",
        sections=(
            Section("Ranking", text=protocol + "\n\n" + verdicts(rows), table=table(rows)),
            Section("Search over time", figures=figures_perf),
            Section("Scaling", figures=figures_scale),
            Section("Machine", table=machine_rows),
        ),
    )
