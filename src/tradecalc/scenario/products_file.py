"""Reading a bare data file (`tradecalc fetch`'s output) with line numbers, and checking its
product rows: codes the HS nomenclature knows, rows with a market.

A data file is validated by :class:`~tradecalc.scenario.sections.DataFile`; a scenario that
`extends:` one is read by the pipeline like any scenario. Every problem is a
``FILE:LINE: dotted.path: message`` :class:`~tradecalc.core.errors.Problem`.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.scenario import hs
from tradecalc.scenario.lines import by_line, problem_at
from tradecalc.scenario.sections import DataFile, Products
from tradecalc.scenario.yamlread import Doc, parse_mapping, read_text

SCENARIO_KEYS = ("extends", "target", "baseline", "name")
"""Keys only a scenario has: a file with any of them is read as a scenario, not a data file."""


def is_scenario(tree: Doc) -> bool:
    return any(key in tree for key in SCENARIO_KEYS)


def read_tree(path: str | os.PathLike) -> Doc:
    """The file's mapping, with the line of every value."""
    from tradecalc.scenario.pipeline import display_name

    file = display_name(Path(path))
    return parse_mapping(read_text(Path(path), file), file)


def read_data_file(path: str | os.PathLike, tree: Doc | None = None) -> tuple[DataFile, Doc]:
    """Validate a bare data file into :class:`DataFile`; every problem at its line.

    Raises ScenarioError with the problems sorted by line.
    """
    from tradecalc.scenario.validation import _pydantic_problem

    tree = read_tree(path) if tree is None else tree
    try:
        data = DataFile.model_validate(tree)
    except ValidationError as error:
        problems = [_pydantic_problem(DataFile, tree, e, tree.here[0]) for e in error.errors()]
        raise ScenarioError(by_line(problems)) from None
    return data, tree


def product_problems(products: Products | None, tree: Doc) -> list[Problem]:
    """Product codes the HS nomenclature does not know; no rows at all is one problem."""
    file = tree.here[0]
    if products is None or not (products.rows or products.world):
        where = ("products", "rows") if products is not None else ()
        message = "no product rows: write the file with tradecalc fetch --detail hs2 (or hs4)"
        return [problem_at(tree, where, message, file)]
    problems = []
    for part in ("rows", "world"):
        for i, row in enumerate(getattr(products, part)):
            if not hs.is_known(row.product):
                loc = ("products", part, i, "product")
                problems.append(problem_at(tree, loc, f"unknown HS code {row.product!r}", file))
    return by_line(problems)
