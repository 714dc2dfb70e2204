"""Each rule, on a tiny hand-checked scenario: where it binds, the exact optimum; and a
hand-made plan that breaks it, caught by the validator naming rule, who and when.

The optimum is worked out by hand in each docstring and re-checked against HiGHS.
"""

from __future__ import annotations

import pytest

from matchaid import (
    Network,
    Pairing,
    PairingMode,
    Posting,
    Road,
    Scenario,
    Seniority,
    objective_value,
    solve,
    validate,
)
from tests.oracles import mip_optimum
from tests.planner.helpers import EXACT, donor, expert, gap, recipient, scenario


def optimum(s: Scenario) -> float:
    result = solve(s, EXACT)
    assert result.status.value == "optimal"
    assert validate(s, result.plan) == []
    assert result.objective == pytest.approx(objective_value(s, result.plan))
    assert result.objective == pytest.approx(mip_optimum(s))
    return result.objective


def only_violation(s: Scenario, postings: list[Posting], rule: str) -> str:
    """Assert every violation is of ``rule`` (one per month for capacities); return the
    first message."""
    found = validate(s, postings)
    assert found and {v.rule for v in found} == {rule}, [str(v) for v in found]
    return found[0].message


def test_expert_no_overlap_binds() -> None:
    """One urologist, six months, two recipients wanting one urologist all six months
    (weights 1 and 2). Without the rule they would cover both: 6 + 12 = 18. With it the
    expert spends both 3-month terms at the weight-2 recipient: 12."""
    s = scenario([expert("E")], [recipient("R1", gap(weight=1)), recipient("R2", gap(weight=2))])
    assert optimum(s) == 12
    msg = only_violation(
        s, [Posting("E", "R1", "urology", 0, 3), Posting("E", "R2", "urology", 2, 3)], "overlap"
    )
    assert msg == "expert 'E' has 2 postings in month 2 (postings 0, 1)"


def test_max_postings_binds() -> None:
    """max_postings=1 and 3-month terms: one posting, 3 covered months instead of 6."""
    s = scenario([expert("E", max_postings=1)], [recipient("R", gap())])
    assert optimum(s) == 3
    msg = only_violation(
        s, [Posting("E", "R", "urology", 0, 3), Posting("E", "R", "urology", 3, 3)], "max_postings"
    )
    assert msg == "expert 'E' has 2 postings, more than their max_postings of 1"


def test_department_release_binds_on_primary_specialty_only() -> None:
    """Donor D releases 1 urologist at a time. E1 and E2 are urologists (department
    urology); E3's primary is cardiology, urology secondary, so E3 does not count against
    the urology release. Gap: 3 urologists wanted for months 0-2 (one term).
    Best: one of E1/E2 plus E3 -> 2 x 3 = 6 (without the rule 9)."""
    s = scenario(
        [expert("E1"), expert("E2"), expert("E3", specs=("cardiology", "urology"))],
        [recipient("R", gap(demand=3, window=(0, 3)))],
        [donor(release={"urology": 1})],
    )
    assert optimum(s) == 6
    msg = only_violation(
        s, [Posting("E1", "R", "urology", 0, 3), Posting("E2", "R", "urology", 1, 3)], "release"
    )
    assert msg == "donor 'D' has 2 urology experts away in month 1, more than its release of 1"


def test_release_zero_keeps_the_department_home() -> None:
    s = scenario([expert("E1")], [recipient("R", gap())], [donor(release={"urology": 0})])
    assert optimum(s) == 0


def test_donor_max_away_binds() -> None:
    """max_away=1 across departments: a urologist and a cardiologist, two gaps of weight
    1 and 3 over months 0-2: only the weight-3 one is covered, 9."""
    s = scenario(
        [expert("E1"), expert("E2", specs=("cardiology",))],
        [recipient("R", gap(window=(0, 3)), gap("cardiology", window=(0, 3), weight=3))],
        [donor(max_away=1)],
    )
    assert optimum(s) == 9
    msg = only_violation(
        s, [Posting("E1", "R", "urology", 0, 3), Posting("E2", "R", "cardiology", 0, 3)], "max_away"
    )
    assert msg == "donor 'D' has 2 experts away in month 0, more than its max_away of 1"


def test_hosting_binds() -> None:
    """Hosting 1: of a urology gap (weight 2) and a cardiology gap (weight 5) both over
    months 0-2, only one visitor at a time: 15."""
    s = scenario(
        [expert("E1"), expert("E2", specs=("cardiology",))],
        [
            recipient(
                "R",
                gap(window=(0, 3), weight=2),
                gap("cardiology", window=(0, 3), weight=5),
                hosting=1,
            )
        ],
    )
    assert optimum(s) == 15
    msg = only_violation(
        s, [Posting("E1", "R", "urology", 0, 3), Posting("E2", "R", "cardiology", 2, 3)], "hosting"
    )
    assert (
        msg
        == "recipient 'R' hosts 2 visiting experts in month 2, more than its hosting capacity of 1"
    )


def test_coverage_is_capped_by_demand() -> None:
    """Demand 1: a second urologist at R adds nothing there, so the best plan sends
    one urologist to R (weight 4) and the other to Q (weight 1): 4*6 + 1*6 = 30."""
    s = scenario(
        [expert("E1"), expert("E2")],
        [recipient("R", gap(weight=4)), recipient("Q", gap(weight=1))],
    )
    assert optimum(s) == 30
    both = [Posting("E1", "R", "urology", 0, 3), Posting("E2", "R", "urology", 0, 3)]
    assert validate(s, both) == [] and objective_value(s, both) == 12


def test_min_seniority() -> None:
    """The gap needs associate_chief or above: the attending cannot serve, the chief can
    for months 0-2 only (available [0, 3))."""
    s = scenario(
        [expert("A", seniority=Seniority.ATTENDING), expert("C", available=(0, 3))],
        [recipient("R", gap(min_seniority=Seniority.ASSOCIATE_CHIEF))],
    )
    assert optimum(s) == 3
    msg = only_violation(s, [Posting("A", "R", "urology", 0, 3)], "seniority")
    assert (
        msg
        == "posting 0: expert 'A' at 'R': the gap needs associate_chief or above, the expert is attending"
    )


def test_terms_availability_and_start_step() -> None:
    """Terms 4 only, starts every 2 months, available [1, 6): the only posting is
    [2, 6), covering 4 months."""
    s = scenario([expert("E", available=(1, 6), terms=(4,))], [recipient("R", gap())], step=2)
    assert optimum(s) == 4
    assert only_violation(s, [Posting("E", "R", "urology", 2, 3)], "term").startswith(
        "posting 0: expert 'E' at 'R': a 3-month term is not one of [4]"
    )
    assert only_violation(s, [Posting("E", "R", "urology", 0, 4)], "availability") == (
        "posting 0: expert 'E' at 'R' in months [0, 4) is outside their availability [1, 5)".replace(
            "5)", "6)"
        )
    )
    s1 = scenario(
        [expert("E", available=(1, 6), terms=(4,))], [recipient("R", gap())], step=2, months=6
    )
    assert only_violation(s1, [Posting("E", "R", "urology", 1, 4)], "start_step") == (
        "posting 0: expert 'E' at 'R': starts in month 1, not a multiple of 2"
    )


def test_specialty_and_gap_must_match() -> None:
    s = scenario([expert("E")], [recipient("R", gap(), gap("cardiology"))])
    assert only_violation(s, [Posting("E", "R", "cardiology", 0, 3)], "specialty") == (
        "posting 0: expert 'E' at 'R': the expert does not practise 'cardiology'"
    )
    found = {v.rule for v in validate(s, [Posting("E", "R", "dermatology", 0, 3)])}
    assert found == {"specialty", "no_such_gap"}
    assert {v.rule for v in validate(s, [Posting("X", "Y", "urology", 0, 3)])} == {
        "unknown_expert",
        "unknown_recipient",
    }


def test_forbidden_pairing() -> None:
    """The only urologist's donor is forbidden to serve R: nothing can be covered."""
    s = scenario(
        [expert("E")],
        [recipient("R", gap())],
        pairings=[Pairing("D", "R", PairingMode.FORBIDDEN)],
    )
    assert optimum(s) == 0
    assert solve(s, EXACT).reason.startswith(
        "no eligible posting (expert-gap pairs excluded: pairing_forbidden 1)"
    )
    assert only_violation(s, [Posting("E", "R", "urology", 0, 3)], "pairing_forbidden") == (
        "posting 0: expert 'E' at 'R': donor 'D' is forbidden to serve it"
    )


def test_required_pairing() -> None:
    """R takes only donor A (required). B's urologist is free but may not go; A's is
    available [0, 3): 3 covered months. Q has no required pairing and takes B's: 6."""
    s = scenario(
        [expert("EA", donor="A", available=(0, 3)), expert("EB", donor="B")],
        [recipient("R", gap(weight=1)), recipient("Q", gap(weight=1))],
        [donor("A"), donor("B")],
        pairings=[Pairing("A", "R", PairingMode.REQUIRED)],
    )
    assert optimum(s) == 9
    assert only_violation(s, [Posting("EB", "R", "urology", 0, 3)], "pairing_required") == (
        "posting 0: expert 'EB' at 'R': the recipient takes only its required donors (A), not 'B'"
    )


def test_travel_limit() -> None:
    """R accepts donors within 5 hours. Near (Chengdu, 3 h) is in, Far (Shanghai,
    3 + 4 = 7 h by the shortest path) is out; the direct 10 h road is longer."""
    net = Network(
        (Road("Lhasa", "Chengdu", 3), Road("Chengdu", "Shanghai", 4), Road("Lhasa", "Shanghai", 10))
    )
    s = scenario(
        [expert("EN", donor="Near", available=(0, 3)), expert("EF", donor="Far")],
        [recipient("R", gap(), max_travel_hours=5)],
        [donor("Near", city="Chengdu"), donor("Far", city="Shanghai")],
        network=net,
    )
    assert optimum(s) == 3
    assert only_violation(s, [Posting("EF", "R", "urology", 0, 3)], "travel") == (
        "posting 0: expert 'EF' at 'R': donor 'Far' in 'Shanghai' is 7 h away, over the limit of 5 h"
    )
