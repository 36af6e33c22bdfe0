"""Views only read results: no module under ``views/`` imports the engine, and from
``analysis/`` a view imports only result classes (CapWords names), never a function or a
constant that would compute or call back. Every import counts, the lazy ones included.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def is_result_class(name: str) -> bool:
    """``Projection``, ``SimulationResult``: CapWords; not ``CSV_COLUMNS``, not ``project``."""
    return name[:1].isupper() and not name.isupper() and "_" not in name


def view_problems(root: Path) -> list[str]:
    """Each import under ``tradecalc/views`` that reaches the engine, or takes from the
    analysis anything but a result class."""
    problems = []
    for path in sorted((root / "tradecalc" / "views").rglob("*.py")):
        where = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(("tradecalc.engine", "tradecalc.analysis")):
                        problems.append(f"{where}:{node.lineno}: imports {alias.name}")
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if (
                    node.module.startswith("tradecalc.engine")
                    or node.module == "tradecalc.analysis"
                ):
                    names = ", ".join(alias.name for alias in node.names)
                    problems.append(f"{where}:{node.lineno}: imports {names} from {node.module}")
                elif node.module.startswith("tradecalc.analysis."):
                    problems += [
                        f"{where}:{node.lineno}: imports {alias.name} from {node.module}"
                        for alias in node.names
                        if not is_result_class(alias.name)
                    ]
    return problems


def test_views_import_only_result_classes_and_no_engine():
    assert view_problems(SRC) == []


@pytest.fixture
def throwaway(tmp_path):
    """A package whose view imports a result class, lazily a helper, and the engine."""
    view = """\
        from tradecalc.analysis.projection import Projection


        def draw(p: Projection):
            from tradecalc.analysis.projection import history_rows
            from tradecalc.engine import montecarlo

            return history_rows(p.scenario), montecarlo
        """
    (tmp_path / "tradecalc" / "views").mkdir(parents=True)
    (tmp_path / "tradecalc" / "views" / "chart.py").write_text(textwrap.dedent(view))
    return tmp_path


def test_checker_finds_a_helper_and_the_engine_inside_a_function(throwaway):
    assert view_problems(throwaway) == [
        "tradecalc/views/chart.py:5: imports history_rows from tradecalc.analysis.projection",
        "tradecalc/views/chart.py:6: imports montecarlo from tradecalc.engine",
    ]


def test_checker_passes_result_classes(throwaway):
    (throwaway / "tradecalc/views/chart.py").write_text(
        "from tradecalc.analysis.documents import SimulationResult, Sweep\n"
    )
    assert view_problems(throwaway) == []


@pytest.mark.parametrize(
    ("name", "result"),
    [("Projection", True), ("SimulationResult", True), ("CSV_COLUMNS", False), ("project", False)],
)
def test_a_result_class_is_a_capwords_name(name, result):
    assert is_result_class(name) is result
