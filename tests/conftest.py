"""Shared fixtures and the hypothesis profiles (``ci`` bounds examples to keep
``make test`` fast; ``dev`` explores more: ``pytest --hypothesis-profile=dev``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
settings.register_profile("dev", max_examples=500, deadline=None)
settings.load_profile("ci")

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The folder of small hand-checked scenario files."""
    return DATA


@pytest.fixture
def small_doc() -> dict[str, Any]:
    """A fresh, mutable copy of the document of ``scenario-v1-small.json``."""
    return json.loads((DATA / "scenario-v1-small.json").read_text())


@pytest.fixture
def write_doc(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a document to ``tmp_path/name`` and return its path."""

    def write(doc: Any, name: str = "scenario.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
        return path

    return write
