"""Atomic file writes: a crash or Ctrl-C never leaves half a file behind.

:func:`atomic_writer` writes into a temporary file beside the target and renames it over
the target only once complete. The temporary file's name carries the writer's process
id, so the next write to the same target removes what a killed writer (``kill -9``)
left behind, and never the file of a writer still running. :func:`prepare_file` and
:func:`prepare_folder` check, before a long computation, that its output can be written.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from matchaid.exceptions import MatchaidError

#: A temporary file older than this is stale even if its process id is in use again.
STALE_SECONDS = 24 * 3600


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[str]:
    """A temporary file's path beside ``path`` for a writer that wants a path (an Excel
    workbook); on success it replaces ``path`` in one rename, on any error (or
    interrupt) it is removed and ``path`` is untouched."""
    target = Path(path)
    folder = target.parent
    _remove_stale(folder, target.name)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder or "."
    )
    os.close(fd)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        # (the umask), or keep the mode of the file it replaces.
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        yield tmp
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, newline: str | None = None) -> Iterator[IO[str]]:
    """Open a temporary file beside ``path`` for writing; on success it replaces
    ``path`` in one rename, on any error (or interrupt) it is removed and ``path`` is
    untouched."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def _remove_stale(folder: Path, name: str) -> None:
    """Remove temporary files of earlier writes to ``name`` whose writer is gone."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(?:(\d+)\.)?[^.]+\.tmp")
    try:
        entries = list(os.scandir(folder or "."))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        pid = int(match.group(1)) if match.group(1) else None
        with contextlib.suppress(OSError):
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            if old or pid is None or (pid != os.getpid() and not _alive(pid)):
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_writer(path) as handle:
        handle.write(text)


def _probe(folder: Path, what: str) -> None:
    """Create and remove a file in ``folder``, to know that writing there works."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".matchaid-probe.", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise MatchaidError(
            f"{what}: cannot write in {str(folder)!r}: {exc.strerror or exc}"
        ) from None


def prepare_file(path: str | os.PathLike[str]) -> None:
    """Make sure a file can be written at ``path``: create its missing parent folders,
    check that it is not a folder and that its folder is writable.

    Raises
    ------
    MatchaidError
        Naming the path and the reason.
    """
    target = Path(path)
    if target.is_dir():
        raise MatchaidError(f"{target}: is a folder; give a file name for the output")
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise MatchaidError(f"{target}: {str(folder)!r} is a file, not a folder") from None
    except OSError as exc:
        raise MatchaidError(
            f"{target}: cannot create the folder {str(folder)!r}: {exc.strerror or exc}"
        ) from None
    _probe(folder, str(target))


def prepare_folder(path: str | os.PathLike[str]) -> None:
    """Make sure files can be written into the folder ``path`` (created if missing).

    Raises
    ------
    MatchaidError
        Naming the path and the reason (for example: it is a file).
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise MatchaidError(f"{folder}: is a file; this output needs a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise MatchaidError(f"{folder}: a parent of this folder is a file") from None
    except OSError as exc:
        raise MatchaidError(f"{folder}: cannot create the folder: {exc.strerror or exc}") from None
    _probe(folder, str(folder))
