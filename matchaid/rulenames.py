"""The planner's rules by name: the one vocabulary of the engine and the validator.

Each member names one rule of the planning contract. The engine states it in one module
of :mod:`matchaid.rules` (its eligibility, its rows in the integer program, its
objective terms); the independent validator re-checks it in one module of
:mod:`matchaid.validation`. The two share this enum and the domain model, never a line
of rule logic: a test asserts that both name exactly these rules.

>>> RuleName.OVERLAP.value, RuleName("hosting") is RuleName.HOSTING
('overlap', True)
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RuleName"]


class RuleName(StrEnum):
    """A rule of the planning contract (see README, "The planner's contract")."""

    SENIORITY = "seniority"
    """An expert serves a gap only at its ``min_seniority`` or above."""
    PAIRING = "pairing"
    """``forbidden`` pairings never serve; a recipient with ``required`` pairings takes
    only those donors."""
    TRAVEL = "travel"
    """A donor serves a recipient only within its ``max_travel_hours``."""
    TERMS = "terms"
    """A posting's length is one of the expert's terms, it lies inside the expert's
    availability and the horizon, and it starts on a multiple of ``start_step``."""
    PINS = "pins"
    """A ``fixed`` pin's posting is in the plan; a ``forbidden`` one's is not."""
    STARTS = "starts"
    """A posting at a recipient with ``starts`` starts in one of those periods."""
    PAST = "past"
    """When re-planning (a scenario with a ``past``): every past posting and placement
    is in the plan exactly, exempt from eligibility, and every other one starts at
    ``now`` or later; period-by-period rules bind from ``now`` on."""
    TRAINING = "training"
    """A trainee's placement is eligible (a seat in the specialty at the donor, one of
    the trainee's terms, inside their availability and the horizon, an allowed start,
    pairings read between the donor and the trainee's home recipient), a trainee has at
    most one, and each adds ``weight x periods`` to the primary objective."""
    OVERLAP = "overlap"
    """An expert's postings never overlap."""
    MAX_POSTINGS = "max_postings"
    """An expert has at most ``max_postings`` postings."""
    RELEASE = "release"
    """In every month, a donor department's experts away number at most its
    ``release``."""
    MAX_AWAY = "max_away"
    """In every month, a donor's experts away number at most its ``max_away``."""
    HOSTING = "hosting"
    """In every month, a recipient hosts at most ``hosting`` visiting experts."""
    SEATS = "seats"
    """In every period, the trainees of a specialty placed at a donor number at most its
    ``seats`` for it."""
    BUDGET = "budget"
    """The plan's total cost (``costs``: per trip plus per period by seniority for a
    posting, per trip plus ``trainee_per_period`` per period for a placement) is at most
    ``budget``."""
    MAX_DONORS = "max_donors"
    """The donors of all experts posted at a recipient number at most its
    ``max_donors``."""
    MAX_DONOR_GROUPS = "max_donor_groups"
    """The groups of those donors number at most its ``max_donor_groups``."""
    LEADER = "leader"
    """A recipient's leader rule: ``required``, a leader present in every period it hosts
    anyone; ``preferred``, each leaderless hosted period costs its weight."""
    CONTINUOUS = "continuous"
    """A ``continuous`` gap present in a period of its window is present in the next
    one of the window too."""
    COMMUNITY = "community"
    """A spoke's gap is also covered by ``share`` of each hub expert present in the hub's
    gap of the same specialty (capped by demand)."""
    COVERAGE = "coverage"
    """The primary objective: ``weight x min(demand, postings active)`` summed over
    every gap and month of its window."""
    HANDOVER = "handover"
    """Primary term: ``handover_weight`` per handover period of a gap."""
    PROJECT = "project"
    """Primary term: a project's ``weight`` per period of its window in which every
    needed specialty has enough experts present."""
    PREFERRED = "preferred"
    """Tie-break (or weighted) bonus: covered months served by a ``preferred`` donor."""
    PREFERENCES = "preferences"
    """Tie-break (or weighted) bonus: periods experts serve at recipients they listed,
    more for a higher choice."""
    COSTS = "costs"
    """Tie-break (or weighted) costs: travel hours and posted expert-months."""
