"""matchaid: plan hospital-to-hospital medical aid with OR-Tools CP-SAT.

Start here:

- :func:`load_scenario` reads a scenario (v1 JSON file or CSV folder);
  :class:`Scenario` and its entities build one in Python.
- :func:`summarize` gives demand and supply by specialty.
- :func:`solve` plans: it returns a :class:`Result` with a :class:`Plan`, the status,
  objective, best bound and gap; :class:`SolveParams` sets time, workers, seed.
- :func:`validate` re-checks any plan against every rule; :func:`objective_value`
  recomputes its objective; :func:`greedy_plan` is the quick baseline.
- :func:`save_scenario` writes one back, as JSON or CSV.

Every error matchaid raises on purpose is a :class:`MatchaidError`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from matchaid.domain import (
    DisciplineGap,
    DonorHospital,
    Expert,
    Horizon,
    Level,
    Network,
    Pairing,
    PairingMode,
    RecipientHospital,
    Road,
    Scenario,
    Seniority,
    scenario_warnings,
)
from matchaid.exceptions import (
    FormatVersionError,
    InputError,
    MatchaidError,
    ParamsError,
    PlanFileError,
    Problem,
    ScenarioError,
    SolverError,
)
from matchaid.greedy import greedy_plan
from matchaid.io import load_postings, load_scenario, save_scenario, schema_path
from matchaid.params import ObjectiveWeights, SolveParams
from matchaid.plan import GapCoverage, Plan, PlanKPIs
from matchaid.posting import Posting
from matchaid.solve import Progress, Result, SolveStatus, solve
from matchaid.summary import summarize
from matchaid.validation import Violation, objective_value, validate

try:
    __version__ = version("matchaid")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "DisciplineGap",
    "DonorHospital",
    "Expert",
    "FormatVersionError",
    "GapCoverage",
    "Horizon",
    "InputError",
    "Level",
    "MatchaidError",
    "Network",
    "ObjectiveWeights",
    "Pairing",
    "PairingMode",
    "ParamsError",
    "Plan",
    "PlanFileError",
    "PlanKPIs",
    "Posting",
    "Problem",
    "Progress",
    "RecipientHospital",
    "Result",
    "Road",
    "Scenario",
    "ScenarioError",
    "Seniority",
    "SolveParams",
    "SolveStatus",
    "SolverError",
    "Violation",
    "__version__",
    "greedy_plan",
    "load_postings",
    "load_scenario",
    "objective_value",
    "save_scenario",
    "scenario_warnings",
    "schema_path",
    "solve",
    "summarize",
    "validate",
]
