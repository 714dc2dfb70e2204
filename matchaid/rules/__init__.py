"""The planner's rules, one module each.

Every rule of the planning contract lives in one module of this package, which states
all that the engine needs from it (see :mod:`matchaid.rules.base`): the candidates it
excludes and why, its variables and rows in the one integer program, and its objective
terms. :data:`RULES` lists them in the order they are applied; candidate generation and
the engine read this list and never name a rule.

Adding a rule: its fields in :mod:`matchaid.domain` and the readers (:mod:`matchaid.io`,
the JSON Schema), a member of :class:`~matchaid.rulenames.RuleName`, one module here
added to :data:`RULES`, one check in :mod:`matchaid.validation`, and their tests.

>>> [rule.name.value for rule in RULES][:4]
['seniority', 'pairing', 'travel', 'terms']
"""

from __future__ import annotations

from matchaid.rules import (
    costs,
    coverage,
    hosting,
    max_away,
    max_postings,
    overlap,
    pairing,
    preferred,
    release,
    seniority,
    terms,
    travel,
)
from matchaid.rules.base import Exclusion, Rule, ScenarioTables

__all__ = ["EXCLUSIONS", "RULES", "Exclusion", "Rule", "ScenarioTables"]

#: Every rule, in the order its tests run and its rows are stated.
RULES: tuple[Rule, ...] = (
    seniority.RULE,
    pairing.RULE,
    travel.RULE,
    terms.RULE,
    overlap.RULE,
    max_postings.RULE,
    release.RULE,
    max_away.RULE,
    hosting.RULE,
    coverage.RULE,
    preferred.RULE,
    costs.RULE,
)

#: Every exclusion reason, in the order they are tested (``Result.excluded`` keys).
EXCLUSIONS: tuple[Exclusion, ...] = tuple(x for rule in RULES for x in rule.exclusions)
