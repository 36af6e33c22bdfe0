"""`tradecalc fetch`: a pair's record (and its products) from UN Comtrade or saved answers, as a
YAML data file that scenarios `extends:`.

Annotations are real objects here, not strings: typer reads them at every start.
"""

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from tradecalc.cli.support import OutputOption, handled, report_problems
from tradecalc.core.errors import Problem


class Detail(str, Enum):
    """Product detail: the total only, HS chapters or HS headings."""

    total = "total"
    hs2 = "hs2"
    hs4 = "hs4"


EconomiesOption = Annotated[
    tuple[str, str],
    typer.Option(
        "--economies",
        metavar="CODE CODE",
        help="The two economies, ISO 3166 alpha-3 codes, e.g. --economies PAK AZE.",
    ),
]
FromFileOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--from-file",
        metavar="FILE",
        help="Read a saved API answer (JSON) or CSV download instead of the network "
        "(repeatable: one file per call, or both reporters in one).",
    ),
]


def fetch(
    economies: EconomiesOption,
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            metavar="FIRST-LAST",
            help="Years, e.g. 2000-2024 (default: 2000 to the latest complete year; with "
            "--from-file every year in the files).",
        ),
    ] = None,
    detail: Annotated[
        Detail,
        typer.Option("--detail", help="Also the base year's trade by HS chapter or heading."),
    ] = Detail.total,
    world: Annotated[
        bool, typer.Option("--world", help="Also every reporter's exports to the world by product.")
    ] = False,
    from_file: FromFileOption = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use the cache only; say what is missing.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Download again, ignoring the cache.")
    ] = False,
    output: OutputOption = None,
) -> None:
    """Fetch a pair's trade record from UN Comtrade into a data file that scenarios extend.

    Both reporters' imports (CIF) and exports (FOB) with each other per calendar year, each
    value citing its request (never an API key) and date; a year or flow not reported gets no
    entry and one warning. Keyless preview by default; COMTRADE_API_KEY for the keyed API.
    Answers are cached (--offline, --refresh). Exit 1 if Comtrade cannot be used.

    Example:

        tradecalc fetch --economies PAK AZE --years 2019-2023 -o pak-aze-data.yaml
    """
    from tradecalc.ingest import fetching

    with handled([("--output", output)], [str(p) for p in from_file or ()]):
        _check_flags(from_file, offline, refresh, world, detail)
        pair = fetching.check_pair(list(economies))
        latest = fetching.latest_complete_year()
        wanted = fetching.parse_years(years, latest)
        if from_file:
            built = fetching.from_files(pair, list(from_file), wanted, detail.value, world)
        else:
            built = _from_network(
                pair, wanted or list(range(2000, latest + 1)), detail, world, offline, refresh
            )
        from tradecalc.ingest.datafile import to_yaml

        text = to_yaml(built.document)
        report_problems(
            [Problem("fetch", None, "history", f"warning: {w}") for w in built.warnings]
        )
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            from tradecalc.core.safeio import write_atomically

            write_atomically(output, text)


def _check_flags(from_file, offline: bool, refresh: bool, world: bool, detail: Detail) -> None:
    from tradecalc.core.errors import ScenarioError

    problems = []
    if from_file and (offline or refresh):
        problems.append(
            Problem("--from-file", None, "", "reads files only: drop --offline/--refresh")
        )
    if offline and refresh:
        problems.append(Problem("--offline", None, "", "cannot be used with --refresh"))
    if world and detail is Detail.total:
        problems.append(Problem("--world", None, "", "needs --detail hs2 or hs4"))
    if problems:
        raise ScenarioError(problems)


def _from_network(pair, years, detail: Detail, world: bool, offline: bool, refresh: bool):
    from tradecalc.ingest.comtrade import FetchError, from_api

    try:
        return from_api(
            pair,
            years,
            detail.value,
            world,
            key=os.environ.get("COMTRADE_API_KEY") or None,
            offline=offline,
            refresh=refresh,
        )
    except FetchError as error:
        report_problems(error.problems)
        raise typer.Exit(1) from None
