"""Overlap: an expert's postings never overlap (one place at a time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Rule

if TYPE_CHECKING:
    from matchaid.program import ProgramBuilder


def _build(b: ProgramBuilder) -> None:
    b.add_capacity(RuleName.OVERLAP, b.expert, np.ones(len(b.scenario.experts), dtype=np.int64))


RULE = Rule(RuleName.OVERLAP, build=_build)
