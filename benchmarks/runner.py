"""Run a benchmark grid: instances x seeds x configurations, plus the peers.

A grid is a TOML file (see ``benchmarks/grids/``)::

    tiers = ["s", "m-overlap"]    # generator tiers with variants (matchaid.generate.tier_params)
    instance_seeds = [1, 2, 3]
    solver_seeds = [0]
    time_limit = 60               # seconds per run, for every configuration and peer
    peers = ["greedy", "highs", "cp_sat", "flow"]

    [configs.default]             # SolveParams fields; tiers = [...] limits a config
    [configs.lp2-1w]
    workers = 1
    cp_sat = { linearization_level = 2 }

    [tier_settings.xl]            # per-tier overrides of the four settings above
    time_limit = 300
    instance_seeds = [1]
    peers = []

Each job regenerates its instance from (tier, seed) inside the worker, so jobs are small
to ship to any :class:`concurrent.futures.Executor` (a local process pool by default,
one job per core, or a Dask cluster). Every plan is re-checked by
:func:`matchaid.validate`; a run whose plan fails is recorded with ``valid = False``.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import platform
import resource
import time
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import matchaid
from matchaid.candidates import generate_candidates
from matchaid.generate import generate, tier_params
from matchaid.io import write_json, write_text_atomic
from matchaid.result import relative_gap

PEERS = ("greedy", "highs", "cp_sat", "flow")
#: Peers with a random seed: run once per solver seed, as matchaid's configurations.
SEEDED_PEERS = frozenset({"highs", "cp_sat"})


@dataclass(frozen=True)
class Job:
    """One run: a solver configuration (or a peer) on one generated instance."""

    tier: str
    instance_seed: int
    config: str
    params: dict[str, Any] = field(default_factory=dict)  # SolveParams fields; empty for peers
    solver_seed: int = 0
    time_limit: float = 60.0
    peer: str | None = None


@dataclass(frozen=True)
class Grid:
    tiers: tuple[str, ...]
    instance_seeds: tuple[int, ...]
    solver_seeds: tuple[int, ...]
    time_limit: float
    peers: tuple[str, ...]
    configs: dict[str, dict[str, Any]]
    jobs: int = 0
    tier_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Solver seeds of the seeded peers (HiGHS, CP-SAT); ``None``: :attr:`solver_seeds`.
    peer_seeds: tuple[int, ...] | None = None

    def setting(self, tier: str, name: str) -> Any:
        """A grid setting for ``tier``: its override in ``tier_settings`` or the grid's."""
        value = self.tier_settings.get(tier, {}).get(name, getattr(self, name))
        return float(value) if name == "time_limit" else tuple(value)

    def expand(self) -> list[Job]:
        """Every job of the grid, peers first for each instance."""
        out = []
        for tier in self.tiers:
            limit = self.setting(tier, "time_limit")
            for seed in self.setting(tier, "instance_seeds"):
                for peer in self.setting(tier, "peers"):
                    seeds = (
                        (self.peer_seeds or self.setting(tier, "solver_seeds"))
                        if peer in SEEDED_PEERS
                        else (0,)
                    )
                    for solver_seed in seeds:
                        out.append(
                            Job(tier, seed, peer, {}, solver_seed, time_limit=limit, peer=peer)
                        )
                for name, cfg in self.configs.items():
                    if "tiers" in cfg and tier not in cfg["tiers"]:
                        continue
                    params = {k: v for k, v in cfg.items() if k != "tiers"}
                    for solver_seed in self.setting(tier, "solver_seeds"):
                        out.append(Job(tier, seed, name, params, solver_seed, limit))
        return out


#: The relative gap at which a run counts as proven optimal: HiGHS's default MIP gap.
PROOF_GAP = 1e-4


def _time_to_proof(result: matchaid.Result) -> float | None:
    """Search seconds until the relative gap of the reported objective first fell to
    :data:`PROOF_GAP` (from the trace), or until CP-SAT proved optimality."""
    times = [
        t
        for t, obj, bound in result.trace
        if obj is not None and bound is not None and relative_gap(obj, bound) <= PROOF_GAP
    ]
    if result.status is matchaid.SolveStatus.OPTIMAL or result.gap <= PROOF_GAP:
        times.append(result.solve_seconds)
    return min(times) if times else None


def load_grid(path: str | os.PathLike[str]) -> Grid:
    """Read a grid TOML file (unknown keys, tiers, peers and settings are errors)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    known = {
        "tiers",
        "instance_seeds",
        "solver_seeds",
        "time_limit",
        "peers",
        "configs",
        "jobs",
        "tier_settings",
        "peer_seeds",
    }
    unknown = set(data) - known
    if unknown:
        raise matchaid.ParamsError(
            str(path), [matchaid.Problem(k, "unknown grid key") for k in sorted(unknown)]
        )
    grid = Grid(
        tiers=tuple(data.get("tiers", ["xs"])),
        instance_seeds=tuple(data.get("instance_seeds", [1])),
        solver_seeds=tuple(data.get("solver_seeds", [0])),
        time_limit=float(data.get("time_limit", 60)),
        peers=tuple(data.get("peers", PEERS)),
        configs=dict(data.get("configs", {"default": {}})),
        jobs=int(data.get("jobs", 0)),
        tier_settings=dict(data.get("tier_settings", {})),
        peer_seeds=tuple(data["peer_seeds"]) if "peer_seeds" in data else None,
    )
    problems = []
    for t in grid.tiers:
        try:
            tier_params(t)
        except matchaid.ParamsError as exc:
            problems += [matchaid.Problem("tiers", p.message) for p in exc.problems]
    problems += [
        matchaid.Problem("peers", f"unknown peer {p!r}") for p in grid.peers if p not in PEERS
    ]
    overridable = {"time_limit", "instance_seeds", "solver_seeds", "peers"}
    for tier, settings in grid.tier_settings.items():
        if tier not in grid.tiers:
            problems.append(matchaid.Problem(f"tier_settings.{tier}", "not a tier of the grid"))
        problems += [
            matchaid.Problem(f"tier_settings.{tier}.{k}", "not a per-tier setting")
            for k in settings
            if k not in overridable
        ]
        problems += [
            matchaid.Problem(f"tier_settings.{tier}.peers", f"unknown peer {p!r}")
            for p in settings.get("peers", [])
            if p not in PEERS
        ]
    for name, cfg in grid.configs.items():
        try:
            matchaid.SolveParams.from_mapping({k: v for k, v in cfg.items() if k != "tiers"})
        except matchaid.ParamsError as exc:
            problems += [
                matchaid.Problem(f"configs.{name}.{p.path}", p.message) for p in exc.problems
            ]
    if problems:
        raise matchaid.ParamsError(str(path), problems)
    return grid


def instance(tier: str, seed: int) -> matchaid.Scenario:
    """The generated instance of a grid tier (a size with variants: ``"s-flow"``, tier s
    without side rules; ``"m-overlap"``, see :func:`matchaid.generate.tier_params`)."""
    return generate(tier_params(tier), seed=seed)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_job(job: Job) -> dict[str, Any]:
    """Run one job and return its record (a plain dict, JSON-ready)."""
    from benchmarks import peers

    t0 = time.perf_counter()
    scenario = instance(job.tier, job.instance_seed)
    record: dict[str, Any] = {
        "tier": job.tier,
        "instance_seed": job.instance_seed,
        "config": job.config,
        "kind": "peer" if job.peer else "cp-sat",
        "solver_seed": job.solver_seed,
        "time_limit": job.time_limit,
        "num_experts": len(scenario.experts),
        "num_recipients": len(scenario.recipients),
    }
    if job.peer:
        t_cand = time.perf_counter()
        cands = generate_candidates(scenario)
        cand_seconds = time.perf_counter() - t_cand
        res = {
            "greedy": lambda: peers.solve_greedy(cands),
            "highs": lambda: peers.solve_highs(cands, job.time_limit, job.solver_seed),
            "cp_sat": lambda: peers.solve_cp_sat(cands, job.time_limit, 2, job.solver_seed),
            "flow": lambda: peers.solve_flow(cands),
        }[job.peer]()
        plan = res.plan
        record.update(
            status=res.status,
            objective=res.objective,
            best_bound=res.best_bound,
            build_seconds=cand_seconds + res.build_seconds,
            solve_seconds=res.solve_seconds,
            num_candidates=len(cands),
            note=res.note,
            time_to_first=res.solve_seconds if res.objective is not None else None,
            time_to_best=res.solve_seconds if res.objective is not None else None,
            time_to_proof=res.solve_seconds if res.status == "optimal" else None,
            trace=[],
        )
    else:
        params = matchaid.SolveParams.from_mapping(
            {**job.params, "time_limit": job.time_limit, "seed": job.solver_seed}
        )
        result = matchaid.solve(scenario, params)
        plan = result.plan
        trace = [list(t) for t in result.trace]
        first = next((t for t, obj, _ in result.trace if obj is not None), None)
        best = next(
            (t for t, obj, _ in result.trace if obj is not None and obj >= result.objective - 1e-9),
            first,
        )
        record.update(
            status=result.status.value,
            objective=result.objective,
            best_bound=result.best_bound,
            build_seconds=result.build_seconds,
            solve_seconds=result.solve_seconds,
            num_candidates=result.num_candidates,
            note=result.reason or "",
            time_to_first=first,
            time_to_best=best,
            time_to_proof=_time_to_proof(result),
            trace=trace,
        )
    obj, bound = record["objective"], record["best_bound"]
    record["gap"] = (
        relative_gap(obj, bound)
        if obj is not None and bound is not None and bound != float("inf")
        else None
    )
    record["valid"] = plan is None or matchaid.validate(scenario, plan) == []
    record["wall_seconds"] = time.perf_counter() - t0
    record["peak_memory_mb"] = round(_peak_mb(), 1)
    if record["best_bound"] == float("inf"):
        record["best_bound"] = None
    return record


def machine() -> dict[str, Any]:
    """What the benchmark ran on."""
    import ortools

    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "ortools": ortools.__version__,
        "matchaid": matchaid.__version__,
    }


def default_executor(grid: Grid) -> cf.Executor:
    """A local process pool: one job per core (a job with ``workers = N`` takes N cores),
    a fresh process per job so peak memory is the job's own."""
    cores = os.cpu_count() or 1
    widest = max([int(cfg.get("workers", 0)) or cores for cfg in grid.configs.values()] + [1])
    parallel = grid.jobs or max(1, cores // widest)
    return cf.ProcessPoolExecutor(max_workers=parallel, max_tasks_per_child=1)


def run(
    grid: Grid,
    out_dir: str | os.PathLike[str],
    executor: cf.Executor | None = None,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Run every job of ``grid`` on ``executor`` and write ``results.json`` and
    ``results.csv`` into ``out_dir``; return the records. The files are rewritten
    (atomically) after every run, so a grid stopped half-way keeps what it measured."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = grid.expand()
    own = executor is None
    pool = executor or default_executor(grid)
    records: list[dict[str, Any]] = []
    key = {(j.tier, j.instance_seed, j.config, j.solver_seed): i for i, j in enumerate(jobs)}
    about = {"machine": machine(), "grid": asdict(grid)}
    try:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for n, future in enumerate(cf.as_completed(futures), 1):
            job = futures[future]
            record = future.result()
            records.append(record)
            records.sort(
                key=lambda r: key[(r["tier"], r["instance_seed"], r["config"], r["solver_seed"])]
            )
            write_json(out / "results.json", {**about, "records": records})
            write_text_atomic(out / "results.csv", _csv(records))
            if progress:
                print(
                    f"[{n}/{len(jobs)}] {job.tier} seed {job.instance_seed} {job.config}: "
                    f"{record['status']} {record['objective']} ({record['wall_seconds']:.1f} s)",
                    flush=True,
                )
    finally:
        if own:
            pool.shutdown()
    return records


_CSV_FIELDS = (
    "tier",
    "instance_seed",
    "config",
    "kind",
    "solver_seed",
    "time_limit",
    "status",
    "objective",
    "best_bound",
    "gap",
    "time_to_first",
    "time_to_best",
    "time_to_proof",
    "build_seconds",
    "solve_seconds",
    "wall_seconds",
    "num_candidates",
    "peak_memory_mb",
    "valid",
    "note",
)


def _csv(records: Iterable[dict[str, Any]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=_CSV_FIELDS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for r in records:
        writer.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in _CSV_FIELDS})
    return buffer.getvalue()


def load_results(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a ``results.json``."""
    return dict(json.loads(Path(path).read_text(encoding="utf-8")))
