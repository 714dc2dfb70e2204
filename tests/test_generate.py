"""The seeded generator: deterministic, sized as asked, valid, and honest about knobs."""

from __future__ import annotations

import pytest

import matchaid
from matchaid.candidates import generate_candidates
from matchaid.exceptions import ParamsError
from matchaid.generate import TIERS, GeneratorParams, generate, tier_params
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


def test_structure_variants_do_not_split_by_province() -> None:
    from matchaid.decompose import independent_parts
    from matchaid.program import build_program
    from matchaid.weights import ObjectiveWeights

    def parts(s: matchaid.Scenario) -> int:
        return len(independent_parts(build_program(generate_candidates(s), ObjectiveWeights())))

    base = generate("s", seed=2)
    assert parts(base) > 1  # split by province
    overlap = generate("s-overlap", seed=2)
    donors_of: dict[str, set[str]] = {}
    for p in overlap.pairings:
        assert p.mode is matchaid.PairingMode.REQUIRED
        donors_of.setdefault(p.recipient, set()).add(p.donor)
    assert all(len(d) == 3 for d in donors_of.values()) and len(donors_of) == 20
    assert parts(overlap) == 1
    national = generate("s-national", seed=2)
    paired = {p.recipient for p in national.pairings if p.donor == "D0000"}
    assert paired == {r.id for r in national.recipients}
    assert {p.mode.value for p in generate("s-preferred", seed=2).pairings} == {"preferred"}
    assert not generate("s-none", seed=2).pairings
    # the variants leave the sizes, gaps and availability as they were
    assert [g for _, g in overlap.gaps] == [g for _, g in base.gaps]


def test_the_rules_variant_switches_the_programme_rules_on() -> None:
    s = generate("s-rules", seed=3)
    assert s.format_version == 2 and s.trainees and s.communities
    assert any(d.seats for d in s.donors) and all(d.group for d in s.donors)
    assert any(r.leader is not None for r in s.recipients)
    assert any(r.max_donor_groups == 1 for r in s.recipients)
    assert any(g.continuous for _, g in s.gaps)
    result = matchaid.solve(s, matchaid.SolveParams(workers=1, time_limit=20))
    assert matchaid.validate(s, result.plan) == [] and result.plan.trainings


def test_unknown_variants_are_named() -> None:
    with pytest.raises(ParamsError, match="unknown variant 'sideways'"):
        generate("m-sideways")


def test_the_few_variant_keeps_20_donors_at_most_and_the_rest_of_the_tier() -> None:
    few = generate("m-overlap-few", seed=2)
    assert len(few.donors) == 20
    assert len(few.experts) == len(generate("m", seed=2).experts)
    assert {e.donor for e in few.experts} <= {d.id for d in few.donors}
    donors_of: dict[str, set[str]] = {}
    for p in few.pairings:
        donors_of.setdefault(p.recipient, set()).add(p.donor)
    assert all(len(d) == 3 for d in donors_of.values())
    # the same as the knob set by hand, whatever the order of the variants
    assert tier_params("m-overlap-few") == tier_params("m-few-overlap")
    assert tier_params("m-overlap-few") == tier_params("m-overlap").with_(num_donors=20)
    # a tier with more provinces than 20 keeps a valid province count
    assert tier_params("xl-few").num_provinces == 20
    assert tier_params("xs-few") == tier_params("xs")
