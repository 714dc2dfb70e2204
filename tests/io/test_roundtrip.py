"""JSON <-> CSV conversion is lossless, and CSV errors name the file, line and column."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

from matchaid import Scenario, ScenarioError, load_scenario, save_scenario
from matchaid.exceptions import MatchaidError
from matchaid.io import scenario_from_document, scenario_to_document
from tests.strategies import scenarios, v2_scenarios


@given(scenarios(rich_text=True))
def test_json_round_trip_is_lossless(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.json"
        save_scenario(scenario, path)
        assert load_scenario(path) == scenario


@given(scenarios(rich_text=True))
def test_csv_round_trip_is_lossless(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        save_scenario(scenario, Path(tmp) / "folder", format="csv")
        back = load_scenario(Path(tmp) / "folder")
        assert back == scenario
        # and back to JSON gives the same document
        assert scenario_to_document(back) == scenario_to_document(scenario)


@given(v2_scenarios(max_experts=4, max_recipients=3, max_months=8))
def test_v2_round_trips_through_json_and_csv(scenario: Scenario) -> None:
    """Every v2 field (trainees and seats, costs, pins, communities, ...) survives; an
    empty ``starts`` list, which CSV cannot hold, is refused by the CSV writer."""
    empty_starts = any(r.starts == () for r in scenario.recipients) or any(
        t.starts == () for t in scenario.trainees
    )
    with tempfile.TemporaryDirectory() as tmp:
        save_scenario(scenario, Path(tmp) / "s.json")
        assert load_scenario(Path(tmp) / "s.json") == scenario
        if empty_starts:
            with pytest.raises(MatchaidError, match="save this scenario as JSON"):
                save_scenario(scenario, Path(tmp) / "folder")
            return
        save_scenario(scenario, Path(tmp) / "folder")
        assert load_scenario(Path(tmp) / "folder") == scenario


def test_sample_converts_to_csv_and_back(data_dir: Path, tmp_path: Path) -> None:
    original = load_scenario(data_dir / "scenario-v1-small.json")
    save_scenario(original, tmp_path / "csv")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "donors.csv",
        "experts.csv",
        "gaps.csv",
        "pairings.csv",
        "recipients.csv",
        "scenario.csv",
    ]
    assert (tmp_path / "csv" / "experts.csv").read_text().splitlines()[1] == (
        "E0,D2,urology;cardiology,attending,false,false,0,4,,"
    )
    assert load_scenario(tmp_path / "csv") == original


def test_document_round_trip_keeps_optional_fields_unset(data_dir: Path) -> None:
    doc = json.loads((data_dir / "scenario-v1-small.json").read_text())
    again = scenario_to_document(scenario_from_document(doc, "x"))
    assert "terms" not in again["experts"][0] and again["experts"][2]["terms"] == [6]
    assert "max_away" not in again["donors"][1]


def _csv_folder(data_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    save_scenario(load_scenario(data_dir / "scenario-v1-small.json"), folder)
    return folder


def test_csv_errors_name_file_line_and_column(data_dir: Path, tmp_path: Path) -> None:
    folder = _csv_folder(data_dir, tmp_path)
    experts = (folder / "experts.csv").read_text().splitlines()
    experts[3] = experts[3].replace(",D0,", ",D9,")  # line 4 of the file
    (folder / "experts.csv").write_text("\n".join(experts) + "\n")
    gaps = (folder / "gaps.csv").read_text().splitlines()
    gaps[3] = gaps[3].replace(",3,8,", ",3,18,")
    (folder / "gaps.csv").write_text("\n".join(gaps) + "\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    found = {p.path: p.message for p in info.value.problems}
    assert found["experts.csv line 4, donor"].startswith("unknown donor 'D9'")
    assert found["gaps.csv line 4, window_from/_to"] == (
        "window [3, 18) lies outside the horizon [0, 12)"
    )
    assert str(folder) in str(info.value)


def test_csv_structure_errors(data_dir: Path, tmp_path: Path) -> None:
    folder = _csv_folder(data_dir, tmp_path)
    (folder / "donors.csv").write_text("id,name,town,release\nD0,a,b,\n")
    (folder / "recipients.csv").unlink()
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    messages = [p.format() for p in info.value.problems]
    assert "donors.csv: required column 'city' is missing" in messages
    assert any(m.startswith("donors.csv: unknown column 'town'") for m in messages)
    assert "recipients.csv: required file is missing" in messages


def test_csv_row_with_wrong_cell_count_and_bad_numbers(data_dir: Path, tmp_path: Path) -> None:
    folder = _csv_folder(data_dir, tmp_path)
    with (folder / "pairings.csv").open("a") as f:
        f.write("D1,R1\n")
    lines = (folder / "recipients.csv").read_text().splitlines()
    lines[1] = lines[1].replace(",1,", ",one,")
    (folder / "recipients.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(folder)
    found = {p.path: p.message for p in info.value.problems}
    assert found["pairings.csv line 3"] == "has 2 cells but the header names 3 columns"
    with pytest.raises(ScenarioError) as info:
        (folder / "pairings.csv").write_text("donor,recipient,mode\n")
        load_scenario(folder)
    found = {p.path: p.message for p in info.value.problems}
    assert found["recipients.csv line 2, hosting"] == "must be a whole number of experts, got 'one'"


def test_gap_rows_for_unknown_recipients(data_dir: Path, tmp_path: Path) -> None:
    folder = _csv_folder(data_dir, tmp_path)
    with (folder / "gaps.csv").open("a") as f:
        f.write("R9,urology,1,0,3,1,\n")
    with pytest.raises(ScenarioError, match=r"gaps.csv line 6, recipient: unknown recipient 'R9'"):
        load_scenario(folder)


def test_csv_writer_refuses_values_it_cannot_round_trip(data_dir: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    s = load_scenario(data_dir / "scenario-v1-small.json")
    bad = replace(s, experts=(replace(s.experts[0], specialties=("uro;logy",)), *s.experts[1:]))
    with pytest.raises(MatchaidError, match="separates list items"):
        save_scenario(bad, tmp_path / "out")
