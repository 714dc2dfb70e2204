"""Every kind of bad scenario input raises a ScenarioError naming file, path and reason."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from matchaid import FormatVersionError, Problem, ScenarioError, load_scenario, scenario_warnings
from matchaid.exceptions import MAX_REPORTED_PROBLEMS


def _error(write_doc: Any, doc: Any) -> ScenarioError:
    path = write_doc(doc)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.source == str(path)
    assert str(path) in str(info.value)
    return info.value


def _paths(err: ScenarioError) -> dict[str, str]:
    return {p.path: p.message for p in err.problems}


def test_sample_scenarios_load(data_dir: Path) -> None:
    s = load_scenario(data_dir / "scenario-v1-small.json")
    assert (len(s.donors), len(s.experts), len(s.recipients)) == (3, 9, 2)
    assert s.expert("E2").terms == (6,) and s.expert("E2").max_postings == 1
    assert s.recipient("R1").gap("urology").min_seniority.label == "associate_chief"
    s2 = load_scenario(data_dir / "scenario-v1-small-2.json")
    assert s2.horizon.start_step == 3 and s2.terms == (3, 6, 12)


def test_malformed_json_names_line_and_column(write_doc: Any) -> None:
    err = _error(write_doc, '{"horizon": {"months": 12},\n "terms": [3,, 6]}')
    assert err.problems[0].path == "line 2 column 14"
    assert "malformed JSON" in err.problems[0].message


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "latin.json"
    bad.write_bytes(b'{"name": "\xe9"}')
    with pytest.raises(ScenarioError, match="not valid UTF-8"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="cannot read file"):
        load_scenario(tmp_path / "nope.json")


def test_top_level_must_be_an_object(write_doc: Any) -> None:
    err = _error(write_doc, [1, 2])
    assert "must be an object" in err.problems[0].message


def test_missing_and_unknown_fields(write_doc: Any, small_doc: dict[str, Any]) -> None:
    del small_doc["experts"][3]["donor"]
    small_doc["recipients"][1]["gaps"][0]["priority"] = 3
    del small_doc["terms"]
    err = _paths(_error(write_doc, small_doc))
    assert err["experts[3].donor"] == "required field is missing"
    assert err["terms"] == "required field is missing"
    assert err["recipients[1].gaps[0].priority"].startswith("unknown field (allowed: demand,")


def test_wrong_types(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["recipients"][0]["hosting"] = "4"
    small_doc["experts"][0]["specialties"] = "urology"
    small_doc["experts"][1]["academician"] = "no"
    small_doc["donors"][0]["release"] = ["neurosurgery"]
    err = _paths(_error(write_doc, small_doc))
    assert err["recipients[0].hosting"] == "must be a whole number of experts, got '4'"
    assert err["experts[0].specialties"] == "must be a list, got a string"
    assert err["experts[1].academician"] == "must be true or false, got 'no'"
    assert "must be an object of specialty: count" in err["donors[0].release"]


def test_a_pairing_id_that_is_not_text_is_an_error_not_a_crash(
    write_doc: Any, small_doc: dict[str, Any]
) -> None:
    """Found by a mutation run: a list as a pairing's donor raised TypeError (unhashable)."""
    small_doc["pairings"] = [
        {"donor": [1, 2], "recipient": "R1", "mode": "required"},
        {"donor": "D1", "recipient": {"a": 1}, "mode": "preferred"},
    ]
    err = _paths(_error(write_doc, small_doc))
    assert err["pairings[0].donor"] == "must be a string, got [1, 2]"
    assert err["pairings[1].recipient"] == "must be a string, got {'a': 1}"


def test_duplicate_ids_and_duplicate_keys(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["experts"][4]["id"] = "E1"
    text = json.dumps(small_doc).replace('"id": "D1",', '"id": "D1", "id": "D1",', 1)
    err = _paths(_error(write_doc, text))
    assert err["experts[4].id"] == "duplicate id 'E1' (first used at experts[1].id)"
    assert err["donors[1].id"] == "field given more than once"


def test_unknown_references(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["experts"][12 % len(small_doc["experts"])]["donor"] = "D9"
    small_doc["pairings"].append({"donor": "D0", "recipient": "R7", "mode": "required"})
    small_doc["donors"][1]["release"]["nerosurgery"] = 1
    small_doc["specialties"] = ["neurosurgery", "urology", "obstetrics", "cardiology"]
    err = _paths(_error(write_doc, small_doc))
    assert err["experts[3].donor"] == "unknown donor 'D9' (known: D0, D1, D2)"
    assert err["pairings[1].recipient"] == "unknown recipient 'R7' (known: R0, R1)"
    assert err["donors[1].release.nerosurgery"].startswith("unknown specialty 'nerosurgery'")
    # With a declared list, a gap in an undeclared specialty is unknown too.
    assert err["recipients[0].gaps[0].specialty"].startswith("unknown specialty 'orthopedics'")


def test_release_key_typo_without_declared_list_is_a_warning(
    write_doc: Any, small_doc: dict[str, Any]
) -> None:
    """A misspelt department would mean 'no limit': without a declared specialty list
    it cannot be told from a real but unused department, so it is a loud warning."""
    small_doc["donors"][0]["release"]["urolgy"] = 1
    s = load_scenario(write_doc(small_doc))
    found = {w.path: w.message for w in scenario_warnings(s)}
    assert found["donors[0].release.urolgy"] == (
        "no expert or gap has specialty 'urolgy', so this limit constrains nobody: "
        "did you mean 'urology'?"
    )


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (
            ("recipients", 0, "hosting"),
            -1,
            "must be a whole number of experts from 0 to 1,000,000, got -1",
        ),
        (("recipients", 0, "hosting"), 1.5, "must be a whole number of experts, got 1.5"),
        (
            ("donors", 0, "release", "urology"),
            -2,
            "must be a whole number of experts from 0 to 1,000,000, got -2",
        ),
        (("donors", 0, "max_away"), 0.5, "must be a whole number of experts, got 0.5"),
        (("experts", 2, "max_postings"), -1, "must be a whole number from 0 to 1,000,000, got -1"),
        (
            ("recipients", 1, "gaps", 0, "demand"),
            0,
            "must be a whole number of experts from 1 to 1,000,000, got 0",
        ),
    ],
)
def test_bad_capacities(
    write_doc: Any, small_doc: dict[str, Any], where: tuple[Any, ...], value: Any, message: str
) -> None:
    node = small_doc
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    path = ".".join(f"[{k}]" if isinstance(k, int) else k for k in where).replace(".[", "[")
    assert _paths(_error(write_doc, small_doc))[path] == message


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_weights(write_doc: Any, small_doc: dict[str, Any], value: float) -> None:
    small_doc["recipients"][1]["gaps"][2]["weight"] = value
    path = write_doc(json.dumps(small_doc))  # json.dumps writes NaN/Infinity literally
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = _paths(info.value)["recipients[1].gaps[2].weight"]
    assert msg.startswith("must be a finite number")


def test_non_positive_weight(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["recipients"][1]["gaps"][2]["weight"] = 0
    assert _paths(_error(write_doc, small_doc))["recipients[1].gaps[2].weight"] == (
        "must be greater than 0, got 0"
    )


def test_windows_outside_horizon_or_empty(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["recipients"][1]["gaps"][1]["window"] = [3, 13]
    small_doc["recipients"][1]["gaps"][0]["window"] = [5, 5]
    small_doc["experts"][0]["available"] = [-1, 4]
    small_doc["experts"][1]["available"] = [0]
    err = _paths(_error(write_doc, small_doc))
    assert err["recipients[1].gaps[1].window"] == "window [3, 13) lies outside the horizon [0, 12)"
    assert err["recipients[1].gaps[0].window"] == (
        "window [5, 5) is empty: 'from' must be less than 'to'"
    )
    assert err["experts[0].available"] == "availability [-1, 4) lies outside the horizon [0, 12)"
    assert err["experts[1].available"].startswith("must be [from, to)")


def test_terms_longer_than_horizon(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["terms"] = [3, 24]
    small_doc["experts"][2]["terms"] = [0]
    err = _paths(_error(write_doc, small_doc))
    assert err["terms[1]"] == "term of 24 months is longer than the horizon of 12 months"
    assert err["experts[2].terms[0]"] == "must be a whole number of months from 1 to 10,000, got 0"


def test_unknown_enumerations(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["experts"][0]["seniority"] = "professor"
    small_doc["recipients"][0]["level"] = "city"
    small_doc["pairings"][0]["mode"] = "maybe"
    err = _paths(_error(write_doc, small_doc))
    assert err["experts[0].seniority"].startswith(
        "unknown seniority 'professor' (one of: resident,"
    )
    assert err["recipients[0].level"] == (
        "unknown value 'city' (one of: county, prefecture, regional)"
    )
    assert err["pairings[0].mode"].startswith("unknown value 'maybe'")


def test_unsupported_version(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["version"] = 3
    path = write_doc(small_doc)
    with pytest.raises(FormatVersionError, match=r"version: unsupported format version 3"):
        load_scenario(path)


def test_travel_limit_needs_a_network(write_doc: Any, small_doc: dict[str, Any]) -> None:
    small_doc["recipients"][0]["max_travel_hours"] = 5
    assert (
        "needs the scenario's 'network'"
        in _paths(_error(write_doc, small_doc))["recipients[0].max_travel_hours"]
    )


def test_all_problems_reported_at_once_up_to_a_cap(
    write_doc: Any, small_doc: dict[str, Any]
) -> None:
    base = small_doc["experts"][0]
    small_doc["experts"] = [dict(base, id=f"X{i}", donor="nobody") for i in range(80)]
    err = _error(write_doc, small_doc)
    assert len(err.problems) == 80
    text = str(err)
    assert text.startswith(f"80 problems in {err.source}:")
    assert "experts[79].donor" not in text  # beyond the cap
    assert f"... and {80 - MAX_REPORTED_PROBLEMS} more problem(s) not shown" in text


def test_shape_and_reference_problems_reported_together(
    write_doc: Any, small_doc: dict[str, Any]
) -> None:
    del small_doc["experts"][0]["seniority"]
    small_doc["experts"][1]["donor"] = "D9"
    err = _paths(_error(write_doc, small_doc))
    assert "experts[0].seniority" in err and "experts[1].donor" in err


def test_expert_who_fits_no_term_is_a_warning_not_an_error(data_dir: Path) -> None:
    s = load_scenario(data_dir / "scenario-v1-small.json")
    # E3 is available [0, 3) and accepts 3- and 6-month terms: a 3-month term fits.
    assert not any("'E3'" in w.message for w in scenario_warnings(s))
    s2 = load_scenario(data_dir / "scenario-v1-small-2.json")
    # E5: available [3, 8), term 6 only: no 6-month term fits.
    warnings = [w for w in scenario_warnings(s2) if w.path == "experts[5].available"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert "can never be posted" in warnings[0].message


def test_problem_format() -> None:
    assert Problem("a.b", "bad").format("f.json") == "f.json: a.b: bad"
    assert Problem("", "bad").format("f.json") == "f.json: bad"
