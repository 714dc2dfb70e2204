"""Solver settings, kept apart from the scenario data.

:class:`SolveParams` holds everything that changes how a plan is searched for (time,
workers, seed, objective weights, hints, raw CP-SAT parameters) and checks itself when
created. Read it from a TOML or JSON file with :meth:`SolveParams.from_file`.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from matchaid.exceptions import ParamsError, Problem
from matchaid.weights import ObjectiveWeights

__all__ = ["DEFAULT_CP_SAT", "ObjectiveWeights", "SolveParams"]

#: CP-SAT parameters matchaid sets by default (a user's ``cp_sat`` entries override them).
#: ``presolve_inclusion_work_limit = 0`` switches off the presolve step that certified a
#: wrong optimum on models of exactly our shape (at-most-one plus linear constraints) in
#: OR-Tools 9.15 (google/or-tools#5293); the rest of presolve stays on. The test suite
#: cross-checks CP-SAT optima against HiGHS. ``linearization_level = 2`` (CP-SAT's
#: strongest LP relaxation) is what closes the bound on these models: measured in
#: benchmarks/README.md, one worker with it proves tiers s and m optimal where the
#: default portfolio leaves gaps of 11-15% after 30 s.
DEFAULT_CP_SAT: Mapping[str, Any] = MappingProxyType(
    {"presolve_inclusion_work_limit": 0, "linearization_level": 2}
)

#: The most workers (CP-SAT takes a 32-bit count; no machine of ours has more cores).
MAX_WORKERS = 4096
#: The largest seed (CP-SAT's ``random_seed`` is a 32-bit integer).
MAX_SEED = 2**31 - 1


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How to search for a plan.

    Parameters
    ----------
    time_limit
        Wall-clock seconds for the search, or ``None`` for no limit. The best plan found
        is returned when it runs out.
    workers
        0 (default): use every core by solving independent parts side by side, one CP-SAT
        worker each (measured faster on these models than CP-SAT's multi-worker
        portfolio). N > 0: at most N cores; a problem with a single part gets a CP-SAT
        search with N workers.
    seed
        CP-SAT's ``random_seed``.
    deterministic_time
        A deterministic work budget (CP-SAT's ``max_deterministic_time``). With
        ``workers=1`` and no binding wall-clock limit, the same scenario, seed and budget
        give the same plan on every run and machine; a wall-clock limit or several
        workers do not promise that. With it, big parts are searched by CP-SAT whole,
        not by the neighbourhood search (which runs on wall time).
    log_progress
        Send CP-SAT's search log to the ``matchaid`` logger (level INFO).
    weights
        The secondary objective terms, see :class:`ObjectiveWeights`.
    hint
        ``"greedy"`` (the default): start CP-SAT from the best plan known, the
        LP-rounded plan (with ``relaxation``) or else the greedy baseline's. ``"none"``:
        no starting plan and no RINS (the LP still gives its bound).
    relaxation
        Solve each part's LP relaxation (GLOP) first: its dual values give a proven
        bound, its solution rounded gives a plan, and CP-SAT first searches the
        neighbourhood where the two disagree (RINS) before the whole part; the search
        stops as soon as a plan meets the bound. ``False``: CP-SAT alone, from the greedy
        plan.
    decompose
        Solve independent parts of the problem (experts, donors and recipients that no
        rule links, typically one per counterpart province) as separate models, several
        at once when there are cores to spare; the plan and bound are their union and
        sum. ``False`` solves one model. Time limits and deterministic budgets are shared
        among the parts in proportion to their size.
    cp_sat
        Extra CP-SAT parameters by name (e.g. ``{"linearization_level": 2}``), applied
        after matchaid's own (:data:`DEFAULT_CP_SAT`).
    gap_limit
        Stop as soon as the relative gap between the best plan's objective and the
        proven bound, ``(bound - objective) / bound`` (the result's ``gap``), is at most
        this (e.g. ``1e-4``, HiGHS's and Gurobi's default). 0 (default): search until
        the plan is proven optimal or the time runs out. A plan stopped at this gap is
        ``feasible``, not ``optimal``, unless it also meets the bound.

    Examples
    --------
    >>> SolveParams(time_limit=10, workers=1).workers
    1
    >>> SolveParams(workers=-1)
    Traceback (most recent call last):
    ...
    matchaid.exceptions.ParamsError: <params>: workers: must be a whole number from 0 to 4096, got -1
    """

    time_limit: float | None = 60.0
    workers: int = 0
    seed: int = 0
    deterministic_time: float | None = None
    log_progress: bool = False
    weights: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    hint: Literal["greedy", "none"] = "greedy"
    relaxation: bool = True
    decompose: bool = True
    cp_sat: Mapping[str, Any] = field(default_factory=dict)
    gap_limit: float = 0.0

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.cp_sat, Mapping):
            problems.append(
                Problem(
                    "cp_sat",
                    "must be a table of CP-SAT parameters by name, got "
                    f"{type(self.cp_sat).__name__} {self.cp_sat!r}",
                )
            )
            object.__setattr__(self, "cp_sat", MappingProxyType({}))
        elif not isinstance(self.cp_sat, MappingProxyType):
            object.__setattr__(self, "cp_sat", MappingProxyType(dict(self.cp_sat)))
        for name in ("time_limit", "deterministic_time"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value <= 0
            ):
                problems.append(
                    Problem(name, f"must be a number of seconds > 0 or null, got {value!r}")
                )
        if (
            isinstance(self.gap_limit, bool)
            or not isinstance(self.gap_limit, (int, float))
            or not 0 <= self.gap_limit < 1
        ):
            problems.append(
                Problem(
                    "gap_limit",
                    f"must be a number from 0 up to (not including) 1, got {self.gap_limit!r}",
                )
            )
        for name, most in (("workers", MAX_WORKERS), ("seed", MAX_SEED)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
                problems.append(
                    Problem(name, f"must be a whole number from 0 to {most}, got {value!r}")
                )
        for name in ("decompose", "relaxation", "log_progress"):
            if not isinstance(getattr(self, name), bool):
                problems.append(
                    Problem(name, f"must be true or false, got {getattr(self, name)!r}")
                )
        if self.hint not in ("greedy", "none"):
            problems.append(Problem("hint", f"must be greedy or none, got {self.hint!r}"))
        if not isinstance(self.weights, ObjectiveWeights):
            problems.append(
                Problem(
                    "weights",
                    "must be a table with preferred, travel, posted_month and mode, got "
                    f"{self.weights!r}",
                )
            )
        else:
            problems.extend(self.weights.problems())
        problems.extend(_check_cp_sat(self.cp_sat))
        if problems:
            raise ParamsError("<params>", problems)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "<params>") -> SolveParams:
        """Build from a mapping such as a parsed TOML table (unknown keys are errors)."""
        known = {f.name for f in fields(cls)}
        problems = [
            Problem(k, f"unknown setting (allowed: {', '.join(sorted(known))})")
            for k in data
            if k not in known
        ]
        if problems:
            raise ParamsError(source, problems)
        values = dict(data)
        if "weights" in values and not isinstance(values["weights"], Mapping):
            raise ParamsError(
                source,
                [
                    Problem(
                        "weights",
                        "must be a table with preferred, travel, posted_month and mode, "
                        f"got {values['weights']!r}",
                    )
                ],
            )
        if isinstance(values.get("weights"), Mapping):
            wknown = {f.name for f in fields(ObjectiveWeights)}
            bad = [k for k in values["weights"] if k not in wknown]
            if bad:
                raise ParamsError(source, [Problem(f"weights.{k}", "unknown setting") for k in bad])
        try:
            if isinstance(values.get("weights"), Mapping):
                values["weights"] = ObjectiveWeights(**values["weights"])
            return cls(**values)
        except ParamsError as exc:
            raise ParamsError(source, exc.problems) from None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> SolveParams:
        """Read from a ``.toml`` or ``.json`` file (UTF-8, with or without a BOM).

        Raises
        ------
        ParamsError
            Naming the file and what is wrong: unreadable, not UTF-8, not parseable,
            not a table of settings, or a setting out of range.
        """
        source = str(path)
        try:
            raw = Path(path).read_bytes()
        except IsADirectoryError:
            raise ParamsError(source, [Problem("", "is a folder, not a settings file")]) from None
        except OSError as exc:
            raise ParamsError(
                source, [Problem("", f"cannot read file: {exc.strerror or exc}")]
            ) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ParamsError(
                source, [Problem(f"line {line}", "not UTF-8 text: save the file as UTF-8")]
            ) from None
        try:
            data = tomllib.loads(text) if source.lower().endswith(".toml") else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise ParamsError(source, [Problem("", f"cannot parse: {exc}")]) from None
        except RecursionError:
            raise ParamsError(source, [Problem("", "cannot parse: nested too deeply")]) from None
        if not isinstance(data, dict):
            raise ParamsError(
                source,
                [Problem("", f"must be a table of settings, got a {type(data).__name__}")],
            )
        return cls.from_mapping(data, source)

    def with_(self, **changes: Any) -> SolveParams:
        """A copy with some settings changed (checked again)."""
        return replace(self, **changes)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled with ``cp_sat`` as a plain dict (a read-only mapping does not pickle),
        so that settings travel to the workers of an executor."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["cp_sat"] = dict(self.cp_sat)
        return (_from_fields, (values,))


def _from_fields(values: dict[str, Any]) -> SolveParams:
    return SolveParams(**values)


def _check_cp_sat(values: Mapping[str, Any]) -> list[Problem]:
    from matchaid.cp_sat import check_cp_sat_parameters  # the CP-SAT layer knows its names

    return check_cp_sat_parameters(values)
