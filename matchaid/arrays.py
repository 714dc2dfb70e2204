"""Array helpers shared by candidate generation, the rules and the engine: grouping and
interval expansion with NumPy, no rule logic.

>>> _ = np  # doctest namespace
>>> offsets(np.array([2, 3]))
array([0, 1, 0, 1, 2])
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["BoolArray", "IntArray", "expand", "group_indices", "offsets", "stable_order"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def offsets(counts: IntArray) -> IntArray:
    """``0, 1, ..., counts[0]-1, 0, 1, ..., counts[1]-1, ...``: each entry's rank within
    its group, for groups of ``counts`` entries laid end to end."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)


def expand(points: IntArray, lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """For each item ``j``, the points ``p`` (indices into sorted ``points``) with
    ``lo[j] <= points[p] < hi[j]``. Returns ``(point, item)`` per pair, grouped by
    point, items ascending within a point.

    >>> expand(np.array([0, 2, 4]), np.array([0, 1]), np.array([3, 5]))
    (array([0, 1, 1, 2]), array([0, 0, 1, 1]))
    """
    first = np.searchsorted(points, lo, side="left")
    last = np.searchsorted(points, hi, side="left")
    counts = last - first
    item = np.repeat(np.arange(lo.shape[0], dtype=np.int64), counts)
    point = np.repeat(first, counts) + offsets(counts)
    order = np.argsort(point, kind="stable")
    return point[order], item[order]


def group_indices(keys: npt.NDArray[np.integer]) -> list[tuple[int, IntArray]]:
    """``(key, indices)`` for each distinct key in ``keys``: keys ascending, each index
    array ascending.

    >>> group_indices(np.array([3, 1, 3, 2]))
    [(1, array([1])), (2, array([3])), (3, array([0, 2]))]
    """
    if keys.size == 0:
        return []
    order = np.argsort(keys, kind="stable")
    cuts = np.flatnonzero(np.diff(keys[order])) + 1
    return [(int(keys[chunk[0]]), chunk.astype(np.int64)) for chunk in np.split(order, cuts)]


def stable_order(keys: IntArray) -> IntArray:
    """``np.argsort(keys, kind="stable")``, sorting the keys as 32-bit integers when they
    fit (on 57 million column indices of a program: 2.9 s against 3.8 s).

    >>> stable_order(np.array([70000, 3, 70000, 0, 3]))
    array([3, 1, 4, 0, 2])
    """
    if keys.size and int(keys.min()) >= 0 and int(keys.max()) < 2**32:
        return np.argsort(keys.astype(np.uint32), kind="stable").astype(np.int64)
    return np.argsort(keys, kind="stable").astype(np.int64)
