"""The `tradecalc` command line: parse, call the library, pick a renderer, set the exit code."""

from __future__ import annotations

import contextlib
import sys
from enum import Enum
from typing import Annotated

import typer

from tradecalc.errors import ScenarioError

app = typer.Typer(
    name="tradecalc",
    help=(
        "Project bilateral trade toward a target, lever by lever, with sources.\n\n"
        "Example:\n\n    tradecalc project scenarios/base.yaml"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(str, Enum):
    """Output formats: a table for people, the others for scripts and reports."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


def _stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _report(error: ScenarioError) -> None:
    console = _stderr()
    for problem in error.problems:
        console.print(str(problem), markup=False, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def _handled():
    """Turn bad input into exit 2 with one line per problem; Ctrl-C into exit 130."""
    try:
        yield
    except ScenarioError as error:
        _report(error)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _print_rich(renderables) -> None:
    from rich.console import Console

    console = Console()
    for renderable in renderables:
        console.print(renderable)


@app.command()
def project(
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file.", metavar="SCENARIO")],
    format: FormatOption = Format.table,
) -> None:
    """Project a scenario year by year toward its target.

    Shows the verdict (reached in YEAR, or not by the horizon), the growth the target
    needs, the gap at the deadline, trade by year and lever, a breakdown by direction
    and sector, and the assumptions that carry no source.

    Example:

        tradecalc project scenarios/base.yaml -f json | jq .target
    """
    from tradecalc import render
    from tradecalc.projection import project as run_projection

    with _handled():
        result = run_projection(scenario)
    if format is Format.table:
        _print_rich(render.table(result))
    elif format is Format.json:
        _write(render.to_json(result.to_dict()))
    elif format is Format.csv:
        _write(render.projection_csv(result))
    else:
        _write(render.projection_markdown(result))


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario YAML files.", metavar="FILE...")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail on flows and deals with no source.")
    ] = False,
) -> None:
    """Check scenario files without running them; exit 2 if any has a problem.

    Prints one line per problem, FILE:LINE: field.path: message, on stderr.

    Example:

        tradecalc validate --strict scenarios/*.yaml
    """
    from tradecalc.loading import load_with_tree, strict_problems

    console = _stderr()
    failed = False
    for file in files:
        try:
            scenario, tree = load_with_tree(file)
            if strict:
                problems = strict_problems(scenario, tree)
                if problems:
                    raise ScenarioError(problems)
        except ScenarioError as error:
            _report(error)
            failed = True
        else:
            console.print(f"{file}: ok", markup=False)
    if failed:
        raise typer.Exit(2)


def main() -> None:
    """Entry point of the `tradecalc` console script."""
    try:
        app()
    except BrokenPipeError:
        # `tradecalc ... | head`: the reader left; say nothing and leave quietly.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
