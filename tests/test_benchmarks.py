"""The smoke benchmark: a tiny grid runs and produces every output file. Timings are
never asserted here (benchmarks are not tests)."""

from __future__ import annotations

import concurrent.futures as cf
import json
from pathlib import Path
from typing import Any

import pytest

import matchaid
from benchmarks.__main__ import main as bench_main
from benchmarks.runner import load_grid, run

ROOT = Path(__file__).parents[1]
SMOKE = ROOT / "benchmarks" / "grids" / "smoke.toml"


def test_smoke_grid_produces_every_output(tmp_path: Path) -> None:
    assert bench_main(["run", str(SMOKE), "--out", str(tmp_path)]) == 0
    assert bench_main(["report", str(tmp_path / "results.json")]) == 0
    assert {p.name for p in tmp_path.iterdir()} == {
        "results.json",
        "results.csv",
        "report.md",
        "report.html",
    }
    results = json.loads((tmp_path / "results.json").read_text())
    records = results["records"]
    grid = load_grid(SMOKE)
    assert len(records) == len(grid.expand())
    assert {"cores", "ortools", "python"} <= results["machine"].keys()
    for r in records:
        assert r["valid"], r
        if r["status"] != "n/a":
            assert (
                r["objective"] is not None and r["num_candidates"] > 0 and r["peak_memory_mb"] > 0
            )
        if r["kind"] == "cp-sat":
            assert r["trace"] and r["time_to_first"] is not None
    # the network-flow peer is exact where it applies, and every optimum agrees with it
    flows = {
        r["instance_seed"]: r["objective"]
        for r in records
        if r["config"] == "flow" and r["tier"] == "xs-flow"
    }
    for r in records:
        if r["tier"] == "xs-flow" and r["status"] == "optimal":
            assert r["objective"] == pytest.approx(flows[r["instance_seed"]])
    report = (tmp_path / "report.md").read_text()
    for heading in ("## Ranking", "## Search over time", "## Scaling", "## Machine"):
        assert heading in report
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 4  # two traces, time by tier, scaling
    csv_lines = (tmp_path / "results.csv").read_text().splitlines()
    assert (
        csv_lines[0].startswith("tier,instance_seed,config") and len(csv_lines) == len(records) + 1
    )


def test_runner_takes_any_executor(tmp_path: Path) -> None:
    grid = load_grid(SMOKE)
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        records = run(grid, tmp_path, executor=pool, progress=False)
    assert len(records) == len(grid.expand()) and all(r["valid"] for r in records)


def test_bad_grid_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('tiers = ["s", "huge"]\npeers = ["cplex"]\n[configs.x]\nworkers = -1\n')
    with pytest.raises(matchaid.ParamsError) as info:
        load_grid(bad)
    text = str(info.value)
    assert "unknown tier 'huge'" in text and "unknown peer 'cplex'" in text
    assert "configs.x.workers: must be a whole number from 0 to 4096" in text


def test_tier_settings_override_the_grid_per_tier(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text(
        'tiers = ["xs", "s"]\ninstance_seeds = [1, 2]\nsolver_seeds = [0, 1]\n'
        'time_limit = 5\npeers = ["greedy"]\n[configs.default]\n'
        "[tier_settings.s]\ntime_limit = 9\ninstance_seeds = [3]\nsolver_seeds = [0]\npeers = []\n"
    )
    jobs = load_grid(path).expand()
    xs = [j for j in jobs if j.tier == "xs"]
    s = [j for j in jobs if j.tier == "s"]
    assert len(xs) == 2 * (1 + 2) and {j.time_limit for j in xs} == {5.0}
    assert [(j.instance_seed, j.config, j.solver_seed, j.time_limit) for j in s] == [
        (3, "default", 0, 9.0)
    ]
    path.write_text(
        'tiers = ["xs"]\n[tier_settings.m]\ntime_limit = 1\n[tier_settings.xs]\njobs = 2\n'
    )
    with pytest.raises(matchaid.ParamsError) as info:
        load_grid(path)
    assert "tier_settings.m: not a tier of the grid" in str(info.value)
    assert "tier_settings.xs.jobs: not a per-tier setting" in str(info.value)


def test_grid_runs_on_a_local_dask_cluster_on_loopback(tmp_path: Path) -> None:
    """The same grid on Dask (the 'distributed' extra), scheduler and worker on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        assert (
            bench_main(
                ["run", str(SMOKE), "--out", str(tmp_path), "--dask", cluster.scheduler_address]
            )
            == 0
        )
    records = json.loads((tmp_path / "results.json").read_text())["records"]
    assert len(records) == len(load_grid(SMOKE).expand()) and all(r["valid"] for r in records)


def _record(config: str, tier: str, seed: int = 1, **kw: Any) -> dict[str, Any]:
    base = {
        "config": config,
        "kind": "cp-sat" if config == "default" else "peer",
        "tier": tier,
        "instance_seed": seed,
        "solver_seed": kw.pop("solver_seed", 0),
        "status": "optimal",
        "objective": 100.0,
        "best_bound": 100.0,
        "gap": 0.0,
        "build_seconds": 1.0,
        "solve_seconds": 4.0,
        "time_to_proof": 4.0,
        "time_limit": 120,
        "valid": True,
        "peak_memory_mb": 100.0,
        "trace": [[4.0, 100.0, 100.0]],
        "num_candidates": 1000,
    }
    base.update(kw)
    return base


def test_target_verdicts_compare_with_the_fastest_proving_peer() -> None:
    from benchmarks.report import targets

    records = [
        # m-none: matchaid proves in 5 s (median of 3); HiGHS in 9 s; CP-SAT in 4 s once
        # and unproven once, so it has no time to proof: the best peer is HiGHS -> met
        *(
            _record("default", "m-none", solver_seed=k, time_to_proof=t)
            for k, t in enumerate((4.0, 3.0, 9.0))
        ),
        _record("highs", "m-none", time_to_proof=8.0),
        _record("cp_sat", "m-none", time_to_proof=3.0),
        _record("cp_sat", "m-none", solver_seed=1, time_to_proof=None, status="feasible"),
        # m-rules: CP-SAT proves in 2 s, faster than matchaid's 5 s -> not met
        _record("default", "m-rules"),
        _record("cp_sat", "m-rules", time_to_proof=1.0),
        # l-overlap: gap 0.2% at 60 s, but below the best peer's objective -> not met
        _record(
            "default", "l-overlap", status="feasible", objective=99.0, trace=[[10.0, 99.0, 99.2]]
        ),
        _record("highs", "l-overlap", objective=99.5, status="feasible"),
    ]
    text, table = targets(records)
    met = {(row[1], row[2]): row[-1] for row in table[1:]}
    assert met == {("m-none", "1"): "yes", ("m-rules", "1"): "NO", ("l-overlap", "1"): "NO"}
    assert "Target 3" in text and "NOT met on m-rules seed 1" in text
    assert "Target 4" in text and "NOT met on l-overlap seed 1" in text


def test_peer_seeds_set_how_often_the_seeded_peers_run(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text(
        'tiers = ["xs"]\nsolver_seeds = [0, 1, 2]\npeer_seeds = [0]\n'
        'peers = ["greedy", "highs", "cp_sat"]\n[configs.default]\n'
    )
    jobs = load_grid(path).expand()
    runs = {c: [j.solver_seed for j in jobs if j.config == c] for c in {j.config for j in jobs}}
    assert runs == {"greedy": [0], "highs": [0], "cp_sat": [0], "default": [0, 1, 2]}


def test_a_grid_stopped_half_way_keeps_what_it_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """results.json is rewritten after every run: a failure (or a kill) later keeps it."""
    import benchmarks.runner as runner

    real = runner.run_job
    calls: list[object] = []

    def flaky(job: Any) -> dict[str, Any]:
        calls.append(job)
        if len(calls) > 1:
            raise RuntimeError("the machine went away")
        return real(job)

    monkeypatch.setattr(runner, "run_job", flaky)
    path = tmp_path / "grid.toml"
    path.write_text('tiers = ["xs"]\npeers = ["greedy"]\n[configs.default]\n')
    with cf.ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(RuntimeError):
        run(load_grid(path), tmp_path / "out", executor=pool, progress=False)
    records = json.loads((tmp_path / "out" / "results.json").read_text())["records"]
    assert [r["config"] for r in records] == ["greedy"]
    assert (tmp_path / "out" / "results.csv").read_text().count("\n") == 2


def test_a_run_proven_at_its_first_report_shows_in_the_search_chart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A trace of one point (tier m-overlap: proven before the first progress report)
    draws no step at all; its last point is marked so the run is seen."""
    import benchmarks.report as report

    figures: list[Any] = []
    monkeypatch.setattr(report, "png_bytes", lambda fig: figures.append(fig) or b"")
    record = {
        "tier": "m-overlap",
        "instance_seed": 1,
        "kind": "cp-sat",
        "solver_seed": 0,
        "config": "default",
        "trace": [[0.27, 22015.0, 22015.0]],
        "objective": 22015.0,
    }
    report.trace_chart([record], "m-overlap")
    marked = [
        (line.get_marker(), list(line.get_xdata()), list(line.get_ydata()))
        for line in figures[0].axes[0].get_lines()
        if line.get_marker() not in ("None", None, "")
    ]
    assert ("o", [0.27], [22015.0]) in marked  # the objective
    assert ("x", [0.27], [22015.0]) in marked  # the bound
