"""Validating a merged scenario tree into a model: pydantic's field checks, then the rules
across fields, every problem reported at once at the line where it was written.

Below :mod:`~tradecalc.scenario.models`: the model to build is a parameter
(:func:`validated`), so ``Scenario.replace`` can validate a changed copy like a file while the
pipeline above it passes ``Scenario`` for files. Nothing here imports ``Scenario`` itself.
"""

from __future__ import annotations

import typing
from typing import TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.scenario.lines import by_line, problem_at
from tradecalc.scenario.provenance import must_be_sourced, provenance_items
from tradecalc.scenario.rules import plausibility_warnings, semantic_problems
from tradecalc.scenario.sections import ScenarioFields
from tradecalc.scenario.terms import (
    CODE_PATTERN,
    DIRECTION_PATTERN,
    PLACEHOLDER_MARK,
    Loc,
    did_you_mean,
    is_model,
    model_in,
)
from tradecalc.scenario.yamlread import Doc

Model = TypeVar("Model", bound=ScenarioFields)

PATTERN_MESSAGES = {
    DIRECTION_PATTERN: (
        "must be <a>_to_<b> from the two economies' codes in lower case, e.g. pak_to_aze"
    ),
    CODE_PATTERN: ("must be an upper-case code, ISO 3166 alpha-3 where one exists, e.g. PAK"),
}
"""Plain words for the patterns a scenario's strings must match."""


def validated(model: type[Model], tree: Doc, default_file: str) -> Model:
    """Validate a merged tree into ``model``, reporting every problem with its line.

    Field problems (pydantic) come first; the rules across fields run only on a tree whose
    fields are all valid. Raises ScenarioError with the problems sorted by line.
    """
    try:
        scenario = model.model_validate(tree)
    except ValidationError as error:
        problems = [pydantic_problem(model, tree, e, default_file) for e in error.errors()]
        raise ScenarioError(by_line(problems)) from None
    problems = [
        problem_at(tree, loc, message, default_file) for loc, message in semantic_problems(scenario)
    ]
    if problems:
        raise ScenarioError(by_line(problems))
    return scenario


def strict_problems(scenario: ScenarioFields, tree: Doc) -> list[Problem]:
    """What ``validate --strict`` refuses besides the warnings: figures with neither `source:`
    nor `assumption:`, and figures a starter left as placeholders."""
    unsourced = [
        problem_at(tree, loc, "no source or assumption given", tree.here[0])
        for loc, item in provenance_items(scenario)
        if must_be_sourced(loc) and item.source is None and item.assumption is None
    ]
    return by_line(unsourced + placeholder_problems(scenario, tree))


def placeholder_problems(scenario: ScenarioFields, tree: Doc) -> list[Problem]:
    """One line per figure whose assumption still says PLACEHOLDER, as `tradecalc init` wrote it."""
    return [
        problem_at(
            tree,
            (*loc, "assumption"),
            item.assumption or "",  # never None: the filter below keeps placeholders only
            tree.here[0],
        )
        for loc, item in provenance_items(scenario)
        if (item.assumption or "").startswith(PLACEHOLDER_MARK)
    ]


def warning_problems(scenario: ScenarioFields, tree: Doc) -> list[Problem]:
    """Plausibility warnings (percentages typed as whole numbers, a base year off the record).

    Printed on stderr without changing the exit status; ``validate --strict`` makes them
    errors.
    """
    return by_line(
        [
            problem_at(tree, loc, f"warning: {message}", tree.here[0])
            for loc, message in plausibility_warnings(scenario)
        ]
    )


def pydantic_problem(model: type, tree: Doc, error: ErrorDetails, default_file: str) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _fields_at(model, loc[:-1]))
        message = f"unknown key{hint}"
    elif kind == "missing":
        message = "required key is missing"
    elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] in PATTERN_MESSAGES:
        message = f"{PATTERN_MESSAGES[error['ctx']['pattern']]}, got {error['input']!r}"
    else:
        message = error["msg"]
        message = message[0].lower() + message[1:]
        value = error.get("input")
        if isinstance(value, str | int | float | bool) or value is None:
            message += f", got {value!r}"
        elif isinstance(value, dict):
            message += ", got a mapping"
        elif isinstance(value, list):
            message += ", got a list"
    return problem_at(tree, loc, message, default_file)


def _fields_at(model: type, loc: Loc) -> list[str]:
    """Field names of the model that sits at ``loc`` in ``model`` (for "did you mean")."""
    current: typing.Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if is_model(current) else None
        if field is None:
            return []
        current = model_in(field.annotation)
    return list(current.model_fields) if is_model(current) else []
