"""The layers stay apart: the allowed import graph, read from the source (every import,
also those inside functions), and the registries of the engine and the validator."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import matchaid
from matchaid.rulenames import RuleName
from matchaid.rules import RULES
from matchaid.validation import CHECKS

PACKAGE = Path(matchaid.__file__).parent

#: Each module's layer. A module may import its own layer and the layers below it;
#: the validator imports the data layer only.
LAYERS: dict[str, tuple[str, ...]] = {
    "data": (
        "matchaid",
        "matchaid.arrays",
        "matchaid.domain",
        "matchaid.exceptions",
        "matchaid.posting",
        "matchaid.rulenames",
        "matchaid.weights",
    ),
    "io": ("matchaid.io", "matchaid.summary", "matchaid.generate"),
    "candidates": ("matchaid.rules", "matchaid.candidates"),
    "engine": (
        "matchaid.program",
        "matchaid.cp_sat",
        "matchaid.relax",
        "matchaid.blocks",
        "matchaid.fixing",
        "matchaid.fill",
        "matchaid.decompose",
        "matchaid.lns",
        "matchaid.mpmodel",
    ),
    # A plan reports its objective as the validator recomputes it.
    "solve": (
        "matchaid.params",
        "matchaid.plan",
        "matchaid.result",
        "matchaid.spread",
        "matchaid.search",
        "matchaid.stages",
        "matchaid.greedy",
    ),
    # What-if analysis and re-planning: re-solve changed scenarios.
    "analysis": (
        "matchaid.whatif",
        "matchaid.reasons",
        "matchaid.explanation",
        "matchaid.values",
        "matchaid.compare",
        "matchaid.diff",
        "matchaid.replanning",
    ),
    "edge": (
        "matchaid.cli",
        "matchaid.__main__",
        "matchaid.report",
        "matchaid.plots",
        "matchaid.charts",
        "matchaid.audit",
    ),
}
ORDER = list(LAYERS)
VALIDATION = "matchaid.validation"


def _layer(module: str) -> str:
    if module == VALIDATION or module.startswith(VALIDATION + "."):
        return "validation"
    best = ""
    for layer, prefixes in LAYERS.items():
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, found = prefix, layer
    assert best, f"{module} is in no layer: add it to LAYERS"
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    base = PACKAGE.parent / relative
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def test_every_import_goes_down_the_layers() -> None:
    wrong = []
    for module, imports in _graph().items():
        mine = _layer(module)
        for name in sorted(imports):
            if not name.startswith("matchaid") or not _is_module(name):
                continue
            theirs = _layer(name)
            if mine == "validation":
                ok = theirs in ("data", "validation") and name != "matchaid"
            elif theirs == "validation":
                # the loader checks fixed pins against the contract; the engine never
                # reads the validator
                ok = mine in ("io", "solve", "analysis", "edge") or module == "matchaid"
            else:
                ok = ORDER.index(theirs) <= ORDER.index(mine) or module == "matchaid"
            if not ok:
                wrong.append(f"{module} ({mine}) imports {name} ({theirs})")
    assert wrong == []


def test_only_the_cp_sat_module_imports_ortools_sat() -> None:
    users = sorted(
        module
        for module, imports in _graph().items()
        if any(name.startswith("ortools.sat") for name in imports)
    )
    assert users == ["matchaid.cp_sat"]


def test_the_engine_does_not_import_the_greedy_baseline() -> None:
    graph = _graph()
    engine = [m for m in graph if _layer(m) in ("candidates", "engine")] + ["matchaid.search"]
    assert [m for m in engine if "matchaid.greedy" in graph[m]] == []


def test_the_validator_imports_neither_numpy_nor_the_engine() -> None:
    for module, imports in _graph().items():
        if _layer(module) == "validation":
            assert not any(name.split(".")[0] in ("numpy", "ortools") for name in imports), module


def test_engine_rules_and_validator_checks_name_the_same_rules() -> None:
    engine = [rule.name for rule in RULES]
    assert len(engine) == len(set(engine))
    assert set(engine) == set(CHECKS) == set(RuleName)


def test_validator_and_io_do_not_import_ortools() -> None:
    code = (
        "import sys, matchaid\n"
        "s = matchaid.load_scenario('tests/data/scenario-v1-small.json')\n"
        "p = matchaid.load_postings('tests/data/scenario-v1-small.json') if False else []\n"
        "matchaid.validate(s, p); matchaid.objective_value(s, p)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ortools', 'numpy'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
