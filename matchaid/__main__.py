"""The ``matchaid`` command and ``python -m matchaid``.

:func:`run` catches an interrupt (SIGINT, SIGTERM) from the first moment it can: while
the command line itself is still being imported, before :func:`matchaid.cli.main`
installs its own handling. An early interrupt ends with a one-line message and exit 130
(143 after SIGTERM), never a traceback.
"""

import os
import signal
import sys
from collections.abc import Callable
from types import FrameType

_early: list[int] = []


def _early_signal(signum: int, frame: FrameType | None) -> None:
    _early.append(signum)
    raise KeyboardInterrupt


def _note_signal(signum: int, frame: FrameType | None) -> None:
    _early.append(signum)


def _install_early_handlers(handler: Callable[[int, FrameType | None], None]) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)


# As soon as the command's module loads (before it only Python's start-up runs), a
# signal is noted; run() acts on it.
if __name__ in ("__main__", "matchaid.__main__"):
    _install_early_handlers(_note_signal)


def run() -> None:
    """Run the command line and exit with its code.

    The early handlers cover SIGINT and SIGTERM until :func:`matchaid.cli.main` installs
    its own, which it keeps until the process exits: there is no moment at which a
    signal finds Python's default handling (a traceback, or death by the signal).
    """
    try:
        _install_early_handlers(_early_signal)
        if _early:
            raise KeyboardInterrupt
        from matchaid.cli import main

        code = main(exiting=True)
    except SystemExit as exc:  # the third interrupt quits at once
        code = exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        _ignore_signals()
        sys.stderr.write("matchaid: interrupted; nothing written\n")
        code = 143 if _early and _early[0] == signal.SIGTERM else 130
    # The work is done. At exit Python puts back the default action of every signal that
    # has a Python handler (death by the signal), but keeps an ignored one ignored.
    _ignore_signals()
    if code in (130, 143):
        # CPython (3.11) remembers a KeyboardInterrupt that passed through C code running
        # Python source (pybind11 does, while OR-Tools loads) as "unhandled", although
        # matchaid caught it, and its normal exit then kills the process with SIGINT
        # (exit -2). The files are written and closed: leave with the code directly.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


def _ignore_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


if __name__ == "__main__":
    run()
