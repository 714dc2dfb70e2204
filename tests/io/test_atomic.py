"""Writes are atomic: a failure part-way leaves the old file as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchaid.io import atomic_writer


def test_failed_write_leaves_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half a pl")
        raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_successful_write_replaces_target(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    with atomic_writer(target) as handle:
        handle.write("new")
    assert target.read_text() == "new"
