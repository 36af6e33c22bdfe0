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
from tradecalc.scenario import hs, productfile
from tradecalc.scenario.datafile_model import DataFile
from tradecalc.scenario.lines import by_line, locate, problem_at
from tradecalc.scenario.product_rows import repeated_rows
from tradecalc.scenario.rules import data_file_problems
from tradecalc.scenario.sections import Products
from tradecalc.scenario.validation import pydantic_problem
from tradecalc.scenario.yamlread import Doc, display_name, parse_mapping, read_text, strip_nulls

SCENARIO_KEYS = ("extends", "target", "baseline", "name")
"""Keys only a scenario has: a file with any of them is read as a scenario, not a data file."""


def is_scenario(tree: Doc) -> bool:
    return any(key in tree for key in SCENARIO_KEYS)


def read_file_tree(path: str | os.PathLike, text: str | None = None) -> Doc:
    """One file's mapping (nulls dropped, `extends:` not followed), with the line of every
    value (a scenario merged: :func:`~tradecalc.scenario.pipeline.read_merged_tree`)."""
    path = Path(path)
    file = display_name(path)
    if text is None:
        text = read_text(path, file, regular_only=True)
    tree = strip_nulls(parse_mapping(text, file))
    productfile.anchor(tree, path)
    return tree


def read_data_file(
    path: str | os.PathLike, text: str | None = None, tree: Doc | None = None
) -> tuple[DataFile, Doc]:
    """The validated data file and its tree (which knows the line of every value).

    ``tree`` is the file already read with :func:`read_file_tree`. Raises ScenarioError with every
    problem, each at the line where it was written.
    """
    tree = read_file_tree(path, text) if tree is None else tree
    try:
        data = DataFile.model_validate(tree)
    except ValidationError as error:
        problems = [pydantic_problem(DataFile, tree, e, tree.here[0]) for e in error.errors()]
        raise ScenarioError(by_line(problems)) from None
    _check_rules(data, tree)
    if data.products is not None and data.products.file is not None:
        codes = tuple(e.code for e in data.economies)
        sources = {s.id for s in data.sources}
        data = data.model_copy(update={"products": productfile.load(data.products, codes, sources)})
    return data, tree


def _check_rules(data: DataFile, tree: Doc) -> None:
    """The scenario's rules on the data file's economies and `history:` (rules.py)."""
    found = data_file_problems(data)
    if found:
        problems = [problem_at(tree, loc, message, tree.here[0]) for loc, message in found]
        raise ScenarioError(by_line(problems))


def is_data_file(tree: Doc) -> bool:
    """A data file as fetch writes it: no scenario key, a `history:` or `products:`."""
    return not is_scenario(tree) and ("history" in tree or "products" in tree)


def check_parent(tree: Doc) -> None:
    """A data file that a scenario `extends:` keeps its own rules (two economies, one history
    entry per year, reporter and period) even where the scenario overrides the economies.
    A file that is not a valid DataFile is left to the scenario's validation, which reports
    the same fields after merging."""
    if not is_data_file(tree):
        return
    try:
        data = DataFile.model_validate(tree)
    except ValidationError:
        return
    _check_rules(data, tree)


def product_problems(
    products: Products | None, tree: Doc, codes: tuple[str, ...] | None = None
) -> list[Problem]:
    """Every problem of the product rows, one line each: no rows at all; codes the HS
    nomenclature does not know or at another detail than the file's; a row written twice
    (headroom would add the two together); a pair row whose reporter is not one of ``codes``
    (the file's two economies; world rows may have any reporter)."""
    file = tree.here[0]
    if products is not None and products.file is not None and products.has_rows():
        return []  # rows read from the product file: productfile.load checked each one
    if products is None or not products.has_rows():
        where = ("products", "rows") if products is not None else ()
        message = "no product rows: write the file with tradecalc fetch --detail hs2 (or hs4)"
        return [problem_at(tree, where, message, file)]
    problems = []
    for part in ("rows", "world"):
        for i, row in enumerate(getattr(products, part)):
            loc = ("products", part, i, "product")
            if code_problem := _code_problem(row.product, products.detail):
                problems.append(problem_at(tree, loc, code_problem, file))
            if part == "rows" and codes and row.reporter not in codes:
                message = (
                    f"reporter {row.reporter!r} is not one of the file's economies "
                    f"({', '.join(codes)}): other reporters' exports go under products.world"
                )
                problems.append(problem_at(tree, (*loc[:-1], "reporter"), message, file))
        problems += _duplicates(tree, part, getattr(products, part), file)
    return by_line(problems)


DIGITS = {"hs2": 2, "hs4": 4}
"""The length of a product code at each `detail:`."""


def _code_problem(product: str, detail: str) -> str | None:
    if not hs.is_known(product):
        return f"unknown HS code {product!r}"
    if product.isdigit() and len(product) != DIGITS[detail]:
        kind = {2: "an HS2 chapter", 4: "an HS4 heading"}.get(len(product), "an HS6 subheading")
        return (
            f"{product!r} is {kind} in a file of detail: {detail} (write {DIGITS[detail]}-digit "
            "codes, or fetch the file again at this detail)"
        )
    return None


def _duplicates(tree: Doc, part: str, rows, file: str) -> list[Problem]:
    """A row with the same year, reporter, partner, flow and product as an earlier one."""
    problems = []
    for i, j in repeated_rows(rows):
        loc = ("products", part, i)
        other_file, other_line = locate(tree, (*loc[:2], j)) or (file, None)
        this_file = (locate(tree, loc) or (file, None))[0]
        where = f"line {other_line}" if other_file == this_file else f"{other_file}:{other_line}"
        message = (
            f"the same year, reporter, partner, flow and product as products.{part}."
            f"{j} ({where}): write each value once (the two would be added together)"
        )
        problems.append(problem_at(tree, loc, message, file))
    return problems
