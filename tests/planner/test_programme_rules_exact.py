"""Each format v2 rule on a tiny hand-checked scenario where it binds: the exact
optimum (also from the independent MIP), and a plan that breaks a hard rule caught by
the validator with a message naming the rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matchaid import (
    Community,
    Costs,
    Leader,
    LeaderMode,
    Pin,
    PinMode,
    Posting,
    Project,
    Scenario,
    ScenarioError,
    Seniority,
    SolveStatus,
    objective_value,
    solve,
    validate,
)
from tests.oracles import mip_optimum
from tests.planner.helpers import EXACT, donor, expert, gap, recipient, scenario


def _optimum(s: Scenario, expected: float) -> None:
    result = solve(s, EXACT)
    assert result.status is SolveStatus.OPTIMAL
    assert validate(s, result.plan) == []
    assert result.objective == pytest.approx(expected)
    assert objective_value(s, result.plan) == pytest.approx(expected)
    assert mip_optimum(s) == pytest.approx(expected)


def _binds(s: Scenario, **relaxed: object) -> float:
    """The optimum of ``s`` with the recipients' fields ``relaxed`` (the rule off)."""
    loose = replace(s, recipients=tuple(replace(r, **relaxed) for r in s.recipients))
    return solve(loose, EXACT).objective


def _caught(s: Scenario, postings: list[Posting], rule: str, text: str) -> None:
    found = [v for v in validate(s, postings) if v.rule == rule]
    assert found, validate(s, postings)
    assert any(text in str(v) for v in found), [str(v) for v in found]


def test_starts_keep_a_team_to_its_start_periods() -> None:
    # Without starts: (0,3) and (3,3) cover all 6 months. With starts [2]: only [2, 5).
    s = scenario([expert("E")], [recipient("R", gap(), starts=(2,))])
    _optimum(s, 3)
    assert _binds(s, starts=None) == 6
    _caught(s, [Posting("E", "R", "urology", 0, 3)], "starts", "starts in period 0")


def test_max_donors_takes_one_donor() -> None:
    s = scenario(
        [expert("A", "D1", terms=(6,)), expert("B", "D2", terms=(6,))],
        [recipient("R", gap(demand=2), max_donors=1)],
        [donor("D1"), donor("D2")],
    )
    _optimum(s, 6)
    assert _binds(s, max_donors=None) == 12
    both = [Posting("A", "R", "urology", 0, 6), Posting("B", "R", "urology", 0, 6)]
    _caught(s, both, "max_donors", "'R' is served by 2 donors (D1, D2)")


def test_max_donor_groups_counts_a_donor_without_group_as_its_own() -> None:
    s = scenario(
        [expert(x, f"D{x}", terms=(6,)) for x in "ABC"],
        [recipient("R", gap(demand=3), max_donor_groups=1)],
        [donor("DA", group="Anhui"), donor("DB", group="Anhui"), donor("DC")],
    )
    _optimum(s, 12)  # A and B share the group Anhui; C is a group of its own
    assert _binds(s, max_donor_groups=None) == 18
    plan = [Posting(x, "R", "urology", 0, 6) for x in "AC"]
    _caught(s, plan, "max_donor_groups", "2 donor groups (Anhui, donor DC)")


def _leader_scenario(mode: Leader) -> Scenario:
    # The only leader is away from month 3: followers alone after that break the rule.
    return scenario(
        [expert("L", can_lead=True, available=(0, 3)), expert("F1"), expert("F2")],
        [recipient("R", gap(demand=3), hosting=3, leader=mode)],
    )


def test_required_leader_sends_followers_home_when_the_leader_leaves() -> None:
    s = _leader_scenario(Leader(LeaderMode.REQUIRED))
    _optimum(s, 9)  # 3 experts x months 0-2
    assert _binds(s, leader=None) == 15
    alone = [Posting("L", "R", "urology", 0, 3), Posting("F1", "R", "urology", 3, 3)]
    _caught(s, alone, "leader", "leader: 'R' hosts 1 expert in period 3 and none can lead")


def test_preferred_leader_costs_its_weight_per_leaderless_period() -> None:
    s = _leader_scenario(Leader(LeaderMode.PREFERRED, 0.5))
    _optimum(s, 15 - 3 * 0.5)  # followers stay on months 3-5: 6 more, 3 x 0.5 less
    assert validate(s, [Posting("F1", "R", "urology", 3, 3)]) == []
    assert objective_value(s, [Posting("F1", "R", "urology", 3, 3)]) == pytest.approx(1.5)


def test_continuous_gap_is_not_abandoned_before_its_window_ends() -> None:
    # A could cover months 0-2 and B months 4-5, but month 3 would be empty.
    s = scenario(
        [expert("A", available=(0, 3)), expert("B", available=(4, 6), terms=(2,))],
        [recipient("R", gap(continuous=True))],
    )
    _optimum(s, 2)  # it may start late: B alone
    relaxed = [replace(g, continuous=False) for g in s.recipients[0].gaps]
    assert _binds(s, gaps=tuple(relaxed)) == 5
    _caught(
        s,
        [Posting("A", "R", "urology", 0, 3)],
        "continuous",
        "continuous: 'R' urology is covered in period 2 and not in period 3",
    )


def test_handover_periods_add_their_weight() -> None:
    # B stays all six months; A rotates 2+2+2, handing over at the ends of months 1 and 3.
    s = scenario(
        [expert("A", terms=(2, 4)), expert("B", terms=(6,))],
        [recipient("R", gap(demand=2, handover_weight=0.5))],
    )
    _optimum(s, 12 + 2 * 0.5)
    one = [Posting("B", "R", "urology", 0, 6), Posting("A", "R", "urology", 0, 2)]
    assert objective_value(s, one) == pytest.approx(6 + 2 + 0.5)


def test_a_hub_expert_counts_its_share_at_each_spoke() -> None:
    s = scenario(
        [expert("E", terms=(4,), available=(0, 4))],
        [recipient("H", gap(window=(0, 4))), recipient("S", gap(window=(0, 4)))],
        months=4,
        terms=(4,),
        communities=(Community("H", ("S",), 0.33),),
    )
    _optimum(s, 4 + 0.33 * 4)  # at the hub: 4 there and 1.32 at the spoke; 4 at the spoke
    assert objective_value(s, [Posting("E", "S", "urology", 0, 4)]) == pytest.approx(4)


def test_a_project_counts_periods_where_every_need_is_met() -> None:
    # Radiologist X is worth 2/month at R2 (6) or 1/month at R plus the chest-pain
    # centre's 2/month while cardiology and emergency are there too (9).
    needs = {"cardiology": 1, "emergency": 1, "radiology": 1}
    centre = Project("chest pain", needs, (0, 6), 2)
    s = scenario(
        [
            expert("C", specs=("cardiology",)),
            expert("M", specs=("emergency",)),
            expert("X", specs=("radiology",), available=(3, 6)),
        ],
        [
            recipient("R", *(gap(k) for k in needs), projects=(centre,)),
            recipient("R2", gap("radiology", weight=2)),
        ],
    )
    _optimum(s, 6 + 6 + 3 + 3 * 2)


def test_starts_that_fit_no_term_exclude_the_pair_with_their_own_reason() -> None:
    # Term 3 from period 4 would end after the horizon: no posting of E at R remains.
    s = scenario([expert("E")], [recipient("R", gap(), starts=(4,))])
    result = solve(s, EXACT)
    assert result.excluded["starts"] == 1 and result.plan.postings == ()


def test_check_prints_each_v2_violation_naming_its_rule(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from matchaid import Plan, save_scenario
    from matchaid.cli import main

    s = _leader_scenario(Leader(LeaderMode.REQUIRED))
    save_scenario(s, tmp_path / "s.json")
    Plan(s, (Posting("F1", "R", "urology", 3, 3),)).to_json(tmp_path / "p.json")
    assert main(["check", str(tmp_path / "s.json"), str(tmp_path / "p.json")]) == 1
    out = capsys.readouterr().out
    assert "p.json: leader: 'R' hosts 1 expert in period 3 and none can lead" in out


def test_a_budget_buys_the_cheaper_experts_first() -> None:
    # Chief 3/month, attending 1/month, 2 per trip; budget 14: the chief's 6 months
    # (20) are out of reach, the attending's (8) and one 3-month chief posting (11) do
    # not fit together (19), so the best is the attending's 6 months and nothing else.
    s = scenario(
        [expert("C", terms=(3, 6)), expert("A", seniority=Seniority.ATTENDING, terms=(3, 6))],
        [recipient("R", gap(demand=2))],
        costs=Costs({r: 3 if r is Seniority.CHIEF else 1 for r in Seniority}, per_trip=2),
        budget=14,
    )
    _optimum(s, 6)
    assert solve(replace(s, budget=None), EXACT).objective == 12
    plan = [Posting("C", "R", "urology", 0, 3), Posting("A", "R", "urology", 0, 6)]
    _caught(s, plan, "budget", "budget: the plan costs 19, more than its budget of 14")


def test_a_fixed_pin_outside_its_gap_window_is_kept() -> None:
    s = scenario(
        [expert("A"), expert("B")],
        [recipient("R", gap(window=(0, 3)))],
        pins=(Pin("A", "R", "urology", 3, 3, PinMode.FIXED),),
    )
    result = solve(s, EXACT)
    assert Posting("A", "R", "urology", 3, 3) in result.plan.postings
    _optimum(s, 3)  # B covers the window; A's pinned posting covers nothing
    _caught(s, [Posting("B", "R", "urology", 0, 3)], "pin_fixed", "is fixed but not in the plan")


def test_a_forbidden_pin_is_never_planned() -> None:
    s = scenario(
        [expert("A", terms=(6,))],
        [recipient("R", gap())],
        pins=(Pin("A", "R", "urology", 0, 6, PinMode.FORBIDDEN),),
    )
    _optimum(s, 0)
    assert solve(replace(s, pins=()), EXACT).objective == 6
    _caught(s, [Posting("A", "R", "urology", 0, 6)], "pin_forbidden", "is forbidden but in")


def test_conflicting_fixed_pins_are_named_and_only_those() -> None:
    s = scenario(
        [expert("A"), expert("B")],
        [recipient("R", gap(demand=2))],
        pins=(
            Pin("B", "R", "urology", 0, 3, PinMode.FIXED),  # fine on its own
            Pin("A", "R", "urology", 0, 3, PinMode.FIXED),
            Pin("A", "R", "urology", 2, 3, PinMode.FIXED),  # overlaps pins[1]
        ),
    )
    with pytest.raises(ScenarioError) as info:
        solve(s, EXACT)
    text = str(info.value)
    assert "pins[1], pins[2]" in text and "pins[0]" not in text and "smallest" in text


def test_a_pin_that_breaks_a_hard_rule_alone_is_named() -> None:
    # A required leader and no leader available in months 3-5: F's pinned posting there
    # can never be valid.
    s = _leader_scenario(Leader(LeaderMode.REQUIRED))
    s = replace(s, pins=(Pin("F1", "R", "urology", 3, 3, PinMode.FIXED),))
    with pytest.raises(ScenarioError, match=r"pins\[0\]"):
        solve(s, EXACT)


def test_pins_a_rule_needs_company_for_are_completed() -> None:
    # F1 pinned in months 0-2 needs a leader beside it: L (the only leader) is posted.
    s = _leader_scenario(Leader(LeaderMode.REQUIRED))
    s = replace(s, pins=(Pin("F1", "R", "urology", 0, 3, PinMode.FIXED),))
    result = solve(s, EXACT)
    assert Posting("F1", "R", "urology", 0, 3) in result.plan.postings
    assert any(p.expert == "L" for p in result.plan.postings)
    _optimum(s, 9)
