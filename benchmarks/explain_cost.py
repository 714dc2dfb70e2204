"""What explanations and marginal values cost, by tier (issue 15's performance bar):
``python -m benchmarks.explain_cost [TIER ...] [--seed K] [--time-limit S]``.

For each tier: generate seed ``K``, solve it with the default settings, then run
:func:`matchaid.explain` and :func:`matchaid.marginal_values` with their default time
(twice the solve's wall time each) and print one Markdown row per tier: the solve's
wall time, each analysis's wall time and its ratio to the solve, the unmet gaps and
reasons, and how many counterfactual gains were computed and proven.
"""

from __future__ import annotations

import argparse
import time

import matchaid
from matchaid.explanation import explain
from matchaid.generate import generate
from matchaid.values import marginal_values


def measure(tier: str, seed: int, time_limit: float) -> str:
    scenario = generate(tier, seed=seed)
    params = matchaid.SolveParams(time_limit=time_limit)
    result = matchaid.solve(scenario, params)
    solve_wall = result.wall_seconds
    t0 = time.perf_counter()
    why = explain(scenario, result, params=params)
    why_wall = time.perf_counter() - t0
    reasons = [r for g in why.gaps for r in g.reasons]
    gains = [
        r
        for r in reasons
        if r.code in ("release", "max_away", "hosting", "seats", "budget", "rule")
    ]
    computed = [r for r in gains if r.gain is not None]
    proven = [r for r in computed if r.gain_proven]
    t0 = time.perf_counter()
    values = marginal_values(scenario, result, params=params)
    values_wall = time.perf_counter() - t0
    exact = [v for v in [*values.supply, *values.capacity] if v.gain is not None]
    return (
        f"| {tier} | {seed} | {result.status.value} | {solve_wall:.2f} | {why_wall:.2f} "
        f"({why_wall / solve_wall:.1f}x) | {len(why.gaps)} / {len(reasons)} | "
        f"{len(computed)} of {len(gains)} ({len(proven)} proven), {why.resolves} re-solves | "
        f"{values_wall:.2f} ({values_wall / solve_wall:.1f}x) | "
        f"{len(exact)} ({sum(v.gain_proven for v in exact)} proven) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.explain_cost", description=__doc__)
    parser.add_argument("tiers", nargs="*", default=["s", "m", "l"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    print(
        "| tier | seed | solve status | solve wall (s) | explain (s) | unmet gaps / reasons "
        "| gains computed | marginal values (s) | exact values |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for tier in args.tiers:
        print(measure(tier, args.seed, args.time_limit), flush=True)


if __name__ == "__main__":
    main()
