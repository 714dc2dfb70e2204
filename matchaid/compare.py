"""What-if comparison: :func:`compare` solves a scenario and variants of it (other
scenario files, or lists of changes in the change format of
:mod:`matchaid.io.changes`) and sets their KPIs side by side: objective and status,
weighted coverage, unmet expert-periods by specialty, recipients with nothing, fairness,
cost and people posted. As text, CSV, JSON, or a report section."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matchaid.domain import Scenario
from matchaid.io.changes import apply_changes
from matchaid.params import SolveParams
from matchaid.result import Result
from matchaid.validation.base import PlanView
from matchaid.validation.budget import total_cost
from matchaid.validation.fairness import value as fairness_value

__all__ = ["Comparison", "Variant", "compare"]


@dataclass(frozen=True, slots=True)
class Variant:
    """One solved scenario of a comparison and its KPIs.

    Attributes
    ----------
    name
        Its label (``base``, a file's name).
    scenario, result
        What was solved and its result.
    kpis
        ``objective``, ``status``, ``weighted_coverage_pct``, ``unmet_by_specialty``,
        ``recipients_with_nothing``, ``fairness``, ``cost`` (``None`` without costs),
        ``people_posted``.
    """

    name: str
    scenario: Scenario
    result: Result
    kpis: Mapping[str, Any]


def _kpis(scenario: Scenario, result: Result) -> dict[str, Any]:
    plan = result.plan
    k = plan.kpis()
    view = PlanView(scenario, plan.postings, plan.trainings)
    return {
        "objective": result.objective,
        "status": result.status.value,
        "best_bound": result.best_bound,
        "weighted_coverage_pct": round(100 * k.weighted_coverage, 4),
        "unmet_by_specialty": dict(sorted(k.unmet_by_specialty.items())),
        "recipients_with_nothing": list(k.recipients_with_nothing),
        "fairness": round(fairness_value(view), 6),
        "cost": total_cost(view) if scenario.costs is not None else None,
        "people_posted": k.num_experts_posted,
    }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The base and its variants, solved; the base first."""

    variants: tuple[Variant, ...]

    def rows(self) -> list[list[str]]:
        """The table: a header row of names, then one row per KPI (unmet expert-periods
        per specialty, each its own row)."""
        names = [v.name for v in self.variants]
        ks = [v.kpis for v in self.variants]
        specialties = sorted({s for k in ks for s in k["unmet_by_specialty"]})

        def fmt(x: Any) -> str:
            if x is None:
                return "-"
            if isinstance(x, float):
                return f"{x:g}"
            return str(x)

        rows = [["kpi", *names]]
        rows.append(["objective", *(fmt(k["objective"]) for k in ks)])
        rows.append(["status", *(k["status"] for k in ks)])
        rows.append(["weighted coverage %", *(f"{k['weighted_coverage_pct']:.2f}" for k in ks)])
        for s in specialties:
            rows.append([f"unmet: {s}", *(fmt(k["unmet_by_specialty"].get(s, 0)) for k in ks)])
        rows.append(
            ["recipients with nothing", *(str(len(k["recipients_with_nothing"])) for k in ks)]
        )
        rows.append(["fairness", *(f"{k['fairness']:.4f}" for k in ks)])
        rows.append(["cost", *(fmt(k["cost"]) for k in ks)])
        rows.append(["people posted", *(str(k["people_posted"]) for k in ks)])
        return rows

    def to_text(self) -> str:
        """The table, aligned."""
        rows = self.rows()
        widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
        lines = []
        for n, r in enumerate(rows):
            cells = [r[0].ljust(widths[0])] + [
                x.rjust(w) for x, w in zip(r[1:], widths[1:], strict=True)
            ]
            lines.append("  ".join(cells).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def to_csv(self) -> str:
        """The table as CSV (one row per KPI, one column per variant)."""
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(self.rows())
        return out.getvalue()

    def to_dict(self) -> dict[str, Any]:
        """``{"variants": [{"name", "kpis"}]}``."""
        return {"variants": [{"name": v.name, "kpis": dict(v.kpis)} for v in self.variants]}


def compare(
    scenario: Scenario,
    variants: Mapping[str, Scenario | Sequence[Mapping[str, Any]]],
    params: SolveParams | None = None,
    *,
    base_name: str = "base",
) -> Comparison:
    """Solve ``scenario`` and each variant with ``params`` and set their KPIs side by
    side.

    Parameters
    ----------
    scenario
        The base scenario.
    variants
        Name -> a scenario, or a list of changes to the base (the change format of
        :func:`matchaid.io.changes.apply_changes`; the name is the ``source`` errors
        name).
    params
        Search settings of every solve.

    Raises
    ------
    InputError
        If a list of changes does not fit the base scenario (naming the change).
    """
    from matchaid.search import solve

    params = params or SolveParams()
    scenarios = {base_name: scenario}
    for name, v in variants.items():
        scenarios[name] = v if isinstance(v, Scenario) else apply_changes(scenario, v, name)
    out = []
    for name, s in scenarios.items():
        result = solve(s, params)
        out.append(Variant(name, s, result, _kpis(s, result)))
        if result.interrupted:
            break
    return Comparison(tuple(out))
