"""The greedy baseline: a quick, valid, deterministic plan.

:func:`greedy_plan` builds the scenario's integer program and fills it greedily
(:func:`matchaid.fill.greedy_fill`): it repeatedly takes the candidate posting that adds
the most weighted coverage, skipping postings that would break a rule, until no posting
adds anything. Ties go to the lower candidate index, so the result depends only on the
scenario.

It is a baseline to measure the optimiser against, not a good planner: it never undoes
a choice.
"""

from __future__ import annotations

from matchaid.candidates import CandidateSet, generate_candidates
from matchaid.domain import Scenario
from matchaid.fill import greedy_fill
from matchaid.plan import Plan
from matchaid.program import build_program
from matchaid.weights import ObjectiveWeights

__all__ = ["greedy_plan"]


def greedy_plan(scenario: Scenario, cands: CandidateSet | None = None) -> Plan:
    """The greedy baseline's plan for ``scenario`` (see the module docstring). Fixed pins
    are taken first; where they need company to be valid (a leader beside a pinned
    follower), the greedy plan may not be valid: :func:`matchaid.solve` completes them.

    >>> import matchaid
    >>> s = matchaid.load_scenario("tests/data/scenario-v1-small-2.json")
    >>> plan = greedy_plan(s)
    >>> matchaid.validate(s, plan), plan.objective > 0
    ([], True)
    """
    cands = cands if cands is not None else generate_candidates(scenario)
    chosen = greedy_fill(build_program(cands, ObjectiveWeights(mode="off")))
    return Plan.of_decisions(cands, chosen)
