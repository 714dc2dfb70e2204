"""Overlap: an expert's postings never overlap (one place at a time)."""

from __future__ import annotations

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    b.add_capacity(RuleName.OVERLAP, b.expert, np.ones(len(b.scenario.experts), dtype=np.int64))


RULE = Rule(RuleName.OVERLAP, build=_build)
