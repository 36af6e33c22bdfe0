"""The projection family: `project`, `compare`, `report` and `explain` (a scenario's central
path, several side by side, the one-page brief, and where every number comes from)."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from tradecalc.cli.errors import handled
from tradecalc.cli.inputs import projection_of, projections_of
from tradecalc.cli.options import (
    ChartOption,
    Format,
    FormatOption,
    LogOption,
    OutputOption,
    PlotOption,
    ScenarioArg,
    SetOption,
)
from tradecalc.cli.output import emit, shows_odds
from tradecalc.core.errors import ExitStatus, UsageError


def project(
    scenario: ScenarioArg,
    format: FormatOption = Format.table,
    set_: SetOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the target is not reached by its deadline.")
    ] = False,
    output: OutputOption = None,
    plot: PlotOption = None,
    log: LogOption = False,
    chart: ChartOption = False,
) -> None:
    """Project a scenario year by year toward its target.

    Shows the verdict (reached in YEAR, or not by the horizon), the growth the target
    needs, the gap at the deadline, trade by year and lever, a breakdown by direction
    and sector, and the assumptions that carry no source.

    Example:

        tradecalc project scenarios/base.yaml -f json | jq .target
    """
    with handled([("--output", output), ("--plot", plot)], [scenario]):
        odds = shows_odds(format, output, plot)
        result = projection_of(scenario, set_, odds=odds, band=plot is not None)
        emit(result, format, output, plot=plot, log=log, chart=chart)
    if check and not result.on_time:
        raise typer.Exit(ExitStatus.ERROR)


class Rank(str, Enum):
    """How `compare --rank` orders the scenarios."""

    gap = "gap"
    odds = "odds"


def compare(
    scenarios: Annotated[
        list[str], typer.Argument(help="Scenario YAML files (- for stdin).", metavar="SCENARIO...")
    ],
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
    plot: PlotOption = None,
    log: LogOption = False,
    chart: ChartOption = False,
    rank: Annotated[
        Rank | None,
        typer.Option("--rank", help="Order the scenarios by gap (smallest first) or odds (best)."),
    ] = None,
) -> None:
    """Compare scenarios side by side, each on its own target and deadline.

    One column per scenario: the central path by year, the reached year, the required
    growth, the gap at the deadline, the median and P(target) with its error, and what each
    lever adds; then which gets closest. --set applies to every scenario.

    Example:

        tradecalc compare scenarios/*.yaml
    """
    from tradecalc.analysis.comparison import Comparison

    with handled([("--output", output), ("--plot", plot)], scenarios):
        odds = shows_odds(format, output, plot) or rank is Rank.odds
        result = Comparison(projections_of(scenarios, set_, odds=odds))
        result = result.ranked(rank.value) if rank is not None else result
        emit(result, format, output, plot=plot, log=log, chart=chart)


def report(
    scenarios: Annotated[
        list[str], typer.Argument(help="Scenario YAML files (- for stdin).", metavar="SCENARIO...")
    ],
    set_: SetOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the page to FILE.html (atomically) instead of stdout.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
    log: Annotated[
        bool | None,
        typer.Option(
            "--log/--linear",
            help="Scale of the charts (default: log when values span 30 times or more).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a one-page HTML brief: verdict, odds, outside view, chart, years, levers, sources.

    One self-contained file (inline CSS and SVG charts, no network) that reads on a phone and
    prints on two A4 pages. Charts need matplotlib; without it the page says so.

    Example:

        tradecalc report scenarios/base.yaml -o brief.html
    """
    from tradecalc.analysis.brief import brief
    from tradecalc.views.report import report_html

    with handled([("--output", output)], scenarios):
        if output is not None and output.suffix.lower() not in (".html", ".htm"):
            raise UsageError(f"--output {output}", "the brief's file name must end in .html")
        page = report_html(brief(projections_of(scenarios, set_, odds=True, band=True)), log=log)
        if output is None:
            sys.stdout.write(page)
            sys.stdout.flush()
        else:
            from tradecalc.core.safeio import write_atomically

            write_atomically(output, page)


def explain(
    scenario: ScenarioArg,
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
) -> None:
    """Show what each lever contributes and where every number comes from.

    Contributions by lever (base-year trade, baseline growth, PTA, TTA, each deal) at the
    deadline and the horizon, every assumption in full, the inputs with no source, and the
    sources with their URLs and dates.

    Example:

        tradecalc explain scenarios/base.yaml -f markdown > base-audit.md
    """
    from tradecalc.analysis.documents import Explanation

    with handled([("--output", output)], [scenario]):
        emit(Explanation.of(projection_of(scenario, set_)), format, output)
