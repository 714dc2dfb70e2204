"""matchaid: plan hospital-to-hospital medical aid with OR-Tools CP-SAT.

Start here:

- :func:`load_scenario` reads a scenario (v1 JSON file or CSV folder);
  :class:`Scenario` and its entities build one in Python.
- :func:`summarize` gives demand and supply by specialty.
- :func:`solve` plans: it returns a :class:`Result` with a :class:`Plan`, the status,
  objective, best bound and gap; :class:`SolveParams` sets time, workers, seed.
- :func:`validate` re-checks any plan against every rule; :func:`objective_value`
  recomputes its objective; :func:`greedy_plan` is the quick baseline.
- :func:`explain` says why each unmet gap of a plan is unmet, with what raising one
  limit or dropping one rule would gain; :func:`marginal_values` ranks whom to recruit
  and which capacity to raise; :func:`compare` sets variants' KPIs side by side.
- :func:`save_scenario` writes one back, as JSON or CSV.

Every error matchaid raises on purpose is a :class:`MatchaidError`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from matchaid.audit import BlockingPair, audit
    from matchaid.compare import Comparison, Variant, compare
    from matchaid.diff import PlanDiff, plan_diff
    from matchaid.domain import (
        Community,
        Costs,
        DisciplineGap,
        DonorHospital,
        Expert,
        Goal,
        Horizon,
        Leader,
        LeaderMode,
        Level,
        Network,
        Pairing,
        PairingMode,
        Pin,
        PinMode,
        Project,
        RecipientHospital,
        Road,
        Scenario,
        Seniority,
        Stage,
        TimeUnit,
        Trainee,
        scenario_warnings,
    )
    from matchaid.exceptions import (
        FormatVersionError,
        InputError,
        InputWarning,
        MatchaidError,
        ParamsError,
        PlanFileError,
        Problem,
        ScenarioError,
        SolverError,
    )
    from matchaid.explanation import Explanation, GapExplanation, Reason, explain
    from matchaid.greedy import greedy_plan
    from matchaid.io import (
        load_plan_entries,
        load_postings,
        load_scenario,
        save_scenario,
        schema_path,
    )
    from matchaid.params import SolveParams
    from matchaid.plan import GapCoverage, Plan, PlanKPIs
    from matchaid.posting import Posting, Training
    from matchaid.replanning import Replan, ReplanError, replan
    from matchaid.result import Progress, Result, SolveStatus, Statistics
    from matchaid.search import solve
    from matchaid.summary import summarize
    from matchaid.validation import (
        ProgrammeFigures,
        Violation,
        objective_value,
        programme_figures,
        validate,
    )
    from matchaid.values import CapacityValue, MarginalValues, SupplyValue, marginal_values
    from matchaid.weights import ObjectiveWeights

# The public names and the module each lives in. They are imported on first use (PEP 562),
# so that ``import matchaid.cli`` is quick: the command line installs its Ctrl-C handling
# before NumPy and OR-Tools load, and an early Ctrl-C never ends in a traceback.
_HOME = {
    "matchaid.domain": (
        "Community Costs DisciplineGap DonorHospital Expert Goal Horizon Leader LeaderMode Level Network "
        "Pairing PairingMode Pin PinMode Project RecipientHospital Road Scenario Seniority Stage TimeUnit "
        "Trainee scenario_warnings"
    ),
    "matchaid.exceptions": (
        "FormatVersionError InputError InputWarning MatchaidError ParamsError PlanFileError "
        "Problem ScenarioError SolverError"
    ),
    "matchaid.audit": "BlockingPair audit",
    "matchaid.compare": "Comparison Variant compare",
    "matchaid.diff": "PlanDiff plan_diff",
    "matchaid.replanning": "Replan ReplanError replan",
    "matchaid.explanation": "Explanation GapExplanation Reason explain",
    "matchaid.greedy": "greedy_plan",
    "matchaid.io": "load_plan_entries load_postings load_scenario save_scenario schema_path",
    "matchaid.params": "SolveParams",
    "matchaid.values": "CapacityValue MarginalValues SupplyValue marginal_values",
    "matchaid.weights": "ObjectiveWeights",
    "matchaid.plan": "GapCoverage Plan PlanKPIs",
    "matchaid.posting": "Posting Training",
    "matchaid.result": "Progress Result SolveStatus Statistics",
    "matchaid.search": "solve",
    "matchaid.summary": "summarize",
    "matchaid.validation": "ProgrammeFigures Violation objective_value programme_figures validate",
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names.split()}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("matchaid")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":  # importlib.metadata alone takes longer than the rest
        value = globals()["__version__"] = _version()
        return value
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'matchaid' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BlockingPair",
    "CapacityValue",
    "Community",
    "Comparison",
    "Costs",
    "DisciplineGap",
    "DonorHospital",
    "Expert",
    "Explanation",
    "FormatVersionError",
    "GapCoverage",
    "GapExplanation",
    "Goal",
    "Horizon",
    "InputError",
    "InputWarning",
    "Leader",
    "LeaderMode",
    "Level",
    "MarginalValues",
    "MatchaidError",
    "Network",
    "ObjectiveWeights",
    "Pairing",
    "PairingMode",
    "ParamsError",
    "Pin",
    "PinMode",
    "Plan",
    "PlanDiff",
    "PlanFileError",
    "PlanKPIs",
    "Posting",
    "Problem",
    "ProgrammeFigures",
    "Progress",
    "Project",
    "Reason",
    "RecipientHospital",
    "Replan",
    "ReplanError",
    "Result",
    "Road",
    "Scenario",
    "ScenarioError",
    "Seniority",
    "SolveParams",
    "SolveStatus",
    "SolverError",
    "Stage",
    "Statistics",
    "SupplyValue",
    "TimeUnit",
    "Trainee",
    "Training",
    "Variant",
    "Violation",
    "__version__",
    "audit",
    "compare",
    "explain",
    "greedy_plan",
    "load_plan_entries",
    "load_postings",
    "load_scenario",
    "marginal_values",
    "objective_value",
    "plan_diff",
    "programme_figures",
    "replan",
    "save_scenario",
    "scenario_warnings",
    "schema_path",
    "solve",
    "summarize",
    "validate",
]
