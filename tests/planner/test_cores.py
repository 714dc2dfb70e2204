"""How the search uses the cores: CP-SAT's portfolio keeps the LP level asked for, and a
part left searching on fewer workers than it would now get yields them."""

from __future__ import annotations

import pytest

from matchaid.cp_sat import CpSatSearch


def _search(workers: int, level: int | None = None) -> CpSatSearch:
    cp_sat = {} if level is None else {"linearization_level": level}
    return CpSatSearch(10.0, None, workers, 0, False, cp_sat)


@pytest.mark.parametrize(("level", "first"), [(0, "no_lp"), (1, "default_lp"), (2, "max_lp")])
def test_two_workers_lead_with_the_subsolver_of_the_lp_level_asked_for(
    level: int, first: str
) -> None:
    """CP-SAT's portfolio overwrites linearization_level per subsolver (default_lp is
    level 1); the subsolver of the level asked for goes first, the rest stays."""
    params = _search(2, level).solver.parameters
    assert list(params.extra_subsolvers) == [first]
    assert params.linearization_level == level


def test_one_worker_keeps_the_parameters_as_they_are() -> None:
    params = _search(1, 2).solver.parameters
    assert list(params.extra_subsolvers) == []


def test_two_workers_with_the_defaults_lead_with_max_lp() -> None:
    """matchaid's own default is level 2: with two workers its one full-problem worker
    must be max_lp, not default_lp."""
    from matchaid.params import DEFAULT_CP_SAT

    params = CpSatSearch(10.0, None, 2, 0, False, dict(DEFAULT_CP_SAT)).solver.parameters
    assert list(params.extra_subsolvers) == ["max_lp"]
