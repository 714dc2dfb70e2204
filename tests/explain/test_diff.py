"""``matchaid diff``: kept, removed, added, moved, people affected, KPI changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import matchaid
from matchaid import Posting
from matchaid.cli import main
from matchaid.diff import plan_diff
from tests.planner.helpers import expert, gap, recipient, scenario


def _two() -> tuple[matchaid.Scenario, matchaid.Plan, matchaid.Plan]:
    s = scenario(
        [expert("E1"), expert("E2"), expert("E3")],
        [recipient("R1", gap(demand=2)), recipient("R2", gap())],
    )
    old = matchaid.Plan(
        s,
        (
            Posting("E1", "R1", "urology", 0, 3),
            Posting("E2", "R1", "urology", 0, 3),
            Posting("E3", "R2", "urology", 3, 3),
        ),
    )
    new = matchaid.Plan(
        s,
        (
            Posting("E1", "R1", "urology", 0, 3),  # kept
            Posting("E2", "R2", "urology", 0, 3),  # E2 moved to R2
            Posting("E1", "R1", "urology", 3, 3),  # added
        ),
    )  # E3's posting removed
    return s, old, new


def test_diff_lists_each_kind_of_change() -> None:
    s, old, new = _two()
    d = plan_diff(s, old, new)
    assert d.kept == (Posting("E1", "R1", "urology", 0, 3),)
    assert d.moved == (
        (Posting("E2", "R1", "urology", 0, 3), Posting("E2", "R2", "urology", 0, 3)),
    )
    assert d.removed == (Posting("E3", "R2", "urology", 3, 3),)
    assert d.added == (Posting("E1", "R1", "urology", 3, 3),)
    # old postings not in the new plan (E2's, E3's) plus new ones not in the old (E2's, E1's)
    assert d.changes == 4
    assert sorted(d.people) == ["E1", "E2", "E3"]
    assert d.people["E3"] == ((Posting("E3", "R2", "urology", 3, 3),), ())
    a, b, change = d.kpis["objective"]
    assert (a, b) == (old.objective, new.objective) and change == pytest.approx(b - a)


def test_diff_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s, old, new = _two()
    matchaid.save_scenario(s, tmp_path / "s.json")
    old.to_json(tmp_path / "old.json")
    new.to_json(tmp_path / "new.json")
    args = [str(tmp_path / x) for x in ("s.json", "old.json", "new.json")]
    assert main(["diff", *args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (
        out["changes"] == 4
        and len(out["moved"]) == 1
        and out["moved"][0]["new"]["recipient"] == "R2"
    )
    assert {p["id"] for p in out["people"]} == {"E1", "E2", "E3"}
    assert set(out["kpis"]["objective"]) == {"old", "new", "change"}
    assert main(["diff", *args]) == 0
    text = capsys.readouterr().out
    assert "1 moved" in text and "4 changes" in text and "objective:" in text
