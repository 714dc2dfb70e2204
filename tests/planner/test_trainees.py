"""Trainees into donor seats (issue 13): hand-checked optima where the rules bind, the
validator naming the rule a plan breaks, and the optimum against an independent MIP."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings

import matchaid
from matchaid import (
    Costs,
    Pairing,
    PairingMode,
    Plan,
    Posting,
    Scenario,
    ScenarioError,
    Seniority,
    SolveStatus,
    Trainee,
    Training,
    objective_value,
    solve,
    validate,
)
from tests.oracles import eligible_trainings, mip_optimum
from tests.planner.helpers import EXACT, donor, expert, gap, recipient, scenario
from tests.strategies import v2_scenarios


def _cohort(**kw: object) -> Scenario:
    """One expert for one gap, and three surgery trainees from R. Donor D has one
    surgery seat, D2 two but a forbidden pairing with R. Over 12 periods the one seat
    holds two six-period placements: T1 (weight 2) and T3 (1.5, available [0, 6)) beat
    T2 (1, starting only at 0)."""
    kw.setdefault("pairings", [Pairing("D2", "R", PairingMode.FORBIDDEN)])
    kw.setdefault(
        "trainees",
        (
            Trainee("T1", "R", "surgery", (0, 12), 2.0),
            Trainee("T2", "R", "surgery", (0, 12), 1.0, terms=(6,), starts=(0,)),
            Trainee("T3", "R", "surgery", (0, 6), 1.5, terms=(6,)),
        ),
    )
    return scenario(
        [expert("E", available=(0, 12), terms=(6,))],
        [recipient("R", gap())],
        [donor("D", seats={"surgery": 1}), donor("D2", seats={"surgery": 2})],
        months=12,
        terms=(3, 6),
        **kw,
    )


def test_one_seat_takes_the_two_heaviest_placements_in_turn() -> None:
    s = _cohort()
    result = solve(s, EXACT)
    assert result.status is SolveStatus.OPTIMAL
    # coverage 6 x 1 + training 2 x 6 + 1.5 x 6
    assert result.objective == 27
    assert result.plan.trainings == (Training("T1", "D", 6, 6), Training("T3", "D", 0, 6))
    assert validate(s, result.plan) == []
    assert mip_optimum(s) == pytest.approx(27)
    kpis = result.plan.kpis()
    assert (kpis.num_trainings, kpis.training_months, kpis.training_value) == (2, 12, 21)


def test_lifting_the_forbidden_pairing_places_every_trainee() -> None:
    s = _cohort(pairings=[])
    result = solve(s, EXACT)
    # D2's two seats now take T2 too: 6 + 12 (T1 for 6) + 6 + 9
    assert result.objective == 33
    assert {t.trainee for t in result.plan.trainings} == {"T1", "T2", "T3"}
    assert mip_optimum(s) == pytest.approx(33)


def test_a_required_pairing_limits_donors_for_trainees_too() -> None:
    s = _cohort(pairings=[Pairing("D2", "R", PairingMode.REQUIRED)])
    result = solve(s, EXACT)
    # Only D2 (two seats) may train R's doctors, and the expert from D may not serve R.
    assert result.plan.postings == ()
    assert {t.donor for t in result.plan.trainings} == {"D2"}
    assert result.objective == pytest.approx(12 + 6 + 9)
    assert result.objective == pytest.approx(mip_optimum(s))


def test_placements_cost_in_the_budget() -> None:
    costs = Costs({r: 1 for r in Seniority}, per_trip=1, trainee_per_period=1)
    # Each six-period entry costs 7: the posting and the two placements need 21.
    assert solve(_cohort(costs=costs, budget=21), EXACT).objective == 27
    tight = solve(_cohort(costs=costs, budget=14), EXACT)
    # Two of the three entries: T1 (12) and T3 (9) beat the posting (6).
    assert tight.objective == 21
    assert tight.plan.postings == ()
    assert mip_optimum(_cohort(costs=costs, budget=14)) == pytest.approx(21)


def test_trainees_without_seats_or_time_get_nothing() -> None:
    s = _cohort(pairings=[])
    no_seats = replace(s, donors=tuple(replace(d, seats={"urology": 3}) for d in s.donors))
    assert solve(no_seats, EXACT).plan.trainings == ()
    assert eligible_trainings(no_seats) == []
    late = replace(s, trainees=(Trainee("T9", "R", "surgery", (8, 12), 5.0, terms=(6,)),))
    assert solve(late, EXACT).plan.trainings == ()


def _rules_broken(s: Scenario, *trainings: Training) -> list[str]:
    """The rules the plan of these placements breaks, each once (capacity rules are
    reported per period)."""
    return sorted({v.rule for v in validate(s, Plan(s, (), trainings))})


def test_the_validator_names_each_broken_training_rule() -> None:
    s = _cohort()
    ok = Training("T1", "D", 0, 6)
    assert _rules_broken(s, ok) == []
    assert _rules_broken(s, Training("T1", "D", 0, 6), Training("T3", "D", 0, 6)) == ["seats"]
    assert _rules_broken(s, Training("T1", "D", 0, 4)) == ["training"]  # not a term
    assert _rules_broken(s, Training("T3", "D", 3, 6)) == ["training"]  # outside available
    assert _rules_broken(s, Training("T2", "D", 6, 6)) == ["training"]  # not a start
    assert _rules_broken(s, Training("T1", "D2", 0, 6)) == ["training"]  # forbidden pairing
    assert _rules_broken(s, Training("T1", "D", 0, 3), Training("T1", "D", 6, 3)) == ["training"]
    assert _rules_broken(s, Training("T7", "D", 0, 6)) == ["training"]  # unknown trainee
    assert _rules_broken(s, Training("T1", "D9", 0, 6)) == ["training"]  # unknown donor
    required = _cohort(pairings=[Pairing("D2", "R", PairingMode.REQUIRED)])
    assert _rules_broken(required, ok) == ["training"]
    no_seat = replace(s, donors=(replace(s.donors[0], seats={}), s.donors[1]))
    assert _rules_broken(no_seat, ok) == ["seats", "training"]
    costs = Costs({r: 1 for r in Seniority}, trainee_per_period=2)
    assert _rules_broken(_cohort(costs=costs, budget=11), ok) == ["budget"]


def test_plan_files_keep_trainings(tmp_path: object) -> None:
    s = _cohort()
    result = solve(s, EXACT)
    path = f"{tmp_path}/plan.json"
    result.plan.to_json(path)
    postings, trainings = matchaid.load_plan_entries(path)
    assert trainings == result.plan.trainings
    assert postings == result.plan.postings
    back = Plan(s, postings, trainings)
    assert objective_value(s, back) == result.objective


def test_a_placement_is_not_a_posting() -> None:
    s = _cohort()
    plan = Plan(s, (Posting("E", "R", "urology", 0, 6),), (Training("T1", "D", 0, 6),))
    assert objective_value(s, plan) == 6 + 12
    assert objective_value(s, plan.postings) == 6  # postings alone


def test_bad_trainees_are_load_errors() -> None:
    with pytest.raises(ScenarioError) as err:
        _cohort(
            trainees=(
                Trainee("T1", "Q", "surgery", (0, 12), 2.0),
                Trainee("T1", "R", "surgery", (0, 13), 0.0, starts=(0, 0)),
            )
        )
    text = str(err.value)
    for path in (
        "trainees[0].recipient",
        "trainees[1].id",
        "trainees[1].available",
        "trainees[1].weight",
        "trainees[1].starts[1]",
    ):
        assert path in text


@settings(deadline=None)
@given(v2_scenarios(max_experts=4, max_recipients=3, max_months=6))
def test_trainee_plans_are_valid_and_optimal_against_the_mip(s: Scenario) -> None:
    s = replace(s, pins=())
    result = solve(s, EXACT)
    assert result.status is SolveStatus.OPTIMAL
    assert validate(s, result.plan) == []
    assert result.objective == pytest.approx(objective_value(s, result.plan), abs=1e-6)
    assert result.objective == pytest.approx(mip_optimum(s), abs=1e-6)
