"""The scenario-file family: `validate` (check files without running them), `init` (write a
starter), `schema` (the JSON Schema of scenario files) and `targets` (the reference class)."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from tradecalc.cli.errors import handled, report_problems, stderr_console
from tradecalc.cli.fetch import Detail, EconomiesOption
from tradecalc.cli.inputs import stdin_text
from tradecalc.cli.options import Format, FormatOption, OutputOption
from tradecalc.cli.output import emit
from tradecalc.core.errors import ExitStatus, Problem, ScenarioError, UsageError


def validate(
    files: Annotated[list[str], typer.Argument(help="Scenario YAML files.", metavar="FILE...")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail on flows and deals with no source.")
    ] = False,
) -> None:
    """Check scenario files (and data files written by fetch) without running them; exit 2
    if any has a problem.

    Prints one line per problem, FILE:LINE: field.path: message, on stderr.

    Example:

        tradecalc validate --strict scenarios/*.yaml
    """
    from tradecalc.cli.fetch import validated_data_file
    from tradecalc.core.sanitize import clean
    from tradecalc.scenario.pipeline import load_with_tree, strict_problems, warning_problems

    console = stderr_console()
    failed = False
    with handled():
        text = stdin_text(files)
        for file in files:
            try:
                if validated_data_file(
                    file, text if file == "-" else None
                ):  # fetch's: cli/fetch.py
                    console.print(f"{clean(file)}: ok (data file)")
                    continue
                scenario, tree = load_with_tree(file, text if file == "-" else None)
                warnings = warning_problems(scenario, tree)
                if strict and (problems := strict_problems(scenario, tree) + warnings):
                    raise ScenarioError(problems)
                report_problems(warnings)
            except ScenarioError as error:
                report_problems(error.problems)
                failed = True
            else:
                console.print(f"{clean(file)}: ok")
    if failed:
        raise typer.Exit(ExitStatus.USAGE)


def init(
    economies: EconomiesOption,
    target: Annotated[float, typer.Option("--target", help="Target trade, US$ million a year.")],
    by: Annotated[int, typer.Option("--by", help="Deadline year.")],
    base_year: Annotated[
        int | None,
        typer.Option(
            "--base-year",
            help="Base year (default: --by minus 7; with --from-file or --fetch, the latest "
            "year of the baseline reporter's record). Over 10 years before --by warns.",
        ),
    ] = None,
    name: Annotated[
        list[str] | None,
        typer.Option("--name", metavar="CODE=NAME", help="Name of a code with no ISO name."),
    ] = None,
    output: OutputOption = None,
    from_file: Annotated[
        list[Path] | None,
        typer.Option(
            "--from-file",
            metavar="FILE",
            help="Fill the record and flows from saved Comtrade answers (JSON, CSV), or "
            "extend the data file fetch wrote (.yaml, as it is).",
        ),
    ] = None,
    fetch_data: Annotated[
        bool, typer.Option("--fetch", help="Fill the record and flows from UN Comtrade.")
    ] = False,
    detail: Annotated[
        Detail | None,
        typer.Option(
            "--detail",
            help="With --from-file/--fetch: the flows by HS chapter or heading, as fetch's "
            "--detail (default: by chapter where the answers hold chapters).",
        ),
    ] = None,
    world: Annotated[
        bool,
        typer.Option("--world", help="With --detail: also every reporter's exports to the world."),
    ] = False,
) -> None:
    """Write a commented starter scenario for any pair of economies.

    Numbers tradecalc cannot know are written as 0 with a PLACEHOLDER assumption, so the file
    validates and runs at once and says what is left to fill in. With -o S.yaml beside the
    S-data.yaml that fetch wrote, the starter extends that data file (and says so).

    Example:

        tradecalc init --economies PAK UZB --target 2000 --by 2030 -o pak-uzb.yaml
    """
    from tradecalc.cli.fetch import given_data_file, init_from_data, refuse_non_yaml
    from tradecalc.scenario.starter import far_base_year, starter_yaml

    beside = output.with_name(f"{output.stem}-data.yaml") if output is not None else None
    if from_file or fetch_data or (beside is not None and given_data_file([], beside)):
        # the record and flows from data, or from the data file fetch wrote: cli/fetch.py
        return init_from_data(
            list(economies),
            target,
            by,
            base_year,
            name,
            output,
            from_file,
            fetch_data,
            detail,
            world,
        )
    if detail is not None or world:
        with handled():
            raise UsageError(
                "--detail" if detail is not None else "--world", "needs --from-file or --fetch"
            )
    with handled([("--output", output)]):
        refuse_non_yaml(output)  # never YAML as .json
        names = {}
        for item in name or ():
            code, sep, value = item.partition("=")
            if not sep or not value.strip():
                raise UsageError("--name", f"expected CODE=NAME, got {item!r}")
            names[code.strip().upper()] = value.strip()
        text = starter_yaml(list(economies), target, by, base_year, names)
        if far := far_base_year(base_year, by, "give a later --base-year"):
            report_problems([Problem("--base-year", None, "", far)])
        if output is None:
            sys.stdout.write(text)
        else:
            from tradecalc.core.safeio import write_new

            write_new(output, text, refusal="exists already: init never overwrites")


def schema() -> None:
    """Print the JSON Schema of scenario files (for editors and other tools).

    Example:

        tradecalc schema > schema/scenario.schema.json
    """
    from tradecalc.scenario.schema import json_schema
    from tradecalc.views import render

    with handled():
        sys.stdout.write(render.to_json(json_schema()))
        sys.stdout.flush()


def targets(format: FormatOption = Format.table, output: OutputOption = None) -> None:
    """List announced bilateral trade targets and what happened to them (the outside view).

    The shipped reference class, with each target's baseline, deadline, outcome, share of
    target reached, growth and sources; and how many were met by their date.

    Example:

        tradecalc targets -f markdown
    """
    from tradecalc.analysis.documents import Targets

    with handled([("--output", output)]):
        emit(Targets.load(), format, output)
