"""The house rules, checked on every run: imports only run downward, no module imports itself
back, and functions stay short.

Layers, lowest first (README "Layout"): a module may import its own package and the packages
below it, never one above. Every import counts, the lazy ones inside functions included.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = ["core", "model", "scenario", "ingest", "panel", "engine", "analysis", "views", "cli"]
FACE = len(LAYERS)
"""The rank of the package's public face (``tradecalc/__init__``, ``__main__``, ``entry``)."""
LONG, TOO_LONG, MOST_LONG = 60, 100, 5
"""A function past LONG lines is long; none may pass TOO_LONG, and at most MOST_LONG are long."""


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root``, by dotted name."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(tree: ast.AST, package: str, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``tree`` imports, anywhere in it."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & known.keys()
            names.update(submodules or {node.module})
    return {name for name in names if name in known and name.split(".")[0] == package}


def rank(module: str) -> int:
    """The layer of a dotted module name; the public face ranks above every layer."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return FACE


def graph(root: Path, package: str) -> dict[str, set[str]]:
    known = modules(root, package)
    return {
        name: imported(ast.parse(path.read_text(encoding="utf-8")), package, known) - {name}
        for name, path in known.items()
    }


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{source} imports {target} (layer {rank(target)} above {rank(source)})"
        for source, targets in edges.items()
        for target in targets
        if rank(target) > rank(source) and target.count(".") > 0
    )


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Import circles, each once, as found by a depth-first walk (package inits left out:
    importing ``pkg.mod`` names ``pkg``, which is not an import of it by ``mod``)."""
    inits = {name for name in edges if any(other.startswith(name + ".") for other in edges)}
    found, done = [], set()

    def walk(node: str, path: list[str]) -> None:
        for target in sorted(edges[node] - inits):
            if target in path:
                found.append([*path[path.index(target) :], target])
            elif target not in done:
                walk(target, [*path, target])
        done.add(node)

    for start in sorted(set(edges) - inits):
        if start not in done:
            walk(start, [start])
    return found


def long_functions(root: Path, package: str) -> dict[str, int]:
    lengths = {}
    for name, path in modules(root, package).items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                if size > LONG:
                    lengths[f"{name}.{node.name}"] = size
    return lengths


def test_imports_only_run_downward():
    assert upward_imports(graph(SRC, "tradecalc")) == []


def test_no_import_cycles():
    assert cycles(graph(SRC, "tradecalc")) == []


def test_at_most_eight_modules_at_the_top():
    top = [path.name for path in (SRC / "tradecalc").glob("*.py")]
    assert len(top) <= 8, top


def test_every_layer_is_a_package():
    for layer in LAYERS:
        assert (SRC / "tradecalc" / layer / "__init__.py").is_file(), layer


def test_functions_stay_short():
    lengths = long_functions(SRC, "tradecalc")
    assert {name: n for name, n in lengths.items() if n > TOO_LONG} == {}
    assert len(lengths) <= MOST_LONG, sorted(lengths.items(), key=lambda item: -item[1])


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def throwaway(tmp_path):
    """A package ``tradecalc`` of two layers whose lower one imports upward, lazily."""
    write_package(
        tmp_path,
        {
            "tradecalc/__init__.py": "",
            "tradecalc/core/__init__.py": "",
            "tradecalc/core/errors.py": "def fail():\n    from tradecalc.views import render\n",
            "tradecalc/views/__init__.py": "",
            "tradecalc/views/render.py": "from tradecalc.core import errors\n",
        },
    )
    return tmp_path


def test_checker_finds_an_upward_import_inside_a_function(throwaway):
    problems = upward_imports(graph(throwaway, "tradecalc"))
    assert problems == ["tradecalc.core.errors imports tradecalc.views.render (layer 7 above 0)"]


def test_checker_finds_a_cycle(throwaway):
    found = cycles(graph(throwaway, "tradecalc"))
    assert found == [["tradecalc.core.errors", "tradecalc.views.render", "tradecalc.core.errors"]]


def test_checker_passes_a_clean_package(throwaway):
    (throwaway / "tradecalc/core/errors.py").write_text("def fail():\n    pass\n")
    edges = graph(throwaway, "tradecalc")
    assert upward_imports(edges) == [] and cycles(edges) == []


def test_checker_measures_function_length(throwaway):
    body = "".join(f"    x{i} = {i}\n" for i in range(LONG + 5))
    (throwaway / "tradecalc/core/errors.py").write_text(f"def fail():\n{body}")
    assert long_functions(throwaway, "tradecalc") == {"tradecalc.core.errors.fail": LONG + 6}
