"""The layers stay apart: only the CP-SAT layer imports ortools.sat."""

from __future__ import annotations

import subprocess
import sys


def test_validator_and_io_do_not_import_ortools() -> None:
    code = (
        "import sys, matchaid\n"
        "s = matchaid.load_scenario('tests/data/scenario-v1-small.json')\n"
        "matchaid.validate(s, matchaid.greedy_plan(s)); matchaid.objective_value(s, [])\n"
        "print(sorted(m for m in sys.modules if m.startswith('ortools')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
