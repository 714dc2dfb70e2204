"""Re-planning (issue 16) on generated scenarios with random withdrawals: the new plan is
valid, keeps the past exactly (cut where a withdrawal cuts it), has the optimal primary
objective under the changes, and as few changes as an independent MIP (HiGHS, stated
period by period from the changed scenario alone) finds at that objective."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matchaid import Scenario, ScenarioError, SolveStatus, solve, validate
from matchaid.io.changes import apply_changes
from matchaid.replanning import ReplanError, replan
from tests.oracles import replan_optimum
from tests.planner.helpers import EXACT
from tests.strategies import v2_scenarios

EXAMPLES = settings(
    deadline=None,
    max_examples=int(__import__("os").environ.get("REPLAN_EXAMPLES", "40")),
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def replans(draw: st.DrawFn) -> tuple[Scenario, list[dict[str, object]], int]:
    s = draw(v2_scenarios(max_experts=5, max_recipients=3, max_months=8))
    assume(s.experts)
    months = s.horizon.months
    now = draw(st.integers(0, months - 1))
    changes: list[dict[str, object]] = []
    for e in draw(st.lists(st.sampled_from([e.id for e in s.experts]), unique=True, max_size=2)):
        changes.append({"withdraw": e, "from": draw(st.integers(now, months - 1))})
    if s.recipients and draw(st.booleans()):
        r = draw(st.sampled_from(s.recipients))
        changes.append({"set_hosting": {"recipient": r.id, "hosting": draw(st.integers(1, 3))}})
    gaps = [(r.id, g.specialty) for r, g in s.gaps]
    if gaps and draw(st.booleans()):
        rid, spec = draw(st.sampled_from(gaps))
        demand = draw(st.integers(1, 3))
        changes.append({"set_demand": {"recipient": rid, "specialty": spec, "demand": demand}})
    if draw(st.booleans()):  # a newcomer like an existing expert, from some period on
        model = draw(st.sampled_from(s.experts))
        lo = draw(st.integers(0, months - 1))
        changes.append(
            {
                "add_expert": {
                    "id": "NEW",
                    "donor": model.donor,
                    "specialties": list(model.specialties),
                    "seniority": model.seniority.name.lower(),
                    "available": [lo, months],
                    "can_lead": model.can_lead,
                }
            }
        )
    return s, changes, now


@EXAMPLES
@given(replans())
def test_replan_is_valid_keeps_the_past_and_matches_the_two_stage_mip(
    case: tuple[Scenario, list[dict[str, object]], int],
) -> None:
    s, changes, now = case
    try:
        old = solve(s, EXACT).plan
    except ScenarioError:  # fixed pins that cannot hold together
        return
    changed = apply_changes(s, changes, now=now)
    withdrawn = {str(c["withdraw"]): int(c["from"]) for c in changes if "withdraw" in c}  # type: ignore[call-overload]
    expected = replan_optimum(changed, list(old.postings), list(old.trainings), withdrawn, now)
    try:
        rp = replan(s, old, changes, now, EXACT)
    except ReplanError:
        assert expected is None  # no plan keeps the past under the changes
        return
    assert expected is not None
    assert validate(rp.scenario, rp.plan) == []
    # the past, untouched (cut ones cut exactly), and nothing new before now
    new = set(rp.plan.postings)
    for p in old.postings:
        if p.start < now:
            stop = withdrawn.get(p.expert)
            months = p.months if stop is None or p.end <= stop else stop - p.start
            assert (p.expert, p.recipient, p.specialty, p.start, months) in {
                (q.expert, q.recipient, q.specialty, q.start, q.months) for q in new
            }
    past = {(q.expert, q.start) for q in old.postings if q.start < now}
    assert all(q.start >= now or (q.expert, q.start) in past for q in new)
    assert set(t for t in old.trainings if t.start < now) <= set(rp.plan.trainings)
    assert rp.status is SolveStatus.OPTIMAL, rp.result.stages
    assert rp.objective == pytest.approx(expected[0], abs=1e-6)
    assert rp.num_changes == round(expected[1])
    assert rp.least_changes == rp.num_changes, (rp.result.stages, rp.diff.to_text())


@settings(
    deadline=None,
    max_examples=int(os.environ.get("REPLAN_EXAMPLES", "25")),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(replans(), st.sampled_from([0.5, 2.0, 7.0]))
def test_moves_weight_maximises_objective_minus_weighted_changes(
    case: tuple[Scenario, list[dict[str, object]], int], weight: float
) -> None:
    s, changes, now = case
    try:
        old = solve(s, EXACT).plan
    except ScenarioError:
        return
    changed = apply_changes(s, changes, now=now)
    withdrawn = {str(c["withdraw"]): int(c["from"]) for c in changes if "withdraw" in c}  # type: ignore[call-overload]
    expected = replan_optimum(
        changed, list(old.postings), list(old.trainings), withdrawn, now, moves_weight=weight
    )
    try:
        rp = replan(s, old, changes, now, EXACT, moves_weight=weight)
    except ReplanError:
        assert expected is None
        return
    assert expected is not None and validate(rp.scenario, rp.plan) == []
    assert rp.status is SolveStatus.OPTIMAL, rp.result.stages
    assert rp.objective - weight * rp.num_changes == pytest.approx(expected[0], abs=1e-6)
