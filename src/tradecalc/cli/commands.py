"""The `tradecalc` command line: parse, call the library, pick a renderer, set the exit code.

What the commands share (options, errors, loading, output) is in :mod:`tradecalc.cli.support`.
Annotations are real objects here, not strings (no ``from __future__ import annotations``):
typer reads them at every start, and evaluating strings cost more than building them.
"""

import contextlib
import functools
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from tradecalc.cli.support import (
    SIGPIPE_STATUS,
    SUFFIX_FORMATS,
    ChartOption,
    DrawsOption,
    Format,
    FormatOption,
    Group,
    LogOption,
    OutputOption,
    PlotOption,
    ScenarioArg,
    SeedOption,
    SetOption,
    emit,
    fit_streams,
    handled,
    load,
    plot_module,
    projection_of,
    projections_of,
    quiet_stdout,
    report_problems,
    stderr_console,
    stdin_text,
    table_width,
    termchart_module,
    warn_file,
    with_chart,
    xlsx_module,
)
from tradecalc.core.errors import Problem, ScenarioError

app = typer.Typer(
    name="tradecalc",
    cls=Group,
    help=(
        "Project bilateral trade toward a target, lever by lever, with sources.\n\n"
        "Example:\n\n    tradecalc project scenarios/base.yaml\n\n"
        "Exit status: 0 ok; 1 --check and the target is missed, or a file could not be "
        "written; 2 bad arguments or an invalid scenario; 130 interrupted; 141 the reader of "
        "the output left early (| head)."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        from tradecalc import __version__

        sys.stdout.write(f"tradecalc {__version__}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_show_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """The options before the command: --version, and shell completion."""


@app.command()
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
    from tradecalc.analysis.projection import CSV_COLUMNS
    from tradecalc.views import render

    with handled([("--output", output), ("--plot", plot)], [scenario]):
        result = projection_of(scenario, set_)
        doc = functools.cache(result.to_dict)  # printed and charted: built once
        emit(
            format,
            output,
            view=with_chart(
                lambda: render.projection_view(result),
                lambda: termchart_module().projection_chart(result),
                format,
                output,
                chart,
            ),
            document=doc,
            csv=lambda: render.to_csv(result.rows(), CSV_COLUMNS),
            plot=plot,
            chart=lambda path: plot_module().projection_chart(
                result, path, log=log, document=doc()
            ),
            workbook=lambda: xlsx_module().projection_workbook(result, doc()),
        )
    from tradecalc.engine.verdict import on_time

    if check and not on_time(result.reached_year, result.scenario.by_year):
        raise typer.Exit(1)


class Rank(str, Enum):
    """How `compare --rank` orders the scenarios."""

    gap = "gap"
    odds = "odds"


@app.command()
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
    from tradecalc.views import render

    with handled([("--output", output), ("--plot", plot)], scenarios):
        result = Comparison(projections_of(scenarios, set_))
        result = result.ranked(rank.value) if rank is not None else result
        emit(
            format,
            output,
            view=with_chart(
                lambda: render.comparison_view(result, table_width(format, output)),
                lambda: termchart_module().comparison_chart(result),
                format,
                output,
                chart,
            ),
            document=result.to_dict,
            csv=lambda: render.to_csv(result.year_rows(), render.COMPARE_CSV_COLUMNS),
            plot=plot,
            chart=lambda path: plot_module().comparison_chart(result, path, log=log),
            workbook=lambda: xlsx_module().comparison_workbook(result),
        )


@app.command()
def sweep(
    scenario: ScenarioArg,
    grid: Annotated[
        list[str],
        typer.Option(
            "--grid",
            metavar="KEY=START:STOP:N",
            help="N evenly spaced values of KEY, ends included (repeatable).",
        ),
    ],
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
) -> None:
    """Run a scenario over a grid of values: one row per point.

    Each row gives the grid values, the reached year, and the measure and gap at the
    deadline. Several --grid options make the cartesian product.

    Example:

        tradecalc sweep scenarios/base.yaml --grid pta.utilization=0.5:1:6 -f csv
    """
    from tradecalc.analysis.sweep import GridAxis, run_sweep
    from tradecalc.scenario.overrides import Override
    from tradecalc.scenario.pipeline import read_tree
    from tradecalc.views import render

    with handled([("--output", output)], [scenario]):
        axes = [GridAxis.parse(spec) for spec in grid]
        overrides = [Override.parse(o) for o in set_ or ()]
        tree = read_tree(scenario, stdin_text([scenario]))
        warn_file(tree, overrides)
        rows = run_sweep(tree, axes, overrides, where=scenario)
        keys = [axis.key for axis in axes]
        columns = [*keys, "reached_year", "measure_at_by_year_usd_m", "gap_at_by_year_usd_m"]
        emit(
            format,
            output,
            view=lambda: render.sweep_view(rows, keys, scenario),
            document=lambda: rows,
            csv=lambda: render.to_csv(rows, columns),
        )


@app.command()
def simulate(
    scenario: ScenarioArg,
    draws: DrawsOption = 10_000,
    seed: SeedOption = 0,
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
    plot: PlotOption = None,
    log: LogOption = False,
    chart: ChartOption = False,
) -> None:
    """Monte Carlo over the scenario's uncertainty block: how likely is the target?

    Draws elasticities, utilisation, growth, annual level shocks (shock_sd, calibrated
    from the record with from_history), the transit conversion, and each deal's success
    (by group), value, start delay and survival; reports P10/P50/P90 and the mean of the
    measure by year, the probability of reaching the target by each year, and when it is
    first reached. The same seed gives the same output, byte for byte.

    Example:

        tradecalc simulate scenarios/base.yaml --draws 100000 --seed 1
    """
    from tradecalc.analysis.projection import history_rows
    from tradecalc.engine.montecarlo import simulate as run
    from tradecalc.views import render, render_analysis

    with handled([("--output", output), ("--plot", plot)], [scenario]):
        loaded = load(scenario, set_)
        with _progress(draws) as progress:
            result = run(loaded, draws, seed, progress, where=scenario)
        emit(
            format,
            output,
            view=with_chart(
                lambda: render_analysis.simulation_view(result),
                lambda: termchart_module().simulation_chart(result, history_rows(loaded)),
                format,
                output,
                chart,
            ),
            document=result.to_dict,
            csv=lambda: render.to_csv(
                result.to_dict()["years"], render_analysis.SIMULATION_CSV_COLUMNS
            ),
            plot=plot,
            chart=lambda path: plot_module().simulation_chart(result, path, log=log),
        )


@contextlib.contextmanager
def _progress(draws: int):
    """A progress bar on stderr for long runs, only on a terminal; else nothing."""
    if draws < 200_000 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=stderr_console(), transient=True) as bar:
        task = bar.add_task("drawing", total=draws)
        yield lambda done, total: bar.update(task, completed=done)


class Metric(str, Enum):
    """What `solve` makes reach the target."""

    measure = "measure"
    probability = "probability"


@app.command()
def solve(
    scenario: ScenarioArg,
    param: Annotated[
        str, typer.Option("--param", help="Dotted path of a number, e.g. pta.utilization.")
    ],
    low: Annotated[float | None, typer.Option("--low", help="Lower end of the search.")] = None,
    high: Annotated[float | None, typer.Option("--high", help="Upper end of the search.")] = None,
    target_year: Annotated[
        int | None, typer.Option("--target-year", help="Deadline instead of target.by_year.")
    ] = None,
    metric: Annotated[
        Metric,
        typer.Option(
            "--metric",
            help="Reach the target with the measure, or with a simulated probability of --at.",
        ),
    ] = Metric.measure,
    at: Annotated[float, typer.Option("--at", min=0, max=1, help="Probability to reach.")] = 0.5,
    draws: Annotated[int, typer.Option("--draws", "-n", min=1, help="Draws per trial.")] = 10_000,
    seed: SeedOption = 0,
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
) -> None:
    """Find the value of one parameter at which the target is just reached.

    Searches [--low, --high] (defaults: 0..1 for shares and probabilities, -0.5..5 for
    growth, the horizon for years) by bisection. Exit 1 with "reached": false when no
    value in the range reaches the target.

    Example:

        tradecalc solve scenarios/base.yaml --param deals.5.value_usd_m   # the pharma deal
    """
    from tradecalc.views import render, render_analysis

    with handled([("--output", output)], [scenario]):
        result = _goal_seek(scenario, param, low, high, target_year, metric, at, draws, seed, set_)
        emit(
            format,
            output,
            view=lambda: render_analysis.solution_view(result, scenario),
            document=result.to_dict,
            csv=lambda: render.to_csv([result.to_dict()], list(result.to_dict())),
        )
    if not result.reached:
        raise typer.Exit(1)


def _goal_seek(
    scenario: str,
    param: str,
    low: float | None,
    high: float | None,
    target_year: int | None,
    metric: Metric,
    at: float,
    draws: int,
    seed: int,
    set_: list[str] | None,
):
    """`solve`'s work: the scenario read with its overrides (--target-year the last), then
    the search for ``param``'s value."""
    from tradecalc.analysis.goalseek import solve as run
    from tradecalc.scenario.overrides import Override
    from tradecalc.scenario.pipeline import read_tree

    overrides = [Override.parse(o) for o in set_ or ()]
    if target_year is not None:
        overrides.append(Override.parse(f"target.by_year={target_year}", "--target-year"))
    tree = read_tree(scenario, stdin_text([scenario]))
    warn_file(tree, overrides)
    return run(
        tree,
        param,
        low,
        high,
        overrides=overrides,
        metric=metric.value,
        at=at,
        draws=draws,
        seed=seed,
    )


@app.command()
def sensitivity(
    scenario: ScenarioArg,
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Also draw the tornado to FILE (.png, .svg or .pdf; needs matplotlib).",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Rank the uncertain inputs by how much they move the measure at the deadline.

    Moves one input at a time to its low and high value (P10/P90 of the uncertainty
    block, a deal's failure or success; without the block, -30 % and +30 %) and ranks
    them as a tornado.

    Example:

        tradecalc sensitivity scenarios/base.yaml -f csv
    """
    from tradecalc.analysis.sensitivity import sensitivity as run
    from tradecalc.views import render, render_analysis

    with handled([("--output", output), ("--plot", plot)], [scenario]):
        doc = run(load(scenario, set_), where=scenario)
        emit(
            format,
            output,
            view=lambda: render_analysis.sensitivity_view(doc),
            document=lambda: doc,
            csv=lambda: render.to_csv(doc["inputs"], render_analysis.SENSITIVITY_CSV_COLUMNS),
            plot=plot,
            chart=lambda path: plot_module().sensitivity_chart(doc, path),
        )


@app.command()
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
    from tradecalc.views.report import report_html

    with handled([("--output", output)], scenarios):
        if output is not None and output.suffix.lower() not in (".html", ".htm"):
            raise ScenarioError(
                [Problem(f"--output {output}", None, "", "the brief's file name must end in .html")]
            )
        page = report_html(projections_of(scenarios, set_), log=log)
        if output is None:
            sys.stdout.write(page)
            sys.stdout.flush()
        else:
            from tradecalc.core.safeio import write_atomically

            write_atomically(output, page)


@app.command()
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
    from tradecalc.views import render, render_analysis

    with handled([("--output", output)], [scenario]):
        doc = render_analysis.explanation(projection_of(scenario, set_))
        emit(
            format,
            output,
            view=lambda: render_analysis.explanation_view(doc),
            document=lambda: doc,
            csv=lambda: render.to_csv(doc["levers"], render_analysis.EXPLAIN_CSV_COLUMNS),
        )


@app.command()
def backtest(
    scenario: ScenarioArg,
    from_year: Annotated[
        int | None,
        typer.Option("--from", help="Observed year to start from (default: the first).", min=1900),
    ] = None,
    rolling: Annotated[
        bool, typer.Option("--rolling", help="Out of sample: forecast from every origin year.")
    ] = False,
    horizon: Annotated[
        int | None,
        typer.Option("--horizon", help="--rolling: years ahead (1..h; default 3).", min=1, max=50),
    ] = None,
    draws: DrawsOption = 10_000,
    seed: SeedOption = 0,
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
    plot: PlotOption = None,
    log: LogOption = False,
) -> None:
    """Would the scenario have foreseen the record? Project from an observed year and score it.

    Rebases the baseline to the observed total of --from (shares kept), projects to the
    last observed year with the scenario's own growth, levers and uncertainty, and gives
    per observed year the observation, the central path, P10/P50/P90, whether it fell inside
    the band and the log error; then the mean absolute log error and the coverage (80 %
    nominal). Says when shock_sd was calibrated on the same record (in-sample). --rolling
    estimates on the record up to each origin only, forecasts 1..--horizon years and scores
    coverage, log score and log error beside no-change and drift forecasts (out of sample).

    Example:

        tradecalc backtest scenarios/base.yaml --from 2020 --plot backtest.png
    """
    from tradecalc.analysis.backtest import backtest as run
    from tradecalc.views import render, render_analysis

    with handled([("--output", output), ("--plot", plot)], [scenario]):
        if rolling:
            from tradecalc.cli.backtest_rolling import run_rolling

            if from_year is not None:
                raise ScenarioError([Problem("--from", None, "", "not with --rolling")])
            kept = dict(format=format, output=output, plot=plot, log=log, horizon=horizon or 3)
            return run_rolling(scenario, set_, draws=draws, seed=seed, **kept)
        if horizon is not None:
            raise ScenarioError([Problem("--horizon", None, "", "only with --rolling")])
        doc = run(load(scenario, set_), from_year, draws, seed, where=scenario)
        emit(
            format,
            output,
            view=lambda: render_analysis.backtest_view(doc),
            document=lambda: doc,
            csv=lambda: render.to_csv(doc["years"], render_analysis.BACKTEST_CSV_COLUMNS),
            plot=plot,
            chart=lambda path: plot_module().backtest_chart(doc, path, log=log),
        )


@app.command()
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
    from tradecalc.core.sanitize import clean
    from tradecalc.scenario.pipeline import load_with_tree, strict_problems, warning_problems

    console = stderr_console()
    failed = False
    with handled():
        text = stdin_text(files)
        for file in files:
            try:
                if _data_file(file, text if file == "-" else None):  # fetch's: cli/fetch.py
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
        raise typer.Exit(2)


from tradecalc.cli.fetch import EconomiesOption  # noqa: E402  (one --economies, as fetch's)


@app.command()
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
            help="Fill the record and flows from saved Comtrade answers.",
        ),
    ] = None,
    fetch_data: Annotated[
        bool, typer.Option("--fetch", help="Fill the record and flows from UN Comtrade.")
    ] = False,
) -> None:
    """Write a commented starter scenario for any pair of economies.

    Numbers tradecalc cannot know are written as 0 with a PLACEHOLDER assumption, so the file
    validates and runs at once and says what is left to fill in.

    Example:

        tradecalc init --economies PAK UZB --target 2000 --by 2030 -o pak-uzb.yaml
    """
    from tradecalc.scenario.starter import far_base_year, starter_yaml

    if from_file or fetch_data:  # the record and flows from data (issue 17): cli/fetch.py
        return _fetch_init(
            list(economies), target, by, base_year, name, output, from_file, fetch_data
        )
    with handled([("--output", output)]):
        if output is not None and output.suffix.lower() in SUFFIX_FORMATS:  # never YAML as .json
            message = f"init writes a YAML scenario, not {output.suffix}: name the file .yaml"
            raise ScenarioError([Problem(f"--output {output}", None, "", message)])
        names = {}
        for item in name or ():
            code, sep, value = item.partition("=")
            if not sep or not value.strip():
                raise ScenarioError(
                    [Problem("--name", None, "", f"expected CODE=NAME, got {item!r}")]
                )
            names[code.strip().upper()] = value.strip()
        text = starter_yaml(list(economies), target, by, base_year, names)
        if far := far_base_year(base_year, by, "give a later --base-year"):
            report_problems([Problem("--base-year", None, "", far)])
        if output is None:
            sys.stdout.write(text)
        else:
            from tradecalc.core.safeio import write_new

            write_new(output, text, refusal="exists already: init never overwrites")


@app.command()
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


@app.command()
def targets(format: FormatOption = Format.table, output: OutputOption = None) -> None:
    """List announced bilateral trade targets and what happened to them (the outside view).

    The shipped reference class, with each target's baseline, deadline, outcome, share of
    target reached, growth and sources; and how many were met by their date.

    Example:

        tradecalc targets -f markdown
    """
    from tradecalc.analysis.outside_view import targets_document
    from tradecalc.views import render, render_targets

    with handled([("--output", output)]):
        doc = targets_document()
        emit(
            format,
            output,
            view=lambda: render_targets.targets_view(doc),
            document=lambda: doc,
            csv=lambda: render.to_csv(
                render_targets.targets_csv_rows(doc), render_targets.TARGETS_CSV_COLUMNS
            ),
        )


from tradecalc.cli.fetch import fetch as _fetch  # noqa: E402  (its own module: issue 17)
from tradecalc.cli.fetch import init_from_data as _fetch_init  # noqa: E402
from tradecalc.cli.fetch import validated_data_file as _data_file  # noqa: E402
from tradecalc.cli.gravity import app as _gravity  # noqa: E402
from tradecalc.cli.headroom import headroom  # noqa: E402  (one module per command family)

app.command(name="fetch")(_fetch)
app.command()(headroom)
app.add_typer(_gravity)  # `gravity fit`, `gravity normal`: cli/gravity.py


def main() -> None:
    """Entry point of the `tradecalc` console script."""
    import signal

    def terminated(signum, frame):  # like Ctrl-C: unwind, so no temporary file is left
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    fit_streams()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # `tradecalc ... | head`: the reader left; say nothing and leave as git does.
        quiet_stdout()
        sys.exit(SIGPIPE_STATUS)
