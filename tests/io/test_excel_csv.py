"""CSV as Excel writes it (issue 17): GBK/GB18030 files read with a warning saying so
(or with --encoding), files in no known encoding refused with the line and what to do,
full-width separators in list cells warned about, and a BOM written for Excel."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import matchaid
from matchaid.cli import main
from matchaid.exceptions import InputWarning, ScenarioError

NAME = "册亨县人民医院"


@pytest.fixture
def folder(data_dir: Path, tmp_path: Path) -> Path:
    """The small scenario as a CSV folder, its first recipient named in Chinese."""
    out = tmp_path / "scenario"
    matchaid.save_scenario(matchaid.load_scenario(data_dir / "scenario-v1-small.json"), out)
    path = out / "recipients.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[1] = NAME
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _as_gbk(folder: Path, name: str = "recipients.csv") -> None:
    path = folder / name
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))


def _load(folder: Path, encoding: str | None = None) -> tuple[matchaid.Scenario, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = matchaid.load_scenario(folder, encoding=encoding)
    return s, [str(w.message) for w in caught if issubclass(w.category, InputWarning)]


def test_a_gbk_file_is_read_as_gb18030_and_the_warning_says_so(folder: Path) -> None:
    _as_gbk(folder)
    s, said = _load(folder)
    assert s.recipients[0].name == NAME
    assert len(said) == 1 and "recipients.csv: is not UTF-8: read as GB18030" in said[0]
    s, said = _load(folder, encoding="gbk")  # named: no warning
    assert s.recipients[0].name == NAME and said == []


def test_utf8_with_and_without_bom_reads_without_a_warning(folder: Path) -> None:
    path = folder / "recipients.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    s, said = _load(folder)
    assert s.recipients[0].name == NAME and said == []


def test_a_file_in_no_known_encoding_names_its_line_and_what_to_do(folder: Path) -> None:
    path = folder / "experts.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"E1", b"E\x80", 1)  # 0x80 alone: neither UTF-8 nor GB18030
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ScenarioError, match=r"experts\.csv line 3: is not UTF-8 .*CSV UTF-8"):
        matchaid.load_scenario(folder)


def test_a_named_encoding_that_does_not_fit_is_an_error(folder: Path) -> None:
    _as_gbk(folder)
    with pytest.raises(ScenarioError, match=r"recipients\.csv line 2: is not utf-8"):
        matchaid.load_scenario(folder, encoding="utf-8")
    with pytest.raises(ScenarioError, match="unknown encoding 'nonsense'"):
        matchaid.load_scenario(folder, encoding="nonsense")


@pytest.mark.parametrize("mark", ["\uff1b", "\uff0c", "\uff1a"])  # full-width ; , :
def test_full_width_separators_in_list_cells_are_warned_about(folder: Path, mark: str) -> None:
    path = folder / "experts.csv"
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[1]
    specialties = first.split(",")[2]
    path.write_text(text.replace(first, first.replace(specialties, specialties + mark + "x")))
    _, said = _load(folder)
    assert any("experts.csv line 2: column 'specialties'" in w and mark in w for w in said)


def test_excel_option_writes_a_bom_and_reads_back_the_same(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "for-excel"
    assert main(["convert", str(folder), str(out), "--excel"]) == 0
    assert (out / "recipients.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert matchaid.load_scenario(out) == matchaid.load_scenario(folder)
    plan = tmp_path / "plan.json"
    csv = tmp_path / "plan-csv"
    argv = ["solve", str(out), "-o", str(plan), "--csv", str(csv), "--excel", "--time-limit", "10"]
    assert main([*argv, "--workers", "1"]) == 0
    assert (csv / "postings.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["check", str(out), str(csv / "postings.csv")]) == 0
    capsys.readouterr()


def test_cli_says_which_encoding_it_used_and_takes_encoding(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _as_gbk(folder)
    assert main(["validate", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "warning: " in err and "read as GB18030" in err
    assert main(["validate", str(folder), "--encoding", "gbk"]) == 0
    assert "GB18030" not in capsys.readouterr().err
    assert main(["validate", str(folder), "--encoding", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert "unknown encoding 'nonsense'" in err and "Traceback" not in err
