"""An LP in OR-Tools' ``MPModelProto`` wire format, written with NumPy.

Filling the protobuf message from Python costs a call per variable and a Python list of
every coefficient: on tier l with ``pairing=none`` (4.3 million variables, 56.7 million
nonzeros) it took 32 s, longer than the LP's whole share of a 60-s search.
:func:`model_bytes` writes the same bytes as arrays: every variable is a record of fixed
size, and each row is its packed indices (varints, encoded in bulk) and packed
coefficients, framed by a few header bytes per row. The solver parses them as it would
parse the message (tests compare the two).

Field numbers are those of ``ortools/linear_solver/linear_solver.proto``:
``MPModelProto.maximize = 1``, ``variable = 3``, ``constraint = 4``;
``MPVariableProto.lower_bound = 1``, ``upper_bound = 2``, ``objective_coefficient = 3``;
``MPConstraintProto.lower_bound = 2``, ``upper_bound = 3``, ``var_index = 6`` (packed),
``coefficient = 7`` (packed).

>>> import numpy as np
>>> from ortools.linear_solver import linear_solver_pb2
>>> data = model_bytes(
...     lower=np.zeros(2), upper=np.ones(2), objective=np.array([1.0, 2.0]),
...     indptr=np.array([0, 2]), cols=np.array([0, 1]), coefs=np.array([1.0, 1.0]),
...     rhs=np.array([1.0]), maximize=True,
... )
>>> m = linear_solver_pb2.MPModelProto.FromString(data)
>>> m.maximize, len(m.variable), list(m.constraint[0].var_index), m.constraint[0].upper_bound
(True, 2, [0, 1], 1.0)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["model_bytes", "varints", "with_model"]

_F64 = npt.NDArray[np.float64]

#: One variable: field 3 (length 27) holding fields 1, 2, 3 as doubles.
_VARIABLE = np.dtype(
    [
        ("tag", "u1"),
        ("size", "u1"),
        ("lb_tag", "u1"),
        ("lb", "<f8"),
        ("ub_tag", "u1"),
        ("ub", "<f8"),
        ("c_tag", "u1"),
        ("c", "<f8"),
    ]
)


def varints(values: npt.NDArray[np.integer]) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """Protobuf varints of non-negative ``values`` laid end to end, and each one's length
    in bytes.

    >>> data, sizes = varints(np.array([1, 300]))
    >>> data.tolist(), sizes.tolist()
    ([1, 172, 2], [1, 2])
    """
    v = np.asarray(values, dtype=np.uint64)
    sizes = np.ones(v.shape[0], dtype=np.int64)
    for k in range(1, 10):
        sizes += v >= np.uint64(1 << (7 * k))
    ends = np.cumsum(sizes)
    out = np.zeros(int(ends[-1]) if v.size else 0, dtype=np.uint8)
    starts = ends - sizes
    for k in range(int(sizes.max()) if v.size else 0):
        has = sizes > k
        byte = (v[has] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[has] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[has] + k] = (byte | more).astype(np.uint8)
    return out, sizes


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        if n < 0x80:
            out.append(n)
            return bytes(out)
        out.append((n & 0x7F) | 0x80)
        n >>= 7


def model_bytes(
    *,
    lower: _F64,
    upper: _F64,
    objective: _F64,
    indptr: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    coefs: _F64,
    rhs: _F64,
    maximize: bool,
) -> bytes:
    """The ``MPModelProto`` of ``max/min objective @ v`` subject to, per row ``r``,
    ``sum(coefs[k] * v[cols[k]] for k in indptr[r]:indptr[r+1]) <= rhs[r]`` and
    ``lower <= v <= upper``."""
    var = np.zeros(lower.shape[0], dtype=_VARIABLE)
    var["tag"], var["size"] = (3 << 3) | 2, _VARIABLE.itemsize - 2
    var["lb_tag"], var["ub_tag"], var["c_tag"] = (1 << 3) | 1, (2 << 3) | 1, (3 << 3) | 1
    var["lb"], var["ub"], var["c"] = lower, upper, objective
    index_bytes, sizes = varints(cols)
    byte_ptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    index_view = memoryview(index_bytes.tobytes())
    coef_view = memoryview(np.ascontiguousarray(coefs, dtype="<f8").tobytes())
    bounds = np.zeros(
        rhs.shape[0], dtype=[("lt", "u1"), ("lb", "<f8"), ("ut", "u1"), ("ub", "<f8")]
    )
    bounds["lt"], bounds["lb"] = (2 << 3) | 1, -np.inf
    bounds["ut"], bounds["ub"] = (3 << 3) | 1, rhs
    bound_view = memoryview(bounds.tobytes())
    pieces: list[bytes | memoryview] = [b"\x08\x01" if maximize else b"\x08\x00", var.tobytes()]
    entry = indptr.tolist()
    at = byte_ptr[indptr].tolist()
    for r in range(rhs.shape[0]):
        a, b = entry[r], entry[r + 1]
        row: list[bytes | memoryview] = []
        if b > a:
            index_size = at[r + 1] - at[r]
            row += [b"\x32", _varint(index_size), index_view[at[r] : at[r + 1]]]
            row += [b"\x3a", _varint(8 * (b - a)), coef_view[8 * a : 8 * b]]
        row.append(bound_view[18 * r : 18 * r + 18])
        size = sum(len(p) for p in row)
        pieces += [b"\x22", _varint(size), *row]
    return b"".join(pieces)


def with_model(request: bytes, model: bytes) -> bytes:
    """A serialized ``MPModelRequest`` with ``model`` as its field 1 (protobuf merges
    the fields of concatenated messages)."""
    return request + b"\x0a" + _varint(len(model)) + model
