"""How the search uses the cores: CP-SAT's portfolio keeps the LP level asked for, and a
part left searching on fewer workers than it would now get yields them."""

from __future__ import annotations

import threading
import time

import pytest

from matchaid import SolveParams, SolveStatus, solve, validate
from matchaid.candidates import generate_candidates
from matchaid.cp_sat import CpSatSearch
from matchaid.generate import generate
from matchaid.search import _Part, _parts, _Search


def _search(workers: int, level: int | None = None) -> CpSatSearch:
    cp_sat = {} if level is None else {"linearization_level": level}
    return CpSatSearch(10.0, None, workers, 0, False, cp_sat)


@pytest.mark.parametrize(("level", "first"), [(0, "no_lp"), (1, "default_lp"), (2, "max_lp")])
def test_two_workers_lead_with_the_subsolver_of_the_lp_level_asked_for(
    level: int, first: str
) -> None:
    """CP-SAT's portfolio overwrites linearization_level per subsolver (default_lp is
    level 1); the subsolver of the level asked for goes first, the rest stays."""
    params = _search(2, level).solver.parameters
    assert list(params.extra_subsolvers) == [first]
    assert params.linearization_level == level


def test_one_worker_keeps_the_parameters_as_they_are() -> None:
    params = _search(1, 2).solver.parameters
    assert list(params.extra_subsolvers) == []


def test_two_workers_with_the_defaults_lead_with_max_lp() -> None:
    """matchaid's own default is level 2: with two workers its one full-problem worker
    must be max_lp, not default_lp."""
    from matchaid.params import DEFAULT_CP_SAT

    params = CpSatSearch(10.0, None, 2, 0, False, dict(DEFAULT_CP_SAT)).solver.parameters
    assert list(params.extra_subsolvers) == ["max_lp"]


class _Solver:
    def __init__(self) -> None:
        self.stops = 0

    def stop(self) -> None:
        self.stops += 1


def _two_part_search(**kw: object) -> _Search:
    s = generate("s", seed=1)
    params = SolveParams(**{"workers": 2, "time_limit": 60, **kw})  # type: ignore[arg-type]
    parts = _parts(s, generate_candidates(s), params)
    assert len(parts) >= 2
    search = _Search(parts, params, None, 1.0)
    search.t_start = time.perf_counter()
    search.not_started = []
    return search


def _yields(search: _Search, searching: dict[int, tuple[int, float]]) -> list[int]:
    solvers = {k: _Solver() for k in searching}
    for k, solver in solvers.items():
        search.parts[k].solver = solver
    search.searching = dict(searching)
    search._yield_cores()
    return [k for k, solver in solvers.items() if solver.stops]


def _proven(search: _Search, *parts: int) -> None:
    for k in parts:
        search.parts[k].bound_int = search.parts[k].best_int


def test_a_part_alone_on_one_worker_yields_after_its_seconds() -> None:
    search = _two_part_search()
    _proven(search, *range(1, len(search.parts)))
    now = time.perf_counter()
    long_ago = now - _Search.YIELD_SECONDS - 1
    assert _yields(search, {0: (1, long_ago)}) == [0]
    # not yet: a part proven in a second or two is not restarted
    assert _yields(search, {0: (1, now)}) == []
    # it already has every core
    assert _yields(search, {0: (2, long_ago)}) == []
    # no core idle: both parts search on one each
    assert _yields(search, {0: (1, long_ago), 1: (1, long_ago)}) == []


def test_a_part_does_not_yield_when_the_next_pass_would_give_it_no_more() -> None:
    """Part 1 ended its pass unproven: the next pass would share the two cores between
    parts 0 and 1, so part 0 would restart on one worker again."""
    search = _two_part_search()
    _proven(search, *range(2, len(search.parts)))
    long_ago = time.perf_counter() - _Search.YIELD_SECONDS - 1
    assert _yields(search, {0: (1, long_ago)}) == []


def test_no_part_yields_while_another_waits_or_on_a_deterministic_budget() -> None:
    long_ago = time.perf_counter() - _Search.YIELD_SECONDS - 1
    # four cores: the next pass would give parts 0 and 1 two each, but part 1 waits
    waiting = _two_part_search(workers=4)
    _proven(waiting, *range(2, len(waiting.parts)))
    waiting.not_started = [1]
    assert _yields(waiting, {0: (1, long_ago)}) == []
    deterministic = _two_part_search(deterministic_time=5.0)
    _proven(deterministic, *range(1, len(deterministic.parts)))
    assert _yields(deterministic, {0: (1, long_ago)}) == []
    stopped = _two_part_search()
    _proven(stopped, *range(1, len(stopped.parts)))
    stopped.stopped = True
    assert _yields(stopped, {0: (1, long_ago)}) == []


def test_a_part_that_yields_is_restarted_with_the_cores_and_proven(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Part 0's first main pass searches until stopped (a stand-in for a long proof):
    once the other parts are done, it yields, and the next pass restarts it with both
    cores; the plan is then the proven optimum, and valid."""
    s = generate("s", seed=1)
    params = SolveParams(workers=2, time_limit=60, relaxation=False)
    reference = solve(s, params)
    assert reference.status is SolveStatus.OPTIMAL
    monkeypatch.setattr(_Search, "YIELD_SECONDS", 0.0)
    passes: list[tuple[int, int]] = []
    original = _Search._search

    def slow_first(self: _Search, part: _Part, budget: tuple[float | None, float | None]) -> None:
        k = self.parts.index(part)
        passes.append((k, self.workers_each))
        if passes[-1] == (0, 1) and passes.count((0, 1)) == 1:  # part 0, first pass
            stopped = threading.Event()
            with self.lock:
                part.solver = _Stops(stopped)
            assert stopped.wait(30), "part 0 never yielded"
            with self.lock:
                part.solver = None
            return
        original(self, part, budget)

    monkeypatch.setattr(_Search, "_search", slow_first)
    r = solve(s, params)
    assert r.status is SolveStatus.OPTIMAL
    assert r.objective == reference.objective
    assert validate(s, r.plan) == []
    assert (0, 1) in passes and (0, 2) in passes


class _Stops:
    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def stop(self) -> None:
        self.event.set()
