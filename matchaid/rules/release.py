"""Release: in every month, a donor department's experts away (postings active) number
at most its ``release``. An expert's department is their donor and primary specialty."""

from __future__ import annotations

import numpy as np

from matchaid.rulenames import RuleName
from matchaid.rules.base import Builder, Rule


def _build(b: Builder) -> None:
    s = b.scenario
    department: dict[tuple[int, str], int] = {}
    caps: list[int] = []
    of_expert = np.full(len(s.experts), -1, dtype=np.int64)
    for i, e in enumerate(s.experts):
        d = int(b.tables.expert_donor[i])
        cap = s.donors[d].release.get(e.primary)
        if cap is not None:
            of_expert[i] = department.setdefault((d, e.primary), len(caps))
            if of_expert[i] == len(caps):
                caps.append(cap)
    b.add_capacity(RuleName.RELEASE, of_expert[b.expert], np.asarray(caps, dtype=np.int64))


RULE = Rule(RuleName.RELEASE, build=_build)
