"""The LP's wire format written with NumPy (:mod:`matchaid.mpmodel`) parses to the same
message as one filled field by field through protobuf."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.linear_solver import linear_solver_pb2  # type: ignore[attr-defined]

from matchaid.mpmodel import model_bytes, varints, with_model

_FLOATS = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def programs(draw: st.DrawFn) -> dict[str, np.ndarray]:
    n = draw(st.integers(0, 12))
    rows = draw(
        st.lists(
            st.lists(st.tuples(st.integers(0, max(n - 1, 0)), _FLOATS), max_size=n if n else 0),
            max_size=6,
        )
    )
    # large indices too: varints of 1 to 5 bytes
    big = draw(st.sampled_from([0, 200, 20_000, 3_000_000, 300_000_000]))
    sizes = [len(r) for r in rows]
    return {
        "lower": np.array(draw(st.lists(_FLOATS, min_size=n, max_size=n)), dtype=float),
        "upper": np.array(draw(st.lists(_FLOATS, min_size=n, max_size=n)), dtype=float),
        "objective": np.array(draw(st.lists(_FLOATS, min_size=n, max_size=n)), dtype=float),
        "indptr": np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
        "cols": np.array([c + big for r in rows for c, _ in r], dtype=np.int64),
        "coefs": np.array([v for r in rows for _, v in r], dtype=float),
        "rhs": np.array(
            draw(st.lists(_FLOATS, min_size=len(rows), max_size=len(rows))), dtype=float
        ),
        "maximize": draw(st.booleans()),
    }


def _reference(p: dict[str, np.ndarray]) -> linear_solver_pb2.MPModelProto:
    m = linear_solver_pb2.MPModelProto()
    m.maximize = bool(p["maximize"])
    for lb, ub, c in zip(p["lower"], p["upper"], p["objective"], strict=True):
        m.variable.add(lower_bound=lb, upper_bound=ub, objective_coefficient=c)
    ptr = p["indptr"]
    for r, rhs in enumerate(p["rhs"]):
        a, b = ptr[r], ptr[r + 1]
        m.constraint.add(
            var_index=p["cols"][a:b].tolist(),
            coefficient=p["coefs"][a:b].tolist(),
            lower_bound=-math.inf,
            upper_bound=rhs,
        )
    return m


@settings(deadline=None, max_examples=200)
@given(programs())
def test_model_bytes_parse_to_the_reference_message(p: dict[str, np.ndarray]) -> None:
    assert linear_solver_pb2.MPModelProto.FromString(model_bytes(**p)) == _reference(p)


def test_the_model_goes_into_a_request() -> None:
    p = {
        "lower": np.zeros(1),
        "upper": np.ones(1),
        "objective": np.ones(1),
        "indptr": np.array([0, 1]),
        "cols": np.array([0]),
        "coefs": np.ones(1),
        "rhs": np.ones(1),
        "maximize": True,
    }
    request = linear_solver_pb2.MPModelRequest(solver_time_limit_seconds=3.0)
    parsed = linear_solver_pb2.MPModelRequest.FromString(
        with_model(request.SerializeToString(), model_bytes(**p))
    )
    assert parsed.solver_time_limit_seconds == 3.0
    assert parsed.model == _reference(p)


def test_varints_of_every_length() -> None:
    values = np.array([0, 127, 128, 16_383, 16_384, 2**21, 2**28, 2**31 - 1])
    data, sizes = varints(values)
    assert sizes.tolist() == [1, 1, 2, 2, 3, 4, 5, 5]
    decoded, at = [], 0
    for size in sizes.tolist():
        chunk = data[at : at + size].tolist()
        decoded.append(sum((b & 0x7F) << (7 * k) for k, b in enumerate(chunk)))
        assert all(b & 0x80 for b in chunk[:-1]) and not chunk[-1] & 0x80
        at += size
    assert decoded == values.tolist()
