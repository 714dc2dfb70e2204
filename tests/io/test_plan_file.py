"""Plan files: postings load from JSON or postings.csv; malformed ones raise
PlanFileError naming file, path and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import matchaid
from matchaid import PlanFileError, Posting, Training, load_plan_entries, load_postings
from matchaid.io import postings_csv_text

POSTING = {"expert": "E1", "recipient": "R0", "specialty": "urology", "start": 3, "months": 6}


def test_json_plan_with_summary_loads(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"version": 1, "postings": [POSTING], "kpis": {"x": 1}}))
    assert load_postings(path) == (Posting("E1", "R0", "urology", 3, 6),)


def test_csv_plan_round_trip(tmp_path: Path) -> None:
    postings = (Posting("E1", "R0", "urology", 3, 6), Posting("E2", "R1", "x y", 0, 12))
    path = tmp_path / "postings.csv"
    path.write_text(postings_csv_text(postings))
    assert load_postings(path) == postings


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"start": "3"}, "postings[0].start", "must be a whole number of months, got '3'"),
        ({"months": 2.5}, "postings[0].months", "must be a whole number of months, got 2.5"),
        ({"expert": ""}, "postings[0].expert", "must be a non-empty string, got ''"),
        ({"colour": "red"}, "postings[0].colour", "unknown field (allowed:"),
    ],
)
def test_malformed_postings(
    tmp_path: Path, change: dict[str, object], path: str, message: str
) -> None:
    file = tmp_path / "plan.json"
    file.write_text(json.dumps({"postings": [{**POSTING, **change}]}))
    with pytest.raises(PlanFileError) as info:
        load_postings(file)
    assert info.value.source == str(file)
    found = {p.path: p.message for p in info.value.problems}
    assert found[path].startswith(message)


def test_missing_postings_and_bad_version(tmp_path: Path) -> None:
    file = tmp_path / "plan.json"
    file.write_text(json.dumps({"plan": []}))
    with pytest.raises(PlanFileError, match="postings: required field is missing"):
        load_postings(file)
    file.write_text(json.dumps({"version": "1", "postings": []}))
    with pytest.raises(PlanFileError, match="unsupported format version '1'"):
        load_postings(file)


TRAINING = {"trainee": "T1", "donor": "D0", "start": 0, "months": 6}


def test_trainings_load_beside_postings(tmp_path: Path) -> None:
    file = tmp_path / "plan.json"
    file.write_text(json.dumps({"postings": [POSTING], "trainings": [TRAINING]}))
    postings, trainings = load_plan_entries(file)
    assert postings == (Posting("E1", "R0", "urology", 3, 6),)
    assert trainings == (Training("T1", "D0", 0, 6),)
    file.write_text(json.dumps({"postings": [POSTING]}))
    assert load_plan_entries(file)[1] == ()


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"start": 1.5}, "trainings[0].start", "must be a whole number"),
        ({"donor": ""}, "trainings[0].donor", "must be a non-empty string"),
        ({"recipient": "R0"}, "trainings[0].recipient", "unknown field (allowed:"),
        ({"months": None}, "trainings[0].months", "must be a whole number"),
    ],
)
def test_malformed_trainings(
    tmp_path: Path, change: dict[str, object], path: str, message: str
) -> None:
    file = tmp_path / "plan.json"
    file.write_text(json.dumps({"postings": [], "trainings": [{**TRAINING, **change}]}))
    with pytest.raises(PlanFileError) as info:
        load_plan_entries(file)
    found = {p.path: p.message for p in info.value.problems}
    assert found[path].startswith(message)
    file.write_text(json.dumps({"postings": [], "trainings": {"T1": "D0"}}))
    with pytest.raises(PlanFileError, match="trainings: must be a list"):
        load_plan_entries(file)


def test_postings_csv_names_donors_recipients_and_dates_and_reads_back(tmp_path: Path) -> None:
    """postings.csv for people (issue 17): donor, donor and recipient names, unit and
    calendar labels of the first and last period; a plan read back from it is the same."""
    from matchaid.domain import (
        DisciplineGap,
        DonorHospital,
        Expert,
        Horizon,
        Level,
        RecipientHospital,
        Scenario,
        Seniority,
    )

    s = Scenario(
        Horizon(12, start="2027-11"),
        (6,),
        (DonorHospital("D", "上海市第一人民医院", "Shanghai"),),
        (Expert("E", "D", ("urology",), Seniority.CHIEF, (0, 12)),),
        (
            RecipientHospital(
                "R",
                "册亨县人民医院",
                "Ceheng",
                Level.COUNTY,
                1,
                (DisciplineGap("urology", 1, (0, 12), 1.0),),
            ),
        ),
    )
    plan = matchaid.Plan(s, (matchaid.Posting("E", "R", "urology", 3, 6),))
    plan.to_csv(tmp_path)
    lines = (tmp_path / "postings.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "expert,recipient,specialty,start,months,donor,donor_name,recipient_name,unit,"
        "start_label,end_label"
    )
    assert lines[1] == "E,R,urology,3,6,D,上海市第一人民医院,册亨县人民医院,month,2028-02,2028-07"
    assert matchaid.load_postings(tmp_path / "postings.csv") == plan.postings
