"""The matchaid exception tree.

Every error the library raises on purpose is a :class:`MatchaidError`, so a caller can
catch the library's complaints with one ``except`` clause and let real bugs through.

- :class:`InputError` (also a :class:`ValueError`): something a user wrote is wrong. It
  carries every :class:`Problem` found, each naming the source (a file or
  ``<scenario>``), the field path and the reason.

  - :class:`ScenarioError`: a scenario document or object breaks the v1 contract.
  - :class:`FormatVersionError`: the file declares a format version we do not read.
  - :class:`PlanFileError`: a plan document breaks the plan contract.
  - :class:`ParamsError`: solver settings are out of range.

- :class:`SolverError`: the planner produced something it must never produce (for
  example a plan that fails the independent validator). This is a bug in matchaid.

Warnings (things that are legal but probably not what the user meant, such as an expert
whose availability fits no rotation term) are :class:`Problem` objects of severity
``"warning"``; they never raise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "MAX_REPORTED_PROBLEMS",
    "FontWarning",
    "FormatVersionError",
    "InputError",
    "InputWarning",
    "MatchaidError",
    "MatchaidWarning",
    "ParamsError",
    "PlanFileError",
    "Problem",
    "Problems",
    "ScenarioError",
    "SolverError",
]

#: How many problems an :class:`InputError` message lists before summarising the rest.
MAX_REPORTED_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in an input.

    Parameters
    ----------
    path
        Where in the document: a field path such as ``experts[12].donor``, or a
        location such as ``line 3 column 7``; empty for the document as a whole.
    message
        The reason, in words a planner understands.
    severity
        ``"error"`` makes the input unusable; ``"warning"`` is reported but accepted.
    """

    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def format(self, source: str = "") -> str:
        """Render as ``source: path: message``, leaving out empty parts."""
        return ": ".join(part for part in (source, self.path, self.message) if part)


class Problems:
    """Collects the problems of one input instead of stopping at the first; the one
    collector of the document readers and the scenario checks.

    >>> found = Problems()
    >>> mark = found.mark()
    >>> found.error("horizon.months", "must be a whole number")
    >>> found.clean_since(mark), [p.format() for p in found.problems]
    (False, ['horizon.months: must be a whole number'])
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, path: str, message: str) -> None:
        """Note a problem at ``path``."""
        self.problems.append(Problem(path, message))

    def mark(self) -> int:
        """A point to ask :meth:`clean_since` about."""
        return len(self.problems)

    def clean_since(self, mark: int) -> bool:
        """Whether no problem was noted since ``mark``."""
        return len(self.problems) == mark


class MatchaidError(Exception):
    """Base class of every error matchaid raises on purpose."""


class InputError(MatchaidError, ValueError):
    """Bad input: carries all problems found, not only the first.

    Parameters
    ----------
    source
        The file (or ``<scenario>`` for an object built in Python) the problems are in.
    problems
        What is wrong, in document order.
    """

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        lines = [p.format(self.source) for p in shown]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            lines.append(f"{self.source}: ... and {hidden} more problem(s) not shown")
        if len(lines) == 1:
            return lines[0]
        count = len(self.problems)
        return f"{count} problems in {self.source}:\n" + "\n".join("  " + line for line in lines)


class ScenarioError(InputError):
    """A scenario document or object breaks the v1 scenario contract."""


class FormatVersionError(ScenarioError):
    """The document declares a format version this matchaid does not read."""


class PlanFileError(InputError):
    """A plan document breaks the plan contract."""


class ParamsError(InputError):
    """Solver settings are out of range or of the wrong type."""


class MatchaidWarning(UserWarning):
    """Base class of matchaid's warnings; the command line prints each as ``warning:
    ...`` on stderr."""


class FontWarning(MatchaidWarning):
    """Pictures cannot show some text (no installed font has its glyphs)."""


class InputWarning(MatchaidWarning):
    """Input that was read, but maybe not as meant: a CSV file that was not UTF-8 (and
    which encoding was used), a full-width separator in a list cell. The command line
    prints each as ``warning: ...`` on stderr; in Python it is a :mod:`warnings`
    warning."""


class SolverError(MatchaidError):
    """The planner broke its own contract (a bug in matchaid, please report it)."""
