"""The seeded generator: deterministic, sized as asked, valid, and honest about knobs."""

from __future__ import annotations

import pytest

import matchaid
from matchaid.candidates import generate_candidates
from matchaid.exceptions import ParamsError
from matchaid.generate import TIERS, GeneratorParams, generate
from tests.oracles import flow_optimum


@pytest.mark.parametrize("tier", ["xs", "s", "m"])
def test_tiers_have_their_sizes_and_are_deterministic(tier: str) -> None:
    a, b = generate(tier, seed=3), generate(tier, seed=3)
    assert a == b
    p = TIERS[tier]
    assert (len(a.donors), len(a.experts), len(a.recipients)) == (
        p.num_donors,
        p.num_experts,
        p.num_recipients,
    )
    assert a.horizon.months == p.months
    assert generate(tier, seed=4) != a


def test_demand_follows_the_ratio() -> None:
    for ratio in (0.5, 1.0, 2.0):
        s = generate(TIERS["s"].with_(demand_supply_ratio=ratio), seed=1)
        supply = sum(e.available[1] - e.available[0] for e in s.experts)
        demand = sum(g.demand_months for _, g in s.gaps)
        assert ratio * supply <= demand <= ratio * supply + 4 * 36  # overshoot by one gap at most


def test_pairing_structure_pairs_provinces_with_regions() -> None:
    s = generate("s", seed=2)
    assert s.pairings and all(p.mode is matchaid.PairingMode.REQUIRED for p in s.pairings)
    province = {d.id: d.city.split("-")[0] for d in s.donors}
    for p in s.pairings:
        assert province[p.donor].replace("Province", "") == s.recipient(p.recipient).city.replace(
            "Region", ""
        )
    assert not generate(TIERS["s"].with_(pairing="none"), seed=2).pairings


def test_narrow_share_controls_short_availability() -> None:
    wide = generate(TIERS["s"].with_(narrow_share=0.0), seed=5)
    narrow = generate(TIERS["s"].with_(narrow_share=1.0), seed=5)
    assert all(e.available[1] - e.available[0] >= 12 for e in wide.experts)
    assert all(e.available[1] - e.available[0] <= 12 for e in narrow.experts)


def test_no_side_rules_is_the_network_flow_special_case() -> None:
    s = generate(TIERS["xs"].with_(side_rules=False), seed=7)
    assert not s.pairings and all(d.max_away is None and not d.release for d in s.donors)
    assert s.terms == (s.horizon.months,) and all(
        e.available == (0, s.horizon.months) for e in s.experts
    )
    result = matchaid.solve(s, matchaid.SolveParams(workers=1, time_limit=20))
    assert result.objective == pytest.approx(flow_optimum(s))


def test_generated_scenarios_solve_to_valid_plans() -> None:
    s = generate("s", seed=11)
    assert len(generate_candidates(s)) > 1000
    result = matchaid.solve(
        s, matchaid.SolveParams(workers=1, time_limit=10, cp_sat={"linearization_level": 2})
    )
    assert matchaid.validate(s, result.plan) == [] and result.objective > 0


def test_bad_knobs_raise_params_error() -> None:
    with pytest.raises(ParamsError, match="num_experts: must be a whole number >= 1"):
        GeneratorParams(num_donors=1, num_experts=0, num_recipients=1)
    with pytest.raises(ParamsError, match="unknown tier 'xxl'"):
        generate("xxl")
