"""The linear relaxation of the planner's model: a proven bound and a starting plan.

:func:`solve_relaxation` solves the LP relaxation of a :class:`~matchaid.linear.LinearModel`
(every Boolean and count allowed fractional values between 0 and its upper bound) with
GLOP, OR-Tools' simplex solver, and returns a :class:`Relaxation`:

- ``bound``: an upper bound on the integer objective of every plan. It is not GLOP's
  objective value (a floating-point number with tolerances) but recomputed from GLOP's
  dual values by weak duality: for any row prices ``y >= 0``,
  ``b.y + sum_j u_j max(0, c_j - (A^T y)_j)`` bounds ``c.v`` for every ``v`` with
  ``A v <= b`` and ``0 <= v <= u``. Any ``y >= 0`` gives a valid bound, so the bound
  holds whatever GLOP's accuracy; a small margin covers floating-point summation.
- ``values``: the LP's optimal values of the postings' Booleans, which
  :func:`rounded_selection` turns into a valid plan (postings by LP value, highest
  first, each taken if it still fits, then the greedy search fills what is left).

CP-SAT stays the engine that finds and proves plans: the relaxation only feeds it a
hint and a bound. On the planner's models the relaxation is nearly integral (its bound
is typically within a fraction of a percent of the optimum), while CP-SAT's own LP at
the root of its search reaches the same bound much later.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matchaid.greedy import greedy_selection
from matchaid.linear import LinearModel

__all__ = ["Relaxation", "rounded_selection", "solve_relaxation"]


@dataclass(frozen=True, slots=True)
class Relaxation:
    """The outcome of :func:`solve_relaxation`.

    Attributes
    ----------
    bound
        A proven upper bound on the integer objective (``math.inf`` if the LP was not
        solved).
    values
        The LP values of the postings' Booleans (empty if not solved).
    status
        GLOP's status, in words.
    seconds
        Wall time of building and solving the LP.
    """

    bound: float
    values: npt.NDArray[np.float64]
    status: str
    seconds: float

    @property
    def solved(self) -> bool:
        """Whether the LP was solved to optimality."""
        return self.status == "optimal"


def safe_bound(lm: LinearModel, prices: npt.NDArray[np.float64]) -> float:
    """The weak-duality bound on ``lm``'s objective for row prices ``max(prices, 0)``
    (valid for any prices), with a margin for floating-point error."""
    y = np.maximum(prices, 0.0)
    c = lm.objective.astype(np.float64)
    reduced = c - np.bincount(lm.cols, weights=lm.coefs * y[lm.row_of_term], minlength=lm.num_vars)
    terms = lm.rhs * y
    extra = lm.upper * np.maximum(reduced, 0.0)
    bound = float(terms.sum() + extra.sum())
    scale = float(np.abs(terms).sum() + np.abs(extra).sum() + np.abs(c).sum())
    return bound + 1e-9 * scale + 1e-6


def solve_relaxation(lm: LinearModel, time_limit: float | None = None) -> Relaxation:
    """Solve the LP relaxation of ``lm`` with GLOP (at most ``time_limit`` seconds)."""
    from ortools.linear_solver import linear_solver_pb2  # type: ignore[attr-defined]
    from ortools.linear_solver.python import model_builder_helper

    t0 = time.perf_counter()
    # GLOP works in floating point: give it the objective in units of the primary term
    # so coefficients stay small; the bound is computed back in integer units.
    unit = float(max(lm.scaling.multiplier, 1))
    request = linear_solver_pb2.MPModelRequest()
    request.solver_type = linear_solver_pb2.MPModelRequest.GLOP_LINEAR_PROGRAMMING
    if time_limit is not None:
        request.solver_time_limit_seconds = max(0.01, time_limit)
    model = request.model
    model.maximize = True
    for ub, c in zip(lm.upper.tolist(), (lm.objective / unit).tolist(), strict=True):
        model.variable.add(lower_bound=0.0, upper_bound=float(ub), objective_coefficient=c)
    indptr = lm.indptr.tolist()
    cols = lm.cols.tolist()
    coefs = lm.coefs.astype(np.float64).tolist()
    for r, rhs in enumerate(lm.rhs.tolist()):
        a, b = indptr[r], indptr[r + 1]
        model.constraint.add(
            var_index=cols[a:b], coefficient=coefs[a:b], lower_bound=-math.inf, upper_bound=rhs
        )
    solver = model_builder_helper.ModelSolverHelper("glop")
    response = linear_solver_pb2.MPSolutionResponse.FromString(
        solver.solve_serialized_request(request.SerializeToString())
    )
    seconds = time.perf_counter() - t0
    if response.status != linear_solver_pb2.MPSOLVER_OPTIMAL:
        name = linear_solver_pb2.MPSolverResponseStatus.Name(response.status)
        return Relaxation(math.inf, np.zeros(0), name.removeprefix("MPSOLVER_").lower(), seconds)
    prices = np.asarray(response.dual_value, dtype=np.float64) * unit
    bound = min(safe_bound(lm, prices), safe_bound(lm, -prices))
    values = np.asarray(response.variable_value, dtype=np.float64)[: len(lm.cands)]
    return Relaxation(bound, values, "optimal", time.perf_counter() - t0)


def rounded_selection(
    lm: LinearModel, values: npt.NDArray[np.float64], threshold: float = 1e-6
) -> npt.NDArray[np.int64]:
    """A valid plan from LP values: candidates with value above ``threshold``, highest
    first (ties by index), each taken if it fits and covers something; then the greedy
    search from there. Indices ascending."""
    order = np.argsort(-values, kind="stable")
    first = order[values[order] > threshold]
    return greedy_selection(lm.cands, first=first)
