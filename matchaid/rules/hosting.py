"""Hosting: in every month, a recipient hosts at most ``hosting`` visiting experts
(postings active there, whatever their specialty)."""

from __future__ import annotations

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    cap = np.array([r.hosting for r in b.scenario.recipients], dtype=np.int64)
    b.add_capacity(RuleName.HOSTING, b.recipient, cap)


RULE = Rule(RuleName.HOSTING, build=_build)
