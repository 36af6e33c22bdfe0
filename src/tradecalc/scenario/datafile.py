"""Reading a bare data file (written by `tradecalc fetch`) with line numbers: ``DataFile``,
and checking its product rows (codes the HS nomenclature knows; rows at all).

A scenario uses a data file through `extends:` (the pipeline merges it); this reader is for
the file on its own (`tradecalc headroom FILE`, `tradecalc init --from-file` checking what it
writes, tools, tests): the same safe YAML with lines, the same one-line problems,
``FILE:LINE: dotted.path: message``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.scenario import hs
from tradecalc.scenario.lines import by_line, problem_at
from tradecalc.scenario.sections import DataFile, Products
from tradecalc.scenario.validation import pydantic_problem
from tradecalc.scenario.yamlread import Doc, parse_mapping, read_text, strip_nulls

SCENARIO_KEYS = ("extends", "target", "baseline", "name")
"""Keys only a scenario has: a file with any of them is read as a scenario, not a data file."""


def is_scenario(tree: Doc) -> bool:
    return any(key in tree for key in SCENARIO_KEYS)


def read_tree(path: str | os.PathLike, text: str | None = None) -> Doc:
    """The file's mapping (nulls dropped), with the line of every value."""
    from tradecalc.scenario.pipeline import display_name

    path = Path(path)
    file = display_name(path)
    if text is None:
        text = read_text(path, file, regular_only=True)
    return strip_nulls(parse_mapping(text, file))


def read_data_file(
    path: str | os.PathLike, text: str | None = None, tree: Doc | None = None
) -> tuple[DataFile, Doc]:
    """The validated data file and its tree (which knows the line of every value).

    ``tree`` is the file already read with :func:`read_tree`. Raises ScenarioError with every
    problem, each at the line where it was written.
    """
    tree = read_tree(path, text) if tree is None else tree
    try:
        return DataFile.model_validate(tree), tree
    except ValidationError as error:
        problems = [pydantic_problem(DataFile, tree, e, tree.here[0]) for e in error.errors()]
        raise ScenarioError(by_line(problems)) from None


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
