"""Reading a bare data file (written by `tradecalc fetch`) with line numbers: ``DataFile``.

A scenario uses a data file through `extends:` (the pipeline merges it); this reader is for
the file on its own (`tradecalc init --from-file` checks what it writes; tools; tests): the
same safe YAML with lines, the same one-line problems, ``FILE:LINE: dotted.path: message``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from tradecalc.core.errors import ScenarioError
from tradecalc.scenario.lines import by_line
from tradecalc.scenario.sections import DataFile
from tradecalc.scenario.validation import _pydantic_problem
from tradecalc.scenario.yamlread import Doc, parse_mapping, read_text, strip_nulls


def read_data_file(path: str | os.PathLike, text: str | None = None) -> tuple[DataFile, Doc]:
    """The validated data file and its tree (which knows the line of every value).

    Raises ScenarioError with every problem, each at the line where it was written.
    """
    path = Path(path)
    file = str(path)
    if text is None:
        text = read_text(path, file, regular_only=True)
    tree = strip_nulls(parse_mapping(text, file))
    try:
        return DataFile.model_validate(tree), tree
    except ValidationError as error:
        problems = [_pydantic_problem(DataFile, tree, e, file) for e in error.errors()]
        raise ScenarioError(by_line(problems)) from None
