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


def test_solve_writes_plan_and_csv(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    code = main(
        [
            "solve",
            str(data_dir / "scenario-v1-small-2.json"),
            "-o",
            str(plan),
            "--csv",
            str(tmp_path / "csv"),
            "--workers",
            "1",
            "--time-limit",
            "10",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("status optimal: objective 246, best bound 246, gap 0.00%")
    doc = json.loads(plan.read_text())
    assert doc["solve"]["status"] == "optimal" and doc["summary"]["objective"] == 246
    assert (tmp_path / "csv" / "postings.csv").is_file()
    assert (tmp_path / "csv" / "coverage.csv").read_text().startswith("recipient,specialty,weight")
    # the written plan passes the checker
    assert main(["check", str(data_dir / "scenario-v1-small-2.json"), str(plan)]) == 0
    assert "objective 246: valid" in capsys.readouterr().out


def test_solve_to_stdout_keeps_stdout_pure_json(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["solve", str(data_dir / "scenario-v1-small.json"), "-o", "-", "--workers", "1"]) == 0
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["objective"] == 28
    assert "status optimal" in captured.err


def test_check_reports_violations_of_a_hand_made_plan(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "postings.csv"
    plan.write_text(
        "expert,recipient,specialty,start,months\n"
        "E2,R1,neurosurgery,0,6\n"
        "E2,R1,neurosurgery,3,6\n"
        "E4,R0,neurosurgery,5,3\n"
    )
    assert main(["check", str(data_dir / "scenario-v1-small.json"), str(plan)]) == 1
    out = capsys.readouterr().out
    assert "[overlap] expert 'E2' has 2 postings in month 3 (postings 0, 1)" in out
    assert "[max_postings] expert 'E2' has 2 postings, more than their max_postings of 1" in out
    assert (
        "[no_such_gap] posting 2: expert 'E4' at 'R0': the recipient has no gap in 'neurosurgery'"
        in out
    )
    assert "INVALID" in out


def test_check_malformed_plan_exits_2(data_dir: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"postings": [{"expert": "E2"}]}')
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "matchaid",
            "check",
            str(data_dir / "scenario-v1-small.json"),
            str(plan),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"{plan}: postings[0].recipient: required field is missing" in run.stderr


def test_solve_rejects_bad_params_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "p.toml"
    params.write_text("workers = -2\n[cp_sat]\nlinearisation_level = 2\n")
    assert main(["solve", str(data_dir / "scenario-v1-small.json"), "--params", str(params)]) == 2
    err = capsys.readouterr().err
    assert "workers: must be a whole number from 0 to 4096, got -2" in err
    assert "cp_sat.linearisation_level: not a CP-SAT parameter" in err


def test_generate_writes_a_valid_seeded_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.json"
    assert (
        main(
            [
                "generate",
                "xs",
                "--seed",
                "4",
                "-o",
                str(out),
                "--set",
                "pairing=none",
                "--set",
                "num_experts=30",
            ]
        )
        == 0
    )
    assert main(["validate", "--json", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["num_experts"] == 30 and summary["num_pairings"] == 0
    assert (
        main(["generate", "xs", "--seed", "4", "--set", "pairing=none", "--set", "num_experts=30"])
        == 0
    )
    assert json.loads(capsys.readouterr().out) == json.loads(out.read_text())
    assert main(["generate", "xs", "--set", "colour=blue"]) == 2
    assert "expected KNOB=VALUE with a knob of: num_donors" in capsys.readouterr().err


def test_solve_rejects_a_gap_limit_outside_0_to_1(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(data_dir / "scenario-v1-small.json")
    assert main(["solve", scenario, "--gap-limit", "1"]) == 2
    err = capsys.readouterr().err
    assert "matchaid: error: options: gap_limit: must be a number from 0 up to" in err
    assert main(["solve", scenario, "--gap-limit", "nan"]) == 2
    assert "gap_limit: must be a number" in capsys.readouterr().err
