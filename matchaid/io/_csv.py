"""Scenarios and plans as folders of CSV files, the way planners keep them in
spreadsheets.

A scenario folder holds (``*`` marks optional files):

==================  =====================================================================
file                columns
==================  =====================================================================
``scenario.csv``    one row: ``months, start, start_step, terms, specialties, name,
                    description, version, unit, budget, cost_per_period,
                    cost_per_trip, trainee_cost_per_period, stages``
                    (``goal:tolerance`` pairs in order)
``donors.csv``      ``id, name, city, release, max_away, group, seats``
``experts.csv``     ``id, donor, specialties, seniority, academician, can_lead,
                    available_from, available_to, terms, max_postings``
``recipients.csv``  ``id, name, city, level, hosting, max_travel_hours, leader_mode,
                    leader_weight, max_donors, max_donor_groups, starts``
``gaps.csv``        ``recipient, specialty, demand, window_from, window_to, weight,
                    min_seniority, continuous, handover_weight``
``pairings.csv`` *  ``donor, recipient, mode``
``network.csv`` *   ``a, b, hours``
``projects.csv`` *  ``recipient, name, needs, window_from, window_to, weight``
``communities.csv`` * ``hub, spokes, share``
``pins.csv`` *      ``expert, recipient, specialty, start, months, mode``
``trainees.csv`` *  ``id, recipient, specialty, available_from, available_to, weight,
                    terms, starts``
==================  =====================================================================

Columns after ``version`` in ``scenario.csv``, ``group``, ``seats``, ``leader_mode`` to
``starts``, ``continuous``, ``handover_weight`` and the last four files are format
version 2 (set ``version`` to 2 to use them); a version 1 scenario is written without
them. List cells are ``;``-separated (``3;6;12``); a donor's ``release`` and ``seats``
and a project's ``needs`` are
``specialty:count`` pairs (``cardiology:2;urology:1``), ``cost_per_period`` is
``seniority:amount`` pairs; booleans are ``true``/``false``
(also ``yes``/``no``, ``1``/``0``, ``是``/``否``); a ``seniority`` or ``min_seniority``
cell may also name the rank in Chinese (``住院医师``, ``主治医师``, ``副主任医师``,
``主任医师``); an empty cell leaves an optional field unset. Header cells are matched
to column names regardless of case and spacing (``ID``, ``Available From``). Cells
are read with surrounding white space removed. The folder is turned into the same
document as the JSON format and checked by the same code, and errors name the CSV file,
line and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from matchaid.domain import Scenario
from matchaid.exceptions import InputError, InputWarning, MatchaidError, Problem, ScenarioError
from matchaid.io._atomic import write_text_atomic
from matchaid.io._document import (
    object_pairs_hook,
    scenario_from_document,
    scenario_to_document,
)

# column -> kind; kinds: str, num, bool, list, numlist, release, opt (str, empty = unset)
_COLUMNS: dict[str, dict[str, str]] = {
    "scenario.csv": {
        "months": "num",
        "start": "str",
        "start_step": "num",
        "terms": "numlist",
        "specialties": "list",
        "name": "str",
        "description": "str",
        "version": "num",
        "unit": "str",
        "budget": "num",
        "cost_per_period": "release",
        "cost_per_trip": "num",
        "trainee_cost_per_period": "num",
        "stages": "release",
    },
    "donors.csv": {
        "id": "str",
        "name": "str",
        "city": "str",
        "release": "release",
        "max_away": "num",
        "group": "str",
        "seats": "release",
    },
    "experts.csv": {
        "id": "str",
        "donor": "str",
        "specialties": "list",
        "seniority": "seniority",
        "academician": "bool",
        "can_lead": "bool",
        "available_from": "num",
        "available_to": "num",
        "terms": "numlist",
        "max_postings": "num",
        "preferences": "list",
    },
    "recipients.csv": {
        "id": "str",
        "name": "str",
        "city": "str",
        "level": "str",
        "hosting": "num",
        "max_travel_hours": "num",
        "leader_mode": "str",
        "leader_weight": "num",
        "max_donors": "num",
        "max_donor_groups": "num",
        "starts": "numlist",
    },
    "gaps.csv": {
        "recipient": "str",
        "specialty": "str",
        "demand": "num",
        "window_from": "num",
        "window_to": "num",
        "weight": "num",
        "min_seniority": "seniority",
        "continuous": "bool",
        "handover_weight": "num",
    },
    "pairings.csv": {"donor": "str", "recipient": "str", "mode": "str"},
    "network.csv": {"a": "str", "b": "str", "hours": "num"},
    "projects.csv": {
        "recipient": "str",
        "name": "str",
        "needs": "release",
        "window_from": "num",
        "window_to": "num",
        "weight": "num",
    },
    "communities.csv": {"hub": "str", "spokes": "list", "share": "num"},
    "pins.csv": {
        "expert": "str",
        "recipient": "str",
        "specialty": "str",
        "start": "num",
        "months": "num",
        "mode": "str",
    },
    "trainees.csv": {
        "id": "str",
        "recipient": "str",
        "specialty": "str",
        "available_from": "num",
        "available_to": "num",
        "weight": "num",
        "terms": "numlist",
        "starts": "numlist",
    },
    "postings.csv": {
        "expert": "str",
        "recipient": "str",
        "specialty": "str",
        "start": "num",
        "months": "num",
        # For people reading the file (written by Plan.to_csv, ignored when read back).
        "donor": "str",
        "donor_name": "str",
        "recipient_name": "str",
        "unit": "str",
        "start_label": "str",
        "end_label": "str",
    },
}
#: The columns of postings.csv that only say more to a reader (see _COLUMNS).
POSTING_EXTRAS = ("donor", "donor_name", "recipient_name", "unit", "start_label", "end_label")
_REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "scenario.csv": ("months", "terms"),
    "donors.csv": ("id", "name", "city", "release"),
    "experts.csv": ("id", "donor", "specialties", "seniority", "available_from", "available_to"),
    "recipients.csv": ("id", "name", "city", "level", "hosting"),
    "gaps.csv": ("recipient", "specialty", "demand", "window_from", "window_to", "weight"),
    "pairings.csv": ("donor", "recipient", "mode"),
    "network.csv": ("a", "b", "hours"),
    "projects.csv": ("recipient", "name", "needs", "window_from", "window_to", "weight"),
    "communities.csv": ("hub", "spokes", "share"),
    "pins.csv": ("expert", "recipient", "specialty", "start", "months", "mode"),
    "trainees.csv": ("id", "recipient", "specialty", "available_from", "available_to", "weight"),
    "postings.csv": ("expert", "recipient", "specialty", "start", "months"),
}
_OPTIONAL_FILES = frozenset(
    {"pairings.csv", "network.csv", "projects.csv", "communities.csv", "pins.csv", "trainees.csv"}
)
#: Columns (by file) and files of format version 2, left out when writing version 1.
_V2_COLUMNS = frozenset(
    {
        "unit",
        "group",
        "seats",
        "leader_mode",
        "leader_weight",
        "max_donors",
        "max_donor_groups",
        "starts",
        "continuous",
        "handover_weight",
        "budget",
        "cost_per_period",
        "cost_per_trip",
        "trainee_cost_per_period",
        "stages",
        "preferences",
    }
)
_V2_FILES = frozenset({"projects.csv", "communities.csv", "pins.csv", "trainees.csv"})
_FIELD_LIMIT = 2**31 - 1  # the csv module's C long on every platform
_TRUE = {"true", "yes", "1", "是"}
_FALSE = {"false", "no", "0", "否"}
#: Ranks as Chinese spreadsheets name them (职称), read as the file labels.
_SENIORITY_NAMES = {
    "住院医师": "resident",
    "主治医师": "attending",
    "副主任医师": "associate_chief",
    "主任医师": "chief",
}


def _number(cell: str) -> Any:
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:
        return cell  # the checker reports it as "must be a number, got '...'"


def _cell(kind: str, cell: str) -> Any:
    if kind == "seniority":
        return _SENIORITY_NAMES.get(cell, cell)
    if kind == "num":
        return _number(cell)
    if kind == "bool":
        low = cell.lower()
        return True if low in _TRUE else False if low in _FALSE else cell
    if kind == "list":
        return [item.strip() for item in cell.split(";")]
    if kind == "numlist":
        return [_number(item.strip()) for item in cell.split(";")]
    if kind == "release":  # an empty cell means {} (no limits); see _Table
        pairs = []
        for item in cell.split(";"):
            name, sep, count = item.partition(":")
            pairs.append((name.strip(), _number(count.strip()) if sep else count))
        return object_pairs_hook(pairs)  # a specialty given twice is reported, as in JSON
    return cell


#: Full-width characters Chinese input methods type for the separators of list cells.
_FULL_WIDTH = {"\uff1b": ";", "\uff0c": ",", "\uff1a": ":"}
#: What to do about a file that is not UTF-8.
_SAVE_AS = "save it from Excel as 'CSV UTF-8 (Comma delimited)', or pass --encoding"


def _decode(raw: bytes, name: str, encoding: str | None) -> tuple[str | None, Problem | None]:
    """The text of a CSV file and, when it was not read as UTF-8 by default, a note
    saying which encoding was used (an error problem instead when it cannot be read):
    UTF-8 (a BOM or none) unless ``encoding`` names another; else GB18030 (GBK's
    superset, what Excel writes on Chinese systems) when the bytes are that."""
    wanted = encoding or "utf-8-sig"
    if wanted.lower().replace("_", "-") in ("utf-8", "utf8"):
        wanted = "utf-8-sig"
    try:
        return raw.decode(wanted), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        failed = Problem(
            f"{name} line {line}",
            f"is not {encoding or 'UTF-8'} (byte 0x{bad} cannot be read): {_SAVE_AS}",
        )
    if encoding is not None:
        return None, failed
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None, failed
    return text, Problem(
        name,
        "is not UTF-8: read as GB18030 (GBK), what Excel writes on Chinese systems; "
        "if its text looks wrong, " + _SAVE_AS,
    )


def column_name(cell: str, known: Iterable[str]) -> str:
    """A header cell as the column it names: spreadsheet users write ``ID`` or
    ``Available From`` for ``id`` and ``available_from``; a cell naming no known column
    stays as written (for the error message)."""
    text = cell.strip()
    name = "_".join(text.lower().split())
    return name if name in known else text


class _Table:
    """One table (a CSV file, or a workbook's sheet) read into rows of typed cells,
    keeping each row's line (row) number, and the notes its reading left (the encoding
    used, full-width separators). ``name`` is the CSV file name (it keys the columns);
    ``label`` and ``unit`` say where things are (``donors.csv line 3``, ``sheet
    'donors' row 3``)."""

    def __init__(self, name: str, label: str | None = None, unit: str = "line") -> None:
        self.name = name
        self.label = label or name
        self.unit = unit
        self.rows: list[dict[str, Any]] = []
        self.lines: list[int] = []
        self.notes: list[Problem] = []
        self.present = False

    def at(self, line: int) -> str:
        """Where line (row) ``line`` is, for messages."""
        return f"{self.label} {self.unit} {line}"

    @classmethod
    def from_file(
        cls, folder: Path, name: str, problems: list[Problem], encoding: str | None = None
    ) -> _Table:
        """The CSV file ``folder/name`` (a problem if it cannot be read, or if it is
        missing and required)."""
        table = cls(name)
        table.present = (folder / name).is_file()
        if not table.present:
            if name not in _OPTIONAL_FILES:
                problems.append(Problem(name, "required file is missing"))
            return table
        try:
            raw = (folder / name).read_bytes()
        except OSError as exc:
            problems.append(Problem(name, f"cannot read file: {exc}"))
            return table
        text, note = _decode(raw, name, encoding)
        if text is None:
            problems.append(note or Problem(name, "cannot read file"))
            return table
        if note is not None:
            table.notes.append(note)
        # The csv module refuses fields over 128 KiB by default; a long description
        # written by convert must read back.
        old_limit = csv.field_size_limit(_FIELD_LIMIT)
        try:
            reader = csv.reader(io.StringIO(text, newline=""))
            try:
                table.read(((reader.line_num, row) for row in reader), problems)
            except csv.Error as exc:
                problems.append(Problem(table.at(reader.line_num), f"malformed CSV: {exc}"))
        finally:
            csv.field_size_limit(old_limit)
        return table

    def read(self, numbered: Iterator[tuple[int, list[str]]], problems: list[Problem]) -> None:
        """Read ``(line, cells)`` rows: the first names the columns."""
        self.present = True
        try:
            _, first = next(numbered)
        except StopIteration:
            problems.append(
                Problem(self.label, f"is empty: the first {self.unit} must name the columns")
            )
            return
        columns = _COLUMNS[self.name]
        header = [column_name(h, columns) for h in first]
        self._header(header, problems)
        for line, row in numbered:
            if not any(cell.strip() for cell in row):
                continue  # a blank line, as spreadsheets leave at the end
            if len(row) != len(header):
                problems.append(
                    Problem(
                        self.at(line),
                        f"has {len(row)} cells but the header names {len(header)} columns",
                    )
                )
                continue
            record = {
                col: _cell(columns[col], cell.strip())
                for col, cell in zip(header, row, strict=True)
                if col in columns and cell.strip() != ""
            }
            self._full_width(header, row, line)
            if "release" in columns and "release" in header:
                record.setdefault("release", {})  # an empty cell: no limits
            self.rows.append(record)
            self.lines.append(line)

    def _header(self, header: list[str], problems: list[Problem]) -> None:
        columns = _COLUMNS[self.name]
        for col in _REQUIRED_COLUMNS[self.name]:
            if col not in header:
                problems.append(Problem(self.label, f"required column {col!r} is missing"))
        for col in header:
            if col not in columns:
                allowed = ", ".join(columns)
                problems.append(Problem(self.label, f"unknown column {col!r} (allowed: {allowed})"))
        if len(set(header)) != len(header):
            problems.append(Problem(self.label, "a column is named twice in the header"))

    def _full_width(self, header: list[str], row: list[str], line: int) -> None:
        """Note full-width separators in list cells (read as part of one item)."""
        columns = _COLUMNS[self.name]
        for col, cell in zip(header, row, strict=True):
            if columns.get(col) not in ("list", "numlist", "release"):
                continue
            found = [ch for ch in _FULL_WIDTH if ch in cell]
            if found:
                said = ", ".join(f"'{ch}' (not '{_FULL_WIDTH[ch]}')" for ch in found)
                self.notes.append(
                    Problem(
                        self.at(line),
                        f"column {col!r}: {cell.strip()!r} has the full-width {said}; list "
                        "items are separated by ';' (and 'name:count' pairs by ':'), so it "
                        "was read as one item",
                    )
                )


def _interval(record: dict[str, Any], key: str) -> None:
    lo, hi = record.pop(f"{key}_from", None), record.pop(f"{key}_to", None)
    if lo is not None or hi is not None:
        record[key] = (
            [lo, hi]
            if lo is not None and hi is not None
            else [x for x in (lo, hi) if x is not None]
        )


def _leader(record: dict[str, Any]) -> None:
    """``leader_mode``/``leader_weight`` cells -> the document's ``leader`` object."""
    mode, weight = record.pop("leader_mode", None), record.pop("leader_weight", None)
    if mode is not None or weight is not None:
        record["leader"] = {k: v for k, v in (("mode", mode), ("weight", weight)) if v is not None}


def _attach(
    table: _Table,
    key: str,
    recipients: list[dict[str, Any]],
    by_id: dict[str, int],
    where: dict[str, str],
    problems: list[Problem],
) -> None:
    """Rows of ``table`` (gaps, projects) into their recipient's list ``key``."""
    for record, line in zip(table.rows, table.lines, strict=True):
        rid = record.pop("recipient", None)
        if rid not in by_id:
            problems.append(Problem(f"{table.at(line)}, recipient", f"unknown recipient {rid!r}"))
            continue
        _interval(record, "window")
        i = by_id[rid]
        where[f"recipients[{i}].{key}[{len(recipients[i][key])}]"] = table.at(line)
        recipients[i][key].append(record)


def _scenario_row(meta: _Table, source: str, where: dict[str, str]) -> dict[str, Any]:
    """The document's top-level fields from ``scenario.csv``'s one row (noting in
    ``where`` that their problems are on that line)."""
    if len(meta.rows) != 1:
        raise ScenarioError(
            source,
            [Problem("scenario.csv", f"must have exactly one data row, found {len(meta.rows)}")],
        )
    row = dict(meta.rows[0])
    doc: dict[str, Any] = {
        "horizon": {k: row.pop(k) for k in ("months", "start", "start_step", "unit") if k in row}
    }
    costs = {
        key: row.pop(column)
        for column, key in (
            ("cost_per_period", "per_period"),
            ("cost_per_trip", "per_trip"),
            ("trainee_cost_per_period", "trainee_per_period"),
        )
        if column in row
    }
    if costs:
        doc["costs"] = costs
    if "stages" in row:  # goal:tolerance pairs, in order
        doc["objective"] = {
            "stages": [{"goal": g, "tolerance": t} for g, t in row.pop("stages").items()]
        }
    doc.update(row)
    for prefix in (*doc, "terms", "specialties", "name", "description", "version", "budget"):
        where[prefix] = meta.at(meta.lines[0])
    return doc


def _check_encoding(encoding: str | None, source: str, error: type[InputError]) -> None:
    """Raise ``error`` if ``encoding`` names no codec Python knows."""
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise error(
            source, [Problem("--encoding", f"unknown encoding {encoding!r} (try gbk, gb18030)")]
        ) from None


def _warn(source: str, tables: Sequence[_Table]) -> None:
    """Each table's notes as an :class:`InputWarning`."""
    for table in tables:
        for note in table.notes:
            warnings.warn(InputWarning(note.format(source)), stacklevel=4)


def read_scenario_folder(folder: str | os.PathLike[str], encoding: str | None = None) -> Scenario:
    """Read a scenario from a folder of CSV files (see the module docstring): UTF-8
    (with or without a BOM) unless ``encoding`` names another; a file that is not UTF-8
    is read as GB18030 when it is that, with an :class:`InputWarning` saying so."""
    root = Path(folder)
    source = str(folder)
    _check_encoding(encoding, source, ScenarioError)
    problems: list[Problem] = []
    tables = {
        name: _Table.from_file(root, name, problems, encoding)
        for name in _COLUMNS
        if name != "postings.csv"
    }
    return scenario_from_tables(tables, source, problems)


def scenario_from_tables(
    tables: dict[str, _Table], source: str, problems: list[Problem]
) -> Scenario:
    """The scenario the tables of a CSV folder (or a workbook's sheets) state, keyed by
    CSV file name; ``problems`` found while reading them are raised with any others."""
    if problems:
        raise ScenarioError(source, problems)
    _warn(source, list(tables.values()))

    where: dict[str, str] = {}  # document path prefix -> "file line N"
    doc = _scenario_row(tables["scenario.csv"], source, where)

    def rows_of(name: str, key: str) -> list[dict[str, Any]]:
        table = tables[name]
        for i, line in enumerate(table.lines):
            where[f"{key}[{i}]"] = table.at(line)
        return [dict(r) for r in table.rows]

    doc["donors"] = rows_of("donors.csv", "donors")
    doc["experts"] = rows_of("experts.csv", "experts")
    for record in doc["experts"]:
        _interval(record, "available")
    doc["recipients"] = rows_of("recipients.csv", "recipients")
    by_id: dict[str, int] = {}
    for i, record in enumerate(doc["recipients"]):
        record["gaps"] = []
        _leader(record)
        if isinstance(record.get("id"), str):
            by_id.setdefault(record["id"], i)
    _attach(tables["gaps.csv"], "gaps", doc["recipients"], by_id, where, problems)
    if tables["projects.csv"].present:
        for record in doc["recipients"]:
            record["projects"] = []
        _attach(tables["projects.csv"], "projects", doc["recipients"], by_id, where, problems)
        for record in doc["recipients"]:
            if not record["projects"]:
                del record["projects"]
    if tables["pairings.csv"].present:
        doc["pairings"] = rows_of("pairings.csv", "pairings")
    if tables["network.csv"].present:
        doc["network"] = {"edges": rows_of("network.csv", "network.edges")}
    if tables["communities.csv"].present:
        doc["communities"] = rows_of("communities.csv", "communities")
    if tables["pins.csv"].present:
        doc["pins"] = rows_of("pins.csv", "pins")
    if tables["trainees.csv"].present:
        doc["trainees"] = rows_of("trainees.csv", "trainees")
        for record in doc["trainees"]:
            _interval(record, "available")

    try:
        scenario = scenario_from_document(doc, source)
    except ScenarioError as exc:
        problems.extend(_relocate(p, where) for p in exc.problems)
        raise type(exc)(source, problems) from None
    if problems:
        raise ScenarioError(source, problems)
    return scenario


_INDEXED = re.compile(r"^((?:[a-z_.]+\[\d+\])+)\.?(.*)$")


def _relocate(problem: Problem, where: dict[str, str]) -> Problem:
    """Turn a document path (``experts[3].donor``) into a CSV place
    (``experts.csv line 5, donor``)."""
    m = _INDEXED.match(problem.path)
    if m and m.group(1) in where:
        rest = m.group(2)
        rest = re.sub(r"^(available|window)(\[\d\])?$", lambda x: f"{x.group(1)}_from/_to", rest)
        place = where[m.group(1)] + (f", {rest}" if rest else "")
        return Problem(place, problem.message, problem.severity)
    head = problem.path.split(".", 1)
    if head[0] in where:
        field = head[1] if len(head) > 1 else head[0]
        return Problem(f"{where[head[0]]}, {field}", problem.message, problem.severity)
    base = re.match(r"^([a-z_]+)\[(\d+)\]$", problem.path)  # a list cell: terms[1]
    if base and base.group(1) in where:
        item = int(base.group(2)) + 1
        place = f"{where[base.group(1)]}, {base.group(1)} (item {item})"
        return Problem(place, problem.message, problem.severity)
    return problem


def _format(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _safe(value: str, where: str, forbidden: str = ";") -> str:
    for ch in forbidden:
        if ch in value:
            raise _UnwritableError(
                f"{where}: {value!r} contains {ch!r}, which separates list items in CSV; "
                "save this scenario as JSON instead"
            )
    return value


class _UnwritableError(MatchaidError):
    """A value the CSV form cannot hold (the message names where)."""


def csv_table_text(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A CSV table (header + rows) as text: floats exact (``repr``), booleans
    ``true``/``false``, ``None`` empty, quoting by the csv module."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_format(v) for v in row])
    return buffer.getvalue()


#: The byte order mark that tells Excel a CSV file is UTF-8.
BOM = "\ufeff"


def write_scenario_folder(
    scenario: Scenario, folder: str | os.PathLike[str], *, excel: bool = False
) -> None:
    """Write ``scenario`` as a folder of CSV files (each file written atomically), in
    UTF-8; with ``excel``, each file starts with a byte order mark, so that Excel opens
    Chinese text correctly (matchaid reads both).

    Raises
    ------
    MatchaidError
        If a value cannot be held by a CSV cell (a ``;`` inside a specialty name),
        naming the folder, the file and the entity; nothing is written then.
    """
    files = scenario_csv_texts(scenario, str(folder))
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_text_atomic(root / name, BOM + text if excel else text)
    for name in _OPTIONAL_FILES - files.keys():
        stale = root / name
        if stale.exists():
            stale.unlink()


def scenario_csv_texts(scenario: Scenario, target: str) -> dict[str, str]:
    """The CSV text of each file of ``scenario``'s folder, by file name.

    Raises
    ------
    MatchaidError
        If a value cannot be held by a cell (a ``;`` inside a specialty name), naming
        ``target``, the file and the entity.
    """
    try:
        return _scenario_files(scenario_to_document(scenario))
    except _UnwritableError as exc:
        raise MatchaidError(f"{target}: {exc}") from None


def _pairs_cell(entity: dict[str, Any], key: str, where: str) -> str:
    """A ``specialty:count`` list cell (a donor's ``release``, a project's ``needs``);
    ``where`` names it in errors."""
    return ";".join(f"{_safe(k, where, ';:')}:{v}" for k, v in entity[key].items())


def _starts_cell(entity: dict[str, Any], where: str) -> str | None:
    """A ``starts`` cell: empty when unset. An empty list (no start allowed) has no CSV
    form, since an empty cell means no limit."""
    starts = entity.get("starts")
    if starts is None:
        return None
    if not starts:
        raise _UnwritableError(
            f"{where}, starts: an empty list (no start allowed) cannot be written in CSV, "
            "where an empty cell means any start; save this scenario as JSON instead"
        )
    return _joined(starts, "starts")


def _joined(items: Sequence[Any], where: str) -> str:
    return ";".join(_safe(str(x), where) for x in items)


def _scenario_rows(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows of each CSV file of a scenario document, as ``{column: value}``."""
    rows: dict[str, list[dict[str, Any]]] = {"scenario.csv": [_scenario_cells(doc)]}
    rows["donors.csv"] = [
        {
            **d,
            "release": _pairs_cell(d, "release", f"donors.csv, donor {d['id']!r}, release"),
            "seats": _pairs_cell(d, "seats", f"donors.csv, donor {d['id']!r}, seats")
            if d.get("seats")
            else None,
        }
        for d in doc["donors"]
    ]
    rows["experts.csv"] = [
        {
            **e,
            "specialties": _joined(
                e["specialties"], f"experts.csv, expert {e['id']!r}, specialties"
            ),
            **_availability_cells(e),
            "preferences": _joined(e["preferences"], "preferences")
            if e.get("preferences")
            else None,
        }
        for e in doc["experts"]
    ]
    rows["recipients.csv"] = [
        {
            **r,
            "leader_mode": r.get("leader", {}).get("mode"),
            "leader_weight": r.get("leader", {}).get("weight"),
            "starts": _starts_cell(r, f"recipients.csv, recipient {r['id']!r}"),
        }
        for r in doc["recipients"]
    ]
    for name, key in (("gaps.csv", "gaps"), ("projects.csv", "projects")):
        rows[name] = [
            {
                **item,
                "recipient": r["id"],
                "window_from": item["window"][0],
                "window_to": item["window"][1],
                **(
                    {"needs": _pairs_cell(item, "needs", f"projects.csv, {item['name']!r}, needs")}
                    if "needs" in item
                    else {}
                ),
            }
            for r in doc["recipients"]
            for item in r.get(key, ())
        ]
    rows["pairings.csv"] = list(doc["pairings"])
    if "network" in doc:
        rows["network.csv"] = list(doc["network"]["edges"])
    if "pins" in doc:
        rows["pins.csv"] = list(doc["pins"])
    if "trainees" in doc:
        rows["trainees.csv"] = [
            {
                **t,
                **_availability_cells(t),
                "starts": _starts_cell(t, f"trainees.csv, trainee {t['id']!r}"),
            }
            for t in doc["trainees"]
        ]
    if "communities" in doc:
        rows["communities.csv"] = [
            {**c, "spokes": _joined(c["spokes"], "communities.csv, spokes")}
            for c in doc["communities"]
        ]
    return rows


def _scenario_cells(doc: dict[str, Any]) -> dict[str, Any]:
    """``scenario.csv``'s one row: the horizon and the scenario-wide fields."""
    specs = doc.get("specialties")
    stages = doc.get("objective", {}).get("stages")
    return {
        **doc["horizon"],
        "terms": _joined(doc["terms"], "scenario.csv, terms"),
        "specialties": None if specs is None else _joined(specs, "scenario.csv, specialties"),
        "name": doc.get("name"),
        "description": doc.get("description"),
        "version": doc["version"],
        "budget": doc.get("budget"),
        **_costs_cells(doc.get("costs")),
        "stages": None
        if stages is None
        else ";".join(f"{st['goal']}:{st['tolerance']!r}" for st in stages),
    }


def _availability_cells(person: dict[str, Any]) -> dict[str, Any]:
    """An expert's or trainee's ``available`` and ``terms`` as their CSV cells."""
    terms = person.get("terms")
    return {
        "available_from": person["available"][0],
        "available_to": person["available"][1],
        "terms": None if terms is None else _joined(terms, "terms"),
    }


def _costs_cells(costs: dict[str, Any] | None) -> dict[str, Any]:
    if costs is None:
        return {}
    return {
        "cost_per_period": ";".join(f"{k}:{v!r}" for k, v in costs["per_period"].items()),
        "cost_per_trip": costs["per_trip"],
        "trainee_cost_per_period": costs["trainee_per_period"],
    }


def _scenario_files(doc: dict[str, Any]) -> dict[str, str]:
    """The text of each CSV file of a scenario document (format v2 columns and files
    only in a version 2 document)."""
    v2 = doc["version"] >= 2
    files: dict[str, str] = {}
    for name, rows in _scenario_rows(doc).items():
        if name in _V2_FILES and not (v2 and rows):
            continue
        columns = [c for c in _COLUMNS[name] if v2 or c not in _V2_COLUMNS]
        files[name] = csv_table_text(columns, [[row.get(c) for c in columns] for row in rows])
    return files


def read_postings_csv(
    path: str | os.PathLike[str], error: type[InputError], encoding: str | None = None
) -> tuple[list[dict[str, Any]], list[int]]:
    """Read a ``postings.csv`` file into posting records (plan document form) and the
    line each came from (encodings as :func:`read_scenario_folder` reads them)."""
    target = Path(path)
    _check_encoding(encoding, str(path), error)
    problems: list[Problem] = []
    table = None
    if target.name == "postings.csv":
        table = _Table.from_file(target.parent, target.name, problems, encoding)
    if table is None:
        raise error(str(path), [Problem("", "a CSV plan file must be named postings.csv")])
    if problems:
        raise error(str(target.parent), problems)
    _warn(str(target.parent), [table])
    rows = [{k: v for k, v in row.items() if k not in POSTING_EXTRAS} for row in table.rows]
    return rows, table.lines


def postings_csv_text(postings: Sequence[Any], scenario: Scenario | None = None) -> str:
    """CSV text of postings (objects with expert, recipient, specialty, start, months);
    with ``scenario``, also each one's donor and donor name, the recipient's name, the
    period unit and the calendar labels of its first and last periods (for people: a
    plan read back uses the first five columns)."""
    if scenario is None:
        return csv_table_text(
            list(_COLUMNS["postings.csv"])[:5],
            [[p.expert, p.recipient, p.specialty, p.start, p.months] for p in postings],
        )
    experts = {e.id: e for e in scenario.experts}
    donors = {d.id: d for d in scenario.donors}
    names = {r.id: r.name for r in scenario.recipients}
    h = scenario.horizon
    rows = []
    for p in postings:
        donor = experts[p.expert].donor if p.expert in experts else ""
        rows.append(
            [
                p.expert,
                p.recipient,
                p.specialty,
                p.start,
                p.months,
                donor,
                donors[donor].name if donor in donors else "",
                names.get(p.recipient, ""),
                h.unit.value,
                h.month_label(p.start),
                h.month_label(p.start + p.months - 1),
            ]
        )
    return csv_table_text(list(_COLUMNS["postings.csv"]), rows)
