"""``matchaid explain`` on the command line: solve, then explain the plan file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchaid.cli import main


def test_solve_then_explain(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(data_dir / "scenario-v1-small.json")
    plan = str(tmp_path / "plan.json")
    assert main(["solve", scenario, "-o", plan, "--workers", "1", "--time-limit", "20"]) == 0
    capsys.readouterr()
    assert main(["explain", scenario, plan, "--json", "--workers", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    gaps = out["gaps"]
    assert gaps, "the small scenario leaves orthopedics unmet"
    for g in gaps:
        assert set(g) >= {"recipient", "specialty", "unmet", "reasons"} and g["unmet"] > 0
        for r in g["reasons"]:
            assert set(r) >= {"code", "text", "limit", "periods", "gain", "gain_proven"}
    ortho = [g for g in gaps if g["specialty"] == "orthopedics"]
    assert ortho and ortho[0]["reasons"][0]["code"] == "no_specialty"

    first = gaps[0]
    wanted = f"{first['recipient']}:{first['specialty']}"
    assert main(["explain", scenario, plan, "--gap", wanted, "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert f"{first['specialty']} at " in text and "1. [" in text


def test_explain_unknown_gap_exits_2(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(data_dir / "scenario-v1-small.json")
    plan = tmp_path / "plan.json"
    plan.write_text('{"postings": []}')
    assert main(["explain", scenario, str(plan), "--gap", "nowhere:urology"]) == 2
    assert "no such gap" in capsys.readouterr().err
