"""matchaid: plan hospital-to-hospital medical aid with OR-Tools CP-SAT.

Start here:

- :func:`load_scenario` reads a scenario (v1 JSON file or CSV folder);
  :class:`Scenario` and its entities build one in Python.
- :func:`summarize` gives demand and supply by specialty.
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
from matchaid.io import load_postings, load_scenario, save_scenario, schema_path
from matchaid.posting import Posting
from matchaid.summary import summarize

try:
    __version__ = version("matchaid")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "DisciplineGap",
    "DonorHospital",
    "Expert",
    "FormatVersionError",
    "Horizon",
    "InputError",
    "Level",
    "MatchaidError",
    "Network",
    "Pairing",
    "PairingMode",
    "ParamsError",
    "PlanFileError",
    "Posting",
    "Problem",
    "RecipientHospital",
    "Road",
    "Scenario",
    "ScenarioError",
    "Seniority",
    "SolverError",
    "__version__",
    "load_postings",
    "load_scenario",
    "save_scenario",
    "scenario_warnings",
    "schema_path",
    "summarize",
]
