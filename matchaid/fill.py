"""Plans read off the integer program alone: the greedy fill.

:func:`greedy_fill` builds a valid plan for any :class:`~matchaid.program.IntegerProgram`
without knowing its rules. It repeatedly takes the candidate posting that adds the most
to the reported (primary) objective, counting the defined variables it raises (a gap's
coverage, say), and takes a candidate only if every row keeps its slack: ``A v <= b``
holds after it, with every defined variable as large as its rows allow. Ties go to the
lower candidate index, so the result depends only on the program.

The empty plan satisfies every row (the program's rows hold at ``v = 0``), so the fill
always has a valid starting point. Indicators that postings force up (a donor used at a
recipient, a period without a leader) rise with the posting that needs them: the
posting fits only if they can, and their cost counts in its gain. Gains of coverage-like terms only fall as postings
are taken, which the search uses ("lazy greedy") to re-score only the top of a heap.
Where a row gives a posting a positive coefficient and another posting a negative one
(a posting allowed only beside another), a posting that does not fit may fit later: the
fill then goes over the ones it passed by again until nothing more fits.

It serves as the starting plan of searches, the repair of an LP-rounded plan and the
greedy baseline; it never undoes a choice. Fixed pins are taken first, whatever the rows
say: if they break a row on their own (a leader rule that needs another posting, say),
the fill's plan is not valid and the search does not keep it.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from matchaid.arrays import IntArray, offsets, stable_order
from matchaid.program import FORCED, IntegerProgram

__all__ = ["greedy_fill"]


#: Rows with more entries than this are not scanned for postings that no longer fit.
SCAN_LIMIT = 100_000


class _Layout:
    """What the fill reads of a program and never changes: its columns, which variable
    each row defines or forces, and where a posting can stop fitting. Built once per
    program (:func:`_layout`): a search fills the same program several times."""

    def __init__(self, prog: IntegerProgram) -> None:
        self.prog = prog
        n = len(prog.cands)
        self.score = prog.primary.astype(np.int64)
        rows, cols, coefs = prog.row_of_term, prog.cols, prog.coefs
        # The level-1 variable each row defines (its positive coefficient), or -1.
        defines = (prog.level[cols] == 1) & (coefs > 0)
        self.row_defines = np.full(prog.num_rows, -1, dtype=np.int64)
        self.row_defines[rows[defines]] = cols[defines]
        self.define_coef = np.ones(prog.num_rows, dtype=np.int64)
        self.define_coef[rows[defines]] = coefs[defines]
        counts = np.bincount(cols[defines], minlength=prog.num_vars)
        #: Every level-1 variable has one defining row: the fast path.
        self.simple = bool((counts <= 1).all())
        if not self.simple:  # each one's defining rows, padded to a rectangle (-1: none)
            var, row = cols[defines], rows[defines]
            by_var = np.argsort(var, kind="stable")
            var, row = var[by_var], row[by_var]
            rank = np.arange(var.size) - (np.cumsum(counts) - counts)[var]
            self.defining = np.full((prog.num_vars, int(counts.max())), -1)
            self.defining[var, rank] = row
        # Columns, and for postings two views of them: the rows that tighten (positive
        # coefficients) and the defining rows that a posting loosens.
        self.col = col = _Columns.of_entries(cols, rows, coefs, prog.num_vars)
        posting = col.owner < n
        self.up = col.where(posting & (col.coefs > 0), n)
        loosens = posting & (col.coefs < 0) & (self.row_defines[col.rows] >= 0)
        self.down = col.where(loosens, n)
        posting = cols < n
        up = posting & (coefs > 0)
        # Rows mixing signs over postings: a posting refused now may fit later.
        signs = np.zeros((prog.num_rows, 2), dtype=bool)
        signs[rows[up], 0] = True
        signs[rows[posting & (coefs < 0)], 1] = True
        self.may_loosen = bool((signs[:, 0] & signs[:, 1]).any())
        # The forced indicator of each row (its negative coefficient), or -1.
        forced = (prog.level[cols] == FORCED) & (coefs < 0)
        self.row_forced = np.full(prog.num_rows, -1, dtype=np.int64)
        self.row_forced[rows[forced]] = cols[forced]
        self.forced_coef = np.ones(prog.num_rows, dtype=np.int64)
        self.forced_coef[rows[forced]] = -coefs[forced]
        self.has_forced = bool(forced.any())
        # For marking dead postings: each row's largest coefficient on a posting, and
        # whether it is worth scanning (small, and no forced indicator to loosen it).
        self.row_max = np.zeros(prog.num_rows, dtype=np.int64)
        np.maximum.at(self.row_max, rows[up], coefs[up])
        sizes = np.diff(prog.indptr)
        self.scan = (sizes <= SCAN_LIMIT) & (self.row_forced < 0)


_LAYOUTS: weakref.WeakKeyDictionary[IntegerProgram, _Layout] = weakref.WeakKeyDictionary()
_LAYOUTS_LOCK = threading.Lock()


def _layout(prog: IntegerProgram) -> _Layout:
    """The layout of ``prog``, kept while the program lives."""
    with _LAYOUTS_LOCK:
        lay = _LAYOUTS.get(prog)
        if lay is None:
            lay = _LAYOUTS[prog] = _Layout(prog)
        return lay


class _Fill:
    """The plan being filled: each variable's headroom (``upper - value``) and each row's
    slack (``b - A v``), kept consistent for postings and the variables defined directly
    by their rows (level 1). Levels above are left at 0, which keeps every row they appear in satisfied (they
    are bounded above by their rows); the plan's value is computed from the postings."""

    def __init__(self, prog: IntegerProgram) -> None:
        self.lay = _layout(prog)
        self.slack = prog.rhs.astype(np.int64).copy()
        self.headroom = prog.upper.astype(np.int64).copy()  # upper - value

    def forced_rises(self, i: int, strict: bool = True) -> tuple[IntArray, IntArray] | None:
        """The forced indicators that taking posting ``i`` raises and by how much, or
        ``None`` if it does not fit (a row would lose its slack). With ``strict=False``
        (a fixed pin, taken whatever happens) the rises the rows need, as far as the
        indicators can go."""
        rows, coefs = self.lay.up.of(i)
        after = self.slack[rows] - coefs
        short = (after < 0) & (self.lay.row_forced[rows] >= 0 if not strict else True)
        if not short.any():
            return _NONE
        var = self.lay.row_forced[rows[short]]
        if (var < 0).any():
            return None
        need = -(after[short] // self.lay.forced_coef[rows[short]])  # ceiling of the deficit
        var, where = np.unique(var, return_inverse=True)
        rise = np.zeros(var.size, dtype=np.int64)
        np.maximum.at(rise, where, need)
        if not strict:
            return var, np.minimum(rise, np.maximum(self.headroom[var], 0))
        if (rise > self.headroom[var]).any():
            return None
        # The indicators' other rows (sum(used) <= K) must keep their slack too.
        touched = [rows]
        self.slack[rows] -= coefs
        for v, d in zip(var.tolist(), rise.tolist(), strict=True):
            r, c = self.lay.col.of(v)
            self.slack[r] -= c * d
            touched.append(r)
        ok = all(bool((self.slack[r] >= 0).all()) for r in touched)
        self.slack[rows] += coefs
        for v, d in zip(var.tolist(), rise.tolist(), strict=True):
            r, c = self.lay.col.of(v)
            self.slack[r] += c * d
        return (var, rise) if ok else None

    def fits(self, i: int) -> bool:
        """Whether taking posting ``i`` keeps every row's slack."""
        if self.lay.has_forced:
            return self.forced_rises(i) is not None
        rows, coefs = self.lay.up.of(i)
        return bool((self.slack[rows] >= coefs).all())

    def raised(self, i: int) -> tuple[IntArray, IntArray]:
        """The level-1 variables defined by rows that posting ``i`` loosens, and how much
        each can rise once it is taken."""
        rows, coefs = self.lay.down.of(i)
        var = self.lay.row_defines[rows]
        if self.lay.simple:  # one defining row each: its new slack decides
            room = (self.slack[rows] - coefs) // self.lay.define_coef[rows]
            return var, np.maximum(np.minimum(self.headroom[var], room), 0)
        var = np.unique(var)
        mine, mine_coefs = self.lay.col.of(i)
        self.slack[mine] -= mine_coefs
        rows_d = self.lay.defining[var]
        valid = rows_d >= 0
        safe = np.where(valid, rows_d, 0)
        room = np.where(
            valid, self.slack[safe] // self.lay.define_coef[safe], np.iinfo(np.int64).max
        )
        self.slack[mine] += mine_coefs
        return var, np.maximum(np.minimum(self.headroom[var], room.min(axis=1)), 0)

    def gain(self, i: int) -> int:
        """What taking posting ``i`` adds to the primary objective (it fits)."""
        var, rise = self.raised(i)
        gain = int(self.lay.score[i]) + int(np.dot(self.lay.score[var], rise))
        if self.lay.has_forced:
            up = self.forced_rises(i)
            if up is not None:
                gain += int(np.dot(self.lay.score[up[0]], up[1]))
        return gain

    def initial_gains(self) -> IntArray:
        """:meth:`gain` of every posting on the empty plan."""
        n = len(self.lay.prog.cands)
        if not self.lay.simple:
            return np.array([self.gain(i) for i in range(n)], dtype=np.int64)
        d = self.lay.down
        var = self.lay.row_defines[d.rows]
        room = (self.slack[d.rows] - d.coefs) // self.lay.define_coef[d.rows]
        rise = np.maximum(np.minimum(self.headroom[var], room), 0)
        gains = self.lay.score[:n].copy()
        np.add.at(gains, d.owner, self.lay.score[var] * rise)
        return gains

    def take(self, i: int, force: bool = False) -> IntArray:
        """Take posting ``i`` (it fits; with ``force``, a fixed pin, whether or not).
        Returns the rows whose slack fell."""
        var, rise = self.raised(i)
        steps = [(i, 1), *zip(var.tolist(), rise.tolist(), strict=True)]
        if self.lay.has_forced:
            up = self.forced_rises(i, strict=not force)
            assert up is not None, "take() of a posting that does not fit"
            steps += zip(up[0].tolist(), up[1].tolist(), strict=True)
        fell: list[IntArray] = []
        for v, d in steps:
            if d:
                rows, coefs = self.lay.col.of(v)
                self.headroom[v] -= d
                self.slack[rows] -= coefs * d
                fell.append(rows[coefs * d > 0])
        return np.concatenate(fell) if fell else _NONE[0]

    def mark_dead(self, rows: IntArray, dead: npt.NDArray[np.bool_]) -> None:
        """Mark in ``dead`` the postings that no longer fit because one of ``rows`` (whose
        slack fell) is too short for them. Only rows no forced indicator can loosen, and
        of at most :data:`SCAN_LIMIT` entries (else :meth:`fits` finds out one by one)."""
        rows = np.unique(rows)
        rows = rows[self.lay.scan[rows] & (self.slack[rows] < self.lay.row_max[rows])]
        if rows.size == 0:
            return
        indptr = self.lay.prog.indptr
        sizes = indptr[rows + 1] - indptr[rows]
        entry = np.repeat(indptr[rows], sizes) + offsets(sizes)
        col = self.lay.prog.cols[entry]
        short = (col < dead.size) & (
            self.lay.prog.coefs[entry] > np.repeat(self.slack[rows], sizes)
        )
        dead[col[short]] = True


_NONE: tuple[IntArray, IntArray] = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


class _Columns:
    """Entries of a matrix grouped by column: ``of(j)`` gives column ``j``'s rows and
    coefficients."""

    def __init__(self, owner: IntArray, rows: IntArray, coefs: IntArray, num_cols: int) -> None:
        """Entries already grouped by column (``owner`` ascending)."""
        self.owner, self.rows, self.coefs = owner, rows, coefs
        ptr = np.zeros(num_cols + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=num_cols)[:num_cols], out=ptr[1:])
        self.ptr = ptr.tolist()

    @classmethod
    def of_entries(cls, cols: IntArray, rows: IntArray, coefs: IntArray, num_cols: int) -> _Columns:
        """The entries ``(rows[k], cols[k], coefs[k])`` grouped by column, each column's
        in their order."""
        order = stable_order(cols)
        return cls(cols[order], rows[order], coefs[order], num_cols)

    def where(self, mask: npt.NDArray[np.bool_], num_cols: int) -> _Columns:
        """The entries marked in ``mask``, of the first ``num_cols`` columns."""
        return _Columns(self.owner[mask], self.rows[mask], self.coefs[mask], num_cols)

    def of(self, j: int) -> tuple[IntArray, IntArray]:
        a, b = self.ptr[j], self.ptr[j + 1]
        return self.rows[a:b], self.coefs[a:b]


def greedy_fill(
    prog: IntegerProgram, first: npt.NDArray[np.int64] | None = None, *, mark_dead: bool = True
) -> npt.NDArray[np.int64]:
    """Indices of the candidates the greedy fill takes, ascending (see the module
    docstring).

    With ``first``, those candidates are tried before anything else, in the order given:
    each is taken if it fits and adds something. The greedy search then goes on from
    there. (This is how a rounded LP solution becomes a valid plan.)

    ``mark_dead=False`` asks every posting whether it fits instead of marking those
    that no longer fit in bulk as rows fill up: the same plan, slower (for tests).
    """
    n = len(prog.cands)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    fill = _Fill(prog)
    taken = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(prog.lower[:n] > 0).tolist():  # fixed pins, whatever happens
        fill.take(i, force=True)
        taken[i] = True
    for i in [] if first is None else first.tolist():
        if not taken[i] and fill.fits(i) and fill.gain(i) > 0:
            fill.take(i)
            taken[i] = True
    # Gains on the empty plan: upper bounds where gains only fall (the lazy search
    # re-scores what it pops), and exact otherwise for what is popped first.
    gains = fill.initial_gains()
    idx = np.flatnonzero((gains > 0) & ~taken)
    # Postings known not to fit, marked in bulk as rows fill up; only where rows only
    # tighten (else a posting refused now may fit later).
    dead = None if fill.lay.may_loosen or not mark_dead else np.zeros(n, dtype=bool)
    while idx.size:
        neg = -gains[idx]
        order = np.argsort(neg, kind="stable")  # best first, ties by index
        passed = _lazy_round(fill, taken, neg[order], idx[order], dead)
        if not fill.lay.may_loosen:
            break  # rows only tighten: what did not fit never will
        again = [(g, i) for g, i in passed if fill.fits(i)]
        idx = np.array([i for _, i in again], dtype=np.int64)
        gains = np.zeros(n, dtype=np.int64)
        gains[idx] = [-g for g, _ in again]
    return np.flatnonzero(taken).astype(np.int64)


def _lazy_round(
    fill: _Fill,
    taken: npt.NDArray[np.bool_],
    neg: IntArray,
    idx: IntArray,
    dead: npt.NDArray[np.bool_] | None,
) -> list[tuple[int, int]]:
    """One lazy greedy pass over candidates ``idx``, sorted by ``(neg, idx)`` where
    ``-neg`` bounds each one's gain: take the best that fits while its gain is up to
    date, re-queue it with its true gain otherwise. The pops are in the order of one heap
    of ``(-gain, index)``: the sorted candidates, merged with a small heap of the
    re-queued ones. Returns the ``(neg, index)`` of the candidates that did not fit."""
    passed: list[tuple[int, int]] = []
    requeue: list[tuple[int, int]] = []
    stream = _pairs(neg, idx, dead)
    head = next(stream, None)
    while head is not None or requeue:
        if requeue and (head is None or requeue[0] < head):
            g, i = heapq.heappop(requeue)
        else:
            assert head is not None
            g, i = head
            head = next(stream, None)
        if dead is not None and dead[i]:
            continue
        if not fill.fits(i):
            passed.append((g, i))
            continue
        now = fill.gain(i)
        if now <= 0:
            continue
        if now < -g:  # stale score: re-queue with the true gain
            heapq.heappush(requeue, (-now, i))
            continue
        tightened = fill.take(i)
        taken[i] = True
        if dead is not None:
            fill.mark_dead(tightened, dead)
    return passed


def _pairs(
    neg: IntArray, idx: IntArray, dead: npt.NDArray[np.bool_] | None, chunk: int = 1 << 14
) -> Iterator[tuple[int, int]]:
    """``(neg, index)`` pairs in order, by chunks, leaving out those already dead."""
    for a in range(0, idx.size, chunk):
        g, i = neg[a : a + chunk], idx[a : a + chunk]
        if dead is not None:
            keep = ~dead[i]
            g, i = g[keep], i[keep]
        yield from zip(g.tolist(), i.tolist(), strict=True)
