"""Re-planning (issue 16) on hand-made cases: the frozen past, the cut posting, rules
binding from ``now`` on, the fewest changes, the moves weight, and clear errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from matchaid import Plan, Posting, Scenario, validate
from matchaid.domain import Past
from matchaid.exceptions import InputError
from matchaid.replanning import ReplanError, past_of, plan_scenario, replan
from tests.planner.helpers import EXACT, expert, gap, recipient, scenario


def _two_surgeons() -> Scenario:
    """R needs one surgeon all year (weight 5); E1 and E2 can serve; E3 only from
    month 6. Hosting 1."""
    return scenario(
        [
            expert("E1", available=(0, 12), terms=(12, 6)),
            expert("E2", available=(0, 12), terms=(6,)),
            expert("E3", available=(6, 12), terms=(6,)),
        ],
        [recipient("R", gap(demand=1, window=(0, 12), weight=5.0), hosting=1)],
        months=12,
        terms=(6, 12),
    )


def test_withdrawal_cuts_the_active_posting_and_a_replacement_starts_then() -> None:
    s = _two_surgeons()
    old = Plan(s, (Posting("E1", "R", "urology", 0, 12),))
    assert validate(s, old) == []
    rp = replan(s, old, [{"withdraw": "E1", "from": 8}], now=7, params=EXACT)
    assert Posting("E1", "R", "urology", 0, 8) in rp.plan.postings  # cut, length 8: no term
    assert validate(rp.scenario, rp.plan) == []
    # months 8-11 can only be covered by a 6-month posting starting at 6 or later that
    # does not overlap the cut one at R (hosting 1): none fits, so coverage is 8 x 5
    assert rp.objective == pytest.approx(40)
    assert rp.num_changes == 0 and rp.least_changes == 0
    assert rp.diff.cut == (
        (Posting("E1", "R", "urology", 0, 12), Posting("E1", "R", "urology", 0, 8)),
    )


def test_fewest_changes_keep_the_old_future_when_it_is_still_best() -> None:
    s = _two_surgeons()
    old = Plan(s, (Posting("E2", "R", "urology", 0, 6), Posting("E3", "R", "urology", 6, 6)))
    rp = replan(
        s, old, [{"set_demand": {"recipient": "R", "specialty": "urology", "demand": 1}}], 3
    )
    assert set(rp.plan.postings) == set(old.postings)
    assert rp.num_changes == 0 and rp.status.value == "optimal"


def test_the_replacement_counts_as_one_change_and_the_withdrawn_future_as_another() -> None:
    s = _two_surgeons()
    old = Plan(s, (Posting("E2", "R", "urology", 0, 6), Posting("E3", "R", "urology", 6, 6)))
    rp = replan(s, old, [{"withdraw": "E3", "from": 6}], now=4, params=EXACT)
    assert sorted(p.start for p in rp.plan.postings) == [0, 6]  # a replacement at 6
    assert rp.objective == pytest.approx(60)
    assert rp.num_changes == 2 == rp.least_changes  # E3's posting gone, the replacement added
    assert len(rp.diff.removed) + len(rp.diff.added) + 2 * len(rp.diff.moved) == 2


def test_history_is_not_rechecked_against_changed_limits() -> None:
    """Two surgeons hosted in months 0-5; hosting drops to 1 from a change: months 0-5
    are history (now = 6), so the past stands and one surgeon serves from 6 on."""
    base = scenario(
        [expert(f"E{k}", available=(0, 12), terms=(6,)) for k in range(3)],
        [recipient("R", gap(demand=2, window=(0, 12), weight=1.0), hosting=2)],
        months=12,
        terms=(6,),
    )
    old = Plan(
        base,
        (
            Posting("E0", "R", "urology", 0, 6),
            Posting("E1", "R", "urology", 0, 6),
            Posting("E2", "R", "urology", 6, 6),
        ),
    )
    rp = replan(base, old, [{"set_hosting": {"recipient": "R", "hosting": 1}}], now=6, params=EXACT)
    assert validate(rp.scenario, rp.plan) == []
    assert rp.objective == pytest.approx(12 + 6)
    assert rp.num_changes == 0


def test_the_past_breaking_a_capacity_from_now_on_is_a_clear_error() -> None:
    base = scenario(
        [expert(f"E{k}", available=(0, 12), terms=(12,)) for k in range(2)],
        [recipient("R", gap(demand=2, window=(0, 12), weight=1.0), hosting=2)],
        months=12,
        terms=(12,),
    )
    old = Plan(base, (Posting("E0", "R", "urology", 0, 12), Posting("E1", "R", "urology", 0, 12)))
    with pytest.raises(ReplanError, match=r"the past alone .* hosting capacity of 1"):
        replan(base, old, [{"set_hosting": {"recipient": "R", "hosting": 1}}], now=3)


@pytest.mark.parametrize(
    ("changes", "now", "message"),
    [
        ([{"withdraw": "E9", "from": 5}], 2, r"\[0\]\.withdraw: unknown expert 'E9'"),
        ([{"withdraw": "E1", "from": 1}], 2, r"\[0\]\.from: period 1 is before now \(2\)"),
        ([{"withdraw": "E1", "from": 12}], 2, r"outside the horizon"),
        ([{"add_expert": {"id": "E2", "donor": "D"}}], 2, r"expert 'E2' already exists"),
        ([], 13, r"now: must be a period in \[0, 12\]"),
    ],
)
def test_bad_changes_and_now_are_named(
    changes: list[dict[str, object]], now: int, message: str
) -> None:
    s = _two_surgeons()
    old = Plan(s, (Posting("E1", "R", "urology", 0, 12),))
    with pytest.raises(InputError, match=message):
        replan(s, old, changes, now)


def test_an_invalid_old_plan_is_refused() -> None:
    s = _two_surgeons()
    bad = Plan(s, (Posting("E3", "R", "urology", 0, 6),))  # E3 is available from 6
    with pytest.raises(ReplanError, match="old plan is not valid"):
        replan(s, bad, [], 3)


def test_continuity_binds_across_now() -> None:
    """A continuous gap covered up to now-1 by the past stays covered at now: the
    replacement must start at now even if a later start would cover as much."""
    base = scenario(
        [
            expert("E1", available=(0, 12), terms=(4,)),
            expert("E2", available=(0, 12), terms=(4,)),
        ],
        [recipient("R", gap(demand=1, window=(0, 12), weight=1.0, continuous=True), hosting=1)],
        months=12,
        terms=(4,),
    )
    old = Plan(
        base,
        (
            Posting("E1", "R", "urology", 0, 4),
            Posting("E2", "R", "urology", 4, 4),
            Posting("E1", "R", "urology", 8, 4),
        ),
    )
    assert validate(base, old) == []
    rp = replan(base, old, [{"withdraw": "E2", "from": 4}], now=4, params=EXACT)
    assert validate(rp.scenario, rp.plan) == []
    starts = sorted(p.start for p in rp.plan.postings)
    assert starts[:2] == [0, 4]  # someone serves from month 4, when E1's first ends


def test_moves_weight_trades_coverage_for_fewer_changes() -> None:
    s = _two_surgeons()
    old = Plan(s, (Posting("E2", "R", "urology", 0, 6), Posting("E3", "R", "urology", 6, 6)))
    changes = [{"withdraw": "E3", "from": 6}]
    cheap = replan(s, old, changes, now=4, params=EXACT, moves_weight=1.0)
    assert cheap.objective == pytest.approx(60) and cheap.num_changes == 2
    dear = replan(s, old, changes, now=4, params=EXACT, moves_weight=100.0)
    assert dear.objective == pytest.approx(30) and dear.num_changes == 1  # only E3's loss
    assert dear.least_changes is None
    assert dear.result.stages[1].goal == "coverage - 100 x changes"


def test_validator_names_a_missing_past_and_a_new_posting_before_now() -> None:
    s = _two_surgeons()
    past = Past(6, (Posting("E1", "R", "urology", 0, 6),))
    sp = replace(s, past=past)
    codes = {v.rule for v in validate(sp, [Posting("E2", "R", "urology", 0, 6)])}
    assert {"past_missing", "before_now"} <= codes


def test_past_of_cuts_at_the_earliest_withdrawal() -> None:
    old = [Posting("E1", "R", "urology", 0, 12), Posting("E2", "R", "urology", 6, 6)]
    past = past_of(old, [{"withdraw": "E1", "from": 9}, {"withdraw": "E1", "from": 7}], 5)
    assert past.postings == (Posting("E1", "R", "urology", 0, 7),)


def test_a_replanned_plan_file_names_its_own_scenario(tmp_path: Path) -> None:
    s = _two_surgeons()
    old = Plan(s, (Posting("E1", "R", "urology", 0, 12),))
    rp = replan(s, old, [{"withdraw": "E1", "from": 8}], now=7, params=EXACT)
    path = tmp_path / "new.json"
    rp.plan.to_json(path, {"replan": rp.record()})
    again = plan_scenario(s, path)
    assert again.past == rp.scenario.past
    assert validate(again, rp.plan) == []
    doc = json.loads(path.read_text())
    doc["replan"]["now"] = "soon"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=r"replan\.now: must be a whole period"):
        plan_scenario(s, path)
