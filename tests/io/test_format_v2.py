"""Scenario format v2: its fields load, round-trip through JSON and CSV, pass the
published schema, and every malformed v2 value is an error naming its field path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from matchaid import (
    LeaderMode,
    ScenarioError,
    Seniority,
    TimeUnit,
    Trainee,
    load_scenario,
    save_scenario,
)
from matchaid.io import load_schema


@pytest.fixture
def v2_doc(small_doc: dict[str, Any]) -> dict[str, Any]:
    """``scenario-v1-small.json`` with a field of every v2 rule."""
    d = small_doc
    d["version"] = 2
    d["horizon"]["unit"] = "week"
    d["donors"][0]["group"] = "Anhui"
    d["donors"][1]["group"] = "Anhui"
    d["donors"][0]["seats"] = {"urology": 2, "neurosurgery": 0}
    d["experts"][0]["preferences"] = ["R1", "R0"]
    d["trainees"] = [
        {"id": "T0", "recipient": "R0", "specialty": "urology", "available": [0, 12], "weight": 1},
        {
            "id": "T1",
            "recipient": "R1",
            "specialty": "neurosurgery",
            "available": [2, 12],
            "weight": 2.5,
            "terms": [3],
            "starts": [3, 6],
        },
    ]
    r0, r1 = d["recipients"]
    r0.update(leader={"mode": "required"}, max_donors=1, starts=[0, 6])
    r1.update(leader={"mode": "preferred", "weight": 0.5}, max_donor_groups=1)
    r1["gaps"][0].update(continuous=True, handover_weight=0.25)
    r1["projects"] = [
        {
            "name": "stroke centre",
            "needs": {"neurosurgery": 1, "urology": 1},
            "window": [0, 6],
            "weight": 2,
        }
    ]
    d["communities"] = [{"hub": "R1", "spokes": ["R0"], "share": 0.5}]
    d["costs"] = {
        "per_period": {"resident": 1, "attending": 1.5, "associate_chief": 2, "chief": 3},
        "per_trip": 4,
        "trainee_per_period": 0.5,
    }
    d["budget"] = 250
    d["objective"] = {
        "stages": [
            {"goal": "coverage", "tolerance": 0.02},
            {"goal": "fairness"},
            {"goal": "cost"},
        ]
    }
    d["pins"] = [
        {
            "expert": "E1",
            "recipient": "R1",
            "specialty": "neurosurgery",
            "start": 0,
            "months": 6,
            "mode": "fixed",
        },
        {
            "expert": "E2",
            "recipient": "R1",
            "specialty": "neurosurgery",
            "start": 0,
            "months": 6,
            "mode": "forbidden",
        },
    ]
    return d


def _problems(write_doc: Any, doc: Any) -> dict[str, str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_doc(doc))
    return {p.path: p.message for p in info.value.problems}


def test_v2_fields_load(write_doc: Any, v2_doc: dict[str, Any]) -> None:
    s = load_scenario(write_doc(v2_doc))
    assert s.horizon.unit is TimeUnit.WEEK and s.format_version == 2
    assert s.donor("D0").group == "Anhui" and s.donor("D2").group is None
    r0, r1 = s.recipients
    assert r0.leader is not None and r0.leader.mode is LeaderMode.REQUIRED
    assert (r0.max_donors, r0.starts) == (1, (0, 6))
    assert r1.leader is not None and r1.leader.weight == 0.5 and r1.max_donor_groups == 1
    assert r1.gaps[0].continuous and r1.gaps[0].handover_weight == 0.25
    assert dict(r1.projects[0].needs) == {"neurosurgery": 1, "urology": 1}
    assert s.hub_of("R0") == ("R1", 0.5) and s.hub_of("R1") is None
    assert s.costs is not None and s.costs.posting(Seniority.CHIEF, 6) == 4 + 6 * 3
    assert s.budget == 250
    assert s.expert("E0").preferences == ("R1", "R0")
    assert dict(s.donor("D0").seats) == {"urology": 2, "neurosurgery": 0}
    assert s.trainee("T1") == Trainee("T1", "R1", "neurosurgery", (2, 12), 2.5, (3,), (3, 6))
    assert s.trainee("T0").terms is None and s.trainee("T0").starts is None
    assert [(st.goal.value, st.tolerance) for st in s.stages] == [
        ("coverage", 0.02),
        ("fairness", 0.0),
        ("cost", 0.0),
    ]


@pytest.mark.parametrize("form", ["json", "csv"])
def test_v2_round_trips(tmp_path: Path, write_doc: Any, v2_doc: dict[str, Any], form: str) -> None:
    s = load_scenario(write_doc(v2_doc))
    target = tmp_path / ("again.json" if form == "json" else "again")
    save_scenario(s, target)
    assert load_scenario(target) == s


def test_a_v1_scenario_is_still_written_as_v1(tmp_path: Path, data_dir: Path) -> None:
    s = load_scenario(data_dir / "scenario-v1-small.json")
    save_scenario(s, tmp_path / "s.json")
    save_scenario(s, tmp_path / "csv")
    assert json.loads((tmp_path / "s.json").read_text())["version"] == 1
    header = (tmp_path / "csv" / "recipients.csv").read_text().splitlines()[0]
    assert "leader_mode" not in header and not (tmp_path / "csv" / "communities.csv").exists()


def test_the_v2_schema_accepts_v2_and_the_v1_schema_does_not(v2_doc: dict[str, Any]) -> None:
    v2 = load_schema("scenario", 2)
    jsonschema.Draft202012Validator.check_schema(v2)
    assert list(jsonschema.Draft202012Validator(v2).iter_errors(v2_doc)) == []
    assert list(jsonschema.Draft202012Validator(load_schema("scenario")).iter_errors(v2_doc))


def test_v2_fields_in_a_v1_file_say_to_add_the_version(
    write_doc: Any, v2_doc: dict[str, Any]
) -> None:
    v2_doc["version"] = 1
    problems = _problems(write_doc, v2_doc)
    for path in (
        "horizon.unit",
        "donors[0].group",
        "donors[0].seats",
        "recipients[0].leader",
        "communities",
        "trainees",
    ):
        assert 'add "version": 2' in problems[path]


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [
        (lambda d: d["horizon"].update(unit="fortnight"), "horizon.unit", "unknown unit"),
        (lambda d: d["donors"][0].update(group=""), "donors[0].group", "must not be empty"),
        (
            lambda d: d["recipients"][0].update(leader={"mode": "sometimes"}),
            "recipients[0].leader.mode",
            "unknown value",
        ),
        (
            lambda d: d["recipients"][0].update(leader={"mode": "preferred"}),
            "recipients[0].leader.weight",
            "needs a weight",
        ),
        (
            lambda d: d["recipients"][0].update(leader={"mode": "preferred", "weight": 0}),
            "recipients[0].leader.weight",
            "greater than 0",
        ),
        (
            lambda d: d["recipients"][0].update(leader={"mode": "required", "weight": 1}),
            "recipients[0].leader.weight",
            "only a preferred leader",
        ),
        (lambda d: d["recipients"][0].update(max_donors=0), "recipients[0].max_donors", "from 1"),
        (
            lambda d: d["recipients"][1].update(max_donor_groups=1.5),
            "recipients[1].max_donor_groups",
            "whole number",
        ),
        (lambda d: d["recipients"][0].update(starts=[0, 99]), "recipients[0].starts[1]", "11"),
        (lambda d: d["recipients"][0].update(starts=[3, 3]), "recipients[0].starts[1]", "twice"),
        (
            lambda d: d["recipients"][1]["gaps"][0].update(continuous="yes"),
            "recipients[1].gaps[0].continuous",
            "true or false",
        ),
        (
            lambda d: d["recipients"][1]["gaps"][0].update(handover_weight=-1),
            "recipients[1].gaps[0].handover_weight",
            "non-negative",
        ),
        (
            lambda d: d["recipients"][1]["projects"][0]["needs"].update(cardiology=1),
            "recipients[1].projects[0].needs.cardiology",
            "no gap in 'cardiology'",
        ),
        (
            lambda d: d["recipients"][1]["projects"][0]["needs"].update(urology=0),
            "recipients[1].projects[0].needs.urology",
            "from 1",
        ),
        (
            lambda d: d["recipients"][1]["projects"][0].update(window=[0, 13]),
            "recipients[1].projects[0].window",
            "outside the horizon",
        ),
        (
            lambda d: d["recipients"][1]["projects"][0].update(weight=0),
            "recipients[1].projects[0].weight",
            "greater than 0",
        ),
        (lambda d: d["communities"][0].update(share=0.333), "communities[0].share", "two decimals"),
        (lambda d: d["communities"][0].update(share=1.5), "communities[0].share", "at most 1"),
        (
            lambda d: d["communities"][0].update(spokes=["R9"]),
            "communities[0].spokes[0]",
            "unknown recipient 'R9'",
        ),
        (
            lambda d: d["communities"].append({"hub": "R1", "spokes": ["R0"], "share": 0.2}),
            "communities[1].spokes[0]",
            "at most one community",
        ),
        (
            lambda d: d["communities"].append({"hub": "R0", "spokes": ["R1"], "share": 0.2}),
            "communities[0].spokes[0]",
            "a hub is not a spoke",
        ),
        (lambda d: d["communities"][0].pop("share"), "communities[0].share", "required field"),
        (lambda d: d["costs"]["per_period"].pop("chief"), "costs.per_period.chief", "required"),
        (
            lambda d: d["costs"]["per_period"].update(professor=1),
            "costs.per_period.professor",
            "unknown seniority",
        ),
        (lambda d: d["costs"].update(per_trip=-1), "costs.per_trip", "non-negative"),
        (lambda d: d.update(budget="lots"), "budget", "must be a number"),
        (lambda d: d.pop("costs"), "budget", "needs 'costs'"),
        (lambda d: d["pins"][0].update(expert="E99"), "pins[0].expert", "unknown expert"),
        (
            lambda d: d["experts"][0].update(preferences=["R1", "R1"]),
            "experts[0].preferences[1]",
            "listed twice",
        ),
        (
            lambda d: d["experts"][0].update(preferences=["R7"]),
            "experts[0].preferences[0]",
            "unknown recipient",
        ),
        (
            lambda d: d["objective"]["stages"][1].update(goal="coverage"),
            "objective.stages[1].goal",
            "already at",
        ),
        (
            lambda d: d["objective"]["stages"][1].update(goal="speed"),
            "objective.stages[1].goal",
            "unknown value",
        ),
        (
            lambda d: d["objective"]["stages"][0].update(tolerance=1.5),
            "objective.stages[0].tolerance",
            "at most 1",
        ),
        (lambda d: d["objective"].update(stages=[]), "objective.stages", "at least one stage"),
        (lambda d: d.pop("costs") and d.pop("budget"), "objective.stages[2].goal", "needs 'costs'"),
        (lambda d: d["pins"][0].update(mode="maybe"), "pins[0].mode", "unknown value"),
        (lambda d: d["donors"][0]["seats"].update(urology=-1), "donors[0].seats.urology", "from 0"),
        (lambda d: d["donors"][0].update(seats=[2]), "donors[0].seats", "specialty: count"),
        (lambda d: d["trainees"][0].update(recipient="R9"), "trainees[0].recipient", "unknown"),
        (lambda d: d["trainees"][1].update(id="T0"), "trainees[1].id", "duplicate id"),
        (lambda d: d["trainees"][0].update(weight=0), "trainees[0].weight", "greater than 0"),
        (lambda d: d["trainees"][0].pop("weight"), "trainees[0].weight", "required field"),
        (lambda d: d["trainees"][0].update(available=[0, 13]), "trainees[0].available", "outside"),
        (lambda d: d["trainees"][1].update(terms=[0]), "trainees[1].terms[0]", "from 1"),
        (lambda d: d["trainees"][1].update(starts=[3, 3]), "trainees[1].starts[1]", "twice"),
        (lambda d: d["trainees"][1].update(starts=[12]), "trainees[1].starts[0]", "11"),
        (lambda d: d["trainees"][1].update(seats=1), "trainees[1].seats", "unknown field"),
        (lambda d: d["pins"][1].update(mode="fixed", expert="E1"), "pins[1]", "already pinned"),
        (lambda d: d["pins"][0].update(months=5), "pins[0]", "must be an eligible posting"),
        (lambda d: d["pins"][0].update(specialty="cardiology"), "pins[0]", "eligible posting"),
    ],
)
def test_malformed_v2_values_name_their_field(
    write_doc: Any, v2_doc: dict[str, Any], mutate: Any, path: str, words: str
) -> None:
    mutate(v2_doc)
    problems = _problems(write_doc, v2_doc)
    assert path in problems, problems
    assert words in problems[path]


def test_csv_v2_errors_name_file_and_line(
    tmp_path: Path, write_doc: Any, v2_doc: dict[str, Any]
) -> None:
    save_scenario(load_scenario(write_doc(v2_doc)), tmp_path / "csv")
    text = (tmp_path / "csv" / "communities.csv").read_text().replace("0.5", "0.505")
    (tmp_path / "csv" / "communities.csv").write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "csv")
    assert any(
        p.path == "communities.csv line 2, share" and "two decimals" in p.message
        for p in info.value.problems
    ), info.value.problems
