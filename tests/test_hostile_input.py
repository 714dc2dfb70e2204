"""Hostile numbers, bad paths and bad settings: exit 2 naming file, field and reason, or a
correct result; never a traceback, and never after the work is done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import matchaid
from matchaid import ScenarioError, load_scenario
from matchaid.cli import main
from matchaid.io import atomic_writer, json_text, save_scenario

SMALL = "scenario-v1-small.json"


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matchaid", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        (("horizon", "months"), 2**63, "horizon.months"),
        (("horizon", "months"), 1e308, "horizon.months"),
        (("recipients", 0, "hosting"), 2**63, "recipients[0].hosting"),
        (("recipients", 0, "hosting"), 1e308, "recipients[0].hosting"),
        (("recipients", 0, "gaps", 0, "demand"), 2**63, "recipients[0].gaps[0].demand"),
        (("donors", 0, "max_away"), 2**63, "donors[0].max_away"),
        (("experts", 0, "max_postings"), 1e308, "experts[0].max_postings"),
        (("recipients", 0, "gaps", 0, "weight"), 1e16, "recipients[0].gaps[0].weight"),
        (("recipients", 0, "gaps", 0, "weight"), 2.0**64, "recipients[0].gaps[0].weight"),
        (("terms", 0), 2**62, "terms[0]"),
    ],
)
def test_numbers_the_solver_cannot_represent_are_rejected_by_validate(
    write_doc: Any, small_doc: dict[str, Any], where: tuple[Any, ...], value: Any, path: str
) -> None:
    node = small_doc
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    file = write_doc(small_doc)
    with pytest.raises(ScenarioError) as info:
        load_scenario(file)
    assert path in {p.path for p in info.value.problems}, info.value
    run = _run("validate", str(file))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert path in run.stderr


def test_network_hours_beyond_the_limit_are_rejected(data_dir: Path, tmp_path: Path) -> None:
    doc = json.loads((data_dir / SMALL).read_text())
    doc["network"] = {"edges": [{"a": "Shanghai", "b": "Lhasa", "hours": 1e308}]}
    file = tmp_path / "s.json"
    file.write_text(json.dumps(doc))
    with pytest.raises(ScenarioError, match=r"network.edges\[0\].hours: must be at most"):
        load_scenario(file)


def test_limits_admit_the_largest_values(small_doc: dict[str, Any], write_doc: Any) -> None:
    small_doc["recipients"][0]["hosting"] = matchaid.domain.MAX_COUNT
    small_doc["donors"][0]["max_away"] = matchaid.domain.MAX_COUNT
    load_scenario(write_doc(small_doc))


def test_a_huge_posting_is_one_violation_not_out_of_memory(data_dir: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "postings": [
                    {
                        "expert": "E1",
                        "recipient": "R1",
                        "specialty": "urology",
                        "start": 0,
                        "months": 2**62,
                    }
                ]
            }
        )
    )
    s = load_scenario(data_dir / SMALL)
    rules = {v.rule for v in matchaid.validate(s, matchaid.load_postings(plan))}
    assert "availability" in rules
    assert matchaid.objective_value(s, matchaid.load_postings(plan)) >= 0


def test_report_on_a_plan_of_another_scenario_is_exit_2(data_dir: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    assert main(["solve", str(data_dir / SMALL), "-o", str(plan), "--workers", "1"]) == 0
    run = _run(
        "report",
        str(data_dir / "scenario-v1-small-2.json"),
        str(plan),
        "--html",
        str(tmp_path / "r.html"),
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "another" in run.stderr and "postings[0]" in run.stderr


def test_output_into_a_missing_folder_is_created(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "new" / "deeper" / "plan.json"
    assert main(["solve", str(data_dir / SMALL), "-o", str(plan), "--workers", "1"]) == 0
    assert json.loads(plan.read_text())["solve"]["status"] == "optimal"


def test_a_full_disk_for_one_output_still_writes_the_others_and_says_which(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ENOSPC on the plan file after the solve: the CSV files are still written, the
    summary still printed, and the error names the file (exit 2, no traceback)."""
    import errno

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(matchaid.Plan, "to_json", full)
    plan, csv = tmp_path / "plan.json", tmp_path / "csv"
    argv = ["solve", str(data_dir / SMALL), "-o", str(plan), "--csv", str(csv), "--workers", "1"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert "status optimal" in out
    assert f"cannot write {plan}: No space left on device" in err
    assert not plan.exists() and (csv / "postings.csv").exists()


@pytest.mark.parametrize("kind", ["output_is_folder", "csv_is_file", "parent_is_file"])
def test_unwritable_outputs_fail_before_the_solve(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    argv = {
        "output_is_folder": ["-o", str(tmp_path)],
        "csv_is_file": ["--csv", str(a_file)],
        "parent_is_file": ["-o", str(a_file / "plan.json")],
    }[kind]
    assert main(["solve", str(data_dir / SMALL), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("matchaid: error:") and "solving" not in err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot read file"),
        ("DIR", "is a folder"),
        (b"workers = 1\n\xb2\xe2 = 2\n", "line 2: not UTF-8 text"),
        ("[1, 2]", "must be a table of settings"),
        ("cp_sat = 5", "cp_sat: must be a table"),
        ("workers = 9223372036854775807", "workers: must be a whole number from 0 to 4096"),
        ("seed = -1", "seed: must be a whole number from 0"),
        ("weights = 3", "weights: must be a table"),
        ("[weights]\ntravel = 1e300", "weights.travel: must be a number from 0 to"),
        ("[cp_sat]\nfix_variables_to_their_hinted_value = true", "not accepted"),
    ],
)
def test_bad_params_files_are_exit_2_naming_file_and_field(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes | None,
    reason: str,
) -> None:
    name = "p.json" if content == "[1, 2]" else "p.toml"
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["solve", str(data_dir / SMALL), "--params", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and reason in err, err


def test_a_bom_in_a_toml_params_file_is_accepted(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(b"\xef\xbb\xbfworkers = 1\n")
    assert matchaid.SolveParams.from_file(path).workers == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", SMALL, "--time-limit", "-5"],
        ["solve", SMALL, "--time-limit", "nan"],
        ["solve", SMALL, "--time-limit", "inf"],
        ["solve", SMALL, "--seed", "-1"],
        ["solve", SMALL, "--workers", str(2**63)],
        ["generate", "s", "--seed", "-1"],
    ],
)
def test_bad_options_are_exit_2_without_traceback(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    argv = [str(data_dir / a) if a == SMALL else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("matchaid: error:") and "Traceback" not in err


def test_time_limit_zero_still_means_no_limit(data_dir: Path) -> None:
    assert main(["solve", str(data_dir / SMALL), "--time-limit", "0", "--workers", "1"]) == 0


def test_json_text_writes_unknown_numbers_as_null() -> None:
    doc = {"best_bound": float("inf"), "gap": float("nan"), "list": [float("-inf"), 1.5]}
    assert json.loads(json_text(doc)) == {"best_bound": None, "gap": None, "list": [None, 1.5]}


def test_solve_to_stdout_is_valid_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(data_dir / SMALL), "-o", "-", "--workers", "1"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["solve"]["status"] == "optimal"


def test_stale_temp_files_of_killed_writers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    dead = tmp_path / ".plan.json.999999999.abc123.tmp"  # no such process
    old_style = tmp_path / ".plan.json.x1y2z3.tmp"  # written before pids were recorded
    mine = tmp_path / f".plan.json.{os.getpid()}.running.tmp"  # a live writer's: kept
    other = tmp_path / ".other.json.999999999.abc.tmp"  # another target's: kept
    for p in (dead, old_style, mine, other):
        p.write_text("half")
    with atomic_writer(target) as handle:
        handle.write("{}")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([target.name, mine.name, other.name])


def test_csv_fields_longer_than_128_kib_round_trip(data_dir: Path, tmp_path: Path) -> None:
    import dataclasses

    s = dataclasses.replace(load_scenario(data_dir / SMALL), description="x" * 200_000)
    save_scenario(s, tmp_path / "f", format="csv")
    assert load_scenario(tmp_path / "f").description == s.description


def test_csv_release_given_twice_is_an_error(data_dir: Path, tmp_path: Path) -> None:
    save_scenario(load_scenario(data_dir / SMALL), tmp_path / "f", format="csv")
    donors = tmp_path / "f" / "donors.csv"
    lines = donors.read_text().splitlines()
    head, first = lines[0], lines[1].split(",")
    first[head.split(",").index("release")] = "urology:1;urology:2"
    donors.write_text("\n".join([head, ",".join(first), *lines[2:]]) + "\n")
    with pytest.raises(ScenarioError, match=r"donors.csv line 2, release.urology: specialty given"):
        load_scenario(tmp_path / "f")


def test_csv_list_cells_and_postings_name_file_and_line(data_dir: Path, tmp_path: Path) -> None:
    save_scenario(load_scenario(data_dir / SMALL), tmp_path / "f", format="csv")
    meta = tmp_path / "f" / "scenario.csv"
    text = meta.read_text().replace(",3;6,", ",3;0,", 1)
    assert text != meta.read_text()
    meta.write_text(text)
    with pytest.raises(ScenarioError, match=r"scenario.csv line 2, terms \(item 2\)"):
        load_scenario(tmp_path / "f")
    postings = tmp_path / "postings.csv"
    postings.write_text("expert,recipient,specialty,start,months\nE1,R1,urology,x,3\n")
    with pytest.raises(matchaid.PlanFileError, match=r"line 2, start: must be a whole number"):
        matchaid.load_postings(postings)


def test_convert_names_the_target_for_an_unwritable_value(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((data_dir / SMALL).read_text())
    doc["donors"][0]["release"] = {"uro;logy": 1}
    src = tmp_path / "s.json"
    src.write_text(json.dumps(doc))
    assert main(["convert", str(src), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "out") in err and "donors.csv, donor" in err and "release" in err


def test_a_bad_seniority_does_not_hide_the_experts_other_errors(
    small_doc: dict[str, Any], write_doc: Any
) -> None:
    small_doc["experts"][0]["seniority"] = "professor"
    small_doc["experts"][0]["donor"] = "NOPE"
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_doc(small_doc))
    paths = {p.path for p in info.value.problems}
    assert {"experts[0].seniority", "experts[0].donor"} <= paths


def test_a_travel_limit_for_a_city_off_the_network_is_warned(
    small_doc: dict[str, Any], write_doc: Any
) -> None:
    small_doc["network"] = {"edges": [{"a": "Shanghai", "b": "Lhasa", "hours": 8}]}
    small_doc["recipients"][0]["city"] = "Lhasaa"
    small_doc["recipients"][0]["max_travel_hours"] = 10
    warnings = matchaid.scenario_warnings(load_scenario(write_doc(small_doc)))
    assert any(
        w.path == "recipients[0].city" and "did you mean 'Lhasa'" in w.message for w in warnings
    )
