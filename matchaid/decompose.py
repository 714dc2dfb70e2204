"""Splitting a planning problem into independent parts.

Postings interact only through the rows of the integer program: two variables are
linked when a row holds both. :func:`independent_parts` finds the connected components
of that row/variable graph, whatever rules made the rows; parts share no row, so the
best plan is the union of each part's best plan and the best bound is the sum of the
parts' bounds. Counterpart pairings usually split a programme along its provinces.

Components are found with NumPy (label propagation with hooking and pointer jumping,
a few passes over the rows). Components of fewer than :data:`SMALL_PART` candidates
are packed together (a union of independent components is still independent of every
other part), so that a programme of many tiny components is not solved as thousands of
models.
"""

from __future__ import annotations

import numpy as np

from matchaid.arrays import IntArray, group_indices
from matchaid.program import IntegerProgram

__all__ = ["PACKED_PART", "SMALL_PART", "independent_parts", "variable_components"]

#: Components with fewer candidates than this are packed into shared parts of up to
#: :data:`PACKED_PART` candidates.
SMALL_PART = 64
PACKED_PART = 1024


def variable_components(prog: IntegerProgram) -> IntArray:
    """A component label per variable: the smallest variable index of its component.

    >>> from matchaid.generate import generate
    >>> from matchaid.candidates import generate_candidates
    >>> from matchaid.program import build_program
    >>> from matchaid.weights import ObjectiveWeights
    >>> prog = build_program(generate_candidates(generate("s", seed=1)), ObjectiveWeights())
    >>> len(np.unique(variable_components(prog)[: len(prog.cands)]))
    4
    """
    label = np.arange(prog.num_vars, dtype=np.int64)
    starts = prog.indptr[:-1]
    rows = np.flatnonzero(prog.indptr[1:] > starts)
    if rows.size == 0:
        return label
    while True:
        root = label[prog.cols]
        row_min = np.zeros(prog.num_rows, dtype=np.int64)
        row_min[rows] = np.minimum.reduceat(root, starts[rows])
        low = row_min[prog.row_of_term]
        new = label.copy()
        np.minimum.at(new, root, low)  # hook each entry's label onto its row's least
        np.minimum.at(new, prog.cols, low)
        while True:  # jump to the label's label until every label is a root
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new


def independent_parts(prog: IntegerProgram) -> list[IntArray]:
    """Candidate indices of each independent part of ``prog``, largest part first (ties
    by first index), each ascending.

    >>> from matchaid.generate import generate
    >>> from matchaid.candidates import generate_candidates
    >>> from matchaid.program import build_program
    >>> from matchaid.weights import ObjectiveWeights
    >>> cands = generate_candidates(generate("s", seed=1))
    >>> parts = independent_parts(build_program(cands, ObjectiveWeights()))
    >>> len(parts), sum(len(p) for p in parts)
    (4, 2512)
    """
    n = len(prog.cands)
    if n == 0:
        return []
    components = [idx for _, idx in group_indices(variable_components(prog)[:n])]
    parts = [c for c in components if c.size >= SMALL_PART]
    packed: list[IntArray] = []
    for c in sorted((c for c in components if c.size < SMALL_PART), key=lambda c: int(c[0])):
        if packed and packed[-1].size + c.size <= PACKED_PART:
            packed[-1] = np.concatenate((packed[-1], c))
        else:
            packed.append(c)
    parts += [np.sort(p) for p in packed]
    parts.sort(key=lambda p: (-len(p), int(p[0])))
    return parts
