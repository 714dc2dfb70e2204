"""The planner's rules, one module each.

Every rule of the planning contract lives in one module of this package, which states
all that the engine needs from it (see :mod:`matchaid.rules.base`): the candidates it
excludes and why, its variables and rows in the one integer program, and its objective
terms. :data:`RULES` lists them in the order they are applied; candidate generation and
the engine read this list and never name a rule.

Adding a rule: its fields in :mod:`matchaid.domain` and the readers (:mod:`matchaid.io`,
the JSON Schema), a member of :class:`~matchaid.rulenames.RuleName` (its place in the
enum is its place in the order), one module here defining ``RULE``, one module in
:mod:`matchaid.validation` defining ``check``, and their tests. Both packages find
their modules themselves.

>>> [rule.name.value for rule in RULES][:4]
['seniority', 'pairing', 'travel', 'terms']
"""

from __future__ import annotations

import importlib
import pkgutil

from matchaid.rulenames import RuleName
from matchaid.rules.base import Exclusion, Rule, ScenarioTables

__all__ = ["EXCLUSIONS", "RULES", "Exclusion", "Rule", "ScenarioTables"]


def _discover() -> tuple[Rule, ...]:
    """The ``RULE`` of every module of this package, in the order of :class:`RuleName`
    (the order their tests run and their rows are stated)."""
    found: dict[RuleName, Rule] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base" or info.name.startswith("_"):
            continue
        rule = importlib.import_module(f"{__name__}.{info.name}").RULE
        if not isinstance(rule, Rule) or rule.name in found:
            raise RuntimeError(f"matchaid.rules.{info.name}: RULE is not a new Rule")
        found[rule.name] = rule
    return tuple(found[name] for name in RuleName if name in found)


#: Every rule, in the order its tests run and its rows are stated.
RULES: tuple[Rule, ...] = _discover()

#: Every exclusion reason, in the order they are tested (``Result.excluded`` keys).
EXCLUSIONS: tuple[Exclusion, ...] = tuple(x for rule in RULES for x in rule.exclusions)
