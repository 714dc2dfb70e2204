"""Plans: the postings chosen, what they cover, and how to read and write them.

A :class:`Plan` is a value: a scenario and a tuple of postings. It computes coverage per
gap and month when created, and offers KPIs (:meth:`Plan.kpis`), a text summary
(:meth:`Plan.summary`) and output to JSON (:meth:`Plan.to_json`) or CSV
(:meth:`Plan.to_csv`). A plan is not checked when created (a hand-made plan may break
rules): :func:`matchaid.validate` does that.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from matchaid.candidates import CandidateSet
from matchaid.domain import Scenario
from matchaid.io import (
    FORMAT_VERSION,
    csv_table_text,
    postings_csv_text,
    write_json,
    write_text_atomic,
)
from matchaid.posting import Posting, Training

__all__ = ["GapCoverage", "Plan", "PlanKPIs", "sorted_postings", "sorted_trainings"]


@dataclass(frozen=True, slots=True)
class GapCoverage:
    """How well one gap is covered.

    Attributes
    ----------
    recipient, specialty
        Which gap.
    weight, demand_months
        Its priority and the expert-months wanted over its window.
    covered_months
        Expert-months covered (each month counts at most ``demand``). At a spoke of a
        medical community it includes the hub's share and may be fractional.
    by_month
        Covered experts in each month of the horizon (0 outside the window).
    """

    recipient: str
    specialty: str
    weight: float
    demand_months: int
    covered_months: float
    by_month: tuple[float, ...]

    @property
    def unmet_months(self) -> float:
        """Expert-months wanted but not covered."""
        return _number(round(self.demand_months - self.covered_months, 9))

    @property
    def weighted(self) -> float:
        """``weight x covered_months``: this gap's share of the objective."""
        return self.weight * self.covered_months


@dataclass(frozen=True, slots=True)
class PlanKPIs:
    """Headline figures of a plan.

    Attributes
    ----------
    objective
        The primary objective: weighted covered expert-months, plus (format v2) the
        handover and project periods' weights, minus leaderless periods' penalties.
    max_objective
        Weighted coverage if every gap were fully covered.
    weighted_coverage
        Weighted covered expert-months over ``max_objective`` (1.0 when there is no
        demand).
    covered_months, demand_months
        Unweighted expert-months covered and wanted.
    unmet_by_specialty, unmet_by_recipient
        Expert-months wanted but not covered.
    num_postings, num_experts_posted
        Postings, and distinct experts posted.
    expert_utilisation
        Posted expert-months over available expert-months, all experts together.
    recipients_with_nothing
        Recipients with at least one gap whose coverage is zero everywhere.
    num_trainings, training_months, training_value
        Format v2: training placements, the trainee-periods they hold, and what they add
        to the objective (``weight x periods`` each).
    """

    objective: float
    max_objective: float
    weighted_coverage: float
    covered_months: float
    demand_months: int
    unmet_by_specialty: dict[str, float]
    unmet_by_recipient: dict[str, float]
    num_postings: int
    num_experts_posted: int
    expert_utilisation: float
    recipients_with_nothing: tuple[str, ...]
    num_trainings: int = 0
    training_months: int = 0
    training_value: float = 0.0


@dataclass(frozen=True, slots=True)
class Plan:
    """The postings (and training placements) chosen for a scenario.

    Parameters
    ----------
    scenario
        The scenario planned.
    postings
        The postings, in any order (solvers return them sorted by recipient, specialty,
        start, expert).
    trainings
        Format v2: the trainees' placements at donors (solvers return them sorted by
        trainee).
    """

    scenario: Scenario
    postings: tuple[Posting, ...]
    trainings: tuple[Training, ...] = ()
    _coverage: npt.NDArray[np.int64] = field(init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        """One line (the scenario, which a plan holds, is not repeated)."""
        what = self.scenario.name or "scenario"
        trained = f", {len(self.trainings)} trainings" if self.trainings else ""
        return f"Plan({len(self.postings)} postings{trained} for {what!r})"

    def __post_init__(self) -> None:
        for name in ("postings", "trainings"):
            if not isinstance(getattr(self, name), tuple):
                object.__setattr__(self, name, tuple(getattr(self, name)))
        months = self.scenario.horizon.months
        gaps = self.scenario.gaps
        index = {(r.id, g.specialty): k for k, (r, g) in enumerate(gaps)}
        active = np.zeros((len(gaps), months + 1), dtype=np.int64)
        for p in self.postings:
            k = index.get((p.recipient, p.specialty))
            if k is not None:
                lo, hi = max(p.start, 0), min(p.end, months)
                if lo < hi:
                    active[k, lo] += 1
                    active[k, hi] -= 1
        active = np.cumsum(active[:, :months], axis=1).astype(np.float64)
        present = active.copy()
        for cm in self.scenario.communities:  # a hub expert counts its share at a spoke
            for spoke in cm.spokes:
                for g in self.scenario.recipient(spoke).gaps:
                    h = index.get((cm.hub, g.specialty))
                    if h is not None:
                        active[index[(spoke, g.specialty)]] += cm.share * present[h]
        cover = np.zeros_like(active)
        for k, (_, g) in enumerate(gaps):
            lo, hi = g.window
            cover[k, lo:hi] = np.minimum(active[k, lo:hi], g.demand)
        object.__setattr__(self, "_coverage", np.round(cover, 9))

    @classmethod
    def empty(cls, scenario: Scenario) -> Plan:
        """The plan that posts nobody."""
        return cls(scenario, ())

    @classmethod
    def of_decisions(cls, cands: CandidateSet, indices: npt.ArrayLike) -> Plan:
        """The plan that takes the candidate postings and placements at ``indices``,
        each sorted in plan order."""
        return cls(
            cands.scenario,
            sorted_postings(cands.postings(indices)),
            sorted_trainings(cands.trainings(indices)),
        )

    # -- coverage -----------------------------------------------------------------
    def coverage(self) -> tuple[GapCoverage, ...]:
        """Coverage of every gap, in scenario order."""
        out = []
        for k, (r, g) in enumerate(self.scenario.gaps):
            row = self._coverage[k]
            out.append(
                GapCoverage(
                    recipient=r.id,
                    specialty=g.specialty,
                    weight=g.weight,
                    demand_months=g.demand_months,
                    covered_months=_number(float(row.sum())),
                    by_month=tuple(_number(float(v)) for v in row),
                )
            )
        return tuple(out)

    @property
    def weighted_covered(self) -> float:
        """Weighted covered expert-months."""
        weights = np.array([g.weight for _, g in self.scenario.gaps], dtype=np.float64)
        if not weights.size:
            return 0.0
        return float(np.dot(weights, self._coverage.sum(axis=1)))

    @property
    def objective(self) -> float:
        """The primary objective: :attr:`weighted_covered`, plus (format v2) the weights of
        handover and project periods and of training periods, minus leaderless periods'
        penalties (as :func:`matchaid.programme_figures` recomputes them)."""
        if self.scenario.format_version < 2:
            return self.weighted_covered
        from matchaid.validation import programme_figures

        t = programme_figures(self.scenario, self).terms
        return (
            self.weighted_covered + t["handover"] + t["projects"] + t["training"] - t["leaderless"]
        )

    def kpis(self) -> PlanKPIs:
        """The headline figures of this plan."""
        cov = self.coverage()
        max_objective = sum(g.weight * g.demand_months for _, g in self.scenario.gaps)
        unmet_spec: dict[str, float] = {}
        unmet_rec: dict[str, float] = {}
        nothing: list[str] = []
        for c in cov:
            unmet_spec[c.specialty] = unmet_spec.get(c.specialty, 0) + c.unmet_months
            unmet_rec[c.recipient] = unmet_rec.get(c.recipient, 0) + c.unmet_months
        for r in self.scenario.recipients:
            if r.gaps and all(c.covered_months == 0 for c in cov if c.recipient == r.id):
                nothing.append(r.id)
        available = sum(e.available[1] - e.available[0] for e in self.scenario.experts)
        posted = sum(p.months for p in self.postings)
        covered = self.weighted_covered
        trainee_weight = {t.id: t.weight for t in self.scenario.trainees}
        return PlanKPIs(
            objective=self.objective,
            max_objective=max_objective,
            weighted_coverage=covered / max_objective if max_objective else 1.0,
            covered_months=_number(sum(c.covered_months for c in cov)),
            demand_months=sum(c.demand_months for c in cov),
            unmet_by_specialty=unmet_spec,
            unmet_by_recipient=unmet_rec,
            num_postings=len(self.postings),
            num_experts_posted=len({p.expert for p in self.postings}),
            expert_utilisation=posted / available if available else 0.0,
            recipients_with_nothing=tuple(nothing),
            num_trainings=len(self.trainings),
            training_months=sum(t.months for t in self.trainings),
            training_value=_number(
                sum(trainee_weight.get(t.trainee, 0.0) * t.months for t in self.trainings)
            ),
        )

    # -- output -------------------------------------------------------------------
    def to_document(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """The plan file document: postings, then a summary (ignored when read back)."""
        k = self.kpis()
        doc: dict[str, Any] = {
            "version": FORMAT_VERSION,
            "postings": [
                {
                    "expert": p.expert,
                    "recipient": p.recipient,
                    "specialty": p.specialty,
                    "start": p.start,
                    "months": p.months,
                }
                for p in self.postings
            ],
            "trainings": [
                {"trainee": t.trainee, "donor": t.donor, "start": t.start, "months": t.months}
                for t in self.trainings
            ],
            "summary": {
                "objective": k.objective,
                "max_objective": k.max_objective,
                "weighted_coverage": k.weighted_coverage,
                "covered_months": k.covered_months,
                "demand_months": k.demand_months,
                "num_postings": k.num_postings,
                "num_experts_posted": k.num_experts_posted,
                "expert_utilisation": k.expert_utilisation,
                "recipients_with_nothing": list(k.recipients_with_nothing),
                "unmet_by_specialty": k.unmet_by_specialty,
                "unmet_by_recipient": k.unmet_by_recipient,
                "num_trainings": k.num_trainings,
                "training_months": k.training_months,
            },
        }
        if not self.trainings and not self.scenario.trainees:
            del doc["trainings"]
            del doc["summary"]["num_trainings"], doc["summary"]["training_months"]
        if extra:
            doc.update(extra)
        return doc

    def to_json(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> None:
        """Write the plan file (JSON, atomically)."""
        write_json(path, self.to_document(extra))

    def to_frame(self) -> Any:
        """The postings as a pandas DataFrame (the ``frames`` extra), one row each:
        expert, recipient, specialty, start, months, end, donor, donor_name,
        recipient_name, start_label and end_label (calendar labels of the first and last
        period)."""
        pd = _pandas()
        s, h = self.scenario, self.scenario.horizon
        experts = {e.id: e for e in s.experts}
        donors = {d.id: d.name for d in s.donors}
        names = {r.id: r.name for r in s.recipients}
        rows = []
        for p in self.postings:
            donor = experts[p.expert].donor if p.expert in experts else None
            rows.append(
                {
                    "expert": p.expert,
                    "recipient": p.recipient,
                    "specialty": p.specialty,
                    "start": p.start,
                    "months": p.months,
                    "end": p.end,
                    "donor": donor,
                    "donor_name": donors.get(donor or ""),
                    "recipient_name": names.get(p.recipient),
                    "start_label": h.month_label(p.start),
                    "end_label": h.month_label(p.end - 1),
                }
            )
        columns = ["expert", "recipient", "specialty", "start", "months", "end", "donor"]
        columns += ["donor_name", "recipient_name", "start_label", "end_label"]
        return pd.DataFrame(rows, columns=columns)

    def coverage_frame(self) -> Any:
        """Coverage as a long pandas DataFrame (the ``frames`` extra): one row per gap
        and period of its window, with recipient, specialty, period, label, weight,
        demand and covered (experts present, capped by demand; fractional at a
        community's spoke)."""
        pd = _pandas()
        h = self.scenario.horizon
        gaps = {(r.id, g.specialty): g for r, g in self.scenario.gaps}
        rows = []
        for c in self.coverage():
            g = gaps[(c.recipient, c.specialty)]
            for t in range(*g.window):
                covered = c.by_month[t]
                rows.append(
                    (c.recipient, c.specialty, t, h.month_label(t), c.weight, g.demand, covered)
                )
        columns = ["recipient", "specialty", "period", "label", "weight", "demand", "covered"]
        return pd.DataFrame(rows, columns=columns)

    def to_xlsx(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> None:
        """Write the plan as an Excel workbook (atomically; the ``workbooks`` extra):
        sheets ``postings`` (with donor, names and calendar labels), ``trainings``,
        ``coverage`` (gap x period) and ``kpis`` (the summary's figures, then
        ``extra``'s ``solve`` record: status, objective, bound, gap, ...). ``matchaid
        check`` and :func:`matchaid.load_plan_entries` read it back."""
        from matchaid.io import write_plan_workbook

        doc = self.to_document(extra)
        kpis: dict[str, Any] = {}
        for key, value in doc["summary"].items():
            kpis[key] = value if not isinstance(value, list | dict) else _cell_text(value)
        for key, value in (doc.get("solve") or {}).items():
            if not isinstance(value, list | dict):
                kpis[f"solve.{key}"] = value
        write_plan_workbook(self, path, kpis)

    def to_csv(self, folder: str | os.PathLike[str], *, excel: bool = False) -> None:
        """Write ``postings.csv`` (each posting, with its donor, donor and recipient
        names, unit and calendar labels) and ``coverage.csv`` (gap x month) into
        ``folder``, and ``trainings.csv`` (``trainee, donor, start, months``) when the scenario has
        trainees; UTF-8, with a byte order mark first when ``excel`` (so that Excel
        reads Chinese names right)."""
        root = Path(folder)
        root.mkdir(parents=True, exist_ok=True)
        bom = "\ufeff" if excel else ""
        write_text_atomic(
            root / "postings.csv", bom + postings_csv_text(self.postings, self.scenario)
        )
        if self.scenario.trainees:
            rows = [[t.trainee, t.donor, t.start, t.months] for t in self.trainings]
            text = csv_table_text(["trainee", "donor", "start", "months"], rows)
            write_text_atomic(root / "trainings.csv", bom + text)
        months = self.scenario.horizon.months
        columns = ["recipient", "specialty", "weight", "demand_months", "covered_months"]
        columns += [self.scenario.horizon.month_label(t) for t in range(months)]
        rows = [
            [c.recipient, c.specialty, c.weight, c.demand_months, c.covered_months, *c.by_month]
            for c in self.coverage()
        ]
        write_text_atomic(root / "coverage.csv", bom + csv_table_text(columns, rows))

    def summary(self, *, max_rows: int = 20) -> str:
        """A readable summary: headline KPIs, then the least-covered gaps."""
        k = self.kpis()
        unit = f"expert-{self.scenario.horizon.unit.value}s"
        head = (
            f"objective {k.objective:g} of {k.max_objective:g} possible "
            f"({100 * k.weighted_coverage:.1f}% weighted coverage)"
        )
        if self.scenario.format_version >= 2:
            from matchaid.validation import programme_figures

            t = programme_figures(self.scenario, self).terms
            head = (
                f"objective {k.objective:g}: weighted coverage {self.weighted_covered:g} of "
                f"{k.max_objective:g} possible ({100 * k.weighted_coverage:.1f}%), handover "
                f"+{t['handover']:g}, projects +{t['projects']:g}, leaderless "
                f"-{t['leaderless']:g}"
            )
            if self.scenario.trainees:
                head += f", training +{t['training']:g}"
        lines = [
            head,
            f"{k.num_postings} postings, {k.num_experts_posted} of "
            f"{len(self.scenario.experts)} experts posted, utilisation "
            f"{100 * k.expert_utilisation:.1f}% of available {unit}",
            f"covered {k.covered_months:g} of {k.demand_months} {unit} wanted",
        ]
        if self.scenario.trainees:
            lines.append(
                f"{k.num_trainings} of {len(self.scenario.trainees)} trainees placed, "
                f"{k.training_months} trainee-{self.scenario.horizon.unit.value}s"
            )
        if k.recipients_with_nothing:
            lines.append("recipients with nothing: " + ", ".join(k.recipients_with_nothing))
        unmet = {s: n for s, n in k.unmet_by_specialty.items() if n}
        if unmet:
            lines.append(
                f"unmet {unit} by specialty: "
                + ", ".join(
                    f"{s} {n:g}" for s, n in sorted(unmet.items(), key=lambda kv: (-kv[1], kv[0]))
                )
            )
        cov = sorted(
            self.coverage(), key=lambda c: (-c.weight * c.unmet_months, c.recipient, c.specialty)
        )
        lines.append("")
        head = f"{'recipient':<14} {'specialty':<18} {'weight':>6} {'covered':>8} {'wanted':>7}"
        lines.append(head)
        for c in cov[:max_rows]:
            lines.append(
                f"{c.recipient[:14]:<14} {c.specialty[:18]:<18} {c.weight:>6g} "
                f"{c.covered_months:>8g} {c.demand_months:>7}"
            )
        if len(cov) > max_rows:
            lines.append(f"... {len(cov) - max_rows} more gaps")
        return "\n".join(lines)


def _number(x: float) -> float:
    """``x`` as an int when whole (so v1 figures read ``9``, not ``9.0``)."""
    return int(x) if float(x).is_integer() else x


def sorted_postings(postings: Iterable[Posting]) -> tuple[Posting, ...]:
    """Postings in the order plans list them: recipient, specialty, start, expert, months."""
    return tuple(
        sorted(postings, key=lambda p: (p.recipient, p.specialty, p.start, p.expert, p.months))
    )


def sorted_trainings(trainings: Iterable[Training]) -> tuple[Training, ...]:
    """Placements in the order plans list them: trainee, start, donor, months."""
    return tuple(sorted(trainings, key=lambda t: (t.trainee, t.start, t.donor, t.months)))


def _cell_text(value: Any) -> str:
    """A list or mapping of a summary as one cell: ``a; b`` or ``a: 1; b: 2``."""
    if isinstance(value, dict):
        return "; ".join(
            f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}" for k, v in value.items()
        )
    return "; ".join(str(v) for v in value)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        from matchaid.exceptions import MatchaidError

        raise MatchaidError("DataFrames need pandas: pip install 'matchaid[frames]'") from None
    return pandas
