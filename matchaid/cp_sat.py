"""The CP-SAT writer (the only module that imports ``ortools.sat``).

:func:`build_model` hands the integer program of :mod:`matchaid.program` (variables,
rows, objective, all NumPy arrays) to CP-SAT, writing its model proto directly: one
variable per array entry, ``at_most_one`` for rows that allow one posting at a time, a
linear constraint for every other row, and the objective. :mod:`matchaid.search` runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from matchaid.candidates import CandidateSet
from matchaid.exceptions import Problem
from matchaid.program import (
    WEIGHT_SCALE,
    IntegerProgram,
    ObjectiveScaling,
    build_program,
)
from matchaid.weights import ObjectiveWeights

IntArray = npt.NDArray[np.int64]

__all__ = [
    "WEIGHT_SCALE",
    "BuiltModel",
    "ObjectiveScaling",
    "build_model",
    "check_cp_sat_parameters",
]


@dataclass(frozen=True, slots=True)
class BuiltModel:
    """A CP-SAT model ready to solve, with what is needed to read its solution.

    Variable ``i`` of :attr:`model` is variable ``i`` of :attr:`linear`; the first
    ``len(linear.cands)`` are the candidate postings' Booleans.
    """

    model: cp_model.CpModel
    linear: IntegerProgram

    @property
    def scaling(self) -> ObjectiveScaling:
        """How the integer objective maps back to weight units."""
        return self.linear.scaling

    @property
    def num_constraints(self) -> Mapping[str, int]:
        """Rows stated per rule."""
        return self.linear.rows_by_rule()

    def chosen(self, solver: cp_model.CpSolver) -> npt.NDArray[np.int64]:
        """Indices of the candidates in ``solver``'s best solution."""
        values = np.asarray(solver.response_proto.solution, dtype=np.int64)
        return np.flatnonzero(values[: len(self.linear.cands)])


def set_hint(model: cp_model.CpModel, lm: IntegerProgram, chosen: npt.NDArray[np.bool_]) -> None:
    """Hint ``model`` (a model of ``lm``) with the plan taking the candidates marked in
    ``chosen``: every variable, so CP-SAT can take it as its first solution."""
    hint = model.proto.solution_hint
    hint.vars.clear()
    hint.values.clear()
    hint.vars.extend(range(lm.num_vars))
    hint.values.extend(lm.complete(chosen).tolist())


def to_cp_sat(
    lm: IntegerProgram, lower: IntArray | None = None, upper: IntArray | None = None
) -> cp_model.CpModel:
    """A CP-SAT model of ``lm`` (maximising its objective); ``lower``/``upper``, when
    given, replace the variables' bounds (to fix some of them)."""
    model = cp_model.CpModel()
    proto = model.proto
    variables = proto.variables
    lo = np.zeros(lm.num_vars, dtype=np.int64) if lower is None else lower
    hi = lm.upper if upper is None else upper
    for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
        variables.add().domain.extend((a, b))
    constraints = proto.constraints
    indptr = lm.indptr.tolist()
    cols = lm.cols.tolist()
    coefs = lm.coefs.tolist()
    one_at_a_time = _one_at_a_time(lm).tolist()
    for r, (rhs, amo) in enumerate(zip(lm.rhs.tolist(), one_at_a_time, strict=True)):
        a, b = indptr[r], indptr[r + 1]
        if amo:
            constraints.add().at_most_one.literals.extend(cols[a:b])
        else:
            ct = constraints.add().linear
            ct.vars.extend(cols[a:b])
            ct.coeffs.extend(coefs[a:b])
            ct.domain.extend((cp_model.INT_MIN, rhs))
    keep = np.flatnonzero(lm.objective)
    objective = proto.objective
    objective.vars.extend(keep.tolist())
    objective.coeffs.extend((-lm.objective[keep]).tolist())  # CP-SAT minimises
    objective.scaling_factor = -1.0
    return model


def _one_at_a_time(lm: IntegerProgram) -> npt.NDArray[np.bool_]:
    """Rows that allow at most one of some Booleans: ``sum(x) <= 1``."""
    other = (lm.coefs != 1) | (lm.upper[lm.cols] != 1)
    mixed = np.bincount(lm.row_of_term, weights=other, minlength=lm.num_rows) > 0
    return np.asarray((lm.rhs == 1) & ~mixed)


def build_model(cands: CandidateSet, weights: ObjectiveWeights) -> BuiltModel:
    """The CP-SAT model for ``cands``: variables, every rule, the objective."""
    lm = build_program(cands, weights)
    return BuiltModel(model=to_cp_sat(lm), linear=lm)


#: Raw CP-SAT parameters matchaid refuses, and why. Some would make CP-SAT's answer
#: claim more than was proven (its bound would be for a restricted model); the others
#: are matchaid's own settings under another name.
REFUSED_CP_SAT: Mapping[str, str] = {
    "fix_variables_to_their_hinted_value": (
        "it solves only the hinted plan's neighbourhood, so CP-SAT's bound and 'optimal' "
        "would not hold for the scenario"
    ),
    "stop_after_presolve": "the search would never run",
    "catch_sigint_signal": (
        "matchaid stops the search on Ctrl-C itself and keeps the best plan; CP-SAT's own "
        "handler races with it"
    ),
    "max_time_in_seconds": "use the time_limit setting (shared among independent parts)",
    "max_deterministic_time": "use the deterministic_time setting",
    "num_workers": "use the workers setting",
    "num_search_workers": "use the workers setting",
    "random_seed": "use the seed setting",
}


def check_cp_sat_parameters(values: Mapping[str, Any]) -> list[Problem]:
    """Problems with raw CP-SAT parameters given by name (unknown names, wrong types,
    and the names in :data:`REFUSED_CP_SAT`)."""
    problems = []
    for name, value in values.items():
        if name in REFUSED_CP_SAT:
            problems.append(Problem(f"cp_sat.{name}", f"not accepted: {REFUSED_CP_SAT[name]}"))
            continue
        probe = sat_parameters_pb2.SatParameters()
        try:
            setattr(probe, name, value)
        except (AttributeError, TypeError, ValueError, OverflowError) as exc:
            problems.append(
                Problem(f"cp_sat.{name}", f"not a CP-SAT parameter or wrong type: {exc}")
            )
    return problems


def apply_parameters(solver: cp_model.CpSolver, values: Mapping[str, Any]) -> None:
    """Set CP-SAT parameters by name on ``solver``."""
    for name, value in values.items():
        setattr(solver.parameters, name, value)
