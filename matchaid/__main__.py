"""The ``matchaid`` command and ``python -m matchaid``.

:func:`run` catches an interrupt (SIGINT, SIGTERM) from the first moment it can: while
the command line itself is still being imported, before :func:`matchaid.cli.main`
installs its own handling. An early interrupt ends with a one-line message and exit 130
(143 after SIGTERM), never a traceback.
"""

import signal
import sys
from types import FrameType

_early: list[int] = []


def _early_signal(signum: int, frame: FrameType | None) -> None:
    _early.append(signum)
    raise KeyboardInterrupt


def run() -> None:
    """Run the command line and exit with its code."""
    previous = signal.signal(signal.SIGTERM, _early_signal)
    try:
        from matchaid.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("matchaid: interrupted; nothing written\n")
        sys.exit(143 if _early and _early[0] == signal.SIGTERM else 130)
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.exit(main())


if __name__ == "__main__":
    run()
