"""Reading and writing scenarios and plans.

- :func:`load_scenario` reads a v1 JSON file or a folder of CSV files.
- :func:`save_scenario` writes either form (atomically).
- :func:`load_postings` reads the postings of a plan file (JSON or ``postings.csv``);
  :func:`load_plan_entries` also its training placements.
- :func:`scenario_to_document` / :func:`scenario_from_document` convert to and from the
  JSON document (plain dicts and lists).
- :func:`schema_path` names the published JSON Schemas.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from matchaid.domain import Scenario
from matchaid.exceptions import PlanFileError, Problem, ScenarioError
from matchaid.io._atomic import atomic_writer, prepare_file, prepare_folder, write_text_atomic
from matchaid.io._csv import (
    csv_table_text,
    postings_csv_text,
    read_postings_csv,
    read_scenario_folder,
    write_scenario_folder,
)
from matchaid.io._document import (
    FORMAT_VERSION,
    DocumentReader,
    check_version,
    scenario_from_document,
    scenario_to_document,
)
from matchaid.io._json import json_text, read_json, write_json
from matchaid.io._xlsx import (
    is_workbook,
    read_plan_workbook,
    read_scenario_workbook,
    write_plan_workbook,
    write_scenario_workbook,
)
from matchaid.posting import Posting, Training

__all__ = [
    "CSV_ENCODING",
    "FORMAT_VERSION",
    "atomic_writer",
    "csv_table_text",
    "format_of",
    "is_workbook",
    "json_text",
    "load_plan_entries",
    "load_postings",
    "load_scenario",
    "plan_entries_from_document",
    "postings_csv_text",
    "postings_from_document",
    "prepare_file",
    "prepare_folder",
    "save_scenario",
    "scenario_from_document",
    "scenario_to_document",
    "schema_path",
    "write_json",
    "write_plan_workbook",
    "write_text_atomic",
]


#: The encoding CSV files are read in when a call does not name one (``None``: UTF-8,
#: else GB18030 with a warning); the command line's ``--encoding`` sets it.
CSV_ENCODING: ContextVar[str | None] = ContextVar("CSV_ENCODING", default=None)


def load_scenario(path: str | os.PathLike[str], encoding: str | None = None) -> Scenario:
    """Read a scenario from a v1 JSON file or a folder of CSV files.

    Parameters
    ----------
    path
        A ``.json`` file, or a folder holding ``scenario.csv``, ``donors.csv``,
        ``experts.csv``, ``recipients.csv``, ``gaps.csv`` (and optionally
        ``pairings.csv``, ``network.csv``).
    encoding
        The CSV files' encoding (default: :data:`CSV_ENCODING`'s value, else UTF-8 with
        or without a BOM, and GB18030 for a file that is not UTF-8, with an
        :class:`~matchaid.exceptions.InputWarning` saying so). JSON is always UTF-8.

    Raises
    ------
    ScenarioError
        Listing every problem found (up to a cap), each naming the file, the field
        path and the reason.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.json"
    >>> _ = p.write_text('{"horizon": {"months": 6}, "terms": [3], "donors": [],'
    ...                  ' "experts": [], "recipients": []}')
    >>> load_scenario(p).horizon.months
    6
    """
    if Path(path).is_dir():
        return read_scenario_folder(path, encoding or CSV_ENCODING.get())
    if is_workbook(path):
        return read_scenario_workbook(path)
    return scenario_from_document(read_json(path, ScenarioError), str(path))


def save_scenario(
    scenario: Scenario,
    path: str | os.PathLike[str],
    *,
    format: Literal["json", "csv", "xlsx"] | None = None,
    excel: bool = False,
) -> None:
    """Write ``scenario`` as v1 JSON (``format="json"``, or a path ending ``.json``), as
    an Excel workbook (``format="xlsx"``, or a path ending ``.xlsx``; the ``workbooks``
    extra) or as a CSV folder (``format="csv"``, or any other path). Files are written
    atomically. ``excel``: CSV files start with a byte order mark (Excel then reads
    UTF-8).
    """
    chosen = format or format_of(path)
    if chosen == "json":
        write_json(path, scenario_to_document(scenario))
    elif chosen == "xlsx":
        write_scenario_workbook(scenario, path)
    else:
        write_scenario_folder(scenario, path, excel=excel)


def format_of(path: str | os.PathLike[str]) -> Literal["json", "csv", "xlsx"]:
    """The scenario format a path names by its extension: ``.json``, ``.xlsx`` (or
    ``.xlsm``), else a CSV folder."""
    if is_workbook(path):
        return "xlsx"
    return "json" if str(path).lower().endswith(".json") else "csv"


def postings_from_document(doc: object, source: str) -> tuple[Posting, ...]:
    """Read the postings of a plan document, checking only their shape and types.

    Whether the postings obey the scenario's rules is :func:`matchaid.validate`'s job,
    so a hand-made plan with an unknown expert still loads and is then reported.
    """
    return plan_entries_from_document(doc, source)[0]


def plan_entries_from_document(
    doc: object, source: str
) -> tuple[tuple[Posting, ...], tuple[Training, ...]]:
    """Read the postings and the training placements (format v2 ``trainings``, empty
    when absent) of a plan document, checking only their shape and types."""
    rd = DocumentReader()
    top = rd.obj(doc, "", "plan", open_=True)
    if top is None:
        raise PlanFileError(source, rd.problems)
    if "version" in top:
        try:
            check_version(top, source)
        except ScenarioError as exc:
            raise PlanFileError(source, exc.problems) from None
    postings = [
        Posting(r["expert"], r["recipient"], r["specialty"], r["start"], r["months"])
        for r in _entries(
            rd, top.get("postings"), "postings", "posting", ("expert", "recipient", "specialty")
        )
    ]
    trainings = [
        Training(r["trainee"], r["donor"], r["start"], r["months"])
        for r in _entries(
            rd, top.get("trainings", []), "trainings", "training", ("trainee", "donor")
        )
    ]
    if rd.problems:
        raise PlanFileError(source, rd.problems)
    return tuple(postings), tuple(trainings)


def _entries(
    rd: DocumentReader, raw: object, path: str, kind: str, names: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The well-formed entries of a plan's list ``path``: ``names`` non-empty strings,
    ``start`` and ``months`` whole numbers (problems noted in ``rd``)."""
    out: list[dict[str, Any]] = []
    for i, item in enumerate(rd.array(raw, path) or []):
        p = f"{path}[{i}]"
        before = len(rd.problems)
        rec = rd.obj(item, p, kind)
        if rec is None or len(rd.problems) > before:
            continue
        for key in names:
            if not isinstance(rec[key], str) or not rec[key]:
                rd.error(f"{p}.{key}", f"must be a non-empty string, got {rec[key]!r}")
        numbers = {key: rd.number(rec[key]) for key in ("start", "months")}
        for key, value in numbers.items():
            if not isinstance(value, int) or isinstance(value, bool):
                rd.error(f"{p}.{key}", f"must be a whole number of months, got {rec[key]!r}")
        if len(rd.problems) == before:
            out.append({**rec, **numbers})
    return out


def load_postings(path: str | os.PathLike[str]) -> tuple[Posting, ...]:
    """Read the postings of a plan file: a plan JSON file or a ``postings.csv``.

    Raises
    ------
    PlanFileError
        If the file is unreadable or a posting is malformed (file, path and reason).
    """
    return load_plan_entries(path)[0]


def load_plan_entries(
    path: str | os.PathLike[str],
) -> tuple[tuple[Posting, ...], tuple[Training, ...]]:
    """Read the postings and training placements of a plan file: a plan JSON file, or
    a ``postings.csv`` (which has no placements).

    Raises
    ------
    PlanFileError
        If the file is unreadable or an entry is malformed (file, path and reason).
    """
    if str(path).lower().endswith(".csv"):
        rows, lines = read_postings_csv(path, PlanFileError, CSV_ENCODING.get())
        try:
            return plan_entries_from_document({"postings": rows}, str(path))
        except PlanFileError as exc:
            raise PlanFileError(str(path), [_at_line(p, lines) for p in exc.problems]) from None
    if is_workbook(path):
        postings, trainings = read_plan_workbook(path)
        return plan_entries_from_document({"postings": postings, "trainings": trainings}, str(path))
    return plan_entries_from_document(read_json(path, PlanFileError), str(path))


def _at_line(problem: Problem, lines: list[int]) -> Problem:
    """``postings[3].start`` -> ``line 5, start`` (the CSV line of that posting)."""
    head, _, field = problem.path.partition(".")
    if head.startswith("postings[") and head.endswith("]"):
        line = lines[int(head[len("postings[") : -1])]
        return Problem(f"line {line}" + (f", {field}" if field else ""), problem.message)
    return problem


def schema_path(kind: Literal["scenario", "plan"] = "scenario", version: int = 1) -> Path:
    """Path of the published JSON Schema (draft 2020-12) for scenario files of format
    ``version`` (1 or 2) or plan files (version 1).

    >>> schema_path("plan").name, schema_path("scenario", 2).name
    ('plan-v1.schema.json', 'scenario-v2.schema.json')
    """
    if version not in ((1, 2) if kind == "scenario" else (1,)):
        raise ValueError(f"no {kind} schema of version {version}")
    ref = resources.files("matchaid") / "schemas" / f"{kind}-v{version}.schema.json"
    return Path(str(ref))


def load_schema(kind: Literal["scenario", "plan"] = "scenario", version: int = 1) -> Any:
    """The JSON Schema for ``kind`` files of format ``version``, as a parsed document."""
    import json

    return json.loads(schema_path(kind, version).read_text(encoding="utf-8"))
