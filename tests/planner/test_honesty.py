"""'Optimal' only with an exact integer proof; bounds that are bounds; no lost interrupts.

Each test here reproduces a way the planner once claimed more than it had proven.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from matchaid import (
    ObjectiveWeights,
    Pairing,
    PairingMode,
    ParamsError,
    SolveParams,
    SolveStatus,
    greedy_plan,
    objective_value,
    solve,
    validate,
)
from matchaid.candidates import generate_candidates
from matchaid.generate import TIERS, generate
from matchaid.program import build_program
from matchaid.relax import solve_relaxation
from tests.oracles import exhaustive_optimum, flow_optimum, mip_optimum
from tests.planner.helpers import EXACT, donor, expert, gap, recipient, scenario


def test_a_gap_limit_does_not_make_cp_sat_optimal_a_proof() -> None:
    """CP-SAT says OPTIMAL once within relative_gap_limit; the result must not."""
    s = generate("s", seed=1)
    exact = solve(s, SolveParams(time_limit=60))
    assert exact.status is SolveStatus.OPTIMAL
    loose = solve(
        s,
        SolveParams(
            time_limit=60, relaxation=False, decompose=False, cp_sat={"relative_gap_limit": 0.5}
        ),
    )
    assert loose.best_bound >= exact.objective - 1e-9
    if loose.status is SolveStatus.OPTIMAL:
        assert loose.objective == exact.objective
    else:
        assert loose.objective < exact.objective


@pytest.mark.parametrize("bad", [-0.1, 1.0, 2, True, float("nan"), "1e-4"])
def test_a_gap_limit_outside_0_to_1_is_refused(bad: object) -> None:
    with pytest.raises(ParamsError, match="gap_limit: must be a number from 0 up to"):
        SolveParams(gap_limit=bad)  # type: ignore[arg-type]


def test_the_gap_limit_stops_the_search_within_it_and_is_not_called_optimal() -> None:
    """matchaid's own gap limit: the search stops at the first moment the gap is within
    it, and the plan is then feasible (gap above 0), unless it also meets the bound."""
    # 7 parts; proven in about 2.7 s, and within 1e-3 (6.9e-4) once every part's LP
    # has given its bound and its rounded plan, at about 0.5 s
    s = generate("m", seed=1)
    exact = solve(s, SolveParams(time_limit=60))
    assert exact.status is SolveStatus.OPTIMAL
    limit = 1e-3
    loose = solve(s, SolveParams(time_limit=60, gap_limit=limit))
    assert validate(s, loose.plan) == []
    assert 0 < loose.gap <= limit
    assert loose.status is SolveStatus.FEASIBLE and not loose.interrupted
    assert loose.reason is not None and f"within the gap limit of {limit:g}" in loose.reason
    assert loose.best_bound >= exact.objective > loose.objective


@pytest.mark.parametrize(
    "name", ["fix_variables_to_their_hinted_value", "stop_after_presolve", "catch_sigint_signal"]
)
def test_cp_sat_parameters_that_break_the_proof_are_refused(name: str) -> None:
    with pytest.raises(ParamsError, match=f"cp_sat.{name}: not accepted"):
        SolveParams(cp_sat={name: True})


def _two_gaps(weight: float) -> object:
    experts = [expert("E1", available=(0, 6)), expert("E2", specs=("cardiology",))]
    return scenario(
        experts,
        [recipient("R1", gap(weight=weight), gap("cardiology", weight=1.0))],
        months=6,
        terms=(3,),
    )


def test_rounded_gap_weights_are_never_called_optimal() -> None:
    s = _two_gaps(1.00004)  # more than three decimals: rounded to 1.000 for CP-SAT
    r = solve(s, EXACT)
    assert r.status is SolveStatus.FEASIBLE
    assert r.reason is not None and "rounded" in r.reason
    assert r.objective == pytest.approx(exhaustive_optimum(s))
    assert r.best_bound >= exhaustive_optimum(s)


def test_weighted_mode_bound_allows_for_rounded_penalties() -> None:
    """Travel of 1/3 hour costs 0.0033.. per posting, not a multiple of 1/1000."""
    from matchaid.domain import Network, Road

    s = scenario(
        [expert("E1"), expert("E2", donor="F")],
        [recipient("R1", gap(demand=1, window=(0, 6)), max_travel_hours=10)],
        [donor("D", city="A"), donor("F", city="B")],
        network=Network((Road("A", "Lhasa", 1 / 3), Road("B", "Lhasa", 2 / 3))),
    )
    weights = ObjectiveWeights(mode="weighted", travel=0.01, posted_month=0.0)
    r = solve(s, EXACT.with_(weights=weights))
    assert validate(s, r.plan) == []
    assert r.status is SolveStatus.FEASIBLE and "rounded" in (r.reason or "")
    # The exact weighted optimum: both postings at months [0, 3) and [3, 6), or one.
    best = max(
        objective_value(s, p, weights)
        for p in ([], *[[x] for x in r.plan.postings], list(r.plan.postings))
    )
    assert r.best_bound >= best - 1e-12


def test_tie_breaks_that_would_overflow_are_dropped_and_said() -> None:
    """Huge gap and preferred weights: scaled, coverage x multiplier passes 2**62."""
    s = scenario(
        [expert("E1", available=(0, 120)), expert("E2", available=(0, 120))],
        [
            recipient(
                "R1",
                gap(demand=10, window=(0, 120), weight=1e6),
                gap("cardiology", demand=10, window=(0, 120), weight=999_999),
            )
        ],
        months=120,
        terms=(12,),
        pairings=[Pairing("D", "R1", PairingMode.PREFERRED)],
    )
    weights = ObjectiveWeights(preferred=1e6)
    lm = build_program(generate_candidates(s), weights)
    assert lm.scaling.dropped
    r = solve(s, EXACT.with_(weights=weights))
    assert r.status is SolveStatus.OPTIMAL
    assert "dropped" in (r.reason or "")
    assert r.objective == pytest.approx(mip_optimum(s))


def test_weighted_objective_too_large_for_int64_is_a_clear_error() -> None:
    from matchaid.domain import Network, Road

    s = scenario(
        [expert("E1", available=(0, 6))],
        [recipient("R1", gap())],
        [donor("D", city="A")],
        network=Network(
            (
                *(Road(f"C{i}", f"C{i + 1}", 99_999.0) for i in range(2000)),
                Road("A", "C0", 1.0),
                Road("C2000", "Lhasa", 1.0),
            )
        ),
    )
    weights = ObjectiveWeights(mode="weighted", travel=1e6, posted_month=1e6)
    with pytest.raises(ParamsError, match="too large for CP-SAT's 64-bit integers"):
        solve(s, EXACT.with_(weights=weights))


def test_the_lp_bound_is_an_exact_integer_and_tight_on_flow_problems() -> None:
    """Without side rules the LP is integral: its integer bound is the optimum itself,
    so 'a plan meets the LP bound' fires (no float margin in the way)."""
    s = generate(TIERS["xs"].with_(side_rules=False), seed=2)
    lm = build_program(generate_candidates(s), ObjectiveWeights(mode="off"))
    relax = solve_relaxation(lm)
    assert isinstance(relax.bound, int) and isinstance(relax.reported_bound, int)
    assert lm.scaling.value(relax.reported_bound) == pytest.approx(flow_optimum(s))


def test_coverage_is_proven_apart_from_the_tie_breaks() -> None:
    """With preferred pairings the whole objective's LP is not tight, but coverage's is
    proven on its own: the result is optimal for what it reports."""
    s = generate(TIERS["xs"].with_(pairing="preferred"), seed=1)
    r = solve(s, SolveParams(time_limit=30, workers=1))
    assert r.status is SolveStatus.OPTIMAL
    assert r.objective == pytest.approx(mip_optimum(s))


def test_a_keyboard_interrupt_during_the_search_returns_the_best_plan() -> None:
    s = generate(TIERS["m"].with_(pairing="none"), seed=1)
    calls = []

    def interrupt(progress: object) -> None:
        calls.append(progress)
        raise KeyboardInterrupt

    r = solve(s, SolveParams(time_limit=60), progress=interrupt, progress_interval=0.3)
    assert r.interrupted and calls
    assert r.status in (SolveStatus.FEASIBLE, SolveStatus.UNKNOWN)
    assert validate(s, r.plan) == []
    assert r.solve_seconds < 30


def test_a_keyboard_interrupt_before_the_search_returns_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matchaid.search

    def boom(*args: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(matchaid.search, "independent_parts", boom)
    s = generate("xs", seed=1)
    r = solve(s, SolveParams(time_limit=5))
    assert r.interrupted and r.status is SolveStatus.UNKNOWN
    assert r.plan.postings == () and r.record()["best_bound"] is None


def test_unknown_bounds_are_null_in_the_record() -> None:
    s = generate("xs", seed=1)
    r = solve(s, SolveParams(time_limit=5))
    record = r.record()
    assert record["status"] == "optimal" and record["best_bound"] == r.objective
    assert np.isfinite(record["gap"])


@pytest.mark.parametrize("tier", ["s", "s-none"])
def test_pdlp_gives_a_bound_and_a_vertex_on_its_support(tier: str) -> None:
    """PDLP's prices bound every plan (the exact optimum here), and the values handed to
    rounding are GLOP's vertex of the LP restricted to one of PDLP's supports (zero off
    the widest) or PDLP's own point, inside the bounds, and round to a plan at least as
    good as PDLP's point does."""
    from matchaid.relax import PDLP_FINE_TOLERANCE, SUPPORTS, _rounded, _solve_lp

    s = generate(tier, seed=2)
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    n = len(lm.cands)
    unit = float(max(lm.scaling.multiplier, 1))
    _, _, raw = _solve_lp(lm, lm.upper, unit, "pdlp", 30, None, 1, PDLP_FINE_TOLERANCE)
    relax = solve_relaxation(lm, time_limit=30, method="pdlp")
    assert relax.bound is not None and relax.values.size == n
    if not np.array_equal(relax.values, raw[:n]):
        assert (relax.values[raw[:n] < min(SUPPORTS)] <= 1e-9).all()
    plan, rounded = _rounded(lm, relax.values)
    assert rounded >= _rounded(lm, raw[:n])[1]
    assert relax.rounded is not None and np.array_equal(relax.rounded, plan)
    assert (relax.values >= -1e-9).all() and (relax.values <= lm.upper[:n] + 1e-9).all()
    exact = solve(s, SolveParams(time_limit=60, weights=ObjectiveWeights()))
    assert exact.status is SolveStatus.OPTIMAL
    assert relax.reported_bound is not None
    assert lm.scaling.value(relax.reported_bound) >= exact.objective - 1e-9
    glop = solve_relaxation(lm, time_limit=30, method="glop")
    assert glop.solved and glop.values.size == n  # GLOP's vertex, for rounding


def test_each_better_vertex_is_handed_on_as_soon_as_it_is_rounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``on_vertex`` gets the vertices whose rounded plans beat the ones before, in the
    order found, each plan strictly better; the last is the one the LP returns."""
    import matchaid.relax
    from matchaid.relax import _rounded

    monkeypatch.setattr(matchaid.relax, "SUPPORT_GROWTH", 0.0)  # every support is tried
    lm = build_program(generate_candidates(generate("s-none", seed=2)), ObjectiveWeights())
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    relax = solve_relaxation(
        lm, time_limit=30, method="pdlp", vertex_time=30, on_vertex=lambda v, p: seen.append((v, p))
    )
    assert seen and relax.rounded is not None
    rounded = [_rounded(lm, v) for v, _ in seen]
    values = [value for _, value in rounded]
    assert values == sorted(set(values))
    for (again, _), (_, plan) in zip(rounded, seen, strict=True):
        assert np.array_equal(again, plan)
    assert np.array_equal(seen[-1][1], relax.rounded)
    assert np.array_equal(seen[-1][0], relax.values)


def test_a_stop_during_pdlp_keeps_the_plan_its_point_rounds_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while PDLP runs: its point is already rounded (to choose a vertex), so that
    plan is kept, not only the greedy baseline's."""
    import matchaid.relax
    import matchaid.search

    monkeypatch.setattr(matchaid.relax, "PDLP_NONZEROS", 0)  # every part by PDLP
    searches: list[matchaid.search._Search] = []
    run, relax = matchaid.search._Search.run, matchaid.relax.solve_relaxation

    def spy_run(self: matchaid.search._Search) -> None:
        searches.append(self)
        run(self)

    def stopped_after(*args: object, **kwargs: object) -> object:
        result = relax(*args, **kwargs)  # type: ignore[arg-type]
        searches[0].stop_all()  # the interrupt arrives as the LP returns
        return result

    monkeypatch.setattr(matchaid.search._Search, "run", spy_run)
    monkeypatch.setattr(matchaid.relax, "solve_relaxation", stopped_after)
    s = generate("s-none", seed=2)
    result = solve(s, SolveParams(time_limit=30))
    assert validate(s, result.plan) == []
    assert dict(result.stats.plan_sources)["lp"] == 1


def test_the_vertex_may_take_its_own_time_beyond_the_lps(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDLP may use the whole LP time limit; the vertex that replaces its point gets
    ``vertex_time`` more (what the search gives it from the neighbourhood search), counted
    from the LP's end when it ends early."""
    import matchaid.relax

    given: list[float | None] = []
    original = matchaid.relax._vertex_on_support

    def spy(*args: object) -> object:
        given.append(args[3])  # type: ignore[arg-type]
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(matchaid.relax, "_vertex_on_support", spy)
    lm = build_program(generate_candidates(generate("s-none", seed=2)), ObjectiveWeights())
    t0 = time.perf_counter()
    solve_relaxation(lm, time_limit=20, method="pdlp", vertex_time=7)
    spent = time.perf_counter() - t0
    assert len(given) == 1 and given[0] is not None
    assert 7 - spent <= given[0] <= 7  # PDLP ends well before its 20 s here


def test_a_restricted_lp_equals_the_lp_with_the_others_held_at_zero() -> None:
    """GLOP on the LP with only some columns (``keep``) has the same optimum as the whole
    LP with the other columns' upper bounds at 0, and its values are 0 off ``keep``."""
    from matchaid.relax import _solve_lp

    lm = build_program(generate_candidates(generate("s-none", seed=2)), ObjectiveWeights())
    n = len(lm.cands)
    keep = np.ones(lm.num_vars, dtype=bool)
    keep[:n] = np.random.default_rng(3).random(n) < 0.3
    upper = lm.upper.copy()
    upper[~keep] = 0
    unit = float(max(lm.scaling.multiplier, 1))
    s1, _, held = _solve_lp(lm, upper, unit, "glop", 30, None, 1)
    s2, duals, kept = _solve_lp(lm, lm.upper, unit, "glop", 30, None, 1, keep=keep)
    assert s1 == s2 == "optimal"
    assert kept.size == lm.num_vars and duals.size == lm.num_rows
    assert (kept[~keep] == 0).all()
    c = lm.objective.astype(np.float64)
    assert c @ kept == pytest.approx(c @ held, rel=1e-9, abs=1e-6)
    assert (lm.activity(kept) <= lm.rhs + 1e-6).all()


def test_polishing_after_the_vertex_has_time_even_when_the_lp_used_all_of_its(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PDLP stopped at its limit and a vertex that used its time still leave the polish
    its minimum, and the polished bound is never above the one it started from."""
    import matchaid.relax
    from matchaid.relax import POLISH_SECONDS, _polished, _solve_lp, safe_bound

    lm = build_program(generate_candidates(generate("s-none", seed=2)), ObjectiveWeights())
    unit = float(max(lm.scaling.multiplier, 1))
    _, duals, _ = _solve_lp(lm, lm.upper, unit, "pdlp", 1.0, None, 1, 0.5)
    if safe_bound(lm, -duals * unit) < safe_bound(lm, duals * unit):
        duals = -duals
    given: list[float | None] = []
    polish = matchaid.relax.polish_prices

    def spy(*args: object, **kwargs: object) -> object:
        given.append(args[3])  # type: ignore[arg-type]
        return polish(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(matchaid.relax, "polish_prices", spy)
    start = safe_bound(lm, duals * unit)
    _, bound = _polished(lm, duals, start, unit, 20.0, 0.0, None)  # no time left
    assert given == [POLISH_SECONDS]
    assert bound <= start


@pytest.mark.parametrize("interrupt", [False, True])
def test_an_lp_without_prices_suggests_a_longer_limit_only_when_not_interrupted(
    monkeypatch: pytest.MonkeyPatch, interrupt: bool
) -> None:
    """An LP that ran out of its time without prices: a longer time limit would give
    its bound, and the reason says so. One stopped by Ctrl-C: it would not, and the
    reason does not say it."""
    import matchaid.relax
    import matchaid.search

    searches: list[matchaid.search._Search] = []
    run = matchaid.search._Search.run

    def spy_run(self: matchaid.search._Search) -> None:
        searches.append(self)
        run(self)

    def no_prices(*args: object, **kwargs: object) -> object:
        if interrupt:
            searches[0]._interrupt()  # Ctrl-C as the LP starts
            return "interrupted", np.zeros(0), np.zeros(0)
        return "not_solved", np.zeros(0), np.zeros(0)  # out of its time

    monkeypatch.setattr(matchaid.search._Search, "run", spy_run)
    monkeypatch.setattr(matchaid.relax, "_solve_lp", no_prices)
    s = generate("s", seed=2)
    result = solve(s, SolveParams(time_limit=20))
    assert validate(s, result.plan) == []
    assert result.reason is not None and "stopped without prices" in result.reason
    assert result.interrupted is interrupt
    assert ("a longer time limit gives the LP bound" in result.reason) is not interrupt


def test_pdlp_bounds_a_part_whose_glop_run_ends_abnormal(monkeypatch: pytest.MonkeyPatch) -> None:
    """GLOP sometimes gives up ("abnormal", 2 of the 15 big parts of tier l with the
    programme rules, seed 2). PDLP then solves the LP in the time left: its prices still
    bound the optimum, where before the part's bound was every gap met. Not when no
    time is left."""
    import matchaid.relax as relax

    original = relax._solve_lp
    calls: list[str] = []

    def glop_gives_up(  # type: ignore[no-untyped-def]
        lm: object, upper: object, unit: float, method: str, *args: object, **kw: object
    ):
        calls.append(method)
        if method == "glop":
            return "abnormal", np.zeros(0), np.zeros(0)
        return original(lm, upper, unit, method, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(relax, "_solve_lp", glop_gives_up)
    s = generate("s", seed=1)
    lm = build_program(generate_candidates(s), ObjectiveWeights())
    r = solve_relaxation(lm, time_limit=20, method="glop")
    assert calls == ["glop", "pdlp"]
    assert r.method == "pdlp" and r.bound is not None and r.reported_bound is not None
    optimum = mip_optimum(s)
    assert optimum is not None
    assert lm.scaling.value(r.reported_bound) + lm.scaling.slack >= optimum - 1e-9
    assert lm.scaling.value(r.reported_bound) <= 1.01 * optimum  # not every gap met
    calls.clear()
    assert solve_relaxation(lm, time_limit=0.0, method="glop").bound is None
    assert calls == ["glop"]


def test_the_search_has_each_vertexs_plan_while_glop_tries_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The plan a vertex of PDLP's support rounds to is offered as soon as it is rounded:
    the search's best plan (what the progress line and the trace show) is already that plan
    while GLOP goes on to a wider support, not the greedy baseline's."""
    import matchaid.relax
    import matchaid.search

    monkeypatch.setattr(matchaid.relax, "PDLP_NONZEROS", 0)  # every part by PDLP
    searches: list[matchaid.search._Search] = []
    known: list[tuple[float | None, float]] = []  # (search's best, the vertex plan's)
    run, vertex = matchaid.search._Search.run, matchaid.relax._vertex_on_support

    def spy_run(self: matchaid.search._Search) -> None:
        searches.append(self)
        run(self)

    def spy_vertex(*args: object) -> object:
        on_vertex, lm = args[5], args[0]

        def then_look(values: np.ndarray, plan: np.ndarray) -> None:
            on_vertex(values, plan)  # type: ignore[operator]
            with searches[0].lock:
                best = searches[0].snapshot()[0]
            known.append((best, matchaid.relax._rounded(lm, values)[1]))  # type: ignore[arg-type]

        return vertex(*args[:5], then_look)  # type: ignore[arg-type]

    monkeypatch.setattr(matchaid.search._Search, "run", spy_run)
    monkeypatch.setattr(matchaid.relax, "_vertex_on_support", spy_vertex)
    s = generate("s-none", seed=2)
    result = solve(s, SolveParams(time_limit=30))
    assert validate(s, result.plan) == []
    greedy = objective_value(s, greedy_plan(s))
    assert known and all(best is not None and best >= plan for best, plan in known)
    assert known[0][1] > greedy
