"""The domain model: who can give aid, who needs it, and the rules of the programme.

Build a :class:`Scenario` from the entities below (or load one with
:func:`matchaid.load_scenario`). Every entity is an immutable value; a scenario checks
itself once, as a whole, when it is created, and raises :class:`~matchaid.ScenarioError`
listing every problem with its field path (``experts[3].donor``). Change a scenario with
:func:`dataclasses.replace`, which checks the new one again.

Months are whole numbers ``0 .. H-1`` on the scenario's :class:`Horizon`; every interval
(an expert's availability, a gap's window) is half-open, ``[from, to)``.

>>> h = Horizon(months=12)
>>> d = DonorHospital("D0", "Ruijin Hospital", "Shanghai", release={"cardiology": 1})
>>> e = Expert("E0", "D0", ("cardiology",), Seniority.CHIEF, available=(0, 12))
>>> g = DisciplineGap("cardiology", demand=1, window=(0, 12), weight=5)
>>> r = RecipientHospital("R0", "Ceheng County People's Hospital", "Ceheng",
...                       Level.COUNTY, hosting=2, gaps=(g,))
>>> s = Scenario(horizon=h, terms=(3, 6), donors=(d,), experts=(e,), recipients=(r,))
>>> s.expert("E0").primary
'cardiology'
"""

from __future__ import annotations

import contextlib
import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Any

from matchaid.exceptions import Problem, Problems, ScenarioError
from matchaid.posting import Posting, Training

__all__ = [
    "MAX_BUDGET",
    "MAX_COST",
    "MAX_COUNT",
    "MAX_HOURS",
    "MAX_PERIODS",
    "MAX_WEIGHTED_DEMAND",
    "Community",
    "Costs",
    "DisciplineGap",
    "DonorHospital",
    "Expert",
    "Goal",
    "Horizon",
    "Leader",
    "LeaderMode",
    "Level",
    "Network",
    "Pairing",
    "PairingMode",
    "Past",
    "Pin",
    "PinMode",
    "Project",
    "RecipientHospital",
    "Road",
    "Scenario",
    "Seniority",
    "Stage",
    "TimeUnit",
    "Trainee",
    "scenario_warnings",
]

# The largest values a scenario may hold. CP-SAT works in 64-bit integers and matchaid
# states every weight in thousandths (``matchaid.program.WEIGHT_SCALE``); these limits keep
# every count, sum and objective exact with room to spare, and keep per-period arrays to
# a size a machine holds.

#: Most periods in a horizon (``horizon.months``): 10,000 days is 27 years.
MAX_PERIODS = 10_000
#: Largest count of people: ``hosting``, ``demand``, ``release``, ``max_away``,
#: ``max_postings``.
MAX_COUNT = 1_000_000
#: Longest road in hours (a network's ``hours``) and longest ``max_travel_hours``.
MAX_HOURS = 100_000
#: Largest cost amount (``costs.per_period``, ``per_trip``, ``trainee_per_period``).
MAX_COST = 10**9
#: Largest ``budget``: in thousandths it stays below 2^53.
MAX_BUDGET = 10**12
#: Largest weighted demand of a scenario, the sum over gaps of ``weight x demand x window
#: length``: the best possible objective. Scaled by 1,000 it stays below 2^53, so the
#: integer objective is exact in CP-SAT's int64 and in any JSON reader's doubles.
MAX_WEIGHTED_DEMAND = 10**12


class Seniority(IntEnum):
    """Clinical rank, ordered: a gap's ``min_seniority`` accepts that rank and above.

    Academicians are flagged separately (:attr:`Expert.academician`); they hold a rank
    on this scale like everyone else.
    """

    RESIDENT = 0
    """A doctor in residency training."""
    ATTENDING = 1
    """An attending physician (主治医师)."""
    ASSOCIATE_CHIEF = 2
    """An associate chief physician (副主任医师)."""
    CHIEF = 3
    """A chief physician (主任医师)."""

    @property
    def label(self) -> str:
        """The name used in scenario files, e.g. ``"associate_chief"``."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: Seniority | str) -> Seniority:
        """Read a seniority from its file label; raise ``ValueError`` if unknown."""
        if isinstance(value, Seniority):
            return value
        if isinstance(value, str) and value.upper() in cls.__members__:
            return cls[value.upper()]
        raise ValueError(f"unknown seniority {value!r}")


class _LabelledEnum(StrEnum):
    """A string enum whose value is its label in scenario files."""

    def __str__(self) -> str:
        return str(self.value)


class Level(_LabelledEnum):
    """Administrative level of a recipient hospital."""

    COUNTY = "county"
    """A county hospital or primary institution."""
    PREFECTURE = "prefecture"
    """A prefecture- or city-level hospital."""
    REGIONAL = "regional"
    """A regional (provincial) hospital or regional medical centre."""


class PairingMode(_LabelledEnum):
    """How a counterpart pairing constrains who may serve a recipient."""

    REQUIRED = "required"
    """The recipient may be served only by donors it has a required pairing with."""
    PREFERRED = "preferred"
    """The donor may serve the recipient and the planner prefers it to."""
    FORBIDDEN = "forbidden"
    """The donor may never serve the recipient."""


class TimeUnit(_LabelledEnum):
    """What one period of the horizon is (format v2 ``horizon.unit``): a label for
    reports and the command line; every time figure of a scenario is in this unit."""

    MONTH = "month"
    WEEK = "week"
    DAY = "day"


class Goal(_LabelledEnum):
    """A goal of a lexicographic objective stage (format v2 ``objective.stages``)."""

    COVERAGE = "coverage"
    """The primary objective (weighted coverage plus the programme rules' terms),
    maximised."""
    FAIRNESS = "fairness"
    """The least share of weighted demand covered at any recipient with an eligible
    posting, maximised."""
    COST = "cost"
    """The plan's total cost, minimised (needs ``costs``)."""


class PinMode(_LabelledEnum):
    """What a pin says of its posting (format v2 ``pins[].mode``)."""

    FIXED = "fixed"
    """The posting is in every plan (already decided)."""
    FORBIDDEN = "forbidden"
    """The posting is in no plan."""


class LeaderMode(_LabelledEnum):
    """How a recipient's leader rule binds (format v2 ``recipients[].leader.mode``)."""

    REQUIRED = "required"
    """In every period the recipient hosts anyone, someone posted there can lead."""
    PREFERRED = "preferred"
    """Each period hosting someone and no leader costs the rule's ``weight``."""


def _frozen_tuple(obj: object, name: str) -> None:
    value = getattr(obj, name)
    if isinstance(value, list):
        object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True, slots=True)
class Horizon:
    """The planning horizon.

    Parameters
    ----------
    months
        Number of months ``H``; months are numbered ``0 .. H-1``.
    start_step
        Postings may start only in months that are multiples of this (1: any month).
    start
        Optional calendar label of month 0, such as ``"2027-01"``.
    unit
        What one period is (format v2): ``month`` (the default), ``week`` or ``day``.
        ``months`` keeps its name and counts periods of this unit.
    """

    months: int
    start_step: int = 1
    start: str | None = None
    unit: TimeUnit = TimeUnit.MONTH

    def __post_init__(self) -> None:
        if isinstance(self.unit, str) and not isinstance(self.unit, TimeUnit):
            with contextlib.suppress(ValueError):
                object.__setattr__(self, "unit", TimeUnit(self.unit))

    def month_label(self, month: int) -> str:
        """A readable name for ``month``: ``"2027-03"`` when :attr:`start` is a
        ``YYYY-MM`` label and periods are months, else ``"m3"`` (``"w3"``, ``"d3"`` for
        weeks and days).

        >>> Horizon(12, start="2027-11").month_label(3)
        '2028-02'
        >>> Horizon(12, unit=TimeUnit.WEEK).month_label(3)
        'w3'
        """
        if self.unit is not TimeUnit.MONTH:
            return f"{str(self.unit.value)[0]}{month}"
        if self.start and len(self.start) == 7 and self.start[4] == "-":
            try:
                year, mon = int(self.start[:4]), int(self.start[5:])
            except ValueError:
                return f"m{month}"
            if 1 <= mon <= 12:
                total = year * 12 + (mon - 1) + month
                return f"{total // 12:04d}-{total % 12 + 1:02d}"
        return f"m{month}"


@dataclass(frozen=True, slots=True)
class DonorHospital:
    """A hospital that sends experts.

    Parameters
    ----------
    id, name, city
        Identifier (unique among donors), display name and city (a node of the
        scenario's :class:`Network` when travel limits are used).
    release
        Department (an expert's primary specialty) -> the most experts of that
        department who may be away at once. A department not listed has no limit.
    max_away
        Optional cap on all of the donor's experts away at once.
    group
        Optional group (format v2), such as the donor's province; a donor without one is
        a group of its own. ``max_donor_groups`` counts groups.
    seats
        Format v2: specialty -> trainees of that specialty it can train at once. A
        specialty not listed has no seats.
    """

    id: str
    name: str
    city: str
    release: Mapping[str, int] = field(default_factory=dict)
    max_away: int | None = None
    group: str | None = None
    seats: Mapping[str, int] = field(default_factory=dict)

    @property
    def group_key(self) -> str:
        """The group it counts in: :attr:`group`, or its own id when it has none."""
        return f"group:{self.group}" if self.group is not None else f"donor:{self.id}"

    def __post_init__(self) -> None:
        for name in ("release", "seats"):
            value = getattr(self, name)
            if isinstance(value, Mapping) and not isinstance(value, MappingProxyType):
                object.__setattr__(self, name, MappingProxyType(dict(value)))


@dataclass(frozen=True, slots=True)
class Expert:
    """A doctor who can be posted to a recipient hospital.

    Parameters
    ----------
    id, donor
        Identifier (unique among experts) and the id of the employing donor hospital.
    specialties
        Primary specialty first (it names the expert's department), then any others.
    seniority
        Clinical rank.
    available
        ``(from, to)``: the months the expert can be away, half-open.
    academician, can_lead
        Flags: an academician; able to lead a team.
    terms
        Rotation lengths in months the expert accepts; ``None`` uses the scenario's.
    max_postings
        Optional cap on the number of postings over the horizon.
    preferences
        Format v2: recipient ids the expert would like to serve, best first.
    """

    id: str
    donor: str
    specialties: tuple[str, ...]
    seniority: Seniority
    available: tuple[int, int]
    academician: bool = False
    can_lead: bool = False
    terms: tuple[int, ...] | None = None
    max_postings: int | None = None
    preferences: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("specialties", "available", "terms", "preferences"):
            _frozen_tuple(self, name)
        if isinstance(self.seniority, str):
            try:
                object.__setattr__(self, "seniority", Seniority.parse(self.seniority))
            except ValueError:
                pass  # reported by the scenario check, with its field path

    @property
    def primary(self) -> str:
        """The primary specialty, which is also the expert's department."""
        return self.specialties[0]


@dataclass(frozen=True, slots=True)
class DisciplineGap:
    """A specialty a recipient hospital lacks or wants to build.

    Parameters
    ----------
    specialty
        The discipline; at most one gap per specialty per recipient.
    demand
        Experts wanted present in each month of the window.
    window
        ``(from, to)``: the months the gap is to be covered, half-open.
    weight
        Priority (> 0): one covered expert-month is worth ``weight``.
    min_seniority
        Lowest acceptable rank, or ``None`` for any.
    continuous
        Format v2: once someone is present for the gap in a period of its window,
        someone is present in every later period of the window.
    handover_weight
        Format v2 (>= 0): added to the primary objective for each handover period, a
        period ``t`` with ``t`` and ``t+1`` in the window where one posting for the gap
        ends at ``t`` and another is active in both ``t`` and ``t+1``.
    """

    specialty: str
    demand: int
    window: tuple[int, int]
    weight: float
    min_seniority: Seniority | None = None
    continuous: bool = False
    handover_weight: float = 0.0

    def __post_init__(self) -> None:
        _frozen_tuple(self, "window")
        if isinstance(self.min_seniority, str):
            with contextlib.suppress(ValueError):
                object.__setattr__(self, "min_seniority", Seniority.parse(self.min_seniority))

    @property
    def demand_months(self) -> int:
        """Expert-months wanted over the whole window."""
        return self.demand * (self.window[1] - self.window[0])


@dataclass(frozen=True, slots=True)
class Leader:
    """A recipient's leader rule (format v2 ``recipients[].leader``).

    ``leaders(r, t)`` counts the postings at the recipient active in period ``t`` whose
    expert has ``can_lead``. ``required``: in every period it hosts anyone, also
    ``leaders >= 1``. ``preferred``: each period it hosts anyone and ``leaders = 0``
    subtracts ``weight`` (> 0) from the primary objective.
    """

    mode: LeaderMode
    weight: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.mode, str) and not isinstance(self.mode, LeaderMode):
            with contextlib.suppress(ValueError):
                object.__setattr__(self, "mode", LeaderMode(self.mode))


@dataclass(frozen=True, slots=True)
class Project:
    """A multi-specialty project of a recipient (format v2 ``recipients[].projects``),
    such as a chest-pain centre.

    A period ``t`` of ``window`` *counts* when, for every needed specialty ``s``, the
    postings active in ``t`` for the recipient's gap in ``s`` number at least
    ``needs[s]``; each counted period adds ``weight`` (> 0) to the primary objective.
    """

    name: str
    needs: Mapping[str, int]
    window: tuple[int, int]
    weight: float

    def __post_init__(self) -> None:
        _frozen_tuple(self, "window")
        if isinstance(self.needs, Mapping) and not isinstance(self.needs, MappingProxyType):
            object.__setattr__(self, "needs", MappingProxyType(dict(self.needs)))


@dataclass(frozen=True, slots=True)
class RecipientHospital:
    """A hospital that receives aid.

    Parameters
    ----------
    id, name, city
        Identifier (unique among recipients), display name and city.
    level
        County, prefecture or regional.
    hosting
        The most visiting experts it can house at once.
    gaps
        Its discipline gaps.
    max_travel_hours
        Optional: only donors whose city is within this many hours (shortest path on
        the scenario's network) may serve it.
    leader
        Format v2: its :class:`Leader` rule, or ``None``.
    max_donors, max_donor_groups
        Format v2 (>= 1): the donors (groups of donors) of all experts posted here over
        the whole horizon number at most this.
    starts
        Format v2: postings here may start only in these periods (besides being a
        multiple of ``start_step``), so that a team arrives together.
    projects
        Format v2: its multi-specialty :class:`Project` s.
    """

    id: str
    name: str
    city: str
    level: Level
    hosting: int
    gaps: tuple[DisciplineGap, ...] = ()
    max_travel_hours: float | None = None
    leader: Leader | None = None
    max_donors: int | None = None
    max_donor_groups: int | None = None
    starts: tuple[int, ...] | None = None
    projects: tuple[Project, ...] = ()

    def __post_init__(self) -> None:
        for name in ("gaps", "starts", "projects"):
            _frozen_tuple(self, name)
        if isinstance(self.level, str) and not isinstance(self.level, Level):
            with contextlib.suppress(ValueError):
                object.__setattr__(self, "level", Level(self.level))

    def gap(self, specialty: str) -> DisciplineGap | None:
        """The gap in ``specialty``, or ``None``."""
        for g in self.gaps:
            if g.specialty == specialty:
                return g
        return None


@dataclass(frozen=True, slots=True)
class Pairing:
    """A counterpart pairing between a donor and a recipient."""

    donor: str
    recipient: str
    mode: PairingMode

    def __post_init__(self) -> None:
        if isinstance(self.mode, str) and not isinstance(self.mode, PairingMode):
            with contextlib.suppress(ValueError):
                object.__setattr__(self, "mode", PairingMode(self.mode))


@dataclass(frozen=True, slots=True)
class Road:
    """An undirected link between two cities taking ``hours`` to travel."""

    a: str
    b: str
    hours: float


@dataclass(frozen=True, slots=True)
class Network:
    """The transport network: travel time between cities is the shortest path."""

    edges: tuple[Road, ...] = ()

    def __post_init__(self) -> None:
        _frozen_tuple(self, "edges")

    def travel_hours(self, origin: str, targets: Iterable[str] | None = None) -> dict[str, float]:
        """Shortest travel hours from ``origin`` to every reachable city.

        A city is 0 hours from itself even if it has no roads. Cities that cannot be
        reached are absent from the result.

        >>> n = Network((Road("A", "B", 2.0), Road("B", "C", 1.5)))
        >>> n.travel_hours("A")["C"]
        3.5
        """
        import networkx as nx

        graph = nx.Graph()
        for road in self.edges:
            if graph.has_edge(road.a, road.b):
                hours = min(graph[road.a][road.b]["hours"], road.hours)
                graph[road.a][road.b]["hours"] = hours
            else:
                graph.add_edge(road.a, road.b, hours=road.hours)
        if origin not in graph:
            return {origin: 0.0}
        lengths = nx.single_source_dijkstra_path_length(graph, origin, weight="hours")
        result = {city: float(h) for city, h in lengths.items()}
        if targets is not None:
            wanted = set(targets)
            result = {c: h for c, h in result.items() if c in wanted}
        return result


@dataclass(frozen=True, slots=True)
class Community:
    """A medical community (format v2 ``communities[]``): a hub hospital and its spokes.

    For a gap ``g`` at a spoke whose hub has a gap ``h`` in the same specialty, coverage
    becomes ``min(demand_g, present(g, t) + share x present(h, t))``: a hub expert
    counts ``share`` of an expert at each spoke. ``0 < share <= 1``, at most two
    decimals.
    """

    hub: str
    spokes: tuple[str, ...]
    share: float

    def __post_init__(self) -> None:
        _frozen_tuple(self, "spokes")


@dataclass(frozen=True, slots=True)
class Pin:
    """A posting decided in advance (format v2 ``pins[]``): ``fixed`` ones are in every
    plan and must be eligible postings; ``forbidden`` ones are in none."""

    expert: str
    recipient: str
    specialty: str
    start: int
    months: int
    mode: PinMode

    def __post_init__(self) -> None:
        if isinstance(self.mode, str) and not isinstance(self.mode, PinMode):
            with contextlib.suppress(ValueError):
                object.__setattr__(self, "mode", PinMode(self.mode))

    @property
    def posting(self) -> Posting:
        """The posting it pins."""
        return Posting(self.expert, self.recipient, self.specialty, self.start, self.months)


@dataclass(frozen=True, slots=True)
class Trainee:
    """A doctor of a recipient hospital who can train at a donor (format v2
    ``trainees[]``, the reverse flow).

    Parameters
    ----------
    id
        Identifier (unique among trainees).
    recipient
        The trainee's home hospital: pairings are read between it and the donor.
    specialty
        What the trainee trains in: a donor needs a seat in it.
    available
        ``(from, to)``: the periods the trainee can be away, half-open.
    weight
        Each period of a placement adds ``weight`` to the primary objective (> 0).
    terms
        Placement lengths in periods; ``None`` uses the scenario's terms.
    starts
        Optional allowed start periods (a cohort date); ``None``: any multiple of
        ``start_step``.
    """

    id: str
    recipient: str
    specialty: str
    available: tuple[int, int]
    weight: float
    terms: tuple[int, ...] | None = None
    starts: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("available", "terms", "starts"):
            _frozen_tuple(self, name)


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a lexicographic objective: its goal, and how far (a share of its
    optimum, 0 to 1) later stages may move it."""

    goal: Goal
    tolerance: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.goal, str) and not isinstance(self.goal, Goal):
            with contextlib.suppress(ValueError):
                object.__setattr__(self, "goal", Goal(self.goal))


@dataclass(frozen=True, slots=True)
class Past:
    """What has already happened when re-planning (:func:`matchaid.replan`): the
    postings and training placements of the old plan that started before ``now``, each
    kept exactly (a withdrawn expert's posting cut at the withdrawal).

    A scenario with a past is planned from ``now`` on: its plans hold every past
    posting and placement, exempt from eligibility (they happened), and every other one
    starts at ``now`` or later; rules that hold period by period (capacities, leaders,
    continuity) bind from ``now`` on, while rules over the whole horizon
    (``max_postings``, cohesion, budget) and the objective count the past too.
    """

    now: int
    postings: tuple[Posting, ...] = ()
    trainings: tuple[Training, ...] = ()

    def __post_init__(self) -> None:
        for name in ("postings", "trainings"):
            _frozen_tuple(self, name)


@dataclass(frozen=True, slots=True)
class Costs:
    """What postings cost (format v2 ``costs``; all amounts >= 0).

    A posting costs ``per_trip + periods x per_period[expert's seniority]``; a trainee's
    placement ``per_trip + periods x trainee_per_period``.
    """

    per_period: Mapping[Seniority, float]
    per_trip: float = 0.0
    trainee_per_period: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.per_period, Mapping) and not isinstance(
            self.per_period, MappingProxyType
        ):
            parsed: dict[Any, Any] = {}
            for key, value in self.per_period.items():
                try:
                    parsed[Seniority.parse(key)] = value
                except ValueError:
                    parsed[key] = value  # reported by the scenario check
            object.__setattr__(self, "per_period", MappingProxyType(parsed))

    def posting(self, seniority: Seniority, periods: int) -> float:
        """The cost of a posting of ``periods`` by an expert of ``seniority``."""
        return float(self.per_trip) + periods * float(self.per_period[seniority])


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole planning problem, checked once when created.

    Parameters
    ----------
    horizon
        The planning horizon.
    terms
        Default rotation lengths in months (an expert may override them).
    donors, experts, recipients, pairings
        The entities, in file order (field paths in error messages index them).
    network
        Optional transport network, needed when a recipient sets ``max_travel_hours``.
    specialties
        Optional declared list of specialties; when given, every specialty named
        anywhere must be in it.
    name, description
        Optional free text shown in reports.
    communities
        Format v2: medical communities (hub and spokes).
    costs, budget
        Format v2: what postings cost, and the most the whole plan may cost (needs
        ``costs``).
    pins
        Format v2: postings fixed in every plan or forbidden in all.
    stages
        Format v2 ``objective.stages``: the goals in their order; empty means coverage
        alone.
    trainees
        Format v2: doctors of recipient hospitals who can train at donors with seats.
    past
        When re-planning: what already happened (see :class:`Past`); never read from
        or written to a scenario file.

    Raises
    ------
    ScenarioError
        Listing every problem found, each with its field path.
    """

    horizon: Horizon
    terms: tuple[int, ...]
    donors: tuple[DonorHospital, ...]
    experts: tuple[Expert, ...]
    recipients: tuple[RecipientHospital, ...]
    pairings: tuple[Pairing, ...] = ()
    network: Network | None = None
    specialties: tuple[str, ...] | None = None
    name: str | None = None
    description: str | None = None
    communities: tuple[Community, ...] = ()
    costs: Costs | None = None
    budget: float | None = None
    pins: tuple[Pin, ...] = ()
    stages: tuple[Stage, ...] = ()
    trainees: tuple[Trainee, ...] = ()
    past: Past | None = None
    _index: dict[str, dict[str, Any]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for name in (
            "terms",
            "donors",
            "experts",
            "recipients",
            "pairings",
            "specialties",
            "communities",
            "pins",
            "stages",
            "trainees",
        ):
            _frozen_tuple(self, name)
        errors = check_entities(
            self.horizon,
            self.terms,
            list(enumerate(self.donors)),
            list(enumerate(self.experts)),
            list(enumerate(self.recipients)),
            list(enumerate(self.pairings)),
            self.network,
            self.specialties,
            list(enumerate(self.communities)),
            costs=self.costs,
            budget=self.budget,
            pins=list(enumerate(self.pins)),
            stages=self.stages,
            trainees=list(enumerate(self.trainees)),
        )
        if self.past is not None and not errors:
            errors.extend(_past_problems(self))
        if errors:
            raise ScenarioError("<scenario>", errors)
        index: dict[str, dict[str, Any]] = {
            "donor": {d.id: d for d in self.donors},
            "expert": {e.id: e for e in self.experts},
            "recipient": {r.id: r for r in self.recipients},
            "trainee": {t.id: t for t in self.trainees},
        }
        self._index.update(index)

    # -- look-ups -----------------------------------------------------------------
    def donor(self, donor_id: str) -> DonorHospital:
        """The donor with this id (``KeyError`` if none)."""
        return self._index["donor"][donor_id]  # type: ignore[no-any-return]

    def expert(self, expert_id: str) -> Expert:
        """The expert with this id (``KeyError`` if none)."""
        return self._index["expert"][expert_id]  # type: ignore[no-any-return]

    def recipient(self, recipient_id: str) -> RecipientHospital:
        """The recipient with this id (``KeyError`` if none)."""
        return self._index["recipient"][recipient_id]  # type: ignore[no-any-return]

    def trainee(self, trainee_id: str) -> Trainee:
        """The trainee with this id (``KeyError`` if none)."""
        return self._index["trainee"][trainee_id]  # type: ignore[no-any-return]

    def terms_of(self, person: Expert | Trainee) -> tuple[int, ...]:
        """The rotation (or placement) lengths ``person`` accepts."""
        return person.terms if person.terms is not None else self.terms

    @property
    def gaps(self) -> tuple[tuple[RecipientHospital, DisciplineGap], ...]:
        """Every (recipient, gap) pair, recipients in order, gaps in order."""
        return tuple((r, g) for r in self.recipients for g in r.gaps)

    def hub_of(self, recipient_id: str) -> tuple[str, float] | None:
        """``(hub id, share)`` of the community ``recipient_id`` is a spoke of, or
        ``None``."""
        for cm in self.communities:
            if recipient_id in cm.spokes:
                return cm.hub, cm.share
        return None

    @property
    def format_version(self) -> int:
        """The scenario format version its fields need: 2 when it uses any field of
        format v2, else 1."""
        v2 = (
            self.communities
            or self.costs is not None
            or self.budget is not None
            or self.pins
            or self.stages
            or self.trainees
            or any(e.preferences for e in self.experts)
            or self.horizon.unit is not TimeUnit.MONTH
            or any(d.group is not None or d.seats for d in self.donors)
            or any(
                r.leader is not None
                or r.max_donors is not None
                or r.max_donor_groups is not None
                or r.starts is not None
                or r.projects
                or any(g.continuous or g.handover_weight for g in r.gaps)
                for r in self.recipients
            )
        )
        return 2 if v2 else 1

    @property
    def all_specialties(self) -> tuple[str, ...]:
        """The declared specialties, or else every specialty named by an expert or a
        gap, in order of first mention."""
        if self.specialties is not None:
            return self.specialties
        return _mentioned_specialties(self.experts, self.recipients)


# ---------------------------------------------------------------------------------
# The one place that checks a scenario.


def _mentioned_specialties(
    experts: Iterable[Expert], recipients: Iterable[RecipientHospital]
) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for e in experts:
        if isinstance(e.specialties, tuple):
            for s in e.specialties:
                if isinstance(s, str):
                    seen.setdefault(s, None)
    for r in recipients:
        if isinstance(r.gaps, tuple):
            for g in r.gaps:
                if isinstance(g, DisciplineGap) and isinstance(g.specialty, str):
                    seen.setdefault(g.specialty, None)
    return tuple(seen)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Checker(Problems):
    """Collects problems; each method checks one kind of value at one path."""

    def integer(
        self, path: str, value: object, minimum: int, what: str = "", maximum: int = MAX_COUNT
    ) -> bool:
        """A whole number in ``[minimum, maximum]``; ``what`` names its unit (" of
        experts")."""
        if not _is_int(value):
            self.error(path, f"must be a whole number{what}, got {_describe(value)}")
            return False
        assert isinstance(value, int)
        if not minimum <= value <= maximum:
            self.error(
                path,
                f"must be a whole number{what} from {minimum} to {maximum:,}, got "
                f"{_describe(value)}",
            )
            return False
        return True

    def text(self, path: str, value: object) -> bool:
        if not isinstance(value, str):
            self.error(path, f"must be a string, got {_describe(value)}")
            return False
        if not value.strip():
            self.error(path, "must not be empty")
            return False
        if value != value.strip():
            self.error(path, f"must not start or end with white space: {value!r}")
            return False
        return True

    def identifier(self, path: str, value: object, seen: dict[str, str]) -> bool:
        if not self.text(path, value):
            return False
        assert isinstance(value, str)
        if value in seen:
            self.error(path, f"duplicate id {value!r} (first used at {seen[value]})")
            return False
        seen[value] = path
        return True

    def interval(self, path: str, value: object, months: int | None, what: str) -> bool:
        if not isinstance(value, tuple) or len(value) != 2 or not all(_is_int(v) for v in value):
            self.error(path, f"must be [from, to) as two whole months, got {_describe(value)}")
            return False
        lo, hi = value
        if lo >= hi:
            self.error(path, f"{what} [{lo}, {hi}) is empty: 'from' must be less than 'to'")
            return False
        if months is None and (abs(lo) > MAX_PERIODS or abs(hi) > MAX_PERIODS):
            self.error(path, f"{what} [{lo}, {hi}) lies outside any horizon")
            return False
        if months is not None and (lo < 0 or hi > months):
            self.error(
                path,
                f"{what} [{lo}, {hi}) lies outside the horizon [0, {months})",
            )
            return False
        return True

    def terms(self, path: str, value: object, months: int | None) -> None:
        if not isinstance(value, tuple) or not value:
            self.error(path, f"must be a non-empty list of months, got {_describe(value)}")
            return
        seen: set[int] = set()
        for i, term in enumerate(value):
            if not self.integer(f"{path}[{i}]", term, 1, " of months", MAX_PERIODS):
                continue
            if months is not None and term > months:
                self.error(
                    f"{path}[{i}]",
                    f"term of {term} months is longer than the horizon of {months} months",
                )
            if term in seen:
                self.error(f"{path}[{i}]", f"term {term} is listed twice")
            seen.add(term)

    def finite(
        self, path: str, value: object, *, positive: bool, maximum: float | None = None
    ) -> bool:
        if not _is_number(value):
            self.error(path, f"must be a number, got {_describe(value)}")
            return False
        assert isinstance(value, (int, float))
        if not math.isfinite(value):
            self.error(path, f"must be a finite number, got {value}")
            return False
        if positive and value <= 0:
            self.error(path, f"must be greater than 0, got {value}")
            return False
        if not positive and value < 0:
            self.error(path, f"must be non-negative, got {value}")
            return False
        if maximum is not None and value > maximum:
            self.error(path, f"must be at most {maximum:,}, got {value:g}")
            return False
        return True

    def specialty(self, path: str, value: object, known: set[str] | None) -> bool:
        if not self.text(path, value):
            return False
        if known is not None and value not in known:
            self.error(path, f"unknown specialty {value!r}{_known_list(known)}")
            return False
        return True


def _known_list(known: Iterable[str], limit: int = 8) -> str:
    items = sorted(known)
    if not items:
        return " (none are defined)"
    shown = ", ".join(items[:limit])
    more = f", ... ({len(items)} in all)" if len(items) > limit else ""
    return f" (known: {shown}{more})"


def _past_problems(s: Scenario) -> list[Problem]:
    """What makes ``s.past`` unusable: ``now`` outside the horizon, or a past posting or
    placement naming no gap (no trainee or donor), not starting before ``now``, or not
    inside the horizon."""
    past = s.past
    assert past is not None
    months = s.horizon.months
    if isinstance(past.now, bool) or not isinstance(past.now, int) or not 0 <= past.now <= months:
        return [Problem("past.now", f"must be a period in [0, {months}]")]
    experts = {e.id for e in s.experts}
    gaps = {(r.id, g.specialty) for r in s.recipients for g in r.gaps}
    trainees, donors = {t.id for t in s.trainees}, {d.id for d in s.donors}
    out = []
    entries: list[tuple[str, Any, bool]] = [
        (f"past.postings[{k}]", p, p.expert in experts and (p.recipient, p.specialty) in gaps)
        for k, p in enumerate(past.postings)
    ] + [
        (f"past.trainings[{k}]", t, t.trainee in trainees and t.donor in donors)
        for k, t in enumerate(past.trainings)
    ]
    for path, x, known in entries:
        if not known:
            out.append(Problem(path, "names no expert and gap (trainee and donor) of the scenario"))
        elif not 0 <= x.start < past.now or x.months < 1 or x.start + x.months > months:
            out.append(
                Problem(path, f"must start before now ({past.now}) and lie inside the horizon")
            )
    return out


def check_entities(
    horizon: Horizon | None,
    terms: object,
    donors: Sequence[tuple[int, DonorHospital]],
    experts: Sequence[tuple[int, Expert]],
    recipients: Sequence[tuple[int, RecipientHospital]],
    pairings: Sequence[tuple[int, Pairing]],
    network: Network | None,
    specialties: object,
    communities: Sequence[tuple[int, Community]] = (),
    *,
    costs: Costs | None = None,
    budget: object = None,
    pins: Sequence[tuple[int, Pin]] = (),
    stages: object = (),
    trainees: Sequence[tuple[int, Trainee]] = (),
    known_ids: Mapping[str, set[str]] | None = None,
) -> list[Problem]:
    """Check a scenario's entities against the contract (format v2); return every error.

    Entities come with their position in the source (field paths use it), so a loader
    can check what it managed to read even when some entries were unreadable; it then
    passes the ids it saw in ``known_ids`` (keys ``donor``, ``recipient``) so that
    references to unreadable entries are not reported twice.
    """
    c = _ScenarioChecker(network)
    c.check_horizon(horizon)
    c.terms("terms", terms, c.months)
    c.check_specialties(specialties)
    donor_ids: dict[str, str] = {}
    for i, d in donors:
        c.check_donor(f"donors[{i}]", d, donor_ids)
    c.known_donors = set(donor_ids) | set((known_ids or {}).get("donor", ()))
    expert_ids: dict[str, str] = {}
    for i, e in experts:
        c.check_expert(f"experts[{i}]", e, expert_ids)
    recipient_ids: dict[str, str] = {}
    for i, r in recipients:
        c.check_recipient(f"recipients[{i}]", r, recipient_ids)
    c.known_recipients = set(recipient_ids) | set((known_ids or {}).get("recipient", ()))
    trainee_ids: dict[str, str] = {}
    for i, t in trainees:
        c.check_trainee(f"trainees[{i}]", t, trainee_ids)
    c.check_weighted_demand()
    pairs: dict[tuple[str, str], str] = {}
    for i, pr in pairings:
        c.check_pairing(f"pairings[{i}]", pr, pairs)
    c.check_network(network)
    c.check_communities(communities, {r.id: r for _, r in recipients})
    c.check_costs(costs, budget)
    c.known_experts = set(expert_ids)
    c.check_pins(pins)
    c.check_stages(stages, costs)
    for i, e in experts:
        c.check_preferences(f"experts[{i}].preferences", e.preferences)
    return c.problems


class _ScenarioChecker(_Checker):
    """The checks of :func:`check_entities`, one method per kind of entity, with what
    they share: the horizon's length, the declared specialties and the known ids."""

    def __init__(self, network: Network | None) -> None:
        super().__init__()
        self.network = network
        self.months: int | None = None
        self.declared: set[str] | None = None
        self.known_donors: set[str] = set()
        self.known_recipients: set[str] = set()
        self.known_experts: set[str] = set()
        self.weighted: list[tuple[float, str]] = []  # each gap's weight x demand x window

    def check_horizon(self, horizon: Horizon | None) -> None:
        if horizon is None:
            return
        if self.integer("horizon.months", horizon.months, 1, " of months", MAX_PERIODS):
            self.months = horizon.months
        if (
            self.integer("horizon.start_step", horizon.start_step, 1, " of months", MAX_PERIODS)
            and self.months is not None
            and horizon.start_step > self.months
        ):
            self.error(
                "horizon.start_step",
                f"start step {horizon.start_step} is longer than the horizon of "
                f"{self.months} months",
            )
        if horizon.start is not None:
            self.text("horizon.start", horizon.start)
        if not isinstance(horizon.unit, TimeUnit):
            self.error(
                "horizon.unit", f"unknown unit {_describe(horizon.unit)} (one of: month, week, day)"
            )

    def check_specialties(self, specialties: object) -> None:
        if specialties is None:
            return
        if not isinstance(specialties, tuple):
            self.error("specialties", f"must be a list of names, got {_describe(specialties)}")
            return
        self.declared = set()
        for i, s in enumerate(specialties):
            if self.text(f"specialties[{i}]", s):
                assert isinstance(s, str)
                if s in self.declared:
                    self.error(f"specialties[{i}]", f"specialty {s!r} is listed twice")
                self.declared.add(s)

    def check_donor(self, p: str, d: DonorHospital, ids: dict[str, str]) -> None:
        self.identifier(f"{p}.id", d.id, ids)
        self.text(f"{p}.name", d.name)
        self.text(f"{p}.city", d.city)
        for spec, cap in d.release.items():
            self.specialty(f"{p}.release.{spec}", spec, self.declared)
            self.integer(f"{p}.release.{spec}", cap, 0, " of experts")
        if d.max_away is not None:
            self.integer(f"{p}.max_away", d.max_away, 0, " of experts")
        if d.group is not None:
            self.text(f"{p}.group", d.group)
        if not isinstance(d.seats, Mapping):
            self.error(f"{p}.seats", f"must be specialty: count, got {_describe(d.seats)}")
            return
        for spec, n in d.seats.items():
            self.specialty(f"{p}.seats.{spec}", spec, self.declared)
            self.integer(f"{p}.seats.{spec}", n, 0, " of trainees")

    def check_expert(self, p: str, e: Expert, ids: dict[str, str]) -> None:
        self.identifier(f"{p}.id", e.id, ids)
        if self.text(f"{p}.donor", e.donor) and e.donor not in self.known_donors:
            self.error(f"{p}.donor", f"unknown donor {e.donor!r}{_known_list(self.known_donors)}")
        if not isinstance(e.specialties, tuple) or not e.specialties:
            self.error(
                f"{p}.specialties",
                f"must list at least one specialty, got {_describe(e.specialties)}",
            )
        else:
            mine: set[str] = set()
            for k, s in enumerate(e.specialties):
                if self.specialty(f"{p}.specialties[{k}]", s, self.declared):
                    if s in mine:
                        self.error(f"{p}.specialties[{k}]", f"specialty {s!r} is listed twice")
                    mine.add(str(s))
        if not isinstance(e.seniority, Seniority):
            self.error(f"{p}.seniority", _bad_seniority(e.seniority))
        self.interval(f"{p}.available", e.available, self.months, "availability")
        if e.terms is not None:
            self.terms(f"{p}.terms", e.terms, self.months)
        if e.max_postings is not None:
            self.integer(f"{p}.max_postings", e.max_postings, 0)
        for flag in ("academician", "can_lead"):
            if not isinstance(getattr(e, flag), bool):
                self.error(
                    f"{p}.{flag}", f"must be true or false, got {_describe(getattr(e, flag))}"
                )

    def check_recipient(self, p: str, r: RecipientHospital, ids: dict[str, str]) -> None:
        self.identifier(f"{p}.id", r.id, ids)
        self.text(f"{p}.name", r.name)
        self.text(f"{p}.city", r.city)
        if not isinstance(r.level, Level):
            self.error(
                f"{p}.level",
                f"unknown level {_describe(r.level)} (one of: county, prefecture, regional)",
            )
        self.integer(f"{p}.hosting", r.hosting, 0, " of experts")
        if r.max_travel_hours is not None:
            if (
                self.finite(
                    f"{p}.max_travel_hours", r.max_travel_hours, positive=False, maximum=MAX_HOURS
                )
                and self.network is None
            ):
                self.error(
                    f"{p}.max_travel_hours",
                    "a travel limit needs the scenario's 'network' to measure "
                    "travel times, and there is none",
                )
        if not isinstance(r.gaps, tuple):
            self.error(f"{p}.gaps", f"must be a list of gaps, got {_describe(r.gaps)}")
            return
        specialties: dict[str, str] = {}
        for k, g in enumerate(r.gaps):
            self.check_gap(f"{p}.gaps[{k}]", g, specialties)
        self.check_programme(p, r, set(specialties))

    def check_programme(self, p: str, r: RecipientHospital, gaps: set[str]) -> None:
        """The format v2 fields of recipient ``r`` at path ``p``."""
        if r.leader is not None:
            self.check_leader(f"{p}.leader", r.leader)
        for key in ("max_donors", "max_donor_groups"):
            value = getattr(r, key)
            if value is not None:
                self.integer(f"{p}.{key}", value, 1)
        if r.starts is not None:
            self.starts(f"{p}.starts", r.starts)
        if not isinstance(r.projects, tuple):
            self.error(f"{p}.projects", f"must be a list of projects, got {_describe(r.projects)}")
            return
        names: dict[str, str] = {}
        for k, pj in enumerate(r.projects):
            self.check_project(f"{p}.projects[{k}]", pj, gaps, names)

    def starts(self, path: str, value: object) -> None:
        """A list of distinct periods of the horizon."""
        if not isinstance(value, tuple):
            self.error(path, f"must be a list of periods, got {_describe(value)}")
            return
        seen: set[int] = set()
        top = (self.months or MAX_PERIODS + 1) - 1
        for k, t in enumerate(value):
            if self.integer(f"{path}[{k}]", t, 0, " (a period)", top):
                if t in seen:
                    self.error(f"{path}[{k}]", f"start {t} is listed twice")
                seen.add(t)

    def check_trainee(self, p: str, t: Trainee, ids: dict[str, str]) -> None:
        if not isinstance(t, Trainee):
            self.error(p, f"must be a trainee, got {_describe(t)}")
            return
        self.identifier(f"{p}.id", t.id, ids)
        if self.text(f"{p}.recipient", t.recipient) and t.recipient not in self.known_recipients:
            self.error(
                f"{p}.recipient",
                f"unknown recipient {t.recipient!r}{_known_list(self.known_recipients)}",
            )
        self.specialty(f"{p}.specialty", t.specialty, self.declared)
        ok = self.interval(f"{p}.available", t.available, self.months, "availability")
        if t.terms is not None:
            self.terms(f"{p}.terms", t.terms, self.months)
        if t.starts is not None:
            self.starts(f"{p}.starts", t.starts)
        if self.finite(f"{p}.weight", t.weight, positive=True) and ok:
            lo, hi = t.available
            self.weighted.append((float(t.weight) * (hi - lo), f"{p}.weight"))

    def check_leader(self, p: str, leader: object) -> None:
        if not isinstance(leader, Leader):
            self.error(p, f"must be a leader rule, got {_describe(leader)}")
            return
        if not isinstance(leader.mode, LeaderMode):
            self.error(
                f"{p}.mode", f"unknown mode {_describe(leader.mode)} (one of: required, preferred)"
            )
            return
        if leader.mode is LeaderMode.PREFERRED:
            if leader.weight is None:
                self.error(f"{p}.weight", "a preferred leader needs a weight (> 0)")
            elif self.finite(f"{p}.weight", leader.weight, positive=True):
                span = self.months or 0
                self.weighted.append((float(leader.weight) * span, f"{p}.weight"))
        elif leader.weight is not None:
            self.error(f"{p}.weight", "only a preferred leader has a weight")

    def check_project(self, p: str, pj: object, gaps: set[str], names: dict[str, str]) -> None:
        if not isinstance(pj, Project):
            self.error(p, f"must be a project, got {_describe(pj)}")
            return
        if self.text(f"{p}.name", pj.name):
            if pj.name in names:
                self.error(
                    f"{p}.name", f"duplicate project name {pj.name!r} (first at {names[pj.name]})"
                )
            names[pj.name] = p
        if not isinstance(pj.needs, Mapping) or not pj.needs:
            self.error(f"{p}.needs", "must name at least one specialty: {specialty: count}")
        else:
            for spec, k in pj.needs.items():
                if self.specialty(f"{p}.needs.{spec}", spec, self.declared) and spec not in gaps:
                    self.error(
                        f"{p}.needs.{spec}",
                        f"the recipient has no gap in {spec!r}: a project needs specialties "
                        f"among its gaps{_known_list(gaps)}",
                    )
                self.integer(f"{p}.needs.{spec}", k, 1, " of experts")
        ok = self.interval(f"{p}.window", pj.window, self.months, "window")
        if self.finite(f"{p}.weight", pj.weight, positive=True) and ok:
            lo, hi = pj.window
            self.weighted.append((float(pj.weight) * (hi - lo), f"{p}.weight"))

    def check_gap(self, gp: str, g: object, specialties: dict[str, str]) -> None:
        if not isinstance(g, DisciplineGap):
            self.error(gp, f"must be a DisciplineGap, got {_describe(g)}")
            return
        if self.specialty(f"{gp}.specialty", g.specialty, self.declared):
            if g.specialty in specialties:
                self.error(
                    f"{gp}.specialty",
                    f"second gap in {g.specialty!r} for this recipient (first at "
                    f"{specialties[g.specialty]}): merge them into one gap",
                )
            specialties[g.specialty] = gp
        ok = self.integer(f"{gp}.demand", g.demand, 1, " of experts")
        ok = self.interval(f"{gp}.window", g.window, self.months, "window") and ok
        if self.finite(f"{gp}.weight", g.weight, positive=True) and ok:
            lo, hi = g.window
            self.weighted.append((float(g.weight) * g.demand * (hi - lo), f"{gp}.weight"))
        if g.min_seniority is not None and not isinstance(g.min_seniority, Seniority):
            self.error(f"{gp}.min_seniority", _bad_seniority(g.min_seniority))
        if not isinstance(g.continuous, bool):
            self.error(f"{gp}.continuous", f"must be true or false, got {_describe(g.continuous)}")
        if self.finite(f"{gp}.handover_weight", g.handover_weight, positive=False) and ok:
            lo, hi = g.window
            self.weighted.append((float(g.handover_weight) * (hi - lo), f"{gp}.handover_weight"))

    def check_weighted_demand(self) -> None:
        total = sum(w for w, _ in self.weighted)
        if total > MAX_WEIGHTED_DEMAND:
            largest, where = max(self.weighted)
            self.error(
                where,
                f"the scenario's weighted demand (weight x demand x window length, summed "
                f"over all gaps, with every other weight times the periods it can count) is {total:.4g}, above the limit of {MAX_WEIGHTED_DEMAND:.0e} "
                f"that keeps the objective exact in 64-bit integers; this gap's share is "
                f"{largest:.4g}: scale the weights down",
            )

    def check_pairing(self, p: str, pr: Pairing, pairs: dict[tuple[str, str], str]) -> None:
        ok = self.text(f"{p}.donor", pr.donor)
        if ok and pr.donor not in self.known_donors:
            self.error(f"{p}.donor", f"unknown donor {pr.donor!r}{_known_list(self.known_donors)}")
            ok = False
        if not self.text(f"{p}.recipient", pr.recipient):
            ok = False
        elif pr.recipient not in self.known_recipients:
            self.error(
                f"{p}.recipient",
                f"unknown recipient {pr.recipient!r}{_known_list(self.known_recipients)}",
            )
            ok = False
        if not isinstance(pr.mode, PairingMode):
            self.error(
                f"{p}.mode",
                f"unknown mode {_describe(pr.mode)} (one of: required, preferred, forbidden)",
            )
        if not ok:  # an id that is not text cannot be looked up (nor hashed)
            return
        key = (pr.donor, pr.recipient)
        if key in pairs:
            self.error(
                p,
                f"donor {pr.donor!r} and recipient {pr.recipient!r} are already paired at "
                f"{pairs[key]}",
            )
        pairs.setdefault(key, p)

    def check_communities(
        self, communities: Sequence[tuple[int, Community]], recipients: Mapping[str, object]
    ) -> None:
        """Hubs and spokes are known recipients; a recipient is a spoke of at most one
        community and a hub is no spoke; shares are in (0, 1] with two decimals."""
        spoke_of: dict[str, str] = {}
        hubs: dict[str, str] = {}
        for i, cm in communities:
            p = f"communities[{i}]"
            if not isinstance(cm, Community):
                self.error(p, f"must be a community, got {_describe(cm)}")
                continue
            if self.recipient_ref(f"{p}.hub", cm.hub, recipients):
                hubs.setdefault(cm.hub, f"{p}.hub")
            if not isinstance(cm.spokes, tuple) or not cm.spokes:
                self.error(
                    f"{p}.spokes", f"must list at least one recipient, got {_describe(cm.spokes)}"
                )
            else:
                for k, sp in enumerate(cm.spokes):
                    sp_path = f"{p}.spokes[{k}]"
                    if not self.recipient_ref(sp_path, sp, recipients):
                        continue
                    if sp in spoke_of:
                        self.error(
                            sp_path,
                            f"{sp!r} is already a spoke at {spoke_of[sp]}: a recipient is a "
                            "spoke of at most one community",
                        )
                    spoke_of.setdefault(sp, sp_path)
            if self.finite(f"{p}.share", cm.share, positive=True, maximum=1):
                if abs(cm.share * 100 - round(cm.share * 100)) > 1e-9:
                    self.error(f"{p}.share", f"must have at most two decimals, got {cm.share}")
        for hub, where in hubs.items():
            if hub in spoke_of:
                self.error(
                    spoke_of[hub], f"{hub!r} is the hub at {where}, and a hub is not a spoke"
                )

    def check_costs(self, costs: object, budget: object) -> None:
        """Every seniority has a per-period amount; amounts and the budget are >= 0; a
        budget needs costs."""
        if costs is not None:
            if not isinstance(costs, Costs):
                self.error("costs", f"must be costs, got {_describe(costs)}")
            else:
                for key, amount in costs.per_period.items():
                    if isinstance(key, Seniority):
                        self.finite(
                            f"costs.per_period.{key.label}",
                            amount,
                            positive=False,
                            maximum=MAX_COST,
                        )
                    else:
                        self.error(f"costs.per_period.{key}", _bad_seniority(key))
                for rank in Seniority:
                    if rank not in costs.per_period:
                        self.error(
                            f"costs.per_period.{rank.label}",
                            "required: every seniority needs a cost per period",
                        )
                for name in ("per_trip", "trainee_per_period"):
                    self.finite(
                        f"costs.{name}", getattr(costs, name), positive=False, maximum=MAX_COST
                    )
        if budget is not None:
            self.finite("budget", budget, positive=False, maximum=MAX_BUDGET)
            if costs is None:
                self.error("budget", "a budget needs 'costs' to price the postings")

    def check_preferences(self, path: str, preferences: object) -> None:
        if not isinstance(preferences, tuple):
            self.error(path, f"must be a list of recipient ids, got {_describe(preferences)}")
            return
        seen: set[str] = set()
        for k, rid in enumerate(preferences):
            if not self.text(f"{path}[{k}]", rid):
                continue
            assert isinstance(rid, str)
            if rid not in self.known_recipients:
                self.error(f"{path}[{k}]", f"unknown recipient {rid!r}")
            elif rid in seen:
                self.error(f"{path}[{k}]", f"recipient {rid!r} is listed twice")
            seen.add(rid)

    def check_stages(self, stages: object, costs: object) -> None:
        """Each goal at most once, tolerances in [0, 1], ``cost`` only with costs."""
        if not isinstance(stages, tuple):
            self.error("objective.stages", f"must be a list of stages, got {_describe(stages)}")
            return
        seen: dict[Goal, str] = {}
        for k, stage in enumerate(stages):
            p = f"objective.stages[{k}]"
            if not isinstance(stage, Stage):
                self.error(p, f"must be a stage, got {_describe(stage)}")
                continue
            if not isinstance(stage.goal, Goal):
                self.error(
                    f"{p}.goal",
                    f"unknown goal {_describe(stage.goal)} (one of: coverage, fairness, cost)",
                )
            elif stage.goal in seen:
                self.error(
                    f"{p}.goal", f"goal {stage.goal.value!r} is already at {seen[stage.goal]}"
                )
            else:
                seen[stage.goal] = p
                if stage.goal is Goal.COST and costs is None:
                    self.error(f"{p}.goal", "the cost goal needs 'costs' to price the postings")
            self.finite(f"{p}.tolerance", stage.tolerance, positive=False, maximum=1)

    def check_pins(self, pins: Sequence[tuple[int, Pin]]) -> None:
        """References, numbers and modes; a posting is pinned at most once. (Whether a
        fixed pin is an eligible posting is checked against the whole contract by
        :func:`matchaid.validation.pin_problems`.)"""
        seen: dict[Posting, str] = {}
        for i, pin in pins:
            p = f"pins[{i}]"
            if not isinstance(pin, Pin):
                self.error(p, f"must be a pin, got {_describe(pin)}")
                continue
            ok = self.text(f"{p}.expert", pin.expert)
            if ok and pin.expert not in self.known_experts:
                self.error(f"{p}.expert", f"unknown expert {pin.expert!r}")
                ok = False
            if self.text(f"{p}.recipient", pin.recipient):
                if pin.recipient not in self.known_recipients:
                    self.error(f"{p}.recipient", f"unknown recipient {pin.recipient!r}")
                    ok = False
            else:
                ok = False
            ok = self.text(f"{p}.specialty", pin.specialty) and ok
            ok = self.integer(f"{p}.start", pin.start, 0, " (a period)", MAX_PERIODS) and ok
            ok = self.integer(f"{p}.months", pin.months, 1, " of periods", MAX_PERIODS) and ok
            if not isinstance(pin.mode, PinMode):
                self.error(
                    f"{p}.mode", f"unknown mode {_describe(pin.mode)} (one of: fixed, forbidden)"
                )
                ok = False
            if ok:
                key = pin.posting
                if key in seen:
                    self.error(p, f"this posting is already pinned at {seen[key]}")
                seen.setdefault(key, p)

    def recipient_ref(self, path: str, value: object, recipients: Mapping[str, object]) -> bool:
        if not self.text(path, value):
            return False
        assert isinstance(value, str)
        if value not in recipients and value not in self.known_recipients:
            self.error(path, f"unknown recipient {value!r}{_known_list(recipients)}")
            return False
        return True

    def check_network(self, network: Network | None) -> None:
        if network is None:
            return
        if not isinstance(network.edges, tuple):
            self.error("network.edges", f"must be a list of roads, got {_describe(network.edges)}")
            return
        for i, road in enumerate(network.edges):
            p = f"network.edges[{i}]"
            ok_a = self.text(f"{p}.a", road.a)
            ok_b = self.text(f"{p}.b", road.b)
            if ok_a and ok_b and road.a == road.b:
                self.error(p, f"a road must join two different cities, got {road.a!r} twice")
            self.finite(f"{p}.hours", road.hours, positive=False, maximum=MAX_HOURS)


def _bad_seniority(value: object) -> str:
    names = ", ".join(s.label for s in Seniority)
    return f"unknown seniority {_describe(value)} (one of: {names})"


def _did_you_mean(word: str, known: Iterable[str], lead: str = " (did you mean") -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    if not close:
        return ""
    return f"{lead} {close[0]!r}?" + (")" if lead.startswith(" (") else "")


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Things that are legal but probably not what the planner meant.

    - an expert whose availability fits none of their terms at an allowed start;
    - a gap in a specialty no expert has;
    - a gap demanding more experts at once than its recipient can host;
    - a donor release limit for a specialty no expert or gap has (a likely typo; it is
      an error when the scenario declares its ``specialties``);
    - a recipient with ``max_travel_hours`` whose city is on no road of the network:
      only donors in that same city could ever serve it.
    """
    problems: list[Problem] = []
    if scenario.network is not None:
        cities = {c for road in scenario.network.edges for c in (road.a, road.b)}
        for i, r in enumerate(scenario.recipients):
            if r.max_travel_hours is not None and r.city not in cities:
                problems.append(
                    Problem(
                        f"recipients[{i}].city",
                        f"city {r.city!r} of {r.id!r} is on no road of the network, so its "
                        "travel limit leaves it only donors in that same city"
                        + _did_you_mean(r.city, cities),
                        "warning",
                    )
                )
    step = scenario.horizon.start_step
    for i, e in enumerate(scenario.experts):
        lo, hi = e.available
        first_start = -(-lo // step) * step
        if not any(first_start + t <= hi for t in scenario.terms_of(e)):
            terms = "/".join(str(t) for t in scenario.terms_of(e))
            problems.append(
                Problem(
                    f"experts[{i}].available",
                    f"expert {e.id!r} is available [{lo}, {hi}) but no {terms}-month term "
                    f"starting on a multiple of {step} fits: they can never be posted",
                    "warning",
                )
            )
    mentioned = set(_mentioned_specialties(scenario.experts, scenario.recipients))
    for i, d in enumerate(scenario.donors):
        for spec in d.release:
            if spec not in mentioned:
                hint = _did_you_mean(spec, mentioned, ": did you mean")
                problems.append(
                    Problem(
                        f"donors[{i}].release.{spec}",
                        f"no expert or gap has specialty {spec!r}, so this limit "
                        f"constrains nobody{hint}",
                        "warning",
                    )
                )
    offered = {s for e in scenario.experts for s in e.specialties}
    for i, r in enumerate(scenario.recipients):
        for k, g in enumerate(r.gaps):
            if g.specialty not in offered:
                problems.append(
                    Problem(
                        f"recipients[{i}].gaps[{k}].specialty",
                        f"no expert has specialty {g.specialty!r}: this gap of {r.id!r} "
                        "can never be covered",
                        "warning",
                    )
                )
            if g.demand > r.hosting:
                problems.append(
                    Problem(
                        f"recipients[{i}].gaps[{k}].demand",
                        f"demand of {g.demand} exceeds the hosting capacity of recipient "
                        f"{r.id!r} ({r.hosting}): at most {r.hosting} can be met",
                        "warning",
                    )
                )
    return problems
