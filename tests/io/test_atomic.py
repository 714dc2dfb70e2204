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


def test_new_files_get_the_umask_mode_and_replaced_files_keep_theirs(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        with atomic_writer(fresh) as handle:
            handle.write("x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.json"
        kept.write_text("old")
        kept.chmod(0o640)
        with atomic_writer(kept) as handle:
            handle.write("new")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(old)
