"""The published JSON Schemas accept valid files and reject malformed ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from matchaid.io import load_scenario, load_schema, schema_path

ROOT = Path(__file__).parents[2]
SCENARIO_FILES = sorted((ROOT / "tests" / "data").glob("scenario-*.json")) + sorted(
    (ROOT / "examples").glob("**/*.json")
)


def _validator(kind: str, version: int = 1) -> jsonschema.Draft202012Validator:
    schema = load_schema(kind, version)  # type: ignore[arg-type]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schemas_ship_inside_the_package() -> None:
    assert schema_path("scenario").is_file() and schema_path("plan").is_file()
    assert "matchaid" in schema_path("scenario").parts


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_schema_accepts_every_scenario_file(path: Path) -> None:
    doc = json.loads(path.read_text())
    if isinstance(doc, list):  # a changes file: it fits its example's scenario
        from matchaid.io.changes import apply_changes, load_changes

        changed = apply_changes(load_scenario(path.parent / "scenario.json"), load_changes(path))
        assert changed.experts
        return
    if "postings" in doc:
        _validator("plan").validate(doc)
    else:
        _validator("scenario", doc.get("version", 1)).validate(doc)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("experts"),
        lambda d: d["experts"][0].update(seniority="professor"),
        lambda d: d["experts"][0].update(available=[0]),
        lambda d: d["recipients"][0].update(hosting=-1),
        lambda d: d["recipients"][0]["gaps"][0].update(weight=0),
        lambda d: d["recipients"][0]["gaps"][0].update(colour="red"),
        lambda d: d["donors"][0]["release"].update(urology=1.5),
        lambda d: d.update(version=2),
        lambda d: d["pairings"][0].update(mode="maybe"),
        lambda d: d["horizon"].update(months=0),
    ],
)
def test_schema_rejects_malformed_scenarios(small_doc: dict[str, Any], mutate: Any) -> None:
    mutate(small_doc)
    assert list(_validator("scenario").iter_errors(small_doc))


def test_plan_schema() -> None:
    good = {
        "version": 1,
        "postings": [{"expert": "E", "recipient": "R", "specialty": "x", "start": 0, "months": 3}],
        "summary": {"any": 1},
    }
    _validator("plan").validate(good)
    bad = {"postings": [{"expert": "E", "recipient": "R", "specialty": "x", "start": -1}]}
    assert list(_validator("plan").iter_errors(bad))
