"""The ``matchaid`` command line.

Data goes to stdout, progress and diagnostics to stderr. Exit codes: 0 success,
1 the input is fine but the answer is "no" (``check`` found violations),
2 bad input or usage (the message names the file, field and reason), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Literal

import matchaid
from matchaid.exceptions import MatchaidError
from matchaid.io import load_scenario, save_scenario
from matchaid.summary import format_summary, summarize

EXIT_OK = 0
EXIT_NO = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _warn(scenario: matchaid.Scenario, source: str) -> None:
    for problem in matchaid.scenario_warnings(scenario):
        print(f"warning: {problem.format(source)}", file=sys.stderr)


def _cmd_validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    _warn(scenario, args.scenario)
    summary = summarize(scenario)
    if args.json:
        print(json.dumps(asdict(summary), indent=1))
    else:
        print(format_summary(summary))
        print(f"\n{args.scenario}: valid scenario (format v1)")
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.source)
    fmt: Literal["json", "csv"] = args.to or (
        "json" if args.target.lower().endswith(".json") else "csv"
    )
    if fmt == "csv" and Path(args.target).is_file():
        raise MatchaidError(f"{args.target}: is a file; CSV output needs a folder")
    save_scenario(scenario, args.target, format=fmt)
    print(f"wrote {args.target} ({fmt})", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``matchaid`` command."""
    parser = argparse.ArgumentParser(
        prog="matchaid",
        description="Plan hospital-to-hospital medical aid with OR-Tools CP-SAT.",
    )
    parser.add_argument("--version", action="version", version=f"matchaid {matchaid.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "validate",
        help="check a scenario and summarise demand and supply",
        description="Check a scenario (v1 JSON file or CSV folder) and print a one-screen "
        "summary: counts, and demand vs supply in expert-months by specialty. "
        "Warnings go to stderr. Exit 2 if the scenario is invalid.",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "convert",
        help="convert a scenario between JSON and a CSV folder",
        description="Read a scenario (JSON file or CSV folder) and write it in the other "
        "form. The target's form follows --to, else its name: *.json is JSON, anything "
        "else a CSV folder. Files are written atomically.",
    )
    p.add_argument("source", help="scenario JSON file or CSV folder")
    p.add_argument("target", help="output JSON file or folder")
    p.add_argument("--to", choices=("json", "csv"), help="output format")
    p.set_defaults(func=_cmd_convert)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except MatchaidError as exc:
        print(f"matchaid: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("matchaid: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
