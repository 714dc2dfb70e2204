"""solve(): empty inputs, time limits, interruption, determinism, secondary objective
terms, and the result's honesty about what it knows."""

from __future__ import annotations

import _thread
import math
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from matchaid import (
    ObjectiveWeights,
    Pairing,
    PairingMode,
    Progress,
    SolveParams,
    SolveStatus,
    load_scenario,
    objective_value,
    solve,
    validate,
)
from matchaid.candidates import generate_candidates
from matchaid.validation import secondary_values
from tests.planner.helpers import EXACT, donor, expert, gap, recipient, scenario
from tests.strategies import random_scenario


def test_no_experts_is_a_clean_empty_result() -> None:
    s = scenario([], [recipient("R", gap())])
    r = solve(s)
    assert r.status is SolveStatus.OPTIMAL and r.plan.postings == () and r.objective == 0
    assert r.reason == "no experts: nothing can be posted"
    assert r.plan.coverage()[0].covered_months == 0


def test_no_gaps_and_no_recipients() -> None:
    assert solve(scenario([expert("E")], [])).reason == "no discipline gaps: nothing needs covering"
    assert solve(scenario([expert("E")], [recipient("R")])).reason == (
        "no discipline gaps: nothing needs covering"
    )


def test_no_eligible_posting_says_why() -> None:
    s = scenario([expert("E", specs=("cardiology",))], [recipient("R", gap())])
    assert solve(s).reason == "no eligible posting (no expert holds a gap's specialty)"
    s = scenario([expert("E", available=(0, 2))], [recipient("R", gap())])
    assert solve(s).reason == "no eligible posting (expert-gap pairs excluded: no_term_fits 1)"


def _big(seed: int = 7):  # type: ignore[no-untyped-def]
    return random_scenario(seed, num_experts=400, num_recipients=80, months=36)


def test_time_limit_returns_the_best_plan_found_with_an_honest_bound() -> None:
    """A tiny deterministic budget stops the search (the neighbourhood search, which
    runs on wall time, is not used then) with a valid plan and an honest bound."""
    s = _big()
    r = solve(s, SolveParams(workers=1, deterministic_time=0.05, cp_sat={"linearization_level": 0}))
    assert r.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert validate(s, r.plan) == []
    assert r.objective == pytest.approx(objective_value(s, r.plan))
    assert r.best_bound >= r.objective - 1e-9
    if math.isinf(r.best_bound):  # CP-SAT proved nothing in so short a budget
        assert math.isinf(r.gap)
    else:
        assert r.gap == pytest.approx((r.best_bound - r.objective) / r.best_bound)
    if r.status is SolveStatus.FEASIBLE:
        assert r.reason in (
            "search stopped at its limit before proving optimality",
            "CP-SAT found no plan before it stopped; this is the greedy baseline's plan",
            "CP-SAT found no plan before it stopped; this is the LP-rounded plan",
        )


def test_one_worker_and_a_deterministic_budget_give_the_same_plan() -> None:
    s = random_scenario(3, num_experts=120, num_recipients=30, months=24)
    params = SolveParams(workers=1, seed=5, deterministic_time=0.3, time_limit=None)
    plans = {solve(s, params).plan.postings for _ in range(3)}
    assert len(plans) == 1


def test_interrupt_stops_the_search_and_keeps_the_best_plan() -> None:
    """Ctrl-C during the search (simulated from the progress callback, which runs in
    the calling thread while CP-SAT searches) stops it and returns the best plan.

    Python's own SIGINT handler is put in place first, as in a terminal: a process
    started in the background by a shell without job control (``nohup pytest &``)
    inherits SIGINT ignored, and ``interrupt_main`` then does nothing."""
    s = random_scenario(3, num_experts=120, num_recipients=30, months=24)

    def press_ctrl_c(p: Progress) -> None:
        if p.seconds >= 2.0:
            _thread.interrupt_main()

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        r = solve(
            s,
            SolveParams(workers=1, time_limit=60, cp_sat={"linearization_level": 0}),
            progress=press_ctrl_c,
            progress_interval=0.1,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    assert r.interrupted
    assert r.solve_seconds < 10
    assert r.status is SolveStatus.FEASIBLE and r.reason is not None
    assert "interrupted" in r.reason
    assert validate(s, r.plan) == [] and r.objective > 0


def test_progress_is_reported_while_searching() -> None:
    """This scenario takes CP-SAT (one worker, no LP) about 1.5 s to accept the hint
    and far longer to prove optimality, so a 5 s search reports both."""
    s = random_scenario(3, num_experts=120, num_recipients=30, months=24)
    seen: list[Progress] = []
    solve(
        s,
        SolveParams(workers=1, time_limit=5, cp_sat={"linearization_level": 0}),
        progress=seen.append,
        progress_interval=0.2,
    )
    assert len(seen) >= 10, "a search of 5 s reports progress every 0.2 s"
    assert all(p.seconds > 0 for p in seen)
    known = [p for p in seen if p.objective is not None and p.best_bound is not None]
    assert known and all(p.best_bound >= p.objective - 1e-6 for p in known)


def test_preferred_pairing_breaks_ties_without_costing_coverage() -> None:
    """Two equally good urologists from A and B, one gap; R prefers B. Coverage is the
    same either way; the tie-break picks B's expert."""
    s = scenario(
        [expert("EA", donor="A"), expert("EB", donor="B")],
        [recipient("R", gap())],
        [donor("A"), donor("B")],
        pairings=[Pairing("B", "R", PairingMode.PREFERRED)],
    )
    r = solve(s, EXACT)
    assert r.objective == 6
    assert {p.expert for p in r.plan.postings} == {"EB"}
    assert secondary_values(s, r.plan)[0] == 6


def test_tiebreak_never_trades_coverage_for_a_preference() -> None:
    """B's expert is preferred but only available 3 months; A's covers all 6. With a
    huge preference weight in tiebreak mode coverage still wins; in weighted mode the
    user asked for the trade and gets it."""
    s = scenario(
        [expert("EA", donor="A"), expert("EB", donor="B", available=(0, 3))],
        [recipient("R", gap(weight=1), hosting=1)],
        [donor("A"), donor("B")],
        pairings=[Pairing("B", "R", PairingMode.PREFERRED)],
    )
    tie = solve(s, replace(EXACT, weights=ObjectiveWeights(preferred=1000)))
    assert tie.objective == 6
    w = ObjectiveWeights(preferred=10, mode="weighted")
    weighted = solve(s, replace(EXACT, weights=w))
    # EB for months 0-2 (3 covered, 3 preferred) then EA for 3-5: 6 + 10 x 3, less
    # 0.001 per posted month (6 months)
    assert weighted.objective == pytest.approx(36 - 0.006)
    assert weighted.objective == pytest.approx(objective_value(s, weighted.plan, w))
    assert objective_value(s, weighted.plan) == 6


def test_travel_cost_breaks_ties() -> None:
    from matchaid import Network, Road

    s = scenario(
        [expert("Far", donor="F"), expert("Near", donor="N")],
        [recipient("R", gap(), city="Lhasa")],
        [donor("F", city="Shanghai"), donor("N", city="Chengdu")],
        network=Network((Road("Lhasa", "Chengdu", 3), Road("Lhasa", "Shanghai", 9))),
    )
    r = solve(s, EXACT)
    assert r.objective == 6 and {p.expert for p in r.plan.postings} == {"Near"}
    off = solve(s, replace(EXACT, weights=ObjectiveWeights(mode="off")))
    assert off.objective == 6


def test_fractional_weights_are_exact_to_three_decimals() -> None:
    s = scenario(
        [expert("E")], [recipient("R", gap(weight=0.125)), recipient("Q", gap(weight=0.124))]
    )
    r = solve(s, EXACT)
    assert r.objective == pytest.approx(0.125 * 6)
    assert math.isclose(r.best_bound, r.objective)


def test_a_start_plan_is_kept_or_bettered(data_dir: Path) -> None:
    s = load_scenario(data_dir / "scenario-v1-small-2.json")
    best = solve(s, SolveParams(workers=1, time_limit=20))
    quick = SolveParams(workers=1, time_limit=0.001, relaxation=False, hint="none")
    again = solve(s, quick, start=best.plan)
    assert again.objective >= best.objective
    assert validate(s, again.plan) == []
    # a start of candidates that is no plan (one expert posted twice at once) is not used
    cands = generate_candidates(s)
    postings = [cands.posting(i) for i in range(cands.num_postings)]
    a, b = next(
        (a, b)
        for a in postings
        for b in postings
        if a != b and a.expert == b.expert and a.start < b.end and b.start < a.end
    )
    ignored = solve(s, quick, start=[a, b])
    assert ignored.stats.plan_sources["start"] == 0
    assert validate(s, ignored.plan) == []
