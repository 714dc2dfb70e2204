"""The objective's secondary weights: data that the engine and the validator both read.

:class:`ObjectiveWeights` says what a preferred donor's month, an hour of travel and a
posted expert-month are worth, and whether they only break ties or trade against
coverage. It sits at the data level (beside the domain model) so that the independent
validator can value a plan without importing the solver's settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from matchaid.exceptions import Problem

__all__ = ["MAX_WEIGHT", "ObjectiveWeights"]

#: The largest secondary weight accepted (per preferred month, travel hour or posted
#: month): with travel hours and terms inside their own limits, the scaled tie-break
#: terms then stay far inside CP-SAT's 64-bit integers.
MAX_WEIGHT = 1e6


@dataclass(frozen=True, slots=True)
class ObjectiveWeights:
    """The secondary objective terms and how they combine with coverage.

    The primary objective is always weighted covered expert-months (each gap's
    ``weight`` per covered expert-month). Two secondary terms refine it:

    Parameters
    ----------
    preferred
        Value of one covered expert-month served by a donor with a ``preferred``
        pairing with the recipient.
    travel
        Cost of one hour of travel (donor city to recipient city) per posting.
    posted_month
        Cost of each expert-month posted: keeps an expert at home when sending them
        would cover nothing.
    preference
        Value of one period an expert serves at a recipient on their ``preferences``
        list (format v2): ``preference x (L - k + 1) / L`` at their ``k``-th choice of
        ``L``, so a first choice earns the full amount. 0 (the default) turns it off.
    mode
        ``"tiebreak"`` (default): the secondary terms are scaled down so that all of
        them together are worth less than one covered expert-month of the lowest-weight
        gap; they only choose among plans of the best coverage, by their own weights.
        ``"weighted"``: the objective is literally ``coverage + preferred x
        preferred-months - travel x hours - posted_month x posted-months``, in
        gap-weight units; the user accepts that secondary terms may trade against
        coverage. ``"off"``: coverage only.

    The defaults rank the tie-breaks: a preferred donor's covered month (1.0) counts
    for more than 100 hours of travel (0.01 each), which count for more than ten
    posted expert-months (0.001 each).
    """

    preferred: float = 1.0
    travel: float = 0.01
    posted_month: float = 0.001
    preference: float = 0.0
    mode: Literal["tiebreak", "weighted", "off"] = "tiebreak"

    def problems(self, path: str = "weights") -> list[Problem]:
        """What is wrong with these weights (empty when they are fine)."""
        out = []
        for name in ("preferred", "travel", "posted_month", "preference"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or not 0 <= value <= MAX_WEIGHT
            ):
                out.append(
                    Problem(
                        f"{path}.{name}",
                        f"must be a number from 0 to {MAX_WEIGHT:g}, got {value!r}",
                    )
                )
        if self.mode not in ("tiebreak", "weighted", "off"):
            out.append(
                Problem(f"{path}.mode", f"must be tiebreak, weighted or off, got {self.mode!r}")
            )
        return out
