"""Scenarios and plans as Excel workbooks (``.xlsx``; the ``workbooks`` extra, openpyxl).

A scenario workbook holds one sheet per table of the CSV folder format, named after
the file without ``.csv`` (``scenario``, ``donors``, ``experts``, ``recipients``,
``gaps``, and the optional ``pairings``, ``network``, ``projects``, ``communities``,
``pins``, ``trainees``), with the same columns in a header row and the same cells, and
is read by the same code as a CSV folder: errors name the sheet, the row and the column.
What Excel does to cells is undone: numbers come back as the text they show (``3``,
not ``3.0``), a ``YYYY-MM`` cell that Excel made a date is ``YYYY-MM`` again, ``TRUE``
is ``true``, trailing empty columns and rows are ignored, and other sheets are ignored
too (a planner's notes).

A plan workbook (:func:`write_plan_workbook`) has the sheets ``postings`` (with donor,
names and calendar labels), ``trainings``, ``coverage`` (gap x period) and ``kpis``;
``postings`` and ``trainings`` are read back as a plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from matchaid.domain import Scenario
from matchaid.exceptions import InputError, MatchaidError, PlanFileError, Problem, ScenarioError
from matchaid.io._atomic import atomic_path
from matchaid.io._csv import (
    _COLUMNS,
    _OPTIONAL_FILES,
    _Table,
    column_name,
    scenario_csv_texts,
    scenario_from_tables,
)

__all__ = ["read_plan_workbook", "read_scenario_workbook", "write_plan_workbook"]

#: Cell kinds written as numbers (the others as text, so that an id "007" stays one).
_NUMERIC = frozenset(("num",))


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise MatchaidError(
            "Excel workbooks need openpyxl: pip install 'matchaid[workbooks]'"
        ) from None
    return openpyxl


def _text(value: Any) -> str:
    """A cell's value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        if value.day == 1 and not (isinstance(value, dt.datetime) and value.time() != dt.time()):
            return f"{value.year:04d}-{value.month:02d}"  # Excel made "2015-08" a date
        return value.isoformat()[:10]
    return str(value)


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells as text)``, cut to the header's last named column."""
    if hasattr(sheet, "reset_dimensions"):
        # Some writers record a wrong used range (A1:A1); read-only mode would trust
        # it and miss the rest: read every row the sheet holds instead.
        sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    try:
        first = next(rows)
    except StopIteration:
        return
    header = [_text(v) for v in first]
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    yield 1, header
    for k, row in enumerate(rows, start=2):
        cells = [_text(v) for v in row[:width]]
        cells += [""] * (width - len(cells))
        extra = [_text(v) for v in row[width:] if _text(v).strip()]
        yield k, cells + extra  # a cell right of the header: reported as a row too long


def _open(path: str | os.PathLike[str], error: type[InputError]) -> Any:
    openpyxl = _openpyxl()
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise error(str(path), [Problem("", "no such file")]) from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
        raise error(str(path), [Problem("", f"not an Excel workbook (.xlsx): {exc}")]) from None


def read_scenario_workbook(path: str | os.PathLike[str]) -> Scenario:
    """Read a scenario from an ``.xlsx`` workbook (see the module docstring).

    Raises
    ------
    ScenarioError
        Naming the workbook, the sheet, the row and the column of each problem.
    """
    book = _open(path, ScenarioError)
    problems: list[Problem] = []
    tables: dict[str, _Table] = {}
    try:
        sheets = {name.strip().lower(): name for name in book.sheetnames}
        for name in _COLUMNS:
            if name == "postings.csv":
                continue
            stem = name.removesuffix(".csv")
            table = _Table(name, f"sheet {stem!r}", "row")
            tables[name] = table
            if stem not in sheets:
                if name not in _OPTIONAL_FILES:
                    problems.append(Problem(f"sheet {stem!r}", "required sheet is missing"))
                continue
            table.read(_sheet_rows(book[sheets[stem]]), problems)
    finally:
        book.close()
    return scenario_from_tables(tables, str(path), problems)


def write_scenario_workbook(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write ``scenario`` as an ``.xlsx`` workbook (atomically), one sheet per table."""
    openpyxl = _openpyxl()
    texts = scenario_csv_texts(scenario, str(path))
    book = openpyxl.Workbook()
    book.remove(book.active)
    try:
        for name, text in texts.items():
            rows = list(csv.reader(io.StringIO(text)))
            _add_sheet(book, name.removesuffix(".csv"), rows, name)
    except MatchaidError as exc:
        raise MatchaidError(f"{path}: {exc}") from None
    _save(book, path)


def _add_sheet(book: Any, title: str, rows: Sequence[Sequence[Any]], kinds_of: str | None) -> None:
    """A sheet of ``rows`` (the first the header); cells of numeric columns of the CSV
    table ``kinds_of`` as numbers."""
    from openpyxl.utils.exceptions import IllegalCharacterError

    sheet = book.create_sheet(title)
    kinds = _COLUMNS.get(kinds_of or "", {})
    header = [str(h) for h in rows[0]] if rows else []
    for number, row in enumerate(rows, start=1):
        cells = []
        for col, cell in zip(header, row, strict=False):
            cells.append(_number_or_text(cell) if kinds.get(col) in _NUMERIC else cell)
        try:
            sheet.append(cells if row is not rows[0] else list(row))
        except IllegalCharacterError as exc:  # a control character
            raise MatchaidError(
                f"sheet {title!r} row {number}: {exc}; Excel cannot hold control "
                "characters: save this scenario as JSON or CSV"
            ) from None
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, not a formula
    if header:
        sheet.freeze_panes = "A2"


def _number_or_text(cell: Any) -> Any:
    if not isinstance(cell, str) or cell == "":
        return cell if cell != "" else None
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        value = float(cell)
    except ValueError:
        return cell
    return value if repr(value) == cell or str(value) == cell else cell


def _save(book: Any, path: str | os.PathLike[str]) -> None:
    with atomic_path(path) as tmp:
        book.save(tmp)


def read_plan_workbook(
    path: str | os.PathLike[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``postings`` and ``trainings`` sheets of a plan workbook as plan document
    records (other columns and sheets ignored)."""
    book = _open(path, PlanFileError)
    try:
        sheets = {name.strip().lower(): name for name in book.sheetnames}
        if "postings" not in sheets:
            raise PlanFileError(
                str(path), [Problem("sheet 'postings'", "required sheet is missing")]
            )
        postings = _records(book[sheets["postings"]], ("expert", "recipient", "specialty"))
        trainings = []
        if "trainings" in sheets:
            trainings = _records(book[sheets["trainings"]], ("trainee", "donor"))
    finally:
        book.close()
    return postings, trainings


def _records(sheet: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = _sheet_rows(sheet)
    try:
        _, header = next(rows)
    except StopIteration:
        return []
    wanted = (*names, "start", "months")
    header = [column_name(h, wanted) for h in header]
    out = []
    for _, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        rec: dict[str, Any] = {
            h: c.strip() for h, c in zip(header, cells, strict=False) if h in wanted
        }
        for key in ("start", "months"):
            if key in rec:
                try:
                    rec[key] = int(rec[key])
                except ValueError:
                    pass  # reported by the plan reader
        out.append(rec)
    return out


def write_plan_workbook(plan: Any, path: str | os.PathLike[str], kpis: dict[str, Any]) -> None:
    """Write ``plan`` as an ``.xlsx`` workbook (atomically): sheets ``postings``,
    ``trainings``, ``coverage`` and ``kpis`` (``kpis``: name -> value rows)."""
    from matchaid.io._csv import postings_csv_text

    openpyxl = _openpyxl()
    book = openpyxl.Workbook()
    book.remove(book.active)
    rows = list(csv.reader(io.StringIO(postings_csv_text(plan.postings, plan.scenario))))
    _add_sheet(book, "postings", rows, "postings.csv")
    trainings = [["trainee", "donor", "start", "months"]]
    trainings += [[t.trainee, t.donor, t.start, t.months] for t in plan.trainings]
    _add_sheet(book, "trainings", trainings, None)
    months = plan.scenario.horizon.months
    coverage = [
        [
            "recipient",
            "specialty",
            "weight",
            "demand_months",
            "covered_months",
            *(plan.scenario.horizon.month_label(t) for t in range(months)),
        ]
    ]
    coverage += [
        [c.recipient, c.specialty, c.weight, c.demand_months, c.covered_months, *c.by_month]
        for c in plan.coverage()
    ]
    _add_sheet(book, "coverage", coverage, None)
    _add_sheet(book, "kpis", [["kpi", "value"], *([k, v] for k, v in kpis.items())], None)
    _save(book, path)


def is_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an Excel workbook (by its extension)."""
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")
