"""Marginal values: the exact gains equal independent re-solves (a HiGHS MIP of the
changed scenario, built here from the contract's words), and the ranking puts the truly
best recruit first on a case built to have one."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import matchaid
from matchaid import Scenario
from matchaid.cli import main
from matchaid.values import marginal_values
from tests.oracles import mip_optimum
from tests.planner.helpers import EXACT, donor, expert, gap, recipient, scenario


def _recruiting() -> Scenario:
    """Cardiology at R1 (weight 5) and urology at R2 (weight 1) each want two people and
    have one; Anhui's urology department could also release one more."""
    return scenario(
        [
            expert("C1", donor="D1", specs=("cardiology",)),
            expert("U1", donor="D2"),
            expert("U2", donor="D2", available=(0, 3)),
        ],
        [
            recipient("R1", gap("cardiology", demand=2, weight=5)),
            recipient("R2", gap(demand=2, weight=1)),
        ],
        donors=[donor("D1"), donor("D2", release={"urology": 1})],
    )


def _with_clone(s: Scenario, expert_id: str) -> Scenario:
    e = s.expert(expert_id)
    return replace(s, experts=(*s.experts, replace(e, id="new")))


def test_the_best_recruit_comes_first_with_exact_gains() -> None:
    s = _recruiting()
    values = marginal_values(s, params=EXACT, top=10, time_limit=60)
    assert values.complete
    first = values.supply[0]
    assert (first.donor, first.specialty) == ("D1", "cardiology")
    base = mip_optimum(s)
    assert base is not None
    for v in values.supply:
        assert v.gain is not None and v.gain_proven
        truth = mip_optimum(_with_clone(s, v.expert))
        assert truth is not None and v.gain == pytest.approx(truth - base)
    assert first.gain == pytest.approx(30)  # 6 more cardiology months at weight 5
    # the most flexible urologist is U1 (months 0-5), not U2 (months 0-2)
    assert [v.expert for v in values.supply if v.specialty == "urology"] == ["U1"]
    assert [(v.donor, v.specialty) for v in values.specialties] == [
        ("D1", "cardiology"),
        ("D2", "urology"),
    ]


def test_capacity_gains_equal_independent_re_solves() -> None:
    s = _recruiting()
    values = marginal_values(s, params=EXACT, top=10, time_limit=60)
    release = [c for c in values.capacity if c.kind == "release"]
    assert len(release) == 1 and release[0].id == "D2" and release[0].limit == 1
    assert release[0].full_periods == tuple(range(6))  # U1 away all six months
    raised = replace(s, donors=(s.donors[0], replace(s.donors[1], release={"urology": 2})))
    base, new = mip_optimum(s), mip_optimum(raised)
    assert base is not None and new is not None
    assert release[0].gain_proven and release[0].gain == pytest.approx(new - base) == 3
    gains = [c.gain for c in values.capacity if c.gain is not None]
    assert gains == sorted(gains, reverse=True)


def test_value_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    matchaid.save_scenario(_recruiting(), path)
    assert main(["value", str(path), "--json", "--workers", "1", "--top", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["supply"][0]) >= {"donor", "specialty", "gain", "gain_proven", "estimate"}
    assert set(out["capacity"][0]) >= {"kind", "id", "specialty", "gain", "gain_proven", "estimate"}
    assert out["supply"][0]["donor"] == "D1"
    assert [v["gain"] is None for v in out["supply"]] == [False, False]
    assert main(["value", str(path), "--workers", "1", "--top", "1"]) == 0
    text = capsys.readouterr().out
    assert "Whom to recruit" in text and "Which limit to negotiate" in text
