"""Splitting a planning problem into independent parts.

Postings interact only through the rules: an expert's own postings (no overlap,
``max_postings``), a donor department's ``release``, a donor's ``max_away``, and a
recipient's hosting and coverage. Two candidate postings are in the same part when a
chain of such shared experts, limited departments, limited donors or recipients links
them; parts share nothing, so the best plan is the union of each part's best plan and
the best bound is the sum of the parts' bounds. Counterpart pairings usually split a
programme along its provinces. :func:`independent_parts` finds the parts (connected
components with networkx).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import numpy.typing as npt

from matchaid.arrays import group_indices
from matchaid.candidates import CandidateSet

__all__ = ["independent_parts"]


def independent_parts(cands: CandidateSet) -> list[npt.NDArray[np.int64]]:
    """Candidate indices of each independent part, largest part first (ties by first
    index), each ascending.

    >>> from matchaid.generate import generate
    >>> from matchaid.candidates import generate_candidates
    >>> parts = independent_parts(generate_candidates(generate("s", seed=1)))
    >>> len(parts), sum(len(p) for p in parts)
    (4, 2512)
    """
    n = len(cands)
    if n == 0:
        return []
    s = cands.scenario
    num_e, num_r = len(s.experts), len(s.recipients)
    donor_index = {d.id: i for i, d in enumerate(s.donors)}
    graph = nx.Graph()
    # expert nodes 0..E-1, recipients E..E+R-1, then donors and limited departments
    pairs = np.unique(
        np.stack([cands.expert.astype(np.int64), cands.recipient.astype(np.int64) + num_e]), axis=1
    )
    graph.add_edges_from(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True))
    base = num_e + num_r
    departments: dict[tuple[int, str], int] = {}
    for e in np.unique(cands.expert).tolist():
        expert = s.experts[e]
        d = donor_index[expert.donor]
        donor = s.donors[d]
        if donor.max_away is not None:
            graph.add_edge(e, base + d)
        if donor.release.get(expert.primary) is not None:
            key = departments.setdefault(
                (d, expert.primary), base + len(s.donors) + len(departments)
            )
            graph.add_edge(e, key)
    expert_part = np.full(num_e, -1, dtype=np.int64)
    for k, nodes in enumerate(nx.connected_components(graph)):
        for node in nodes:
            if node < num_e:
                expert_part[node] = k
    parts = [idx for _, idx in group_indices(expert_part[cands.expert])]
    parts.sort(key=lambda p: (-len(p), int(p[0])))
    return parts
