"""What-if comparison and the change format it shares with re-planning."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import matchaid
from matchaid.cli import main
from matchaid.compare import compare
from matchaid.io.changes import apply_changes
from tests.planner.helpers import EXACT, donor, expert, gap, recipient, scenario


def _base() -> matchaid.Scenario:
    return scenario(
        [expert("E1", available=(0, 6)), expert("E2", specs=("cardiology",))],
        [recipient("R1", gap(demand=2), gap("cardiology")), recipient("R2", gap())],
        donors=[donor("D", release={"urology": 2})],
    )


NEW_EXPERT = {
    "id": "E9",
    "donor": "D",
    "specialties": ["urology"],
    "seniority": "chief",
    "available": [0, 6],
}


def test_each_change_applies() -> None:
    s = _base()
    changed = apply_changes(
        s,
        [
            {"withdraw": "E1", "from": 3},
            {"add_expert": NEW_EXPERT},
            {
                "add_gap": {
                    "recipient": "R2",
                    "specialty": "cardiology",
                    "demand": 1,
                    "window": [0, 6],
                    "weight": 2,
                }
            },
            {"set_demand": {"recipient": "R1", "specialty": "urology", "demand": 3}},
            {"set_hosting": {"recipient": "R2", "hosting": 4}},
            {"set_release": {"donor": "D", "specialty": "urology", "release": 1}},
        ],
    )
    assert changed.expert("E1").available == (0, 3)
    assert changed.expert("E9").seniority is matchaid.Seniority.CHIEF
    assert changed.recipient("R2").gap("cardiology") == matchaid.DisciplineGap(
        "cardiology", 1, (0, 6), 2
    )
    assert changed.recipient("R1").gap("urology").demand == 3  # type: ignore[union-attr]
    assert changed.recipient("R2").hosting == 4
    assert changed.donor("D").release == {"urology": 1}
    # withdrawn from the start of their availability: gone, with their pins
    gone = apply_changes(s, [{"withdraw": "E2", "from": 0}])
    assert [e.id for e in gone.experts] == ["E1"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ([{"withdraw": "E7", "from": 2}], "[0].withdraw: unknown expert 'E7'"),
        ([{"withdraw": "E1", "from": 6}], "[0].from: period 6 is outside the horizon [0, 6)"),
        (
            [{}, {"add_expert": {**NEW_EXPERT, "id": "E1"}}],
            "[1].add_expert.id: expert 'E1' already exists",
        ),
        ([{"add_expert": {**NEW_EXPERT, "seniority": "boss"}}], "[0].add_expert.seniority"),
        (
            [{"set_demand": {"recipient": "R9", "specialty": "x", "demand": 1}}],
            "[0].set_demand.recipient: unknown recipient 'R9'",
        ),
        (
            [{"set_demand": {"recipient": "R2", "specialty": "cardiology", "demand": 1}}],
            "has no gap in 'cardiology'",
        ),
        (
            [{"set_demand": {"recipient": "R2", "specialty": "urology", "demand": -1}}],
            "[0].set_demand.demand",
        ),
        (
            [
                {
                    "add_gap": {
                        "recipient": "R2",
                        "specialty": "urology",
                        "demand": 1,
                        "window": [0, 6],
                        "weight": 1,
                    }
                }
            ],
            "already has a gap",
        ),
        ([{"teleport": "E1"}], "[0]: must name exactly one change"),
    ],
)
def test_a_bad_change_is_named(changes: list[dict[str, object]], message: str) -> None:
    with pytest.raises(matchaid.InputError) as info:
        apply_changes(_base(), changes, "changes.json")
    assert f"changes.json: {message}" in str(info.value) or message in str(info.value)
    assert str(info.value).startswith("changes.json") or "changes.json" in str(info.value)


def test_compare_sets_kpis_side_by_side() -> None:
    s = _base()
    found = compare(
        s, {"more": [{"add_expert": NEW_EXPERT}], "less": [{"withdraw": "E1", "from": 0}]}, EXACT
    )
    base, more, less = (v.kpis for v in found.variants)
    assert more["objective"] > base["objective"] > less["objective"]
    assert base["status"] == "optimal" and base["people_posted"] == 2
    assert less["unmet_by_specialty"]["urology"] == 18
    rows = list(csv.reader(io.StringIO(found.to_csv())))
    assert rows[0] == ["kpi", "base", "more", "less"]
    assert [r[0] for r in rows][1:4] == ["objective", "status", "weighted coverage %"]
    assert {"fairness", "cost", "people posted", "recipients with nothing"} <= {r[0] for r in rows}
    assert "weighted coverage %" in found.to_text()


def test_cli_round_trip_solve_explain_value_compare(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, plan, changes = tmp_path / "s.json", tmp_path / "plan.json", tmp_path / "more.json"
    matchaid.save_scenario(_base(), path)
    one = ["--workers", "1"]
    assert main(["solve", str(path), "-o", str(plan), *one]) == 0
    capsys.readouterr()
    assert main(["explain", str(path), str(plan), "--json", *one]) == 0
    why = json.loads(capsys.readouterr().out)
    urology = [g for g in why["gaps"] if (g["recipient"], g["specialty"]) == ("R1", "urology")]
    assert urology and urology[0]["reasons"][0]["code"] in ("supply", "used_elsewhere")
    assert main(["value", str(path), "--json", *one]) == 0
    values = json.loads(capsys.readouterr().out)
    assert values["supply"][0]["specialty"] == "urology" and values["supply"][0]["gain_proven"]
    changes.write_text(json.dumps([{"add_expert": NEW_EXPERT}]))
    out_csv = tmp_path / "cmp.csv"
    assert main(["compare", str(path), "--changes", str(changes), "--csv", str(out_csv), *one]) == 0
    text = capsys.readouterr().out
    assert "objective" in text and str(changes) in text
    rows = list(csv.reader(out_csv.open()))
    assert rows[0] == ["kpi", str(path), str(changes)]
    objective = rows[1]
    assert float(objective[2]) - float(objective[1]) == values["supply"][0]["gain"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"withdraw": "nobody", "from": 1}]))
    assert main(["compare", str(path), "--changes", str(bad), *one]) == 2
    assert f"{bad}: [0].withdraw: unknown expert 'nobody'" in capsys.readouterr().err
