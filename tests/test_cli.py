"""The command line: exit codes, stdout for data, clean errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matchaid.cli import main


def test_validate_prints_summary(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(data_dir / "scenario-v1-small.json")]) == 0
    out, err = capsys.readouterr()
    assert "3 donors, 9 experts, 2 recipients, 4 gaps, 1 pairings over 12 months" in out
    assert "obstetrics" in out and "valid scenario" in out
    assert "warning:" in err and "no expert has specialty 'orthopedics'" in err


def test_validate_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--json", str(data_dir / "scenario-v1-small-2.json")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["num_experts"] == 7 and summary["num_gaps"] == 5


def test_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"horizon": {"months": 12}, "terms": [3], "donors": [], '
        '"experts": [{"id": "E", "donor": "D", "specialties": ["x"], '
        '"seniority": "chief", "available": [0, 3]}], "recipients": []}'
    )
    run = subprocess.run(
        [sys.executable, "-m", "matchaid", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert f"{bad}: experts[0].donor: unknown donor 'D'" in run.stderr
    assert run.stdout == ""


def test_convert_round_trip(data_dir: Path, tmp_path: Path) -> None:
    assert main(["convert", str(data_dir / "scenario-v1-small-2.json"), str(tmp_path / "f")]) == 0
    assert main(["convert", str(tmp_path / "f"), str(tmp_path / "back.json")]) == 0
    original = json.loads((data_dir / "scenario-v1-small-2.json").read_text())
    back = json.loads((tmp_path / "back.json").read_text())
    back.pop("version")
    assert back == original


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["validate", "--help"], ["convert", "--help"], ["--version"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 0
    assert "matchaid" in capsys.readouterr().out
