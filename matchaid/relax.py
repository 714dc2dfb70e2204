"""The linear relaxation of the planner's model: a proven bound and a starting plan.

:func:`solve_relaxation` solves the LP relaxation of a :class:`~matchaid.program.IntegerProgram`
(every Boolean and count allowed fractional values between 0 and its upper bound) with
GLOP, OR-Tools' simplex solver, or, for large programs (:data:`PDLP_NONZEROS` and
more), with PDLP, OR-Tools' first-order method, and returns a :class:`Relaxation`:

- ``bound``: an upper bound on the integer objective of every plan. It is not GLOP's
  objective value (a floating-point number with tolerances) but recomputed from GLOP's
  dual values by weak duality: for any row prices ``y >= 0``,
  ``b.y + sum_j u_j max(0, c_j - (A^T y)_j)`` bounds ``c.v`` for every ``v`` with
  ``A v <= b`` and ``0 <= v <= u``. Any ``y >= 0`` gives a valid bound, so the bound
  holds whatever the solver's accuracy, also from the prices of a PDLP run stopped at
  its time limit; it is summed in exact integers (:func:`safe_bound`). The same prices
  on every row but the experts' own give a bound at least as tight, with those rows
  solved exactly expert by expert (:func:`matchaid.blocks.block_bound`): the lower of
  the two is kept.
- ``reported_bound``: the same for the reported objective (coverage), proven apart
  from the tie-break terms.
- ``values``: the LP's values of the decisions' Booleans (GLOP's optimal vertex; with
  PDLP, a vertex of the LP restricted to PDLP's support, or PDLP's last iterate), which
  :func:`rounded_selection` turns into a valid plan (postings by LP
  value, highest first, each taken if it still fits, then the greedy search fills what
  is left).

Why two methods (tier m with ``pairing=preferred``, one part of 183k variables and
2.4M nonzeros, 2 cores): GLOP's simplex does not finish in 60 s (primal or dual); PDLP
with two threads reaches relative accuracy 1e-2 in 6.5 s, 1e-3 in 15 s and 1e-4 in
30 s, with weak-duality bounds of 43,371, 43,020 and 43,004 (the LP's value is about
42,999.7); polishing PDLP's prices (:func:`polish_prices`, 2-3 s) takes the last two to
43,009 and 43,002. On the programmes that split, parts are small and GLOP solves them
exactly in well under a second, which PDLP's tolerances cannot match.

CP-SAT stays the engine that finds and proves plans: the relaxation only feeds it a
hint and a bound. On the planner's models the relaxation is nearly integral (its bound
is typically within a fraction of a percent of the optimum), while CP-SAT's own LP at
the root of its search reaches the same bound much later.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matchaid.arrays import IntArray
from matchaid.fill import greedy_fill
from matchaid.mpmodel import model_bytes, with_model
from matchaid.program import IntegerProgram

__all__ = [
    "Relaxation",
    "VertexCallback",
    "polished_bounds",
    "rounded_selection",
    "solve_relaxation",
]


#: Called with a vertex's values of the decisions and the plan they round to.
VertexCallback = Callable[[npt.NDArray[np.float64], IntArray], None]


@dataclass(frozen=True, slots=True)
class Relaxation:
    """The outcome of :func:`solve_relaxation`.

    Attributes
    ----------
    bound
        A proven upper bound on the integer objective (``None`` if the LP was not
        solved).
    reported_bound
        A proven upper bound on the reported objective (:attr:`IntegerProgram.primary`),
        from the same prices: coverage proven apart from the tie-breaks.
    values
        The LP values of the decisions' Booleans (empty if the solver gave none).
    status
        The solver's status, in words (``optimal``: solved to its tolerances).
    seconds
        Wall time of building and solving the LP.
    method
        ``glop`` or ``pdlp``.
    rounded
        The plan :func:`rounded_selection` makes of ``values`` (candidate indices), if
        it was already made (PDLP: choosing among vertices); ``None`` otherwise.
    unpolished
        PDLP's prices when ``solve_relaxation(polish=False)`` left them unpolished
        (``bound`` is theirs): :func:`polished_bounds` polishes them later.
    prices
        The row prices, in units of the whole objective, whose weak-duality bound is
        ``bound`` (before the experts' blocks tighten it): what reduced-cost fixing
        (:mod:`matchaid.fixing`) reads; ``None`` without prices.
    """

    bound: int | None
    reported_bound: int | None
    values: npt.NDArray[np.float64]
    status: str
    seconds: float
    method: str = "glop"
    rounded: IntArray | None = None
    unpolished: npt.NDArray[np.float64] | None = None
    prices: npt.NDArray[np.float64] | None = None

    @property
    def solved(self) -> bool:
        """Whether the LP was solved to optimality (PDLP: to its tolerances)."""
        return self.status == "optimal"

    @property
    def usable(self) -> bool:
        """Whether it gave values to round into a plan: solved, or a PDLP run stopped
        early with an iterate."""
        return bool(self.values.size) and (self.solved or self.method == "pdlp")


#: Largest integer price times column weight summed in int64 (headroom below 2**63).
_PRICE_LIMIT = 2.0**60
#: Prices are cut to ``1/D`` from the float's own value; beyond this they are clipped
#: (any prices give a valid bound, and no LP's price is near it).
_PRICE_CAP = 2.0**600


def safe_bound(
    lm: IntegerProgram, prices: npt.NDArray[np.float64], objective: IntArray | None = None
) -> int:
    """The weak-duality bound on ``objective @ v`` (default: ``lm.objective``) over the
    integer points of ``lm``, for row prices ``max(prices, 0)``, computed exactly.

    The prices are first rounded down to multiples of ``1/D`` (``D`` a power of two);
    any prices ``y >= 0`` give a valid bound ``b.y + sum_j u_j max(0, c_j - (A^T y)_j)``,
    so the rounding costs nothing in validity, and ``D`` is fine enough that it moves
    the bound by less than a quarter of a unit. The sum is then taken in exact integers,
    and the bound rounded down, since every plan's objective is an integer.

    A simplex's prices can be degenerate: rows chained with zero right-hand sides may
    carry prices of 1e17 that cancel along each column (GLOP on tier l with the
    programme rules). The column sums are then taken exactly over several integer limbs
    instead of clipping those prices, which would break the cancellation.
    """
    c = lm.objective if objective is None else objective
    y = clipped_prices(prices)
    if not y.any():  # every term at its best: no column sums needed
        return _bound_without_prices(lm, c)
    denominator, total, reduced = exact_reduced_costs(lm, y, c)
    total += column_terms(lm, reduced, np.arange(lm.num_vars, dtype=np.int64))
    return total // denominator


def clipped_prices(prices: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Prices as every bound here reads them: ``nan`` and infinities as 0, negative
    prices as 0, and none above ``_PRICE_CAP`` (any prices ``y >= 0`` give a valid
    bound)."""
    y = np.nan_to_num(np.asarray(prices, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(y, 0.0, _PRICE_CAP)


def exact_reduced_costs(
    lm: IntegerProgram, y: npt.NDArray[np.float64], c: IntArray, coarse: bool = False
) -> tuple[int, int, npt.NDArray[np.object_]]:
    """For prices ``y`` (from :func:`clipped_prices`) rounded down to multiples of
    ``1/D``: ``D``, ``D b.y`` and the reduced costs ``D (c - A^T y)``, all exact
    integers (the last as Python integers), with ``D`` a power of two chosen as
    :func:`safe_bound` says, or if ``coarse`` the coarsest that still moves the bound by
    less than a quarter of a unit (smaller sums)."""
    weight = np.bincount(lm.cols, weights=np.abs(lm.coefs), minlength=lm.num_vars)
    heaviest = max(float(weight.max()) if weight.size else 0.0, 1.0)
    top = float(y.max()) if y.size else 0.0
    # the finest D keeping every column sum in int64, and the D the rounding needs
    fits = 60 if top == 0.0 else math.floor(math.log2(_PRICE_LIMIT / (top * heaviest)))
    reach = float(lm.upper @ weight + np.abs(lm.lower) @ weight + np.abs(lm.rhs).sum())
    needed = max(0, math.ceil(math.log2(4.0 * reach + 1.0)))
    shift = min(60, fits) if fits >= needed and not coarse else needed
    denominator = 1 << shift
    price = np.floor(y * float(denominator))  # whole numbers, exact in float64
    if fits >= needed:
        used: Any = np.zeros(lm.num_vars, dtype=np.int64)
        np.add.at(used, lm.cols, lm.coefs * price.astype(np.int64)[lm.row_of_term])
    else:
        used = _exact_column_sums(lm, price, heaviest)
    positive_rows = np.flatnonzero(price > 0)
    total = sum(
        int(b) * int(p)
        for b, p in zip(lm.rhs[positive_rows].tolist(), price[positive_rows].tolist(), strict=True)
    )
    reduced = c.astype(object) * denominator - np.asarray(used).astype(object)
    return denominator, total, reduced


def column_terms(lm: IntegerProgram, reduced: npt.NDArray[np.object_], var: IntArray) -> int:
    """``sum u_j max(0, r_j)`` over the variables ``var``, and ``l_j r_j`` where ``r_j``
    is negative and the variable has a lower bound (a fixed pin): what each contributes
    to a weak-duality bound with reduced costs ``r``, exactly."""
    r, upper, lower = reduced[var], lm.upper[var], lm.lower[var]
    positive = np.flatnonzero(r > 0)
    total = sum(
        int(u) * int(x) for u, x in zip(upper[positive].tolist(), r[positive].tolist(), strict=True)
    )
    negative = np.flatnonzero((r < 0) & (lower > 0))
    total += sum(
        int(lo) * int(x)
        for lo, x in zip(lower[negative].tolist(), r[negative].tolist(), strict=True)
    )
    return total


def _bound_without_prices(lm: IntegerProgram, c: IntArray) -> int:
    """:func:`safe_bound` for prices 0: ``sum(u c | c > 0) + sum(lower c | c < 0)``, in
    int64 when no partial sum can leave it (a part of 4.3 million postings: 0.1 s
    instead of 5 s), else in Python integers."""
    best = np.where(c > 0, lm.upper, lm.lower)
    if float(np.abs(c).astype(np.float64) @ best.astype(np.float64)) < 2.0**62:
        return int(np.dot(c, best))
    return sum(int(a) * int(b) for a, b in zip(c.tolist(), best.tolist(), strict=True) if b)


def _exact_column_sums(
    lm: IntegerProgram, price: npt.NDArray[np.float64], heaviest: float
) -> npt.NDArray[np.object_]:
    """``(A^T p)_j`` in exact Python integers for whole-number prices ``p`` too large for
    int64 sums: ``p`` is cut into limbs of ``bits`` bits, small enough that each limb's
    column sums stay below 2**53 and so are exact in float64, and the limbs' sums are
    put together as Python integers."""
    bits = max(1, 52 - math.ceil(math.log2(heaviest + 1.0)))
    used = np.zeros(lm.num_vars, dtype=np.int64).astype(object)
    top = float(price.max()) if price.size else 0.0
    limbs = max(1, math.ceil((math.log2(top + 1.0) + 1.0) / bits))
    for t in range(limbs):
        limb = np.fmod(np.floor(price * 2.0 ** (-bits * t)), 2.0**bits)
        sums = np.bincount(lm.cols, weights=lm.coefs * limb[lm.row_of_term], minlength=lm.num_vars)
        used += sums.astype(np.int64).astype(object) * (1 << (bits * t))
    return used


class Interrupter:
    """Stops a running LP from another thread (and one not yet started, once it starts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._helper: Any = None
        self.stopped = False

    def attach(self, helper: Any) -> bool:
        """Register the LP solver about to run; ``False`` if already stopped."""
        with self._lock:
            self._helper = helper
            return not self.stopped

    def stop(self) -> None:
        """Interrupt the LP (now, or as soon as it is attached)."""
        with self._lock:
            self.stopped = True
            if self._helper is not None:
                self._helper.interrupt_solve()


#: Programs with at least this many nonzeros are relaxed with PDLP, smaller ones with
#: GLOP (see the module docstring for the measurement).
PDLP_NONZEROS = 500_000
#: PDLP's relative and absolute optimality tolerance: the bound it gives is within
#: about this share of the LP's value (1e-3: 17 s on the measured 2.4M-nonzero LP on
#: two threads, a bound 0.05% above the LP's value, 0.02% once polished; 1e-4 takes
#: 33 s for 0.01%, 0.005% once polished).
PDLP_TOLERANCE = 1e-3
#: The finer tolerance, used when the LP's time allows it: when
#: :data:`FINE_NONZEROS_PER_SECOND` says it finishes in its time limit (no limit: always).
PDLP_FINE_TOLERANCE = 1e-4
#: How fast PDLP reaches :data:`PDLP_FINE_TOLERANCE`, in nonzeros per second (the
#: measured LP above: 72k on two threads), rounded down.
FINE_NONZEROS_PER_SECOND = 60_000


def solve_relaxation(
    lm: IntegerProgram,
    time_limit: float | None = None,
    interrupter: Interrupter | None = None,
    method: str | None = None,
    threads: int = 1,
    fine: bool = True,
    vertex_time: float = 0.0,
    polish: bool = True,
    on_vertex: VertexCallback | None = None,
) -> Relaxation:
    """Solve the LP relaxation of ``lm`` (at most ``time_limit`` seconds;
    ``interrupter`` can stop it early) with ``method`` (``glop``, ``pdlp``, or by
    default PDLP from :data:`PDLP_NONZEROS` nonzeros on); PDLP uses ``threads``, and
    :data:`PDLP_FINE_TOLERANCE` if ``fine`` and the time limit allows it. A GLOP run
    that ends "abnormal" is replaced by PDLP in the LP's time left. The vertex
    that replaces PDLP's point, and the polish of its prices, may take ``vertex_time``
    seconds beyond the LP's end (``time_limit`` at most).

    PDLP's answer is a point inside the optimal face, which rounds badly; its values are
    then replaced by a vertex of the LP restricted to PDLP's support (see
    :func:`_vertex_on_support`), and its prices are polished
    (:func:`polish_prices`) before they give the bound; with ``polish=False`` they are
    left for :func:`polished_bounds` (the search polishes them beside its first CP-SAT
    run). ``on_vertex`` is called with each vertex's values and rounded plan that beats
    the ones before it, as soon as it is rounded (the search offers that plan while
    GLOP tries a wider support)."""
    if method is None:
        method = "pdlp" if lm.cols.size >= PDLP_NONZEROS else "glop"
    t0 = time.perf_counter()
    # GLOP works in floating point: give it the objective in units of the primary term
    # so coefficients stay small; the bound is computed back in integer units.
    unit = float(max(lm.scaling.multiplier, 1))
    fine = fine and (time_limit is None or lm.cols.size <= FINE_NONZEROS_PER_SECOND * time_limit)
    tolerance = PDLP_FINE_TOLERANCE if fine else PDLP_TOLERANCE
    status, duals, values = _solve_lp(
        lm, lm.upper, unit, method, time_limit, interrupter, threads, tolerance
    )
    if method == "glop" and status == "abnormal":
        # GLOP gave up (tier l with the programme rules, seed 2: 2 of its 15 big parts,
        # whose bound was then every gap met); PDLP's prices bound whatever its accuracy
        left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        if left is None or left >= MIN_FALLBACK_SECONDS:
            method = "pdlp"
            status, duals, values = _solve_lp(
                lm, lm.upper, unit, method, left, interrupter, threads, tolerance
            )
    # the vertex and the polish after PDLP may take vertex_time beyond the LP's end (not
    # its limit: an LP that ends early leaves its time to the search after it)
    end = None if time_limit is None else min(time.perf_counter(), t0 + time_limit) + vertex_time
    # GLOP's prices are meaningful only at its optimum; any prices give a valid bound,
    # and PDLP's last iterate (at its time limit) gives a good one.
    usable = status == "optimal" or (method == "pdlp" and duals.size == lm.num_rows)
    if not usable:
        return Relaxation(None, None, np.zeros(0), status, time.perf_counter() - t0, method)
    bound, flipped = safe_bound(lm, duals * unit), safe_bound(lm, -duals * unit)
    if flipped < bound:  # the solver's sign convention: the one that bounds
        duals, bound = -duals, flipped
    n = len(lm.cands)
    values = values[:n]
    rounded = None
    if values.size != n:
        values = np.zeros(0)
    elif method == "pdlp":
        left = None if end is None else end - time.perf_counter()
        values, rounded = _vertex_on_support(lm, values, unit, left, interrupter, on_vertex)
    unpolished = None
    if method == "pdlp" and polish:  # within PDLP's tolerance of optimal: polish them
        left = None if end is None else end - time.perf_counter()
        spent = time.perf_counter() - t0
        duals, bound = _polished(lm, duals, bound, unit, spent, left, interrupter)
    elif method == "pdlp":
        unpolished = duals
    bound, reported = _bounds(lm, duals, unit, bound)
    seconds = time.perf_counter() - t0
    return Relaxation(
        bound, reported, values, status, seconds, method, rounded, unpolished, duals * unit
    )


def _bounds(
    lm: IntegerProgram, duals: npt.NDArray[np.float64], unit: float, bound: int
) -> tuple[int, int]:
    """The bounds on the whole and the reported objective from the LP's ``duals``
    (``bound``: their weak-duality bound on the whole objective), each the lower of
    weak duality's and that of the experts' blocks solved exactly
    (:func:`matchaid.blocks.block_bound`)."""
    from matchaid.blocks import block_bound

    whole = block_bound(lm, duals * unit)
    if whole is not None:
        bound = min(bound, whole)
    # The reported objective is in units of the LP's (tiebreak, off) or is the whole
    # objective with a multiplier of 1 (weighted): the duals price it as they are.
    reported = safe_bound(lm, duals, lm.primary)
    by_blocks = block_bound(lm, duals, lm.primary)
    if by_blocks is not None:
        reported = min(reported, by_blocks)
    # A bound on the whole objective also bounds the reported one; keep the tighter.
    return bound, min(reported, lm.scaling.reported(bound))


def polished_bounds(
    lm: IntegerProgram,
    relax: Relaxation,
    time_limit: float | None,
    interrupter: Interrupter | None = None,
) -> tuple[int, int, npt.NDArray[np.float64]] | None:
    """The bounds on the whole and the reported objective from ``relax``'s unpolished
    prices once polished (in at most ``time_limit`` seconds, see :func:`_polished`), and
    those prices in units of the whole objective (as :attr:`Relaxation.prices`), or
    ``None`` if it has none."""
    if relax.unpolished is None or relax.bound is None:
        return None
    unit = float(max(lm.scaling.multiplier, 1))
    duals, bound = _polished(
        lm, relax.unpolished, relax.bound, unit, relax.seconds, time_limit, interrupter
    )
    return (*_bounds(lm, duals, unit, bound), duals * unit)


def _polished(
    lm: IntegerProgram,
    duals: npt.NDArray[np.float64],
    bound: int,
    unit: float,
    spent: float,
    left: float | None,
    interrupter: Interrupter | None,
) -> tuple[npt.NDArray[np.float64], int]:
    """PDLP's prices polished (:func:`polish_prices`) after the vertex, and their bound
    (kept only if lower). The polish may take :data:`POLISH_SHARE` of the ``spent``
    seconds so far, or :data:`POLISH_SECONDS` if more, within the ``left`` seconds of
    the LP's and the vertex's time, but never less than :data:`POLISH_SECONDS`: a PDLP
    run stopped at its limit and a vertex that used its time would otherwise leave no
    polish at all, which is where it gains most (tier l with national donors, 60 s: PDLP stopped at 25 s
    with a bound of 217,336; two seconds of polish take it to 217,259, three to 217,240,
    the LP's value being about 217,030)."""
    cap = max(POLISH_SECONDS, POLISH_SHARE * spent)
    if left is not None:
        cap = min(cap, max(POLISH_SECONDS, left))
    polished = polish_prices(lm, duals, unit, cap, interrupter=interrupter)
    better = safe_bound(lm, polished * unit)
    if better <= bound:  # exact descent, but the sums were in floating point
        return polished, better
    return duals, bound


#: Price polishing after PDLP (:func:`polish_prices`) may take this many seconds, or
#: this share of PDLP's own time if that is more (bounded by what is left of the LP's
#: time). Measured on tier m with ``pairing=preferred`` (one part, 28k rows, 2.4M
#: nonzeros): a sweep takes 1-2 s, and two sweeps take PDLP's bound at tolerance 1e-3
#: (17 s) from 43,020 to 43,009, at 1e-4 (33 s) from 43,004 to 43,002; the LP's value
#: is 42,999.7.
POLISH_SECONDS = 2.0
POLISH_SHARE = 0.25
#: Polishing stops after a sweep that gains less than this share of the bound (the
#: measured LP above: 5.6e-5, then 2.8e-6; tier xl's parts at 1e-3: under 5e-5 at
#: once, about a unit of 22,000).
POLISH_GAIN = 1e-5


def polish_prices(
    lm: IntegerProgram,
    prices: npt.NDArray[np.float64],
    unit: float,
    time_limit: float | None,
    sweeps: int = 20,
    interrupter: Interrupter | None = None,
) -> npt.NDArray[np.float64]:
    """Row prices whose weak-duality bound (:func:`safe_bound`) is no higher than that
    of ``prices``: exact coordinate descent on the bound, a row at a time.

    The bound ``f(y) = b.y + sum_j max(u_j r_j, l_j r_j)`` with ``r = c/unit - A^T y``
    is convex and piecewise linear in each price ``y_i``; its minimum over
    ``y_i >= 0`` with the other prices held is at a breakpoint ``r_j / a_ij`` (or at 0)
    and is found by sorting them. A sweep visits every row whose one-sided slopes
    show it can descend. Any ``y >= 0`` gives a valid bound, so this only ever tightens
    the bound from an inexact solve (PDLP's); it stalls short of the LP's value where
    a descent needs several prices to move at once. Stops after ``sweeps`` sweeps, when
    a sweep gains under :data:`POLISH_GAIN` of the bound, at ``time_limit`` seconds, or once
    ``interrupter`` is stopped."""
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    y = np.maximum(np.asarray(prices, dtype=np.float64), 0.0)
    coefs = lm.coefs.astype(np.float64)
    upper, lower = lm.upper.astype(np.float64), lm.lower.astype(np.float64)
    rhs = lm.rhs.astype(np.float64)
    reduced = lm.objective / unit - np.bincount(
        lm.cols, weights=coefs * y[lm.row_of_term], minlength=lm.num_vars
    )
    span = (upper - lower)[lm.cols] * np.abs(coefs)  # slope change at each breakpoint
    # each term's share of a row's slope with its column at its upper or lower bound
    weight_u, weight_l = coefs * upper[lm.cols], coefs * lower[lm.cols]
    # a row's slope far to the left of every breakpoint (then it rises by span at each)
    far_left = rhs - np.bincount(
        lm.row_of_term, weights=np.where(coefs > 0, weight_u, weight_l), minlength=lm.num_rows
    )
    before = _dual_value(rhs, y, upper, lower, reduced)
    for _ in range(sweeps):
        for r in _descending_rows(lm, y, reduced, weight_u, weight_l, rhs).tolist():
            if (deadline is not None and time.perf_counter() > deadline) or (
                interrupter is not None and interrupter.stopped
            ):
                return y
            a0, a1 = lm.indptr[r], lm.indptr[r + 1]
            j, a, sp = lm.cols[a0:a1], coefs[a0:a1], span[a0:a1]
            if not a.all():  # a zero coefficient has no breakpoint and no slope
                j, a, sp = j[a != 0], a[a != 0], sp[a != 0]
            step = _best_step(reduced[j] / a, sp, float(far_left[r]), float(y[r]))
            if step != 0.0:
                y[r] += step
                reduced[j] -= a * step
        after = _dual_value(rhs, y, upper, lower, reduced)
        if before - after <= POLISH_GAIN * max(abs(after), 1.0):
            break
        before = after
    return y


def _dual_value(
    rhs: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    reduced: npt.NDArray[np.float64],
) -> float:
    """The weak-duality bound in floating point (progress only; :func:`safe_bound`
    is the exact one)."""
    return float(
        rhs @ y + (upper * np.maximum(reduced, 0)).sum() + (lower * np.minimum(reduced, 0)).sum()
    )


def _descending_rows(
    lm: IntegerProgram,
    y: npt.NDArray[np.float64],
    reduced: npt.NDArray[np.float64],
    weight_u: npt.NDArray[np.float64],
    weight_l: npt.NDArray[np.float64],
    rhs: npt.NDArray[np.float64],
) -> IntArray:
    """Rows whose price can move to lower the bound: a negative slope to the right,
    or a positive one to the left of a positive price (small ties count as both).
    ``weight_u``/``weight_l``: each term's coefficient times its column's upper/lower
    bound."""
    r = reduced[lm.cols]
    tie = np.abs(r) <= 1e-12
    coefs = lm.coefs
    # going right a column stays or turns "at its upper bound" if r > 0 or a < 0 at a tie
    at_upper_right = (r > 0) | (tie & (coefs < 0))
    at_upper_left = (r > 0) | (tie & (coefs > 0))
    n = lm.num_rows
    right = rhs - np.bincount(
        lm.row_of_term, weights=np.where(at_upper_right, weight_u, weight_l), minlength=n
    )
    left = rhs - np.bincount(
        lm.row_of_term, weights=np.where(at_upper_left, weight_u, weight_l), minlength=n
    )
    return np.flatnonzero((right < -1e-9) | ((left > 1e-9) & (y > 0)))


def _best_step(
    breaks: npt.NDArray[np.float64], span: npt.NDArray[np.float64], slope: float, price: float
) -> float:
    """The change of one row's price that minimises the bound along it, not below
    ``-price``: the slope far left is ``slope`` (``rhs - sum(a u | a > 0) - sum(a l |
    a < 0)``) and rises by ``span`` at each breakpoint."""
    if slope >= 0:
        return -price
    order = np.argsort(breaks)
    k = int(np.searchsorted(slope + np.cumsum(span[order]), 0.0))
    if k >= order.size:
        return 0.0  # falls without end along it: cannot happen for a feasible program
    return max(float(breaks[order[k]]), -price)


#: The supports tried for the vertex that replaces PDLP's point, smallest first: the
#: decisions PDLP left at or above each of these values (:func:`_vertex_on_support`).
SUPPORTS = (0.05, 0.02, 0.01)
#: A wider support is tried only if this many times the last one's time is left.
SUPPORT_GROWTH = 4.0


def _vertex_on_support(
    lm: IntegerProgram,
    values: npt.NDArray[np.float64],
    unit: float,
    time_limit: float | None,
    interrupter: Interrupter | None,
    on_vertex: VertexCallback | None = None,
) -> tuple[npt.NDArray[np.float64], IntArray]:
    """A vertex of the LP with every decision that PDLP left below a threshold held at
    0, by GLOP, for the thresholds of :data:`SUPPORTS` in turn while time is left: the
    vertex whose rounding (:func:`rounded_selection`) is the best plan, or PDLP's
    ``values`` if none is solved in ``time_limit``; and that rounded plan. Each vertex
    that rounds to a better plan than the ones before is passed to ``on_vertex`` at
    once.

    PDLP's own point is rounded only when no vertex is solved: its plan is far worse
    than a vertex's (below), and rounding it takes seconds on a big part (3-4 s on tier l
    with national donors, 506,885 decisions), which the vertex then lacked.

    PDLP's point lies inside the LP's optimal face and rounds badly; a vertex is nearly
    integral. Measured on the largest part of tier xl seed 1 (60,485 decisions, 802k
    nonzeros): PDLP 5.2 s, rounded 3.0% short of the LP's value; GLOP on the support at
    0.01 (14,981 decisions) 2.6 s, rounded 0.19% short; GLOP on the whole part 18.6 s.
    On tier m with ``pairing=preferred`` (one part of 167k decisions; the LP very
    degenerate, PDLP's point spread thin) GLOP's time grows fast with the support:

    ========= ========= ====== ============
    threshold decisions GLOP   rounded plan
    ========= ========= ====== ============
    PDLP's point                41,617
    0.05      7,198     3.2 s  42,814
    0.02      17,725    14.2 s 42,955
    0.01      28,289    44.1 s 42,927
    ========= ========= ====== ============
    """
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    n = values.size
    best: npt.NDArray[np.float64] = values
    best_plan: IntArray | None = None
    best_value = 0
    for threshold in SUPPORTS:
        t0 = time.perf_counter()
        left = None if deadline is None else deadline - t0
        if left is not None and left < 0.5:
            break
        keep = np.ones(lm.num_vars, dtype=bool)
        keep[:n] = (values >= threshold) | (lm.lower[:n] > 0)  # pinned postings stay
        status, _, vertex = _solve_lp(lm, lm.upper, unit, "glop", left, interrupter, 1, keep=keep)
        if status != "optimal":
            break
        plan, value = _rounded(lm, vertex[:n])
        if best_plan is None or value > best_value:
            best, best_plan, best_value = vertex[:n], plan, value
            if on_vertex is not None:
                on_vertex(best, best_plan)
        spent = time.perf_counter() - t0
        if deadline is not None and deadline - time.perf_counter() < SUPPORT_GROWTH * spent:
            break
    if best_plan is None:  # no vertex solved: PDLP's own point, rounded
        best_plan = _rounded(lm, values)[0]
    return best, best_plan


def _rounded(lm: IntegerProgram, values: npt.NDArray[np.float64]) -> tuple[IntArray, int]:
    """The plan :func:`rounded_selection` makes of ``values`` as the search does, and
    its reported objective."""
    plan = rounded_selection(lm, values, ROUNDING_THRESHOLD)
    chosen = np.zeros(len(lm.cands), dtype=bool)
    chosen[plan] = True
    return plan, lm.reported_value(lm.complete(chosen))


#: PDLP replaces a GLOP run that ended "abnormal" if at least this much of the LP's
#: time is left.
MIN_FALLBACK_SECONDS = 0.1

#: GLOP calls an optimum it reached "imprecise" (and the request then fails, without
#: values) when the cost perturbation it needed is above this tolerance (default 1e-6).
#: On tier l with the programme rules, where the objective's coefficients span seven
#: orders of magnitude in the LP's units, 5 of 40 parts needed 3e-4. The bound never
#: rests on GLOP's accuracy (it is recomputed exactly from the prices, whatever they
#: are), so an imprecise optimum is taken: its prices bound, its values round.
GLOP_TOLERANCE = 1e-2


def _solve_lp(
    lm: IntegerProgram,
    upper: IntArray,
    unit: float,
    method: str,
    time_limit: float | None,
    interrupter: Interrupter | None,
    threads: int,
    tolerance: float = PDLP_TOLERANCE,
    keep: npt.NDArray[np.bool_] | None = None,
) -> tuple[str, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """One LP solve of ``lm`` with variable upper bounds ``upper`` (PDLP: to
    ``tolerance``): the status in words, the row duals and the variables' values (empty
    if the solver gave none). With ``keep``, only those variables are in the LP (the
    others held at 0, which their lower bound must allow), and the values of the others
    are 0."""
    from ortools.linear_solver import linear_solver_pb2  # type: ignore[attr-defined]
    from ortools.linear_solver.python import model_builder_helper

    t0 = time.perf_counter()
    request = linear_solver_pb2.MPModelRequest()
    if method == "pdlp":
        request.solver_type = linear_solver_pb2.MPModelRequest.PDLP_LINEAR_PROGRAMMING
        request.solver_specific_parameters = (
            f"num_threads: {max(1, threads)} termination_criteria {{ "
            f"simple_optimality_criteria {{ eps_optimal_relative: {tolerance} "
            f"eps_optimal_absolute: {tolerance} }} }}"
        )
    else:
        request.solver_type = linear_solver_pb2.MPModelRequest.GLOP_LINEAR_PROGRAMMING
        request.solver_specific_parameters = f"solution_feasibility_tolerance: {GLOP_TOLERANCE}"
    lower, objective, indptr, cols, coefs = lm.lower, lm.objective, lm.indptr, lm.cols, lm.coefs
    if keep is not None:  # the columns held at 0 left out: GLOP's time on them is not small
        term = keep[cols]
        index = np.cumsum(keep) - 1
        lower, upper, objective = lower[keep], upper[keep], objective[keep]
        cols, coefs = index[cols[term]], coefs[term]
        counts = np.bincount(lm.row_of_term[term], minlength=lm.num_rows)
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    model = model_bytes(
        lower=lower.astype(np.float64),
        upper=upper.astype(np.float64),
        objective=objective / unit,
        indptr=indptr,
        cols=cols,
        coefs=coefs.astype(np.float64),
        rhs=lm.rhs.astype(np.float64),
        maximize=True,
    )
    if time_limit is not None:  # what is left of it after building the request
        request.solver_time_limit_seconds = max(0.01, time_limit - (time.perf_counter() - t0))
    solver = model_builder_helper.ModelSolverHelper(method)
    if interrupter is not None and not interrupter.attach(solver):
        return "interrupted", np.zeros(0), np.zeros(0)
    response = linear_solver_pb2.MPSolutionResponse.FromString(
        solver.solve_serialized_request(  # the stub says str; it takes bytes
            with_model(request.SerializeToString(), model)  # type: ignore[arg-type]
        )
    )
    status = linear_solver_pb2.MPSolverResponseStatus.Name(response.status)
    values = np.asarray(response.variable_value, dtype=np.float64)
    if keep is not None and values.size:
        values = np.zeros(keep.size, dtype=np.float64)
        values[keep] = response.variable_value
    return (
        status.removeprefix("MPSOLVER_").lower(),
        np.asarray(response.dual_value, dtype=np.float64),
        values,
    )


#: LP values above this are taken first when the search rounds the LP into a plan.
ROUNDING_THRESHOLD = 0.5


def rounded_selection(
    lm: IntegerProgram, values: npt.NDArray[np.float64], threshold: float = 1e-6
) -> npt.NDArray[np.int64]:
    """A valid plan from LP values: candidates with value above ``threshold``, highest
    first (ties by index), each taken if it fits and covers something; then the greedy
    search from there. Indices ascending."""
    order = np.argsort(-values, kind="stable")
    first = order[values[order] > threshold]
    return greedy_fill(lm, first=first)


def lp_prices(
    lm: IntegerProgram, time_limit: float | None = None
) -> tuple[str, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """GLOP's optimal row prices of ``lm``'s LP relaxation, in integer objective units
    per unit of each row's right-hand side (the sign that prices a bound), and its
    values; empty arrays if GLOP gave none. Marginal values read them."""
    unit = float(max(lm.scaling.multiplier, 1))
    status, duals, values = _solve_lp(lm, lm.upper, unit, "glop", time_limit, None, 1)
    if duals.size != lm.num_rows:
        return status, np.zeros(0), np.zeros(0)
    prices = duals * unit
    if safe_bound(lm, -prices) < safe_bound(lm, prices):
        prices = -prices
    return status, prices, values
