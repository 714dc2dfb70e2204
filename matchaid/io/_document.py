"""Turn a parsed scenario document (JSON-like dicts and lists) into a Scenario.

The document reader checks shape: objects where objects belong, required fields
present, no unknown fields, enumerations spelled right. Values are then handed to
:func:`matchaid.domain.check_entities`, the single place that checks ranges and
references. Both the JSON and the CSV loaders go through here, so both report the same
problems with the same field paths.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

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
    check_entities,
)
from matchaid.exceptions import FormatVersionError, Problem, Problems, ScenarioError

FORMAT_VERSION = 1
"""The plan file format version (and the scenario format version of a scenario that uses
no field of version 2)."""

SCENARIO_VERSIONS = (1, 2)
"""The scenario format versions this matchaid reads; it writes the lowest one a scenario
needs (:attr:`matchaid.Scenario.format_version`)."""


class DuplicateKeyDict(dict[str, Any]):
    """A dict that remembers keys given more than once in the JSON source."""

    duplicates: tuple[str, ...] = ()


def object_pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads`` hook that keeps track of repeated keys instead of dropping them."""
    result = DuplicateKeyDict()
    dups: list[str] = []
    for key, value in pairs:
        if key in result:
            dups.append(key)
        result[key] = value
    if dups:
        result.duplicates = tuple(dups)
    return result


def reject_constant(name: str) -> float:
    """``json.loads`` hook for NaN/Infinity: keep them so the checker names the field."""
    return float(name.replace("Infinity", "inf"))


_SCHEMA: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # object kind: (required fields, optional fields)
    "scenario": (
        frozenset({"horizon", "terms", "donors", "experts", "recipients"}),
        frozenset(
            {"version", "$schema", "name", "description", "pairings", "network", "specialties"}
        ),
    ),
    "horizon": (frozenset({"months"}), frozenset({"start", "start_step"})),
    "donor": (frozenset({"id", "name", "city", "release"}), frozenset({"max_away"})),
    "expert": (
        frozenset({"id", "donor", "specialties", "seniority", "available"}),
        frozenset({"academician", "can_lead", "terms", "max_postings"}),
    ),
    "recipient": (
        frozenset({"id", "name", "city", "level", "hosting", "gaps"}),
        frozenset({"max_travel_hours"}),
    ),
    "gap": (
        frozenset({"specialty", "demand", "window", "weight"}),
        frozenset({"min_seniority"}),
    ),
    "pairing": (frozenset({"donor", "recipient", "mode"}), frozenset()),
    "network": (frozenset({"edges"}), frozenset()),
    "road": (frozenset({"a", "b", "hours"}), frozenset()),
    "leader": (frozenset({"mode"}), frozenset({"weight"})),
    "project": (frozenset({"name", "needs", "window", "weight"}), frozenset()),
    "community": (frozenset({"hub", "spokes", "share"}), frozenset()),
    "costs": (frozenset({"per_period"}), frozenset({"per_trip", "trainee_per_period"})),
    "objective": (frozenset({"stages"}), frozenset()),
    "stage": (frozenset({"goal"}), frozenset({"tolerance"})),
    "pin": (
        frozenset({"expert", "recipient", "specialty", "start", "months", "mode"}),
        frozenset(),
    ),
    "trainee": (
        frozenset({"id", "recipient", "specialty", "available", "weight"}),
        frozenset({"terms", "starts"}),
    ),
    "plan": (frozenset({"postings"}), frozenset()),  # plans may carry any summary
    "posting": (frozenset({"expert", "recipient", "specialty", "start", "months"}), frozenset()),
    "training": (frozenset({"trainee", "donor", "start", "months"}), frozenset()),
}


#: Optional fields of format version 2, by object kind (a file with ``"version": 2`` may
#: use them; in a version 1 file they are errors that say so).
_V2_FIELDS: dict[str, frozenset[str]] = {
    "scenario": frozenset({"communities", "costs", "budget", "pins", "objective", "trainees"}),
    "horizon": frozenset({"unit"}),
    "donor": frozenset({"group", "seats"}),
    "expert": frozenset({"preferences"}),
    "recipient": frozenset({"leader", "max_donors", "max_donor_groups", "starts", "projects"}),
    "gap": frozenset({"continuous", "handover_weight"}),
}


def _kind_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class DocumentReader(Problems):
    """Reads one document, collecting problems rather than stopping at the first.

    ``version`` is the document's format version: version 2 fields are read only from
    version 2 documents."""

    def __init__(self, version: int = 1) -> None:
        super().__init__()
        self.version = version

    def obj(
        self, value: object, path: str, kind: str, *, open_: bool = False
    ) -> dict[str, Any] | None:
        """Check ``value`` is an object of ``kind``: required fields, no unknown ones."""
        if not isinstance(value, dict):
            self.error(path, f"must be an object, got {_kind_name(value)}")
            return None
        required, optional = _SCHEMA[kind]
        v2 = _V2_FIELDS.get(kind, frozenset())
        if self.version >= 2:
            optional = optional | v2
        for key in getattr(value, "duplicates", ()):
            self.error(_join(path, key), "field given more than once")
        for key in sorted(required - value.keys()):
            self.error(_join(path, key), "required field is missing")
        if not open_:
            for key in value.keys() - required - optional:
                if key in v2:
                    self.error(
                        _join(path, key),
                        'a field of scenario format version 2: add "version": 2 to the '
                        "file to use it",
                    )
                    continue
                allowed = ", ".join(sorted(required | optional))
                self.error(_join(path, key), f"unknown field (allowed: {allowed})")
        return value

    def clean_obj(self, value: object, path: str, kind: str) -> dict[str, Any] | None:
        """:meth:`obj`, but ``None`` also when it noted any problem."""
        mark = self.mark()
        found = self.obj(value, path, kind)
        return found if self.clean_since(mark) else None

    def array(self, value: object, path: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.error(path, f"must be a list, got {_kind_name(value)}")
            return None
        return value

    def number(self, value: object) -> object:
        """Whole-valued floats (``2.0``, as spreadsheets write them) become ints."""
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        return value

    def interval(self, value: object, path: str) -> object:
        if isinstance(value, list) and len(value) == 2:
            return (self.number(value[0]), self.number(value[1]))
        if isinstance(value, list):
            self.error(path, f"must be [from, to), a list of two months; got {len(value)} items")
        else:
            self.error(path, f"must be [from, to), a list of two months; got {_kind_name(value)}")
        return None

    def int_list(self, value: object, path: str) -> object:
        items = self.array(value, path)
        if items is None:
            return None
        return tuple(self.number(v) for v in items)

    def str_list(self, value: object, path: str) -> object:
        items = self.array(value, path)
        if items is None:
            return None
        return tuple(items)

    def enum(self, value: object, path: str, parse: Callable[[Any], Any], choices: str) -> Any:
        try:
            return parse(value)
        except (ValueError, KeyError, TypeError):
            self.error(path, f"unknown value {value!r} (one of: {choices})")
            return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _parse_seniority(value: object) -> Seniority:
    if not isinstance(value, str):
        raise ValueError(value)
    if value != value.lower():
        raise ValueError(value)
    return Seniority.parse(value)


def _seniority_or_raw(value: object) -> Any:
    try:
        return _parse_seniority(value)
    except (ValueError, KeyError, TypeError):
        return value


def check_version(
    doc: dict[str, Any], source: str, supported: tuple[int, ...] = (FORMAT_VERSION,)
) -> int:
    """The document's format version (1 when it has none); raise
    :class:`FormatVersionError` unless it is one of ``supported``."""
    if "version" not in doc:
        return 1
    version = doc["version"]
    if isinstance(version, bool) or version not in supported:
        reads = " and ".join(str(v) for v in supported)
        raise FormatVersionError(
            source,
            [
                Problem(
                    "version",
                    f"unsupported format version {version!r}: this matchaid reads version {reads}",
                )
            ],
        )
    return int(version)


T = TypeVar("T")


def _entities(
    rd: DocumentReader,
    top: dict[str, Any],
    key: str,
    read: Callable[[DocumentReader, Any, str], T | None],
    path: str | None = None,
) -> list[tuple[int, T]]:
    """``(index, entity)`` for each entry of the list ``top[key]`` (at ``path``, default
    ``key``) that ``read`` turned into an entity without noting a problem."""
    if key not in top:
        return []
    path = key if path is None else path
    out = []
    for i, raw in enumerate(rd.array(top[key], path) or []):
        mark = rd.mark()
        entity = read(rd, raw, f"{path}[{i}]")
        if entity is not None and rd.clean_since(mark):
            out.append((i, entity))
    return out


def _donor(rd: DocumentReader, raw: Any, p: str) -> DonorHospital | None:
    mark = rd.mark()
    d = rd.obj(raw, p, "donor")
    if d is None:
        return None
    release = _counts(rd, d.get("release", {}), f"{p}.release")
    seats = _counts(rd, d.get("seats", {}), f"{p}.seats")
    if not rd.clean_since(mark):
        return None
    return DonorHospital(
        id=d["id"],
        name=d["name"],
        city=d["city"],
        release=release,  # type: ignore[arg-type]
        max_away=rd.number(d.get("max_away")),  # type: ignore[arg-type]
        group=d.get("group"),
        seats=seats,  # type: ignore[arg-type]
    )


def _counts(rd: DocumentReader, raw: object, path: str) -> dict[str, object]:
    """An object of specialty: count (a donor's ``release`` or ``seats``)."""
    if not isinstance(raw, dict):
        rd.error(path, f"must be an object of specialty: count, got {_kind_name(raw)}")
        return {}
    for key in getattr(raw, "duplicates", ()):
        rd.error(f"{path}.{key}", "specialty given more than once")
    return {k: rd.number(v) for k, v in raw.items()}


def _trainee(rd: DocumentReader, raw: Any, p: str) -> Trainee | None:
    mark = rd.mark()
    t = rd.clean_obj(raw, p, "trainee")
    if t is None:
        return None
    available = rd.interval(t["available"], f"{p}.available")
    terms = rd.int_list(t["terms"], f"{p}.terms") if t.get("terms") is not None else None
    starts = rd.int_list(t["starts"], f"{p}.starts") if t.get("starts") is not None else None
    if not rd.clean_since(mark):
        return None
    return Trainee(
        id=t["id"],
        recipient=t["recipient"],
        specialty=t["specialty"],
        available=available,  # type: ignore[arg-type]
        weight=t["weight"],
        terms=terms,  # type: ignore[arg-type]
        starts=starts,  # type: ignore[arg-type]
    )


def _expert(rd: DocumentReader, raw: Any, p: str) -> Expert | None:
    mark = rd.mark()
    e = rd.clean_obj(raw, p, "expert")
    if e is None:
        return None
    available = rd.interval(e["available"], f"{p}.available")
    specialties = rd.str_list(e["specialties"], f"{p}.specialties")
    terms = rd.int_list(e["terms"], f"{p}.terms") if e.get("terms") is not None else None
    prefs = rd.str_list(e["preferences"], f"{p}.preferences") if e.get("preferences") else ()
    if not rd.clean_since(mark):
        return None
    # An unknown seniority stays in the entity for check_entities to report, so the
    # expert's other problems are reported too.
    return Expert(
        id=e["id"],
        donor=e["donor"],
        specialties=specialties,  # type: ignore[arg-type]
        seniority=_seniority_or_raw(e["seniority"]),
        available=available,  # type: ignore[arg-type]
        academician=e.get("academician", False),
        can_lead=e.get("can_lead", False),
        terms=terms,  # type: ignore[arg-type]
        max_postings=rd.number(e.get("max_postings")),  # type: ignore[arg-type]
        preferences=prefs,  # type: ignore[arg-type]
    )


def _gap(rd: DocumentReader, raw: Any, p: str) -> DisciplineGap | None:
    mark = rd.mark()
    g = rd.clean_obj(raw, p, "gap")
    if g is None:
        return None
    window = rd.interval(g["window"], f"{p}.window")
    if not rd.clean_since(mark):
        return None
    min_sen = g.get("min_seniority")
    return DisciplineGap(
        specialty=g["specialty"],
        demand=rd.number(g["demand"]),  # type: ignore[arg-type]
        window=window,  # type: ignore[arg-type]
        weight=g["weight"],
        min_seniority=None if min_sen is None else _seniority_or_raw(min_sen),
        continuous=g.get("continuous", False),
        handover_weight=g.get("handover_weight", 0.0),
    )


def _recipient(rd: DocumentReader, raw: Any, p: str) -> RecipientHospital | None:
    mark = rd.mark()
    r = rd.clean_obj(raw, p, "recipient")
    if r is None:
        return None
    level = rd.enum(r["level"], f"{p}.level", Level, "county, prefecture, regional")
    gaps = _entities(rd, r, "gaps", _gap, f"{p}.gaps")
    leader = _leader(rd, r["leader"], f"{p}.leader") if r.get("leader") is not None else None
    starts = rd.int_list(r["starts"], f"{p}.starts") if r.get("starts") is not None else None
    projects = _entities(rd, r, "projects", _project, f"{p}.projects")
    if not rd.clean_since(mark):
        return None
    return RecipientHospital(
        id=r["id"],
        name=r["name"],
        city=r["city"],
        level=level,
        hosting=rd.number(r["hosting"]),  # type: ignore[arg-type]
        gaps=tuple(g for _, g in gaps),
        max_travel_hours=r.get("max_travel_hours"),
        leader=leader,
        max_donors=rd.number(r.get("max_donors")),  # type: ignore[arg-type]
        max_donor_groups=rd.number(r.get("max_donor_groups")),  # type: ignore[arg-type]
        starts=starts,  # type: ignore[arg-type]
        projects=tuple(pj for _, pj in projects),
    )


def _leader(rd: DocumentReader, raw: Any, p: str) -> Leader | None:
    mark = rd.mark()
    ld = rd.clean_obj(raw, p, "leader")
    if ld is None:
        return None
    mode = rd.enum(ld["mode"], f"{p}.mode", LeaderMode, "required, preferred")
    return Leader(mode, ld.get("weight")) if rd.clean_since(mark) else None


def _project(rd: DocumentReader, raw: Any, p: str) -> Project | None:
    mark = rd.mark()
    pj = rd.clean_obj(raw, p, "project")
    if pj is None:
        return None
    needs = pj["needs"]
    if not isinstance(needs, dict):
        rd.error(f"{p}.needs", f"must be an object of specialty: count, got {_kind_name(needs)}")
    else:
        for key in getattr(needs, "duplicates", ()):
            rd.error(f"{p}.needs.{key}", "specialty given more than once")
    window = rd.interval(pj["window"], f"{p}.window")
    if not rd.clean_since(mark):
        return None
    return Project(
        name=pj["name"],
        needs={k: rd.number(v) for k, v in needs.items()},  # type: ignore[misc]
        window=window,  # type: ignore[arg-type]
        weight=pj["weight"],
    )


def _costs(rd: DocumentReader, raw: Any) -> Costs | None:
    mark = rd.mark()
    c = rd.clean_obj(raw, "costs", "costs")
    if c is None:
        return None
    per = c["per_period"]
    if not isinstance(per, dict):
        rd.error(
            "costs.per_period", f"must be an object of seniority: amount, got {_kind_name(per)}"
        )
    else:
        for key in getattr(per, "duplicates", ()):
            rd.error(f"costs.per_period.{key}", "seniority given more than once")
    if not rd.clean_since(mark):
        return None
    return Costs(
        per_period={_seniority_or_raw(k): v for k, v in per.items()},
        per_trip=c.get("per_trip", 0.0),
        trainee_per_period=c.get("trainee_per_period", 0.0),
    )


def _stages(rd: DocumentReader, raw: Any) -> tuple[Stage, ...]:
    obj = rd.clean_obj(raw, "objective", "objective")
    if obj is None:
        return ()
    if isinstance(obj["stages"], list) and not obj["stages"]:
        rd.error("objective.stages", "must list at least one stage")
    return tuple(s for _, s in _entities(rd, obj, "stages", _stage, "objective.stages"))


def _stage(rd: DocumentReader, raw: Any, p: str) -> Stage | None:
    mark = rd.mark()
    st = rd.clean_obj(raw, p, "stage")
    if st is None:
        return None
    goal = rd.enum(st["goal"], f"{p}.goal", Goal, "coverage, fairness, cost")
    return Stage(goal, st.get("tolerance", 0.0)) if rd.clean_since(mark) else None


def _pin(rd: DocumentReader, raw: Any, p: str) -> Pin | None:
    mark = rd.mark()
    pin = rd.clean_obj(raw, p, "pin")
    if pin is None:
        return None
    mode = rd.enum(pin["mode"], f"{p}.mode", PinMode, "fixed, forbidden")
    if not rd.clean_since(mark):
        return None
    return Pin(
        pin["expert"],
        pin["recipient"],
        pin["specialty"],
        rd.number(pin["start"]),  # type: ignore[arg-type]
        rd.number(pin["months"]),  # type: ignore[arg-type]
        mode,
    )


def _community(rd: DocumentReader, raw: Any, p: str) -> Community | None:
    mark = rd.mark()
    cm = rd.clean_obj(raw, p, "community")
    if cm is None:
        return None
    spokes = rd.str_list(cm["spokes"], f"{p}.spokes")
    if not rd.clean_since(mark):
        return None
    return Community(hub=cm["hub"], spokes=spokes, share=cm["share"])  # type: ignore[arg-type]


def _pairing(rd: DocumentReader, raw: Any, p: str) -> Pairing | None:
    mark = rd.mark()
    pr = rd.clean_obj(raw, p, "pairing")
    if pr is None:
        return None
    mode = rd.enum(pr["mode"], f"{p}.mode", PairingMode, "required, preferred, forbidden")
    return Pairing(pr["donor"], pr["recipient"], mode) if rd.clean_since(mark) else None


def _road(rd: DocumentReader, raw: Any, p: str) -> Road | None:
    ed = rd.clean_obj(raw, p, "road")
    return None if ed is None else Road(ed["a"], ed["b"], ed["hours"])


def _network(rd: DocumentReader, top: dict[str, Any]) -> Network | None:
    if "network" not in top:
        return None
    nw = rd.obj(top["network"], "network", "network")
    if nw is None or "edges" not in nw:
        return None
    roads = _entities(rd, nw, "edges", _road, "network.edges")
    return Network(tuple(road for _, road in roads))


def _horizon(rd: DocumentReader, top: dict[str, Any]) -> Horizon | None:
    h = rd.obj(top.get("horizon"), "horizon", "horizon") if "horizon" in top else None
    if h is None or "months" not in h:
        return None
    return Horizon(
        months=rd.number(h["months"]),  # type: ignore[arg-type]
        start_step=rd.number(h.get("start_step", 1)),  # type: ignore[arg-type]
        start=h.get("start"),
        unit=h.get("unit", TimeUnit.MONTH),
    )


def _ids(top: dict[str, Any], key: str) -> set[str]:
    """The ids of a list's entries, also of entries with other problems (so references
    to them are not reported as unknown)."""
    items = top.get(key)
    if not isinstance(items, list):
        return set()
    return {e["id"] for e in items if isinstance(e, dict) and isinstance(e.get("id"), str)}


def scenario_from_document(doc: object, source: str) -> Scenario:
    """Build a :class:`Scenario` from a parsed document, or raise
    :class:`ScenarioError` listing every problem, each with its field path."""
    rd = DocumentReader()
    if isinstance(doc, dict):
        rd.version = check_version(doc, source, SCENARIO_VERSIONS)
    top = rd.obj(doc, "", "scenario")
    if top is None:
        raise ScenarioError(source, rd.problems)
    horizon = _horizon(rd, top)
    terms = rd.int_list(top["terms"], "terms") if "terms" in top else None
    specialties = rd.str_list(top["specialties"], "specialties") if "specialties" in top else None
    for key in ("name", "description"):
        if key in top and not isinstance(top[key], str):
            rd.error(key, f"must be a string, got {_kind_name(top[key])}")
    donors = _entities(rd, top, "donors", _donor)
    experts = _entities(rd, top, "experts", _expert)
    recipients = _entities(rd, top, "recipients", _recipient)
    pairings = _entities(rd, top, "pairings", _pairing)
    network = _network(rd, top)
    communities = _entities(rd, top, "communities", _community)
    costs = _costs(rd, top["costs"]) if top.get("costs") is not None else None
    pins = _entities(rd, top, "pins", _pin)
    trainees = _entities(rd, top, "trainees", _trainee)
    stages = _stages(rd, top["objective"]) if top.get("objective") is not None else ()
    budget = rd.number(top.get("budget"))
    if rd.problems:
        # Shape problems: report them with the range/reference problems of whatever
        # could still be read, so the user sees everything in one go.
        known = {"donor": _ids(top, "donors"), "recipient": _ids(top, "recipients")}
        more = check_entities(
            horizon,
            terms,
            donors,
            experts,
            recipients,
            pairings,
            network,
            specialties,
            communities,
            costs=costs,
            budget=budget,
            pins=pins,
            stages=stages,
            trainees=trainees,
            known_ids=known,
        )
        if terms is None:  # already reported as missing or malformed
            more = [m for m in more if not m.path.startswith("terms")]
        raise ScenarioError(source, _in_document_order(rd.problems + more))
    assert horizon is not None
    try:
        scenario = Scenario(
            horizon=horizon,
            terms=terms,  # type: ignore[arg-type]
            donors=tuple(d for _, d in donors),
            experts=tuple(e for _, e in experts),
            recipients=tuple(r for _, r in recipients),
            pairings=tuple(pr for _, pr in pairings),
            network=network,
            specialties=specialties,  # type: ignore[arg-type]
            name=top.get("name"),
            description=top.get("description"),
            communities=tuple(cm for _, cm in communities),
            costs=costs,
            budget=budget,  # type: ignore[arg-type]
            pins=tuple(pin for _, pin in pins),
            stages=stages,
            trainees=tuple(t for _, t in trainees),
        )
    except ScenarioError as exc:
        raise ScenarioError(source, exc.problems) from None
    if scenario.pins:
        from matchaid.validation.pins import pin_problems

        problems = pin_problems(scenario)
        if problems:
            raise ScenarioError(source, problems)
    return scenario


_ORDER = (
    "version",
    "name",
    "description",
    "horizon",
    "terms",
    "specialties",
    "donors",
    "experts",
    "recipients",
    "pairings",
    "network",
    "communities",
    "trainees",
    "costs",
    "budget",
    "pins",
    "objective",
)


def _in_document_order(problems: list[Problem]) -> list[Problem]:
    def key(p: Problem) -> tuple[int, list[int], str]:
        head = p.path.split(".", 1)[0].split("[", 1)[0]
        rank = _ORDER.index(head) if head in _ORDER else len(_ORDER)
        numbers = [int(n) for n in _numbers(p.path)]
        return rank, numbers, p.path

    return sorted(problems, key=key)


def _numbers(path: str) -> list[str]:
    out: list[str] = []
    for chunk in path.split("[")[1:]:
        digits = chunk.split("]", 1)[0]
        if digits.isdigit():
            out.append(digits)
    return out


def scenario_to_document(scenario: Scenario) -> dict[str, Any]:
    """The document of ``scenario`` (what :func:`matchaid.save_scenario` writes), of the
    lowest format version it needs.

    Optional fields are written only when set, so a loaded file writes back as it was.
    """
    doc: dict[str, Any] = {"version": scenario.format_version}
    if scenario.name is not None:
        doc["name"] = scenario.name
    if scenario.description is not None:
        doc["description"] = scenario.description
    h = scenario.horizon
    horizon: dict[str, Any] = {"months": h.months}
    if h.start is not None:
        horizon["start"] = h.start
    horizon["start_step"] = h.start_step
    if h.unit is not TimeUnit.MONTH:
        horizon["unit"] = h.unit.value
    doc["horizon"] = horizon
    doc["terms"] = list(scenario.terms)
    if scenario.specialties is not None:
        doc["specialties"] = list(scenario.specialties)
    doc["donors"] = [_donor_doc(d) for d in scenario.donors]
    doc["experts"] = [_expert_doc(e) for e in scenario.experts]
    doc["recipients"] = [_recipient_doc(r) for r in scenario.recipients]
    doc["pairings"] = [
        {"donor": p.donor, "recipient": p.recipient, "mode": p.mode.value}
        for p in scenario.pairings
    ]
    if scenario.network is not None:
        doc["network"] = {
            "edges": [{"a": r.a, "b": r.b, "hours": r.hours} for r in scenario.network.edges]
        }
    doc.update(_programme_doc(scenario))
    return doc


def _donor_doc(d: DonorHospital) -> dict[str, Any]:
    dd: dict[str, Any] = {"id": d.id, "name": d.name, "city": d.city, "release": dict(d.release)}
    if d.max_away is not None:
        dd["max_away"] = d.max_away
    if d.group is not None:
        dd["group"] = d.group
    if d.seats:
        dd["seats"] = dict(d.seats)
    return dd


def _expert_doc(e: Expert) -> dict[str, Any]:
    ed: dict[str, Any] = {
        "id": e.id,
        "donor": e.donor,
        "specialties": list(e.specialties),
        "seniority": e.seniority.label,
        "academician": e.academician,
        "can_lead": e.can_lead,
        "available": list(e.available),
    }
    if e.terms is not None:
        ed["terms"] = list(e.terms)
    if e.max_postings is not None:
        ed["max_postings"] = e.max_postings
    if e.preferences:
        ed["preferences"] = list(e.preferences)
    return ed


def _recipient_doc(r: RecipientHospital) -> dict[str, Any]:
    rd: dict[str, Any] = {
        "id": r.id,
        "name": r.name,
        "city": r.city,
        "level": r.level.value,
        "hosting": r.hosting,
    }
    if r.max_travel_hours is not None:
        rd["max_travel_hours"] = r.max_travel_hours
    rd.update(_recipient_v2(r))
    rd["gaps"] = [_gap_doc(g) for g in r.gaps]
    if r.projects:
        rd["projects"] = [
            {
                "name": pj.name,
                "needs": dict(pj.needs),
                "window": list(pj.window),
                "weight": pj.weight,
            }
            for pj in r.projects
        ]
    return rd


def _gap_doc(g: DisciplineGap) -> dict[str, Any]:
    gd: dict[str, Any] = {
        "specialty": g.specialty,
        "demand": g.demand,
        "window": list(g.window),
        "weight": g.weight,
    }
    if g.min_seniority is not None:
        gd["min_seniority"] = g.min_seniority.label
    if g.continuous:
        gd["continuous"] = True
    if g.handover_weight:
        gd["handover_weight"] = g.handover_weight
    return gd


def _programme_doc(scenario: Scenario) -> dict[str, Any]:
    """The top-level fields of format v2 that are set."""
    out: dict[str, Any] = {}
    if scenario.costs is not None:
        c = scenario.costs
        out["costs"] = {
            "per_period": {rank.label: c.per_period[rank] for rank in Seniority},
            "per_trip": c.per_trip,
            "trainee_per_period": c.trainee_per_period,
        }
    if scenario.budget is not None:
        out["budget"] = scenario.budget
    if scenario.stages:
        out["objective"] = {
            "stages": [{"goal": st.goal.value, "tolerance": st.tolerance} for st in scenario.stages]
        }
    if scenario.pins:
        out["pins"] = [
            {
                "expert": p.expert,
                "recipient": p.recipient,
                "specialty": p.specialty,
                "start": p.start,
                "months": p.months,
                "mode": p.mode.value,
            }
            for p in scenario.pins
        ]
    if scenario.communities:
        out["communities"] = [
            {"hub": cm.hub, "spokes": list(cm.spokes), "share": cm.share}
            for cm in scenario.communities
        ]
    if scenario.trainees:
        out["trainees"] = [_trainee_doc(t) for t in scenario.trainees]
    return out


def _trainee_doc(t: Trainee) -> dict[str, Any]:
    td: dict[str, Any] = {
        "id": t.id,
        "recipient": t.recipient,
        "specialty": t.specialty,
        "available": list(t.available),
        "weight": t.weight,
    }
    if t.terms is not None:
        td["terms"] = list(t.terms)
    if t.starts is not None:
        td["starts"] = list(t.starts)
    return td


def _recipient_v2(r: RecipientHospital) -> dict[str, Any]:
    """The format v2 fields of ``r`` that are set (written before its gaps)."""
    out: dict[str, Any] = {}
    if r.leader is not None:
        out["leader"] = {"mode": r.leader.mode.value}
        if r.leader.weight is not None:
            out["leader"]["weight"] = r.leader.weight
    for key in ("max_donors", "max_donor_groups"):
        if getattr(r, key) is not None:
            out[key] = getattr(r, key)
    if r.starts is not None:
        out["starts"] = list(r.starts)
    return out
