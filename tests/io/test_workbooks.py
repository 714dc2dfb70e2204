"""Excel workbooks (issue 17, part 1): a scenario workbook is a CSV folder in one file,
read by the same code (errors name sheet, row and column), Excel's own quirks undone,
the round trip lossless; plan workbooks have postings, trainings, coverage and KPIs."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

import matchaid
from matchaid.cli import main
from matchaid.domain import Scenario
from matchaid.exceptions import MatchaidError, PlanFileError, ScenarioError
from matchaid.io import load_scenario, save_scenario, scenario_to_document
from tests.strategies import scenarios, v2_scenarios

openpyxl = pytest.importorskip("openpyxl")

NAME = "西藏自治区人民医院"


@settings(max_examples=40)
@given(scenarios(rich_text=True))
def test_workbook_round_trip_is_lossless(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        save_scenario(scenario, Path(tmp) / "s.xlsx")
        back = load_scenario(Path(tmp) / "s.xlsx")
        assert back == scenario
        assert scenario_to_document(back) == scenario_to_document(scenario)


@settings(max_examples=30)
@given(v2_scenarios(max_experts=4, max_recipients=3, max_months=8))
def test_v2_workbook_round_trip(scenario: Scenario) -> None:
    empty_starts = any(r.starts == () for r in scenario.recipients) or any(
        t.starts == () for t in scenario.trainees
    )
    with tempfile.TemporaryDirectory() as tmp:
        if empty_starts:  # as in a CSV folder, an empty list cannot be held by a cell
            with pytest.raises(MatchaidError, match="save this scenario as JSON"):
                save_scenario(scenario, Path(tmp) / "s.xlsx")
            return
        save_scenario(scenario, Path(tmp) / "s.xlsx")
        assert load_scenario(Path(tmp) / "s.xlsx") == scenario


@pytest.fixture
def book(data_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "small.xlsx"
    save_scenario(load_scenario(data_dir / "scenario-v1-small.json"), path)
    return path


def _edit(path: Path, sheet: str, row: int, column: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1, value=value)
    wb.save(path)


def test_errors_name_the_sheet_row_and_column(book: Path) -> None:
    _edit(book, "experts", 3, "seniority", "boss")
    _edit(book, "gaps", 2, "demand", -1)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(book)
    text = str(caught.value)
    assert "sheet 'experts' row 3, seniority: unknown seniority 'boss'" in text
    assert "sheet 'gaps' row 2, demand:" in text


def test_excel_quirks_are_undone(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    meta = wb["scenario"]
    header = [c.value for c in meta[1]]
    meta.cell(row=2, column=header.index("start") + 1, value=dt.datetime(2015, 8, 1))
    meta.cell(row=2, column=header.index("months") + 1, value=12.0)  # Excel's numbers
    experts = wb["experts"]
    header = [c.value for c in experts[1]]
    experts.cell(row=2, column=header.index("academician") + 1, value=True)
    experts.cell(row=1, column=len(header) + 3, value=None)  # formatted, empty columns
    experts.cell(row=40, column=1, value=None)  # and empty rows
    wb["recipients"].cell(row=2, column=2, value=NAME)
    wb.create_sheet("notes").append(["a planner's notes", 1, 2])
    wb.save(book)
    s = load_scenario(book)
    assert s.horizon.start == "2015-08" and s.horizon.months == 12
    assert s.experts[0].academician is True
    assert s.recipients[0].name == NAME


def test_headers_and_sheet_names_as_planners_write_them(book: Path) -> None:
    """``ID``, ``Available From`` and ``Experts`` name the columns ``id``,
    ``available_from`` and the sheet ``experts``; a header naming no column is still
    reported as written."""
    wb = openpyxl.load_workbook(book)
    experts = wb["experts"]
    experts.title = "tmp"
    experts.title = "Experts"
    header = [c.value for c in experts[1]]
    experts.cell(row=1, column=header.index("id") + 1, value="ID")
    experts.cell(row=1, column=header.index("available_from") + 1, value=" Available From ")
    wb.save(book)
    assert load_scenario(book).experts[0].available[0] == 0
    _edit(book, "Experts", 1, "ID", "Expert No.")
    with pytest.raises(ScenarioError, match=r"unknown column 'Expert No\.'"):
        load_scenario(book)


def test_ranks_and_flags_written_in_chinese(book: Path) -> None:
    """A Chinese sheet names ranks 主任医师 ... and flags 是/否: read as the labels."""
    original = load_scenario(book)
    wb = openpyxl.load_workbook(book)
    experts, gaps = wb["experts"], wb["gaps"]
    head = [c.value for c in experts[1]]
    names = {
        "resident": "住院医师",
        "attending": "主治医师",
        "associate_chief": "副主任医师",
        "chief": "主任医师",
    }
    for row in range(2, experts.max_row + 1):
        cell = experts.cell(row=row, column=head.index("seniority") + 1)
        cell.value = names[cell.value]
        flag = experts.cell(row=row, column=head.index("can_lead") + 1)
        flag.value = "是" if flag.value in (True, "true") else "否"
    head = [c.value for c in gaps[1]]
    for row in range(2, gaps.max_row + 1):
        cell = gaps.cell(row=row, column=head.index("min_seniority") + 1)
        if cell.value:
            cell.value = names[cell.value]
    wb.save(book)
    assert load_scenario(book) == original
    _edit(book, "experts", 2, "seniority", "主任")
    with pytest.raises(ScenarioError, match="unknown seniority '主任'"):
        load_scenario(book)


def test_a_sheet_recording_a_wrong_used_range_is_read_whole(book: Path, tmp_path: Path) -> None:
    """Some writers record a sheet's used range as A1; every row is read all the same."""
    import re
    import zipfile

    fixed = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(fixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', data)
            dst.writestr(item, data)
    assert load_scenario(fixed) == load_scenario(book)


def test_missing_sheet_and_not_a_workbook(book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(book)
    del wb["gaps"]
    wb.save(book)
    with pytest.raises(ScenarioError, match="sheet 'gaps': required sheet is missing"):
        load_scenario(book)
    fake = tmp_path / "fake.xlsx"
    fake.write_text('{"horizon": 1}')
    with pytest.raises(ScenarioError, match=r"not an Excel workbook \(\.xlsx\)"):
        load_scenario(fake)


def test_cli_converts_a_csv_folder_to_a_workbook_file_and_solves_it_to_a_plan_workbook(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "csv"
    save_scenario(load_scenario(data_dir / "scenario-v1-small-2.json"), folder)
    book = tmp_path / "out.xlsx"
    assert main(["convert", str(folder), str(book)]) == 0
    assert book.is_file()  # a file, not a folder named out.xlsx
    assert main(["validate", str(book)]) == 0
    plan = tmp_path / "plan.xlsx"
    argv = ["solve", str(book), "-o", str(plan), "--workers", "1", "--time-limit", "10"]
    assert main(argv) == 0
    wb = openpyxl.load_workbook(plan, read_only=True)
    assert wb.sheetnames == ["postings", "trainings", "coverage", "kpis"]
    rows = list(wb["postings"].iter_rows(values_only=True))
    assert rows[0][:6] == ("expert", "recipient", "specialty", "start", "months", "donor")
    kpis = dict(wb["kpis"].iter_rows(min_row=2, values_only=True))
    assert kpis["objective"] == 246 and kpis["solve.status"] == "optimal"
    wb.close()
    capsys.readouterr()
    assert main(["check", str(book), str(plan)]) == 0
    assert "246: valid" in capsys.readouterr().out


def test_a_plan_workbook_without_postings_is_named(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "kpis"
    wb.save(tmp_path / "p.xlsx")
    with pytest.raises(PlanFileError, match="sheet 'postings': required sheet is missing"):
        matchaid.load_plan_entries(tmp_path / "p.xlsx")


def test_a_control_character_excel_cannot_hold_is_a_clear_error(
    data_dir: Path, tmp_path: Path
) -> None:
    from dataclasses import replace

    s = replace(load_scenario(data_dir / "scenario-v1-small.json"), description="a\x0bb")
    with pytest.raises(MatchaidError, match=r"s\.xlsx: sheet 'scenario' row 2: .*save this"):
        save_scenario(s, tmp_path / "s.xlsx")
    assert not (tmp_path / "s.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary file left
