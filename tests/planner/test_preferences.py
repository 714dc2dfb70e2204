"""Experts' preferences (issue 13): a tie-break that follows them, KPIs, and the
stability audit (blocking pairs)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from matchaid import ObjectiveWeights, Plan, Posting, audit, programme_figures, save_scenario, solve
from matchaid.cli import main
from tests.planner.helpers import EXACT, expert, gap, recipient, scenario


def _two_hospitals(*experts_):  # type: ignore[no-untyped-def]
    return scenario(list(experts_), [recipient("R1", gap()), recipient("R2", gap())])


@pytest.mark.parametrize("first", ["R1", "R2"])
def test_the_preference_weight_follows_the_list_among_equal_plans(first: str) -> None:
    other = "R2" if first == "R1" else "R1"
    s = _two_hospitals(expert("A", terms=(6,), preferences=(first, other)))
    r = solve(s, replace(EXACT, weights=ObjectiveWeights(preference=1.0)))
    assert r.objective == 6 and [p.recipient for p in r.plan.postings] == [first]
    f = programme_figures(s, r.plan)
    assert f.terms["first_choice"] == 1 and f.terms["listed_choice"] == 1


def test_audit_finds_the_blocking_pair_of_a_hand_made_plan() -> None:
    s = _two_hospitals(expert("A", terms=(6,), preferences=("R2", "R1")), expert("B", terms=(6,)))
    plan = [Posting("A", "R1", "urology", 0, 6)]  # A serves its second choice; R2 has nobody
    pairs = audit(s, plan)
    assert [(b.expert, b.recipient, b.choice, b.gain) for b in pairs] == [("A", "R2", 1, 6)]
    assert pairs[0].posting == Posting("A", "R2", "urology", 0, 6)
    assert "prefers 'R2' (choice 1) to 'R1'" in str(pairs[0])


def test_a_plan_built_to_be_stable_has_no_blocking_pair() -> None:
    s = _two_hospitals(
        expert("A", terms=(6,), preferences=("R2", "R1")),
        expert("B", terms=(6,), preferences=("R2",)),
    )
    # R2 (demand 1) is fully covered by B, who is at its first choice; A moving there
    # would not raise R2's coverage
    plan = [Posting("B", "R2", "urology", 0, 6), Posting("A", "R1", "urology", 0, 6)]
    assert audit(s, plan) == []


def test_the_audit_command_lists_pairs_and_exits_1(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    s = _two_hospitals(expert("A", terms=(6,), preferences=("R2", "R1")))
    save_scenario(s, tmp_path / "s.json")
    Plan(s, (Posting("A", "R1", "urology", 0, 6),)).to_json(tmp_path / "p.json")
    assert main(["audit", str(tmp_path / "s.json"), str(tmp_path / "p.json")]) == 1
    out = capsys.readouterr().out
    assert "expert 'A' prefers 'R2'" in out and "1 blocking pair(s)" in out
    Plan(s, (Posting("A", "R2", "urology", 0, 6),)).to_json(tmp_path / "q.json")
    assert main(["audit", str(tmp_path / "s.json"), str(tmp_path / "q.json"), "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
