"""``python -m benchmarks {run,report,all} ...``: see benchmarks/README.md."""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks import report as bench_report
from benchmarks.runner import load_grid, load_results, run
from matchaid.io import write_text_atomic

README = Path(__file__).with_name("README.md")


@contextlib.contextmanager
def _executor(address: str | None) -> Iterator[Any]:
    """A Dask executor on ``address`` (closed afterwards), or None for the local pool."""
    if not address:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        sys.exit("--dask needs the 'distributed' extra: pip install 'matchaid[distributed]'")
    with Client(address) as client:
        yield client.get_executor()


def _report(results_path: Path, out: Path, update_readme: bool) -> None:
    results = load_results(results_path)
    rep = bench_report.build(results)
    write_text_atomic(out / "report.md", rep.to_markdown())
    rep.write_html(out / "report.html")
    print(f"wrote {out / 'report.md'} and {out / 'report.html'}", file=sys.stderr)
    if update_readme:
        markdown = bench_report.build(results, pictures=False).to_markdown()
        first = "## Targets" if "## Targets" in markdown else "## Ranking"
        table = markdown.split(first, 1)[1].split("## Search over time", 1)[0]
        if first == "## Targets":
            table = "### Targets" + table.replace("## Ranking", "### Ranking")
        text = README.read_text(encoding="utf-8")
        name = results_path.parent.name
        new = re.sub(
            rf"(<!-- results:{name}:start -->\n).*?(<!-- results:{name}:end -->)",
            lambda m: m.group(1) + table.strip() + "\n\n" + m.group(2),
            text,
            flags=re.S,
        )
        write_text_atomic(README, new)
        if new == text and f"results:{name}:start" not in text:
            print(
                f"no '<!-- results:{name}:start -->' block in {README}: not updated",
                file=sys.stderr,
            )
        else:
            print(f"updated the {name} results table in {README}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in (
        ("run", "run a grid"),
        ("all", "run a grid, write the report, refresh README"),
    ):
        p = sub.add_parser(name, help=help_)
        p.add_argument("grid", help="grid TOML file")
        p.add_argument(
            "--out", default=None, help="results folder (default benchmarks/results/<grid name>)"
        )
        p.add_argument("--dask", metavar="ADDRESS", help="run the grid on this Dask scheduler")
    p = sub.add_parser("report", help="write report.md and report.html from results.json")
    p.add_argument("results", help="results.json")
    p.add_argument(
        "--update-readme", action="store_true", help="refresh the table in benchmarks/README.md"
    )
    args = parser.parse_args(argv)
    if args.command == "report":
        path = Path(args.results)
        _report(path, path.parent, args.update_readme)
        return 0
    grid_path = Path(args.grid)
    out = Path(args.out) if args.out else Path(__file__).parent / "results" / grid_path.stem
    grid = load_grid(grid_path)
    with _executor(args.dask) as executor:
        run(grid, out, executor=executor)
    if args.command == "all":
        _report(out / "results.json", out, update_readme=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
