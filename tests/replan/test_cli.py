"""``matchaid replan`` on the command line: solve -> withdraw an expert -> replan ->
diff, and the new plan file checked again from the original scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchaid.cli import main


def test_solve_withdraw_replan_diff(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(data_dir / "scenario-v1-small-2.json")
    old, new, diff = (str(tmp_path / name) for name in ("old.json", "new.json", "diff.json"))
    assert main(["solve", scenario, "-o", old, "--workers", "1", "--time-limit", "20"]) == 0
    capsys.readouterr()
    # withdraw someone serving across month 5, re-plan from month 4
    postings = json.loads(Path(old).read_text())["postings"]
    active = next(p for p in postings if p["start"] < 4 < 5 < p["start"] + p["months"])
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps([{"withdraw": active["expert"], "from": 5}]))
    argv = ["replan", scenario, old, "--changes", str(changes), "--now", "4"]
    argv += ["-o", new, "--diff", diff, "--workers", "1", "--time-limit", "20"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "re-planned from period 4" in out and "cut:" in out

    doc = json.loads(Path(new).read_text())
    assert doc["solve"]["status"] == "optimal"
    assert [s["goal"] for s in doc["solve"]["stages"]] == ["coverage", "changes"]
    record = doc["replan"]
    assert record["now"] == 4 and record["num_changes"] == record["least_changes"]
    cut = [p for p in record["past"]["postings"] if p["expert"] == active["expert"]]
    assert any(p["start"] == active["start"] and p["months"] == 5 - p["start"] for p in cut)

    written = json.loads(Path(diff).read_text())
    assert written["changes"] == record["num_changes"] and written["now"] == 4
    assert written["cut"][0]["new"]["months"] == 5 - active["start"]

    assert main(["check", scenario, new]) == 0  # re-checked with the changes and the past
    assert "valid" in capsys.readouterr().out

    assert main(["diff", scenario, old, new, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["changes"] == record["num_changes"]
    assert {p["id"] for p in again["people"]} >= {active["expert"]}


def test_replan_errors_exit_2_without_traceback(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(data_dir / "scenario-v1-small-2.json")
    old = tmp_path / "old.json"
    old.write_text('{"postings": []}')
    changes = tmp_path / "changes.json"
    changes.write_text('[{"withdraw": "nobody", "from": 3}]')
    argv = ["replan", scenario, str(old), "--changes", str(changes), "-o", str(tmp_path / "n.json")]
    assert main([*argv, "--now", "2"]) == 2
    err = capsys.readouterr().err
    assert "[0].withdraw: unknown expert 'nobody'" in err and "Traceback" not in err
    assert main([*argv, "--now", "99"]) == 2
    assert "--now" in capsys.readouterr().err
    assert not (tmp_path / "n.json").exists()
