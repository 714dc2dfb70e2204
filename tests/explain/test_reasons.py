"""Why a gap is unmet: one hand-made scenario per reason code, where the true reason is
known; the code and its figures are asserted, and each counterfactual gain against an
independent MIP (HiGHS, period by period) re-solving the changed scenario."""

from __future__ import annotations

from dataclasses import replace

import pytest

import matchaid
from matchaid import (
    Costs,
    Leader,
    LeaderMode,
    Network,
    Pairing,
    PairingMode,
    Pin,
    PinMode,
    Road,
    Scenario,
    Seniority,
)
from matchaid.explanation import GapExplanation, Reason, explain
from tests.oracles import mip_optimum
from tests.planner.helpers import EXACT, donor, expert, gap, recipient, scenario


def _explain(s: Scenario) -> dict[tuple[str, str], GapExplanation]:
    result = matchaid.solve(s, EXACT)
    assert result.status == "optimal"
    found = explain(s, result, time_limit=30, params=EXACT)
    assert found.complete
    return {(g.recipient, g.specialty): g for g in found.gaps}


def _true_gain(s: Scenario, changed: Scenario) -> float:
    base, new = mip_optimum(s), mip_optimum(changed)
    assert base is not None and new is not None
    return new - base


def test_no_specialty() -> None:
    s = scenario([expert("E1")], [recipient("R", gap("urology"), gap("neurology"))])
    g = _explain(s)[("R", "neurology")]
    assert [r.code for r in g.reasons] == ["no_specialty"]
    assert g.unmet == 6 and g.unmet_periods == tuple(range(6))


def test_seniority_names_the_best_rank() -> None:
    s = scenario(
        [expert("E1", seniority=Seniority.ATTENDING), expert("E2", seniority=Seniority.RESIDENT)],
        [recipient("R", gap(min_seniority=Seniority.CHIEF))],
    )
    (g,) = _explain(s).values()
    first = g.reasons[0]
    assert first.code == "seniority"
    assert first.limit == "chief"
    assert first.figures["best_rank"] == "attending"
    assert first.figures["excluded"] == 2 and first.share == 1.0


def test_availability_names_the_closest_miss() -> None:
    s = scenario(
        [expert("E1", available=(8, 12)), expert("E2", available=(10, 12))],
        [recipient("R", gap(window=(0, 6)))],
        months=12,
    )
    (g,) = _explain(s).values()
    first = g.reasons[0]
    assert first.code == "availability"
    # a 3-month posting over month 5 starts at 5 at the latest: E1 is 3 months short
    assert first.figures["closest_miss"] == {"expert": "E1", "short_by": 3, "available": [8, 12]}


@pytest.mark.parametrize("mode", [PairingMode.REQUIRED, PairingMode.FORBIDDEN])
def test_pairing_names_the_donors(mode: PairingMode) -> None:
    paired = "D2" if mode is PairingMode.REQUIRED else "D1"
    s = scenario(
        [expert("E1", donor="D1")],
        [recipient("R", gap())],
        donors=[donor("D1"), donor("D2")],
        pairings=[Pairing(paired, "R", mode)],
    )
    (g,) = _explain(s).values()
    first = g.reasons[0]
    assert first.code == "pairing"
    assert first.figures["donors"] == ["D1"]
    assert first.limit == mode.value


def test_travel() -> None:
    s = scenario(
        [expert("E1", donor="D1"), expert("E2", donor="D2")],
        [recipient("R", gap(), max_travel_hours=5.0, city="Lhasa")],
        donors=[donor("D1", city="Shanghai"), donor("D2", city="Atlantis")],
        network=Network((Road("Shanghai", "Lhasa", 10.0),)),
    )
    (g,) = _explain(s).values()
    first = g.reasons[0]
    assert first.code == "travel" and first.limit == 5.0
    assert first.figures["donors"] == {"D1": 10.0, "D2": None}


def _two_gaps(**donor_kw: object) -> Scenario:
    """Two urologists of one donor, two recipients wanting one each (weights 3 and 1)."""
    return scenario(
        [expert("E1"), expert("E2")],
        [recipient("R1", gap(weight=3)), recipient("R2", gap(weight=1))],
        donors=[donor("D", **donor_kw)],
    )


def test_release_binds_with_its_gain() -> None:
    s = _two_gaps(release={"urology": 1})
    g = _explain(s)[("R2", "urology")]
    first = g.reasons[0]
    assert first.code == "release"
    assert first.limit == 1 and first.subject == {"donor": "D", "specialty": "urology"}
    assert first.periods == tuple(range(6))
    raised = replace(s, donors=(replace(s.donors[0], release={"urology": 2}),))
    assert first.gain_proven and first.gain == pytest.approx(_true_gain(s, raised)) == 6
    assert "used_elsewhere" in [r.code for r in g.reasons]  # the other urologist


def test_max_away_binds_with_its_gain() -> None:
    s = _two_gaps(max_away=1)
    first = _explain(s)[("R2", "urology")].reasons[0]
    assert first.code == "max_away" and first.limit == 1
    raised = replace(s, donors=(replace(s.donors[0], max_away=2),))
    assert first.gain_proven and first.gain == pytest.approx(_true_gain(s, raised))


def test_hosting_binds_with_its_gain() -> None:
    s = scenario(
        [expert("E1"), expert("E2", specs=("cardiology",))],
        [recipient("R", gap(weight=2), gap("cardiology", weight=1), hosting=1)],
    )
    g = _explain(s)[("R", "cardiology")]
    first = g.reasons[0]
    assert first.code == "hosting" and first.limit == 1 and first.periods == tuple(range(6))
    raised = replace(s, recipients=(replace(s.recipients[0], hosting=2),))
    assert first.gain_proven and first.gain == pytest.approx(_true_gain(s, raised)) == 6


def test_budget_binds_with_its_gain() -> None:
    costs = Costs({rank: 10.0 for rank in Seniority})
    s = scenario(
        [expert("E1", available=(0, 6)), expert("E2")],
        [recipient("R1", gap(weight=3)), recipient("R2", gap(weight=1))],
        terms=(3,),
        costs=costs,
        budget=60.0,  # two 3-month postings
    )
    g = _explain(s)[("R2", "urology")]
    first = g.reasons[0]
    assert first.code == "budget" and first.limit == 60.0
    raised = replace(s, budget=61.0)
    assert first.gain_proven and first.gain == pytest.approx(_true_gain(s, raised)) == 0


def test_used_elsewhere_names_the_gap_and_weight() -> None:
    s = scenario([expert("E1")], [recipient("R1", gap(weight=5)), recipient("R2", gap(weight=1))])
    g = _explain(s)[("R2", "urology")]
    assert [r.code for r in g.reasons] == ["used_elsewhere"]
    assert g.reasons[0].figures["elsewhere"] == [
        {"expert": "E1", "recipient": "R1", "specialty": "urology", "weight": 5.0}
    ]
    assert g.reasons[0].gain is None


def test_supply_when_every_eligible_expert_already_serves() -> None:
    s = scenario([expert("E1")], [recipient("R", gap(demand=2))])
    (g,) = _explain(s).values()
    assert [r.code for r in g.reasons] == ["supply"]


def _rule(s: Scenario, rule: str) -> tuple[GapExplanation, Reason]:
    explained = _explain(s)
    for g in explained.values():
        for r in g.reasons:
            if r.code == "rule" and r.figures.get("rule") == rule:
                return g, r
    raise AssertionError(f"no rule reason {rule}: {explained}")


def test_rule_leader_required() -> None:
    s = scenario(
        [expert("E1", can_lead=True, available=(0, 3)), expert("E2", specs=("cardiology",))],
        [recipient("R", gap(), gap("cardiology"), leader=Leader(LeaderMode.REQUIRED))],
    )
    g, reason = _rule(s, "leader")
    assert g.specialty == "cardiology" and g.reasons[0] is reason
    assert reason.periods == (3, 4, 5)
    dropped = replace(s, recipients=(replace(s.recipients[0], leader=None),))
    assert reason.gain_proven and reason.gain == pytest.approx(_true_gain(s, dropped)) == 3


def test_rule_max_donors() -> None:
    s = scenario(
        [expert("E1", donor="D1"), expert("E2", donor="D2", specs=("cardiology",))],
        [recipient("R", gap(weight=2), gap("cardiology"), max_donors=1)],
        donors=[donor("D1"), donor("D2")],
    )
    g, reason = _rule(s, "max_donors")
    assert g.specialty == "cardiology" and reason.limit == 1
    raised = replace(s, recipients=(replace(s.recipients[0], max_donors=2),))
    assert reason.gain_proven and reason.gain == pytest.approx(_true_gain(s, raised)) == 6


def test_rule_forbidden_pin() -> None:
    s = scenario(
        [expert("E1")],
        [recipient("R", gap(window=(0, 3)))],
        pins=(Pin("E1", "R", "urology", 0, 3, PinMode.FORBIDDEN),),
    )
    g, reason = _rule(s, "pin")
    assert g.reasons[0] is reason
    assert reason.gain_proven and reason.gain == pytest.approx(_true_gain(s, replace(s, pins=())))


def test_rule_continuity() -> None:
    # the gap wants someone in months 0-5 and is continuous; E1 (months 0-2) could cover
    # only the start, and coverage that starts must last to month 5
    s = scenario([expert("E1", available=(0, 3))], [recipient("R", gap(continuous=True))])
    g, reason = _rule(s, "continuous")
    assert g.reasons[0] is reason
    dropped = replace(
        s,
        recipients=(
            replace(s.recipients[0], gaps=(replace(s.recipients[0].gaps[0], continuous=False),)),
        ),
    )
    assert reason.gain_proven and reason.gain == pytest.approx(_true_gain(s, dropped)) == 3


def test_only_the_gap_asked_for() -> None:
    s = _two_gaps(release={"urology": 1})
    result = matchaid.solve(s, EXACT)
    found = explain(s, result, gap=("R1", "urology"), params=EXACT)
    assert [(g.recipient, g.unmet, g.reasons) for g in found.gaps] == [("R1", 0, ())]
    with pytest.raises(matchaid.InputError, match="no such gap"):
        explain(s, result, gap=("R1", "oncology"))


def test_search_when_the_plan_is_not_the_best() -> None:
    s = scenario([expert("E1")], [recipient("R", gap())])
    found = explain(s, matchaid.Plan(s, ()), time_limit=10, params=EXACT)
    (g,) = found.gaps
    assert [r.code for r in g.reasons] == ["search"]
    # a move within the gap that would cover more is the search's too
    late = matchaid.Plan(s, (matchaid.Posting("E1", "R", "urology", 3, 3),))
    s2 = scenario([expert("E1", terms=(3,))], [recipient("R", gap(window=(0, 4)))])
    (g2,) = explain(s2, matchaid.Plan(s2, late.postings), time_limit=10, params=EXACT).gaps
    assert [r.code for r in g2.reasons] == ["search"]
