"""The ``matchaid`` command line.

Data goes to stdout, progress and diagnostics to stderr. Exit codes: 0 success,
1 the input is fine but the answer is "no" (``check`` found violations),
2 bad input or usage (the message names the file, field and reason), 130 interrupted
(Ctrl-C), 143 terminated (SIGTERM); an interrupted solve still writes its best plan.
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal

# Only the standard library and the exception tree load before the interrupt handlers
# are in place: NumPy and OR-Tools are imported by the commands (see matchaid/__init__).
from matchaid.exceptions import MatchaidError, MatchaidWarning, ParamsError, Problem

if TYPE_CHECKING:
    import argparse

    import matchaid

EXIT_OK = 0
EXIT_NO = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM


class _Interrupts:
    """SIGINT and SIGTERM while a command runs.

    The first one raises ``KeyboardInterrupt`` in the main thread, which
    :func:`matchaid.solve` turns into stopping every search and returning the best plan.
    While the plan is being written (:meth:`deferred`), signals are only counted, so the
    files come out whole. A third signal quits at once; atomic writes then leave the
    complete old file or the complete new one, never half of one.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self.count = 0
        self.armed = True
        self.finished = False  # the command is done: later signals are only counted

    @property
    def exit_code(self) -> int:
        return EXIT_TERMINATED if self.signum == signal.SIGTERM else EXIT_INTERRUPTED

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.finished:  # the files are whole; the process is on its way out
            return
        self.count += 1
        if self.signum is None:
            self.signum = signum
        if self.count >= 3:
            sys.stderr.write(
                "matchaid: quitting at the third interrupt; files not yet complete are not "
                "written\n"
            )
            raise SystemExit(self.exit_code)
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        if self.count == 2:
            sys.stderr.write(
                "matchaid: finishing the files; interrupt once more to quit without them\n"
            )

    @contextmanager
    def installed(self, *, restore: bool = True) -> Iterator[_Interrupts]:
        """Install the handlers (main thread only). After: restore the old ones, or
        with ``restore=False`` (a process that exits next) keep them, counting signals
        without acting, so that a signal while the process exits cannot kill it."""
        if not _in_main_thread():
            yield self
            return
        old = {sig: signal.signal(sig, self.handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            self.finished = True
            if restore:
                for sig, handler in old.items():
                    signal.signal(sig, handler)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Within: a signal is counted, not raised (files being written)."""
        self.armed = False
        yield


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


_INTERRUPTS = _Interrupts()


def _warn(scenario: matchaid.Scenario, source: str) -> None:
    import matchaid

    for problem in matchaid.scenario_warnings(scenario):
        print(f"warning: {problem.format(source)}", file=sys.stderr)


def _cmd_validate(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from matchaid.io import json_text, load_scenario
    from matchaid.summary import format_summary, summarize

    scenario = load_scenario(args.scenario)
    _warn(scenario, args.scenario)
    summary = summarize(scenario)
    if args.json:
        print(json_text(asdict(summary)), end="")
    else:
        print(format_summary(summary))
        print(f"\n{args.scenario}: valid scenario (format v{scenario.format_version})")
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    from matchaid.io import format_of, load_scenario, prepare_file, prepare_folder, save_scenario

    scenario = load_scenario(args.source)
    fmt: Literal["json", "csv", "xlsx"] = args.to or format_of(args.target)
    if fmt == "csv":
        prepare_folder(args.target)
    else:
        prepare_file(args.target)
    with _INTERRUPTS.deferred():
        save_scenario(scenario, args.target, format=fmt, excel=args.excel)
    print(f"wrote {args.target} ({fmt})", file=sys.stderr)
    return EXIT_OK


def _progress_printer(
    stream: Any, time_limit: float | None = None
) -> Callable[[matchaid.Progress], None]:
    """On a terminal, a progress line on stderr, rewritten about once a second once the
    search has run two seconds: time, objective, bound, gap and time left (nothing when
    stderr is not a terminal, so logs hold results, not progress). It also stops the
    search if an interrupt came and its KeyboardInterrupt was lost: raised while a
    compiled library was loading, some swallow it (seen with OR-Tools' import, about
    one time in forty), and the search would then run on."""
    shown = [0.0]
    live = stream.isatty()

    def show(p: matchaid.Progress) -> None:
        if _INTERRUPTS.signum is not None:
            raise KeyboardInterrupt  # the search stops and keeps its best plan
        if not live or p.seconds < 2.0 or p.seconds - shown[0] < 0.95:
            return
        shown[0] = p.seconds
        stream.write(_progress_line(p, time_limit) + "\r")
        stream.flush()

    return show


def _progress_line(p: matchaid.Progress, time_limit: float | None) -> str:
    """``  12.0 s  objective 41339  bound 42999  gap 3.86%  48 s left``."""
    from matchaid.result import format_gap

    obj = "-" if p.objective is None else f"{p.objective:g}"
    bound = "-" if p.best_bound is None else f"{p.best_bound:g}"
    gap = format_gap(p.gap)
    left = "" if time_limit is None else f"  {max(0.0, time_limit - p.seconds):.0f} s left"
    return f"  {p.seconds:6.1f} s  objective {obj}  bound {bound}  gap {gap}{left}   "


def _time_limit(value: float) -> float | None:
    """The --time-limit option: seconds > 0, or 0 for no limit."""
    import math

    if not math.isfinite(value) or value < 0:
        raise ParamsError(
            "--time-limit",
            [Problem("", f"must be a number of seconds >= 0 (0: no limit), got {value:g}")],
        )
    return value if value > 0 else None


def _solve_params(args: argparse.Namespace) -> matchaid.SolveParams:
    from matchaid.params import SolveParams

    base = SolveParams.from_file(args.params) if args.params else SolveParams()
    changes: dict[str, Any] = {}
    if args.time_limit is not None:
        changes["time_limit"] = _time_limit(args.time_limit)
    for name in ("workers", "seed", "deterministic_time", "gap_limit"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.no_hint:
        changes["hint"] = "none"
    try:
        return base.with_(**changes) if changes else base
    except ParamsError as exc:  # name the options, not a params file
        raise ParamsError("options", exc.problems) from None


def _cmd_solve(args: argparse.Namespace) -> int:
    from matchaid.io import json_text, load_scenario, prepare_file, prepare_folder
    from matchaid.search import solve

    params = _solve_params(args)
    if args.output and args.output != "-":
        prepare_file(args.output)
    if args.csv:
        prepare_folder(args.csv)
    try:
        scenario = load_scenario(args.scenario)
    except KeyboardInterrupt:
        print(
            "matchaid: interrupted while reading the scenario: no plan yet, nothing written",
            file=sys.stderr,
        )
        return _INTERRUPTS.exit_code
    _warn(scenario, args.scenario)
    trainees = f", {len(scenario.trainees)} trainees" if scenario.trainees else ""
    print(
        f"solving {args.scenario}: {len(scenario.experts)} experts{trainees}, "
        f"{len(scenario.recipients)} recipients (Ctrl-C stops and keeps the best plan)",
        file=sys.stderr,
    )
    if _INTERRUPTS.signum is not None:  # an interrupt whose KeyboardInterrupt was lost
        raise KeyboardInterrupt
    with _executor(args.dask) as executor:
        result = solve(
            scenario,
            params,
            progress=_progress_printer(sys.stderr, params.time_limit),
            progress_interval=0.2,
            executor=executor,
        )
    with _INTERRUPTS.deferred():
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if result.interrupted and not result.plan.postings and result.status == "unknown":
            print(
                f"matchaid: interrupted before any plan was found ({result.reason}); "
                "nothing written",
                file=sys.stderr,
            )
            return _INTERRUPTS.exit_code
        record = {"solve": result.record()}
        failed = []  # every output is tried: a full disk for one still leaves the others
        if args.output == "-":
            sys.stdout.write(json_text(result.plan.to_document(record)))
        elif args.output and args.output.lower().endswith((".xlsx", ".xlsm")):
            failed += _write_output(args.output, lambda: result.plan.to_xlsx(args.output, record))
        elif args.output:
            failed += _write_output(args.output, lambda: result.plan.to_json(args.output, record))
        if args.csv:
            failed += _write_output(
                f"{args.csv}/postings.csv and coverage.csv",
                lambda: result.plan.to_csv(args.csv, excel=args.excel),
            )
        summary_stream = sys.stderr if args.output == "-" else sys.stdout
        print(result.summary(), file=summary_stream)
        if failed:
            raise MatchaidError("; ".join(failed))
    if result.interrupted or _INTERRUPTS.signum is not None:
        return _INTERRUPTS.exit_code
    return EXIT_OK


@contextmanager
def _executor(address: str | None) -> Iterator[Any]:
    """A Dask client of the scheduler at ``address`` (``None``: no executor)."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise MatchaidError(
            "--dask needs the 'distributed' extra: pip install 'matchaid[distributed]'"
        ) from None
    try:
        client = Client(address, timeout=10)  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise MatchaidError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    with client:
        yield client


def _write_output(name: str, write: Callable[[], None]) -> list[str]:
    """Write one output; return what went wrong (empty when it was written)."""
    try:
        write()
    except OSError as exc:
        return [f"cannot write {name}: {exc.strerror or exc} (no file was left half-written)"]
    print(f"wrote {name}", file=sys.stderr)
    return []


def _cmd_check(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.io import load_scenario
    from matchaid.replanning import plan_scenario

    scenario = plan_scenario(load_scenario(args.scenario), args.plan)
    plan = matchaid.Plan(scenario, *matchaid.load_plan_entries(args.plan))
    violations = matchaid.validate(scenario, plan)
    value = matchaid.objective_value(scenario, plan)
    for v in violations:
        print(f"{args.plan}: {v}")
    verdict = "valid" if not violations else f"INVALID: {len(violations)} violation(s)"
    count = f"{len(plan.postings)} postings"
    if plan.trainings or scenario.trainees:
        count += f", {len(plan.trainings)} trainings"
    print(f"{args.plan}: {count}, objective {value:g}: {verdict}")
    return EXIT_OK if not violations else EXIT_NO


def _cmd_audit(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.io import json_text, load_scenario

    scenario = load_scenario(args.scenario)
    pairs = matchaid.audit(
        scenario, matchaid.Plan(scenario, *matchaid.load_plan_entries(args.plan))
    )
    if args.json:
        print(
            json_text(
                [
                    {
                        "expert": b.expert,
                        "recipient": b.recipient,
                        "choice": b.choice,
                        "serving": list(b.serving),
                        "posting": {
                            "expert": b.posting.expert,
                            "recipient": b.posting.recipient,
                            "specialty": b.posting.specialty,
                            "start": b.posting.start,
                            "months": b.posting.months,
                        },
                        "gain": b.gain,
                    }
                    for b in pairs
                ]
            ),
            end="",
        )
    else:
        for b in pairs:
            print(f"{args.plan}: {b}")
        print(f"{args.plan}: {len(pairs)} blocking pair(s)")
    return EXIT_OK if not pairs else EXIT_NO


def _cmd_explain(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.explanation import explain
    from matchaid.io import json_text, load_scenario

    scenario = load_scenario(args.scenario)
    plan = matchaid.Plan(scenario, *matchaid.load_plan_entries(args.plan))
    gap = _gap_argument(scenario, args.gap) if args.gap else None
    limit = args.time_limit if args.time_limit is not None else _explain_time(args.plan)
    params = matchaid.SolveParams(workers=args.workers or 0, seed=args.seed or 0, time_limit=limit)
    print(
        f"explaining {args.plan}: counterfactual re-solves within {limit:g} s "
        "(Ctrl-C stops them and prints what is known)",
        file=sys.stderr,
    )
    found = explain(scenario, plan, gap=gap, time_limit=limit, params=params)
    with _INTERRUPTS.deferred():
        if args.json:
            print(json_text(found.to_dict()), end="")
        else:
            print(found.to_text(scenario))
    if found.interrupted or _INTERRUPTS.signum is not None:
        return _INTERRUPTS.exit_code
    return EXIT_OK


def _cmd_value(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.io import json_text, load_scenario
    from matchaid.values import marginal_values

    scenario = load_scenario(args.scenario)
    _warn(scenario, args.scenario)
    params = _solve_params(args)
    print(
        f"valuing {args.scenario}: solving it, then re-solving the top {args.top} of each "
        "ranking (Ctrl-C stops and prints what is known)",
        file=sys.stderr,
    )
    result = matchaid.solve(scenario, params)
    if result.interrupted:
        raise KeyboardInterrupt
    found = marginal_values(
        scenario, result, params=params, top=args.top, time_limit=args.resolve_time
    )
    with _INTERRUPTS.deferred():
        if args.json:
            print(json_text(found.to_dict()), end="")
        else:
            print(found.to_text(scenario, top=args.top))
    if found.interrupted or _INTERRUPTS.signum is not None:
        return _INTERRUPTS.exit_code
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.compare import compare
    from matchaid.io import json_text, load_scenario, prepare_file, write_text_atomic
    from matchaid.io.changes import load_changes

    for out in (args.csv, args.html):
        if out:
            prepare_file(out)
    scenario = load_scenario(args.scenario)
    variants: dict[str, Any] = {}
    for path in args.variants:
        variants[path] = load_scenario(path)
    for path in args.changes or ():
        variants[path] = load_changes(path)
    if not variants:
        raise matchaid.InputError(
            "compare", [matchaid.Problem("", "give a VARIANT scenario or --changes FILE")]
        )
    params = _solve_params(args)
    print(
        f"comparing {args.scenario} with {len(variants)} variant(s): one solve each",
        file=sys.stderr,
    )
    found = compare(scenario, variants, params, base_name=args.scenario)
    with _INTERRUPTS.deferred():
        if args.json:
            print(json_text(found.to_dict()), end="")
        else:
            print(found.to_text())
        if args.csv:
            write_text_atomic(args.csv, found.to_csv())
        if args.html:
            from matchaid.report import comparison_report

            comparison_report(found).write_html(args.html)
    if any(v.result.interrupted for v in found.variants) or _INTERRUPTS.signum is not None:
        return _INTERRUPTS.exit_code
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.diff import plan_diff
    from matchaid.io import json_text, load_scenario
    from matchaid.replanning import plan_scenario

    scenario = load_scenario(args.scenario)
    before, after = plan_scenario(scenario, args.old), plan_scenario(scenario, args.new)
    old = matchaid.Plan(before, *matchaid.load_plan_entries(args.old))
    new = matchaid.Plan(after, *matchaid.load_plan_entries(args.new))
    now = after.past.now if after.past is not None else 0
    found = plan_diff(scenario, old, new, now=now)
    if args.json:
        print(json_text(found.to_dict()), end="")
    else:
        print(found.to_text())
    return EXIT_OK


def _cmd_replan(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.exceptions import InputError, Problem
    from matchaid.io import json_text, load_scenario, prepare_file
    from matchaid.io.changes import load_changes
    from matchaid.replanning import plan_scenario, replan

    params = _solve_params(args)
    for out in (args.output, args.diff):
        if out and out != "-":
            prepare_file(out)
    scenario = load_scenario(args.scenario)
    if not 0 <= args.now <= scenario.horizon.months:
        raise InputError(
            "--now",
            [Problem(str(args.now), f"must be a period in [0, {scenario.horizon.months}]")],
        )
    old = matchaid.Plan(plan_scenario(scenario, args.plan), *matchaid.load_plan_entries(args.plan))
    changes = load_changes(args.changes)
    print(
        f"re-planning {args.plan} from period {args.now} after {len(changes)} change(s) "
        "(Ctrl-C stops and keeps the best plan)",
        file=sys.stderr,
    )
    if _INTERRUPTS.signum is not None:  # an interrupt whose KeyboardInterrupt was lost
        raise KeyboardInterrupt
    found = replan(
        old.scenario,
        old,
        changes,
        args.now,
        params,
        moves_weight=args.moves_weight,
        progress=_progress_printer(sys.stderr, params.time_limit),
        progress_interval=0.2,
        source=args.changes,
    )
    with _INTERRUPTS.deferred():
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        record = {"solve": found.result.record(), "replan": found.record()}
        failed = []
        if args.output == "-":
            sys.stdout.write(json_text(found.plan.to_document(record)))
        else:
            failed += _write_output(args.output, lambda: found.plan.to_json(args.output, record))
        if args.diff:
            text = json_text(found.diff.to_dict())
            failed += _write_output(args.diff, lambda: _write_text(args.diff, text))
        print(found.summary(), file=sys.stderr if args.output == "-" else sys.stdout)
        if failed:
            raise MatchaidError("; ".join(failed))
    if found.result.interrupted or _INTERRUPTS.signum is not None:
        return _INTERRUPTS.exit_code
    return EXIT_OK


def _write_text(path: str, text: str) -> None:
    from matchaid.io import write_text_atomic

    write_text_atomic(path, text)


def _gap_argument(scenario: Any, text: str) -> tuple[str, str]:
    """``RECIPIENT:SPECIALTY`` as a gap of the scenario (split at whichever colon names
    one, so that ids may hold colons)."""
    from matchaid.exceptions import InputError, Problem

    for k, ch in enumerate(text):
        if ch == ":" and any(
            (r.id, g.specialty) == (text[:k], text[k + 1 :]) for r, g in scenario.gaps
        ):
            return text[:k], text[k + 1 :]
    raise InputError("--gap", [Problem(text, "no such gap: give RECIPIENT:SPECIALTY of a gap")])


def _explain_time(plan_path: str) -> float:
    """2.5 times the wall time of the solve that wrote the plan file (at least 2 s), or 10 s
    if the file does not say."""
    from matchaid.exceptions import PlanFileError
    from matchaid.io._json import read_json

    if plan_path.lower().endswith(".csv"):
        return 10.0
    record = read_json(plan_path, PlanFileError)
    solve = record.get("solve") if isinstance(record, dict) else None
    try:
        wall = float(solve["build_seconds"]) + float(solve["solve_seconds"])  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        return 10.0
    return max(2.0, 2.5 * wall)


def _cmd_report(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.io import load_scenario, prepare_file, prepare_folder
    from matchaid.replanning import plan_scenario
    from matchaid.report import build_report

    if args.html:
        prepare_file(args.html)
    if args.png:
        prepare_folder(args.png)
    scenario = plan_scenario(load_scenario(args.scenario), args.plan)
    plan = matchaid.Plan(scenario, *matchaid.load_plan_entries(args.plan))
    violations = matchaid.validate(scenario, plan)
    foreign = [
        v for v in violations if v.rule in ("unknown_expert", "unknown_recipient", "no_such_gap")
    ]
    if foreign:
        raise matchaid.PlanFileError(
            args.plan,
            [
                Problem(
                    f"postings[{v.posting}]",
                    f"{v.message.split(': ', 1)[-1]} in {args.scenario}; a report needs the "
                    "plan's own scenario (is this plan for another one?)",
                )
                for v in foreign
            ],
        )
    if violations:
        print(
            f"warning: {args.plan} breaks {len(violations)} rule(s); run 'matchaid check' for the list",
            file=sys.stderr,
        )
    explanation = values = None
    if scenario.past is not None and not args.no_why:
        print(
            "note: the sections on why gaps are unmet and whom to recruit are not made for a "
            "re-planned plan (its past is fixed)",
            file=sys.stderr,
        )
    elif not violations and not args.no_why:
        explanation, values = _why(scenario, plan, args)
    report = build_report(
        scenario,
        plan,
        _recorded_result(plan, args.plan),
        pictures=bool(args.html or args.png),
        interactive=not (args.static or args.png),
        explanation=explanation,
        values=values,
    )
    if args.html:
        with _INTERRUPTS.deferred():
            report.write_html(args.html)
        print(f"wrote {args.html}", file=sys.stderr)
    if args.png:
        with _INTERRUPTS.deferred():
            written = report.write_pngs(args.png)
        print(f"wrote {len(written)} pictures into {args.png}", file=sys.stderr)
    print(report.to_markdown(), end="")
    return EXIT_OK


def _recorded_result(plan: Any, path: str) -> Any:
    """The solve a JSON plan file records (status, bound, gap, stages), if it does and
    the record reads; else ``None``."""
    if not path.lower().endswith(".json"):
        return None
    from matchaid.exceptions import PlanFileError
    from matchaid.io._json import read_json
    from matchaid.result import Result

    try:
        record = read_json(path, PlanFileError).get("solve")
        return Result.from_record(plan, record) if isinstance(record, dict) else None
    except (MatchaidError, ValueError, TypeError, AttributeError):
        return None  # a hand-made plan file: the report shows the plan alone


def _why(scenario: Any, plan: Any, args: argparse.Namespace) -> tuple[Any, Any]:
    """The explanation and marginal values of a report, each within the time the plan
    file's solve took 2.5 times (10 s if it does not say); a Ctrl-C keeps what is known."""
    from matchaid.explanation import explain
    from matchaid.values import marginal_values

    limit = args.why_time if args.why_time is not None else _explain_time(args.plan)
    print(
        f"explaining the plan and valuing supply for the report (within {2 * limit:g} s; "
        "--no-why skips it)",
        file=sys.stderr,
    )
    explanation = explain(scenario, plan, time_limit=limit)
    if explanation.interrupted:
        return explanation, None
    return explanation, marginal_values(scenario, plan, time_limit=limit)


def _cmd_generate(args: argparse.Namespace) -> int:
    import matchaid
    from matchaid.generate import GeneratorParams, generate, tier_params
    from matchaid.io import json_text, prepare_file, scenario_to_document

    if args.seed < 0:
        raise ParamsError("--seed", [Problem("", f"must be a whole number >= 0, got {args.seed}")])
    if args.output:
        prepare_file(args.output)

    params = tier_params(args.tier)
    changes: dict[str, Any] = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep or key not in GeneratorParams.names():
            raise matchaid.ParamsError(
                "--set",
                [
                    matchaid.Problem(
                        key,
                        f"expected KNOB=VALUE with a knob of: {', '.join(GeneratorParams.names())}",
                    )
                ],
            )
        current = getattr(params, key)
        try:
            if isinstance(current, bool):
                changes[key] = value.lower() in ("1", "true", "yes")
            elif isinstance(current, tuple):
                changes[key] = tuple(int(v) for v in value.split(","))
            elif isinstance(current, (int, float)):
                changes[key] = type(current)(value)
            else:
                changes[key] = value
        except ValueError:
            raise matchaid.ParamsError(
                "--set", [matchaid.Problem(key, f"cannot read {value!r}")]
            ) from None
    scenario = generate(params.with_(**changes) if changes else params, seed=args.seed)
    if args.output:
        with _INTERRUPTS.deferred():
            matchaid.save_scenario(scenario, args.output, format="json")
        print(
            f"wrote {args.output}: {len(scenario.experts)} experts, {len(scenario.recipients)} recipients",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(json_text(scenario_to_document(scenario)))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``matchaid`` command."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="matchaid",
        description="Plan hospital-to-hospital medical aid with OR-Tools CP-SAT.",
    )
    from matchaid import __version__

    parser.add_argument("--version", action="version", version=f"matchaid {__version__}")
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
        help="convert a scenario between JSON, a CSV folder and an Excel workbook",
        description="Read a scenario (JSON file, CSV folder or .xlsx workbook) and write "
        "it in another form. The target's form follows --to, else its name: *.json is "
        "JSON, *.xlsx a workbook (one sheet per CSV table), anything else a CSV folder. "
        "Files are written atomically.",
    )
    p.add_argument("source", help="scenario JSON file, CSV folder or .xlsx workbook")
    p.add_argument("target", help="output JSON file, .xlsx workbook or folder")
    p.add_argument("--to", choices=("json", "csv", "xlsx"), help="output format")
    p.add_argument(
        "--excel", action="store_true", help="CSV files start with a BOM, so Excel reads UTF-8"
    )
    p.set_defaults(func=_cmd_convert)

    _add_solve_parser(sub)

    _add_plan_parsers(sub)
    _add_why_parsers(sub)
    _add_value_parser(sub)
    _add_compare_parser(sub)
    for name, command in sub.choices.items():
        if name != "generate":
            command.add_argument(
                "--encoding",
                metavar="NAME",
                help="encoding of CSV input (default: UTF-8, else GB18030 with a warning), "
                "e.g. gbk, gb18030, utf-8",
            )

    p = sub.add_parser(
        "generate",
        help="generate a seeded scenario of a size tier",
        description="Write a realistic seeded scenario (JSON) for a size tier: xs (tests), s, "
        "m (about the Tibet programme), l (a few thousand experts), xl (national: 10,000 "
        "experts), with structure variants joined by dashes: overlap (each recipient "
        "paired with 3 donors across provinces), national (national donors paired with "
        "every region), preferred, none (the pairing mode), rules (the programme rules on), "
        "flow (no side rules), few (20 donors at most); e.g. m-overlap-rules. --set "
        "changes a knob, e.g. --set demand_supply_ratio=2 --set pairing_donors=2.",
    )
    p.add_argument("tier", help="xs, s, m, l or xl, with any variants (m-overlap)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("-o", "--output", help="write here (default: stdout)")
    p.add_argument("--set", action="append", metavar="KNOB=VALUE", help="change a generator knob")
    p.set_defaults(func=_cmd_generate)
    return parser


def _add_plan_parsers(sub: Any) -> None:
    """The commands that read a scenario and a plan: check, audit, report."""
    p = sub.add_parser(
        "check",
        help="check any plan file against a scenario's rules",
        description="Run the independent validator on a plan (JSON plan file or "
        "postings.csv, including hand-made ones) and print every violation. "
        "Exit 0 if valid, 1 if it breaks a rule, 2 if a file is malformed.",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument("plan", help="plan JSON file or postings.csv")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "audit",
        help="list the blocking pairs of a plan against the experts' preferences",
        description="A pair (expert, recipient) blocks when the expert lists the "
        "recipient above every recipient they serve, and one eligible posting there, in "
        "place of theirs, leaves a valid plan with more weighted coverage at that "
        "recipient. Exit 0 if there is none, 1 if there are some, 2 if a file is "
        "malformed.",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument("plan", help="plan JSON file or postings.csv")
    p.add_argument("--json", action="store_true", help="print the pairs as JSON")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser(
        "report",
        help="report on a plan: KPIs, coverage, unmet demand, rotations, flows",
        description="Print a Markdown report of a plan on stdout; with --html also write "
        "one self-contained HTML page that opens offline: sortable tables, an interactive "
        "coverage heatmap and rotation timeline, and pictures (needs matplotlib: the "
        "'report' extra).",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument("plan", help="plan JSON file or postings.csv")
    p.add_argument("--html", metavar="OUT", help="write the HTML report here")
    p.add_argument(
        "--static",
        action="store_true",
        help="draw the heatmap and the timelines (one per recipient) as pictures too, "
        "not as interactive charts",
    )
    p.add_argument(
        "--png", metavar="DIR", help="write every picture as a PNG file into DIR (implies --static)"
    )
    p.add_argument(
        "--no-why",
        action="store_true",
        help="leave out the sections on why gaps are unmet and whom to recruit (they re-solve)",
    )
    p.add_argument(
        "--why-time",
        type=float,
        metavar="S",
        help="seconds for each of those two sections' re-solves (default: 2.5 times the plan's "
        "solve time, at least 2; 10 if the plan file does not say)",
    )
    p.set_defaults(func=_cmd_report)


def _add_why_parsers(sub: Any) -> None:
    """The commands that read a scenario and plans to say why: explain, diff."""
    p = sub.add_parser(
        "explain",
        help="say why each unmet gap of a plan is unmet, and what would fix it",
        description="For each gap with unmet expert-periods, list the reasons, most "
        "binding first: who could serve it at all (no_specialty, seniority, availability, "
        "pairing, travel), and what stops one more posting (release, max_away, hosting, "
        "budget, used_elsewhere, rule). Each capacity or rule reason carries the gain in "
        "the objective if that limit were raised by one or the rule dropped, from "
        "re-solves warm-started from the plan, 'proven' or 'at least / at most'.",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument("plan", help="plan JSON file or postings.csv")
    p.add_argument("--json", action="store_true", help="print the explanation as JSON")
    p.add_argument("--gap", metavar="RECIPIENT:SPECIALTY", help="explain only this gap")
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="seconds for all re-solves together (default: 2.5 times the plan's solve time, "
        "at least 2; 10 if the plan file does not say)",
    )
    p.add_argument("--workers", type=int, metavar="N", help="cores for the re-solves")
    p.add_argument("--seed", type=int, metavar="K", help="random seed of the re-solves")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser(
        "diff",
        help="list what changed between two plans of a scenario",
        description="Postings kept, removed, added and moved (the same expert at another "
        "recipient or time), training placements kept, removed and added, the people "
        "affected with their old and new postings, the number of changes, and the change "
        "in each KPI.",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument("old", help="the old plan (JSON plan file or postings.csv)")
    p.add_argument("new", help="the new plan")
    p.add_argument("--json", action="store_true", help="print the diff as JSON")
    p.set_defaults(func=_cmd_diff)
    _add_replan_parser(sub)


def _add_replan_parser(sub: Any) -> None:
    """The ``replan`` command: a new plan after changes, keeping the past."""
    p = sub.add_parser(
        "replan",
        help="re-plan after changes, keeping the past and moving as few people as possible",
        description="Apply the changes (a JSON list: withdraw, add_expert, add_gap, "
        "set_demand, set_hosting, set_release, add_trainee) and plan again from period "
        "NOW: postings that started before NOW are kept exactly (a withdrawn expert's cut "
        "at the withdrawal), the best primary objective is found first, then the fewest "
        "changes at it (old postings from NOW on that are dropped plus new ones). Writes "
        "the new plan, prints it and the diff; exit 2 if a file or change is bad or no "
        "plan keeps the past.",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument("plan", help="the plan in force (JSON plan file or postings.csv)")
    p.add_argument("--changes", required=True, metavar="FILE", help="the changes (JSON list)")
    p.add_argument("--now", required=True, type=int, metavar="T", help="first period to change")
    p.add_argument(
        "-o", "--output", required=True, metavar="NEW", help="the new plan ('-': stdout)"
    )
    p.add_argument("--diff", metavar="FILE", help="also write the diff as JSON here")
    p.add_argument(
        "--moves-weight",
        type=float,
        metavar="W",
        help="trade coverage for fewer moves: maximise the objective minus W per change "
        "(default: the best objective first, then the fewest changes)",
    )
    _add_search_options(p, "seconds for both stages (default 60)")
    p.set_defaults(func=_cmd_replan, deterministic_time=None, no_hint=False)


def _add_gap_limit(p: Any) -> None:
    """--gap-limit (``SolveParams.gap_limit``)."""
    p.add_argument(
        "--gap-limit",
        type=float,
        metavar="G",
        help="stop once the relative gap to the proven bound is at most G (e.g. 1e-4); "
        "default 0: search until proven optimal or out of time",
    )


def _add_search_options(p: Any, time_help: str) -> None:
    """--time-limit, --gap-limit, --workers, --seed and --params of a command that
    solves."""
    p.add_argument("--time-limit", type=float, metavar="S", help=time_help)
    _add_gap_limit(p)
    p.add_argument("--workers", type=int, metavar="N", help="cores to use (default: all)")
    p.add_argument("--seed", type=int, metavar="K", help="random seed (default 0)")
    p.add_argument("--params", metavar="FILE", help="solver settings from a TOML or JSON file")


def _add_compare_parser(sub: Any) -> None:
    """The ``compare`` command: what-if KPIs side by side."""
    p = sub.add_parser(
        "compare",
        help="solve a scenario and variants of it and set their KPIs side by side",
        description="Solve the base scenario and each variant (another scenario file, or "
        "a JSON list of changes to the base: withdraw, add_expert, add_gap, set_demand, "
        "set_hosting, set_release, add_trainee) and print objective, status, weighted "
        "coverage, unmet expert-months by specialty, recipients with nothing, fairness, "
        "cost and people posted, one column each.",
    )
    p.add_argument("scenario", help="the base scenario (JSON file or CSV folder)")
    p.add_argument("variants", nargs="*", metavar="VARIANT", help="variant scenario files")
    p.add_argument(
        "--changes", action="append", metavar="FILE", help="a variant: changes to the base"
    )
    p.add_argument("--json", action="store_true", help="print the KPIs as JSON")
    p.add_argument("--csv", metavar="OUT", help="also write the table as CSV here")
    p.add_argument("--html", metavar="OUT", help="also write it as an HTML report here")
    _add_search_options(p, "seconds per solve (default 60)")
    p.set_defaults(func=_cmd_compare, deterministic_time=None, no_hint=False)


def _add_value_parser(sub: Any) -> None:
    """The ``value`` command: marginal values of supply and capacity."""
    p = sub.add_parser(
        "value",
        help="rank whom to recruit and which limit to raise, by what one more is worth",
        description="Solve the scenario, then estimate from the LP relaxation's duals "
        "what one more expert is worth for each donor department (like its most "
        "flexible expert), and one more unit of each binding capacity (release, "
        "max_away, hosting, seats, budget); the top N of each ranking are re-solved "
        "exactly, warm-started from the plan, side by side with the estimate.",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument(
        "--top", type=int, default=10, metavar="N", help="re-solve the top N (default 10)"
    )
    p.add_argument("--json", action="store_true", help="print the rankings as JSON")
    p.add_argument(
        "--resolve-time",
        type=float,
        metavar="S",
        help="seconds for all re-solves together (default: twice the solve's, at least 5)",
    )
    _add_search_options(p, "seconds of the first solve (default 60)")
    p.set_defaults(func=_cmd_value, deterministic_time=None, no_hint=False, dask=None)


def _add_solve_parser(sub: Any) -> None:
    """The ``solve`` command and its many options."""
    p = sub.add_parser(
        "solve",
        help="plan a scenario with CP-SAT",
        description="Choose postings that maximise weighted gap coverage under every rule. "
        "Prints the status (optimal/feasible/unknown), objective, best bound, gap, timings "
        "and a summary; a progress line goes to stderr for searches longer than two "
        "seconds. Ctrl-C stops the search and still writes the best plan found (exit 130).",
    )
    p.add_argument("scenario", help="scenario JSON file or CSV folder")
    p.add_argument("-o", "--output", help="write the plan as JSON here ('-' for stdout)")
    p.add_argument("--csv", metavar="DIR", help="also write postings.csv and coverage.csv here")
    p.add_argument(
        "--excel", action="store_true", help="CSV files start with a BOM, so Excel reads UTF-8"
    )
    p.add_argument(
        "--time-limit", type=float, metavar="S", help="seconds of search (0: no limit; default 60)"
    )
    _add_gap_limit(p)
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="cores to use (default: all; independent parts are solved side by side)",
    )
    p.add_argument("--seed", type=int, metavar="K", help="random seed (default 0)")
    p.add_argument(
        "--deterministic-time",
        type=float,
        metavar="D",
        help="deterministic work budget; with --workers 1 the plan is the same on every run",
    )
    p.add_argument(
        "--no-hint",
        action="store_true",
        help="no starting plan: neither the LP-rounded nor the greedy plan, and no RINS",
    )
    p.add_argument("--params", metavar="FILE", help="solver settings from a TOML or JSON file")
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="solve the independent parts on the workers of this Dask scheduler "
        "(tcp://host:port; the 'distributed' extra), one bundle of parts per worker",
    )
    p.set_defaults(func=_cmd_solve)


def main(argv: Sequence[str] | None = None, *, exiting: bool = False) -> int:
    """Run the command line; return the exit code.

    SIGINT and SIGTERM are handled from the first moment: a solve stops and writes its
    best plan (exit 130, or 143 after SIGTERM); anything else stops with a one-line
    message and no traceback. With ``exiting=True`` (the ``matchaid`` command, which
    exits next) the handlers stay after the command, and signals then are ignored.
    """
    global _INTERRUPTS
    _INTERRUPTS = _Interrupts()
    with _INTERRUPTS.installed(restore=not exiting), warnings.catch_warnings():
        warnings.simplefilter("always", MatchaidWarning)
        warnings.showwarning = _show_warning
        try:
            parser = build_parser()
            args = parser.parse_args(argv)
            from matchaid.io import CSV_ENCODING

            token = CSV_ENCODING.set(getattr(args, "encoding", None))
            try:
                return int(args.func(args))
            finally:
                CSV_ENCODING.reset(token)
        except MatchaidError as exc:
            print(f"matchaid: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt:
            print("matchaid: interrupted; nothing written", file=sys.stderr)
            return _INTERRUPTS.exit_code
        except BrokenPipeError:
            _quiet_stdout()
            return EXIT_OK
        except Exception as exc:
            # An interrupt while a module loads can come out wrapped: ImportError
            # ("initialization failed") from a compiled module (NumPy, OR-Tools), or
            # RuntimeError ("Error calling __set_name__") from a class being created.
            if not _caused_by_interrupt(exc):
                raise
            print("matchaid: interrupted; nothing written", file=sys.stderr)
            return _INTERRUPTS.exit_code


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """matchaid's warnings as ``warning: ...`` lines on stderr; others as Python shows
    them."""
    if issubclass(category, MatchaidWarning):
        print(f"warning: {message}", file=sys.stderr)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _caused_by_interrupt(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
