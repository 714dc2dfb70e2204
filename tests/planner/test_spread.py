"""Independent parts on an executor (issue 14, target 7): each bundle's scenario has
exactly the bundle's candidates, the joined plan is the local optimum, and the search
is tested on a Dask cluster on loopback."""

from __future__ import annotations

import concurrent.futures as cf
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matchaid import (
    Goal,
    Pin,
    PinMode,
    ScenarioError,
    SolveParams,
    SolveStatus,
    Stage,
    solve,
    validate,
)
from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.cli import main
from matchaid.decompose import independent_parts
from matchaid.generate import generate
from matchaid.io import save_scenario
from matchaid.program import build_program
from matchaid.spread import _pack, bundle_scenarios
from matchaid.weights import ObjectiveWeights


def _keys(cands: CandidateSet, idx: np.ndarray) -> set[tuple[object, ...]]:
    s, n = cands.scenario, cands.num_postings
    out: set[tuple[object, ...]] = set()
    for i in idx[idx < n].tolist():
        r, g = cands.gaps[int(cands.gap[i])]
        out.add(
            (
                s.experts[cands.expert[i]].id,
                s.recipients[r].id,
                g.specialty,
                int(cands.start[i]),
                int(cands.months[i]),
            )
        )
    pl = cands.placements
    for j in (idx[idx >= n] - n).tolist():
        out.add(
            (
                s.trainees[pl.trainee[j]].id,
                s.donors[pl.donor[j]].id,
                int(pl.start[j]),
                int(pl.months[j]),
            )
        )
    return out


@pytest.mark.parametrize("tier", ["s", "s-rules", "s-overlap"])
def test_each_bundle_scenario_has_exactly_the_bundles_candidates(tier: str) -> None:
    s = generate(tier, seed=2)
    cands = generate_candidates(s)
    groups = independent_parts(build_program(cands, ObjectiveWeights()))
    for bundles in (2, 3):
        packed = _pack(groups, bundles)
        assert sorted(np.concatenate(packed).tolist()) == list(range(len(cands)))
        for idx, sub in zip(packed, bundle_scenarios(s, cands, packed), strict=True):
            mine = generate_candidates(sub)
            assert _keys(mine, np.arange(len(mine))) == _keys(cands, idx)


def test_params_travel_to_workers() -> None:
    p = SolveParams(time_limit=3, cp_sat={"linearization_level": 2})
    assert pickle.loads(pickle.dumps(p)) == p


@pytest.mark.parametrize("tier", ["s", "s-rules"])
def test_parts_on_an_executor_give_the_local_optimum(tier: str) -> None:
    s = generate(tier, seed=1)
    params = SolveParams(time_limit=30, workers=1)
    local = solve(s, params)
    with cf.ThreadPoolExecutor(3) as ex:
        spread = solve(s, params, executor=ex)
    assert validate(s, spread.plan) == []
    assert local.status is SolveStatus.OPTIMAL and spread.status is SolveStatus.OPTIMAL
    assert spread.objective == pytest.approx(local.objective)
    assert spread.best_bound == pytest.approx(local.best_bound)
    assert spread.stats.num_parts == local.stats.num_parts
    assert spread.stats.parts_solved_in_parallel == 3


def test_an_interrupt_keeps_the_bundles_back_and_greedy_plans_for_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while waiting: the driver stops waiting and still returns a valid plan."""
    import matchaid.spread as spread

    s = generate("s", seed=1)

    class Never:
        def __init__(self) -> None:
            self.cancelled_ = False

        def done(self) -> bool:
            return False

        def cancel(self) -> None:
            self.cancelled_ = True

        def cancelled(self) -> bool:
            return self.cancelled_

    class Stuck:
        def submit(self, fn: object, *args: object) -> Never:
            return Never()

    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(spread.time, "sleep", interrupt)
    result = solve(s, SolveParams(time_limit=5), executor=Stuck())
    assert result.interrupted and result.status is SolveStatus.FEASIBLE
    assert validate(s, result.plan) == [] and result.objective > 0
    assert result.reason is not None and "greedy" in result.reason


def test_lexicographic_goals_are_solved_here() -> None:
    """Fairness links the parts: nothing is shipped, the stages are solved here."""
    s = replace(
        generate("s", seed=1), stages=(Stage(Goal.COVERAGE, 0.0), Stage(Goal.FAIRNESS, 0.0))
    )
    with cf.ThreadPoolExecutor(2) as ex:
        shipped: list[object] = []
        ex_submit = ex.submit
        ex.submit = lambda *a, **k: shipped.append(a) or ex_submit(*a, **k)  # type: ignore[method-assign]
        staged = solve(s, SolveParams(time_limit=6), executor=ex)
    assert shipped == [] and len(staged.stages) == 2
    assert validate(s, staged.plan) == []


def test_parts_on_a_local_dask_cluster_on_loopback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The library call and ``matchaid solve --dask ADDRESS`` on the same cluster."""
    distributed = pytest.importorskip("distributed")
    s = generate("s", seed=3)
    save_scenario(s, tmp_path / "s.json")
    params = SolveParams(time_limit=30, workers=1)
    local = solve(s, params)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        spread = solve(s, params, executor=client)
        address = cluster.scheduler_address
        argv = ["solve", str(tmp_path / "s.json"), "-o", str(tmp_path / "plan.json")]
        assert main([*argv, "--time-limit", "30", "--dask", address]) == 0
    assert capsys.readouterr().out.startswith(f"status optimal: objective {local.objective:g}")
    assert main(["check", str(tmp_path / "s.json"), str(tmp_path / "plan.json")]) == 0
    assert validate(s, spread.plan) == []
    assert spread.status is SolveStatus.OPTIMAL
    assert spread.objective == pytest.approx(local.objective)
    assert spread.stats.parts_solved_in_parallel == 2


def test_an_unreachable_scheduler_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    save_scenario(generate("xs", seed=1), tmp_path / "s.json")
    assert main(["solve", str(tmp_path / "s.json"), "--dask", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "matchaid: error: --dask tcp://127.0.0.1:9: cannot reach the scheduler" in err
    assert "Traceback" not in err


def test_a_fixed_pin_that_is_no_posting_is_refused_before_shipping() -> None:
    """It would join no bundle (it has no candidate) and be dropped silently."""
    s = generate("s", seed=1)
    e, r = s.experts[0], s.recipients[0]
    pin = Pin(
        expert=e.id,
        recipient=r.id,
        specialty="no such specialty",
        start=0,
        months=3,
        mode=PinMode.FIXED,
    )
    with cf.ThreadPoolExecutor(2) as ex, pytest.raises(ScenarioError):
        solve(replace(s, pins=(pin,)), SolveParams(time_limit=5), executor=ex)
