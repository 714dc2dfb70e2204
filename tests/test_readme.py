"""README's shown outputs are real (issue 17): every ``$ matchaid ...`` transcript in
README.md is run and must print what it shows, and the ``make run`` block's proven
figures are what the flagship solve gives, so the README cannot drift from the code.

Transcripts run in a scratch folder holding ``tests/data`` and the two files the README
shows broken (``tests/data/readme``: a hand-made ``postings.csv`` and ``broken.json``).
A command's shown lines are its stdout, or its stdout and stderr (either one first);
timings (``build 0.00 s, search 0.01 s``) are masked.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import matchaid

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
TIMES = re.compile(r"build [0-9.]+ s, search [0-9.]+ s")


def _transcripts() -> list[list[tuple[str, list[str]]]]:
    """Each fenced block of README.md that starts with ``$ matchaid``: its commands,
    each with the lines shown after it."""
    blocks = re.findall(r"^```[a-z]*\n(\$ matchaid .*?)^```", README.read_text(), re.M | re.S)
    out = []
    for block in blocks:
        commands: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                commands[-1][1].append(line)
        out.append(commands)
    return out


def _masked(lines: list[str]) -> list[str]:
    return [TIMES.sub("build T s, search T s", line) for line in lines]


def test_readme_has_the_transcripts_this_test_runs() -> None:
    commands = [c for block in _transcripts() for c, _ in block]
    assert len(commands) == 5
    assert {shlex.split(c)[1] for c in commands} == {"validate", "solve", "check"}


@pytest.mark.parametrize("block", _transcripts(), ids=lambda b: b[0][0][:60])
def test_readme_transcript_is_real_output(
    block: list[tuple[str, list[str]]], tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "tests" / "data", tmp_path / "tests" / "data")
    for name in ("postings.csv", "broken.json"):
        shutil.copy(ROOT / "tests" / "data" / "readme" / name, tmp_path / name)
    for command, shown in block:
        args = shlex.split(command)
        assert args[0] == "matchaid"
        run = subprocess.run(
            [sys.executable, "-m", "matchaid", *args[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        out, err = run.stdout.splitlines(), run.stderr.splitlines()
        assert _masked(shown) in (_masked(out), _masked(out + err), _masked(err + out)), (
            f"$ {command}\n--- stdout\n{run.stdout}--- stderr\n{run.stderr}"
        )


def test_make_run_block_shows_the_flagship_solve() -> None:
    """The ``make run`` block: the status, stage and goal lines (proven values) are what
    the flagship's own parameters give; the plan's lines below them may differ between
    equally good plans, so only their kind is checked."""
    block = README.read_text().split("$ make run\n", 1)[1].split("```", 1)[0]
    shown = [line for line in block.splitlines() if line and line != "..."]
    sys.path.insert(0, str(ROOT / "examples" / "tibet_group_aid"))
    try:
        import plan as flagship  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    scenario = matchaid.load_scenario(ROOT / "examples" / "tibet_group_aid" / "scenario.json")
    result = matchaid.solve(scenario, flagship.PARAMS)
    printed = _masked(result.summary(max_rows=8).splitlines())
    proven = [
        line
        for line in _masked(shown)
        if line.startswith(("stage ", "lexicographic goals:", "2580 candidate"))
    ]
    assert len(proven) == 4
    assert [line for line in proven if line not in printed] == []
    status = printed[0].split(": objective ")[0]
    assert shown[0].startswith(status + ": objective ")
    assert shown[0].endswith(printed[0].split(";", 1)[1])  # the proven bound
    assert shown[-1] == "report: out/tibet_group_aid/report.html"
