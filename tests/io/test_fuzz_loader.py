"""Malformed documents: the loader either returns a Scenario or raises a ScenarioError,
never anything else."""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from matchaid import Scenario, ScenarioError
from matchaid.io import scenario_from_document

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "scenario-v1-small.json").read_text())

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["D0", "R1", "E2", "urology", "chief", "county", "required", math.nan]),
    st.lists(st.integers(-2, 14), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(-1, 3), max_size=2),
)


def _places(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _places(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _places(v, (*path, i))
    return out


PLACES = _places(SAMPLE)


def _mutate(doc: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    if not path:
        return value if action == "replace" else doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if action == "replace":
        parent[key] = value
    elif action == "delete":
        del parent[key]
    elif action == "add" and isinstance(parent, dict):
        parent[f"{key}_extra"] = value
    elif action == "add" and isinstance(parent, list):
        parent.append(value)
    return doc


@given(
    st.lists(
        st.tuples(st.sampled_from(PLACES), st.sampled_from(["replace", "delete", "add"]), junk),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_documents_load_or_raise_scenario_error(
    mutations: list[tuple[tuple[Any, ...], str, Any]],
) -> None:
    doc = json.loads(json.dumps(SAMPLE))
    for path, action, value in mutations:
        try:
            doc = _mutate(doc, path, action, value)
        except (KeyError, IndexError, TypeError):
            continue  # the place vanished in an earlier mutation
    try:
        result = scenario_from_document(doc, "fuzz.json")
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError must carry at least one problem"
        assert all(p.message for p in exc.problems)
    else:
        assert isinstance(result, Scenario)


@given(
    st.recursive(
        junk,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ["horizon", "terms", "donors", "experts", "recipients", "months", "id"]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_arbitrary_documents_never_crash(doc: Any) -> None:
    with contextlib.suppress(ScenarioError):
        scenario_from_document(doc, "fuzz.json")
