"""The `tradecalc` command line: parse, call the library, pick a renderer, set the exit code.

Annotations are real objects here, not strings (no ``from __future__ import annotations``):
typer reads them at every start, and evaluating strings cost more than building them.
"""

import contextlib
import io
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer on click
    from click import exceptions as click_errors

from tradecalc.errors import Problem, ScenarioError


class _Group(TyperGroup):
    """The command group, with usage errors as one line (``OPTION: message``), exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except getattr(click_errors, "NoArgsIsHelpError", ()) as error:
            error.show()  # `tradecalc` alone: the help
            sys.exit(error.exit_code)
        except click_errors.ClickException as error:
            _stderr_line(_usage_line(error))
            sys.exit(error.exit_code)
        except typer.Abort:
            sys.exit(130)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(SIGPIPE_STATUS)
        sys.exit(code if isinstance(code, int) else 0)


def _usage_line(error) -> str:
    """``--draws: ...``, ``SCENARIO: ...`` or ``tradecalc project: ...``: one line."""
    from tradecalc.sanitize import clean

    param = getattr(error, "param", None)
    if param is not None:
        name = param.opts[0] if getattr(param, "opts", None) else param.human_readable_name
        where = name if name.startswith("-") else name.upper()
    elif getattr(error, "option_name", None):
        where = error.option_name
    else:
        context = getattr(error, "ctx", None)
        where = context.command_path if context is not None else "tradecalc"
    bad = isinstance(error, click_errors.BadParameter)
    message = error.message if bad else error.format_message()
    message = " ".join(message.split())
    if isinstance(error, click_errors.MissingParameter):
        message = "missing"
    elif isinstance(error, click_errors.NoSuchOption):
        import difflib

        names = [o.lstrip("-") for o in getattr(error, "possibilities", None) or ()]
        close = difflib.get_close_matches(where.lstrip("-"), names, n=1, cutoff=0.6)
        message = "no such option" + (f" (did you mean '--{close[0]}'?)" if close else "")
    return f"{clean(where)}: {clean(message[:1].lower() + message[1:], 400)}"


def _stderr_line(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


app = typer.Typer(
    name="tradecalc",
    cls=_Group,
    help=(
        "Project bilateral trade toward a target, lever by lever, with sources.\n\n"
        "Example:\n\n    tradecalc project scenarios/base.yaml\n\n"
        "Exit status: 0 ok; 1 --check and the target is missed, or a file could not be "
        "written; 2 bad arguments or an invalid scenario; 130 interrupted; 141 the reader of "
        "the output left early (| head)."
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
    xlsx = "xlsx"


SUFFIX_FORMATS = {
    ".json": Format.json,
    ".csv": Format.csv,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".xlsx": Format.xlsx,
}
"""What an --output suffix implies; any other suffix (.txt, ...) takes any text format."""


ScenarioArg = Annotated[
    str, typer.Argument(help="Scenario YAML file, or - for standard input.", metavar="SCENARIO")
]
FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Override a field, e.g. pta.utilization=0.9 or deals.0.probability=1 (repeatable).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help=(
            "Write to FILE (atomically) instead of stdout. With the table format (the "
            "default) its suffix sets the format: .json, .csv, .md markdown, .xlsx workbook "
            "(needs XlsxWriter), anything else the table; a suffix that contradicts -f is an "
            "error."
        ),
        metavar="FILE",
    ),
]


PlotOption = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        help="Also draw a chart to FILE (.png, .svg or .pdf; needs matplotlib).",
        metavar="FILE",
    ),
]


ChartOption = Annotated[
    bool,
    typer.Option(
        "--chart",
        help="Also draw the measure against the target in the terminal, below the table "
        "(table format only).",
    ),
]
DrawsOption = Annotated[int, typer.Option("--draws", "-n", min=1, help="Number of draws.")]
SeedOption = Annotated[int, typer.Option("--seed", min=0, help="Random seed.")]
LogOption = Annotated[
    bool, typer.Option("--log", help="Log scale for the --plot chart (e.g. 27 to 2,000).")
]


def _stderr():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)


def _report(problems: list[Problem]) -> None:
    """One plain line per problem (Problem escapes control characters and cuts long values)."""
    for problem in problems:
        _stderr_line(str(problem))


SIGPIPE_STATUS = 141
"""Exit status when the reader of stdout leaves early (`| head`): 128 + SIGPIPE, as git."""


@contextlib.contextmanager
def _handled(targets: list[tuple[str, Path | None]] = (), inputs: list[str] = ()):
    """Check the output files, then run: bad input is exit 2 with one line per problem, a
    failed write exit 1, Ctrl-C exit 130, a closed pipe on stdout a quiet exit 141.
    """
    from tradecalc.safeio import WriteError

    try:
        if targets:
            from tradecalc.safeio import check_targets

            check_targets(list(targets), list(inputs))
        yield
    except (ScenarioError, WriteError) as error:
        _report(error.problems)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except BrokenPipeError:
        _quiet_stdout()
        raise typer.Exit(SIGPIPE_STATUS) from None


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _stdin_text(paths: list[str]) -> str | None:
    if paths.count("-") > 1:
        raise ScenarioError([Problem("-", None, "", "standard input can be read only once")])
    if "-" not in paths:
        return None
    from tradecalc.yamlread import decode, read_limited

    return decode(read_limited(sys.stdin.buffer, "<stdin>"), "<stdin>")


def _load(scenario: str, overrides: list[str] | None):
    """The scenario named on the command line (``-``: standard input), with its --set."""
    return _load_tree(scenario, overrides)[0]


def _load_tree(scenario: str, overrides: list[str] | None, text: str | None = None):
    """:func:`_load` with the merged tree; plausibility warnings go to stderr."""
    from tradecalc.loading import load_with_tree, warning_problems

    if text is None and scenario == "-":
        text = _stdin_text([scenario])
    loaded, tree = load_with_tree(scenario, text, overrides or ())
    _report(warning_problems(loaded, tree))
    return loaded, tree


def _warn_file(tree, overrides) -> None:
    """The plausibility warnings of a file that a sweep or goal seek will vary (stderr)."""
    from tradecalc.loading import resolve, warning_problems

    # a file that does not validate as it stands: the command reports it at the values it tries
    with contextlib.suppress(ScenarioError):
        _report(warning_problems(*resolve(tree, overrides)))


def _projection(scenario: str, overrides: list[str] | None, text: str | None = None):
    """Load and project a scenario named on the command line, recording its --set."""
    from tradecalc.loading import overridden_items
    from tradecalc.projection import run_loaded

    loaded, tree = _load_tree(scenario, overrides, text)
    changed = frozenset(overridden_items(loaded, tree))
    return run_loaded(loaded, scenario, overrides or (), changed)


def _projections(scenarios: list[str], overrides: list[str] | None):
    """:func:`_projection` of each scenario, with the problems of every file reported at once."""
    text = _stdin_text(scenarios)
    problems, projections = [], []
    for path in scenarios:
        try:
            projections.append(_projection(path, overrides, text if path == "-" else None))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return projections


def _emit(
    fmt: Format,
    output: Path | None,
    *,
    view: Callable[[], Any],
    document: Callable[[], Any],
    csv: Callable[[], str],
    plot: Path | None = None,
    chart: Callable[[Path], bytes] | None = None,
    workbook: Callable[[], bytes] | None = None,
) -> None:
    """Render in the chosen format to stdout, or atomically to ``output``; draw the chart.

    The chart is drawn first, so a chart that cannot be drawn leaves stdout empty.
    """
    from tradecalc.safeio import write_atomically

    fmt = _output_format(fmt, output)
    picture = chart(plot) if plot is not None and chart is not None else None
    if fmt is Format.xlsx:
        _write_workbook(output, workbook or (lambda: _xlsx().document_workbook(document(), "")))
    else:
        _render(fmt, output, view, document, csv)
    if picture is not None:
        write_atomically(plot, picture, "--plot")


def _StdoutConsole():
    """rich's Console on stdout, but a closed pipe raises BrokenPipeError (rich would exit 1)."""
    from rich.console import Console

    class StdoutConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return StdoutConsole(emoji=False)


def _table_width(fmt: Format, output: Path | None) -> int | None:
    """Columns a table may use: the terminal's (80 off a terminal), 100 in a file."""
    if fmt is not Format.table:
        return None
    if output is not None:
        return 100
    from rich.console import Console

    return Console().width


def _output_format(fmt: Format, output: Path | None) -> Format:
    """-f, or the format the --output suffix implies; a contradiction is an error.

    The table (the default) gives way to a known suffix: ``-o out.json`` writes JSON.
    """
    from tradecalc.yamlread import fail

    implied = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if implied is not None and fmt is Format.table:
        fmt = implied
    elif implied is not None and implied is not fmt:
        fail(
            f"--output {output}",
            None,
            "",
            f"a {output.suffix} file holds {implied.value}, not {fmt.value}: "
            f"use -f {implied.value} or another file name",
        )
    if fmt is Format.xlsx:
        if output is None and sys.stdout.isatty():
            fail("--format xlsx", None, "", "a workbook is not for the terminal: add -o FILE.xlsx")
        if output is not None and output.suffix.lower() != ".xlsx":
            fail(f"--output {output}", None, "", "a workbook's file name must end in .xlsx")
        _xlsx().require()
    return fmt


def _write_workbook(output: Path | None, workbook: Callable[[], bytes]) -> None:
    from tradecalc.safeio import write_atomically

    data = workbook()
    if output is None:  # a pipe or a file: _output_format refused the terminal
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(output, data)


def _xlsx():
    from tradecalc import xlsx

    return xlsx


def _with_chart(view: Callable[[], Any], picture: Callable[[], Any], fmt, output, chart: bool):
    """The table view followed by the terminal chart when --chart is given (table only)."""
    if not chart:
        return view
    if _output_format(fmt, output) is not Format.table:
        from tradecalc.yamlread import fail

        fail("--chart", None, "", "the terminal chart comes with the table: drop -f, or use --plot")

    def both():
        from rich.text import Text

        from tradecalc import render

        return [*render.to_rich(view()), Text(""), picture()]

    return both


def _termcharts():
    from tradecalc import termchart

    return termchart


def _charts():
    from tradecalc import plot

    return plot


def _render(fmt: Format, output: Path | None, view, document, csv) -> None:
    from tradecalc import render

    if fmt is Format.table:
        from rich.console import Console

        shown = view()  # a View, or rich renderables (the view and a --chart)
        renderables = shown if isinstance(shown, list) else render.to_rich(shown)
        if output is None:
            console = _StdoutConsole()
            for renderable in renderables:
                console.print(renderable)
            return
        console = Console(file=io.StringIO(), width=100, color_system=None, force_terminal=False)
        for renderable in renderables:
            console.print(renderable)
        text = console.file.getvalue()
    elif fmt is Format.json:
        text = render.to_json(document())
    elif fmt is Format.csv:
        text = csv()
    else:
        text = render.to_markdown(view())
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from tradecalc.safeio import write_atomically

        write_atomically(output, text)


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
    from tradecalc import render
    from tradecalc.projection import CSV_COLUMNS

    with _handled([("--output", output), ("--plot", plot)], [scenario]):
        result = _projection(scenario, set_)
        doc = _once(result.to_dict)
        _emit(
            format,
            output,
            view=_with_chart(
                lambda: render.projection_view(result),
                lambda: _termcharts().projection_chart(result),
                format,
                output,
                chart,
            ),
            document=doc,
            csv=lambda: render.to_csv(result.rows(), CSV_COLUMNS),
            plot=plot,
            chart=lambda path: _charts().projection_chart(result, path, log=log, document=doc()),
            workbook=lambda: _xlsx().projection_workbook(result, doc()),
        )
    from tradecalc.verdict import on_time

    if check and not on_time(result.reached_year, result.scenario.by_year):
        raise typer.Exit(1)


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
) -> None:
    """Compare scenarios side by side, each on its own target and deadline.

    One column per scenario: the measure by year, the reached year, the required growth,
    the gap at the deadline and what each lever adds to it; then which gets closest.
    --set applies to every scenario.

    Example:

        tradecalc compare scenarios/*.yaml
    """
    from tradecalc import render
    from tradecalc.comparison import Comparison

    with _handled([("--output", output), ("--plot", plot)], scenarios):
        result = Comparison(_projections(scenarios, set_))
        _emit(
            format,
            output,
            view=_with_chart(
                lambda: render.comparison_view(result, _table_width(format, output)),
                lambda: _termcharts().comparison_chart(result),
                format,
                output,
                chart,
            ),
            document=result.to_dict,
            csv=lambda: render.to_csv(result.year_rows(), render.COMPARE_CSV_COLUMNS),
            plot=plot,
            chart=lambda path: _charts().comparison_chart(result, path, log=log),
            workbook=lambda: _xlsx().comparison_workbook(result),
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
    from tradecalc import render
    from tradecalc.loading import read_tree
    from tradecalc.overrides import Override
    from tradecalc.sweep import GridAxis, run_sweep

    with _handled([("--output", output)], [scenario]):
        axes = [GridAxis.parse(spec) for spec in grid]
        overrides = [Override.parse(o) for o in set_ or ()]
        tree = read_tree(scenario, _stdin_text([scenario]))
        _warn_file(tree, overrides)
        rows = run_sweep(tree, axes, overrides, where=scenario)
        keys = [axis.key for axis in axes]
        columns = [*keys, "reached_year", "measure_at_by_year_usd_m", "gap_at_by_year_usd_m"]
        _emit(
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
    from tradecalc import render, render_analysis
    from tradecalc.montecarlo import simulate as run

    with _handled([("--output", output), ("--plot", plot)], [scenario]):
        loaded = _load(scenario, set_)
        with _progress(draws) as progress:
            result = run(loaded, draws, seed, progress, where=scenario)
        _emit(
            format,
            output,
            view=_with_chart(
                lambda: render_analysis.simulation_view(result),
                lambda: _termcharts().simulation_chart(result, _record(loaded)),
                format,
                output,
                chart,
            ),
            document=result.to_dict,
            csv=lambda: render.to_csv(
                result.to_dict()["years"], render_analysis.SIMULATION_CSV_COLUMNS
            ),
            plot=plot,
            chart=lambda path: _charts().simulation_chart(result, path, log=log),
        )


@contextlib.contextmanager
def _progress(draws: int):
    """A progress bar on stderr for long runs, only on a terminal; else nothing."""
    if draws < 200_000 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=_stderr(), transient=True) as bar:
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

        tradecalc solve scenarios/base.yaml --param "deals.PSO-SOCAR refined products.value_usd_m"
    """
    from tradecalc import render, render_analysis
    from tradecalc.goalseek import solve as run
    from tradecalc.loading import read_tree
    from tradecalc.overrides import Override

    with _handled([("--output", output)], [scenario]):
        overrides = [Override.parse(o) for o in set_ or ()]
        if target_year is not None:
            overrides.append(Override.parse(f"target.by_year={target_year}", "--target-year"))
        tree = read_tree(scenario, _stdin_text([scenario]))
        _warn_file(tree, overrides)
        result = run(
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
        _emit(
            format,
            output,
            view=lambda: render_analysis.solution_view(result, scenario),
            document=result.to_dict,
            csv=lambda: render.to_csv([result.to_dict()], list(result.to_dict())),
        )
    if not result.reached:
        raise typer.Exit(1)


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
    from tradecalc import render, render_analysis
    from tradecalc.sensitivity import sensitivity as run

    with _handled([("--output", output)], [scenario]):
        doc = run(_load(scenario, set_), where=scenario)
        _emit(
            format,
            output,
            view=lambda: render_analysis.sensitivity_view(doc),
            document=lambda: doc,
            csv=lambda: render.to_csv(doc["inputs"], render_analysis.SENSITIVITY_CSV_COLUMNS),
            plot=plot,
            chart=lambda path: _charts().sensitivity_chart(doc, path),
        )


def _once(make: Callable[[], Any]) -> Callable[[], Any]:
    """``make`` called at most once: a document both printed and charted is built once."""
    cache: list[Any] = []

    def get():
        if not cache:
            cache.append(make())
        return cache[0]

    return get


def _record(loaded) -> list[dict[str, Any]]:
    """The record (history rows) of a loaded scenario, for charts."""
    if not loaded.history:
        return []
    from tradecalc.projection import run_loaded

    return run_loaded(loaded).history()


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
    from tradecalc.report import report_html

    with _handled([("--output", output)], scenarios):
        if output is not None and output.suffix.lower() not in (".html", ".htm"):
            raise ScenarioError(
                [Problem(f"--output {output}", None, "", "the brief's file name must end in .html")]
            )
        page = report_html(_projections(scenarios, set_), log=log)
        if output is None:
            sys.stdout.write(page)
            sys.stdout.flush()
        else:
            from tradecalc.safeio import write_atomically

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
    from tradecalc import render, render_analysis

    with _handled([("--output", output)], [scenario]):
        doc = render_analysis.explanation(_projection(scenario, set_))
        _emit(
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
    nominal). Says when shock_sd was calibrated on the same record (in-sample).

    Example:

        tradecalc backtest scenarios/base.yaml --from 2020 --plot backtest.png
    """
    from tradecalc import render, render_analysis
    from tradecalc.backtest import backtest as run

    with _handled([("--output", output), ("--plot", plot)], [scenario]):
        doc = run(_load(scenario, set_), from_year, draws, seed, where=scenario)
        _emit(
            format,
            output,
            view=lambda: render_analysis.backtest_view(doc),
            document=lambda: doc,
            csv=lambda: render.to_csv(doc["years"], render_analysis.BACKTEST_CSV_COLUMNS),
            plot=plot,
            chart=lambda path: _charts().backtest_chart(doc, path, log=log),
        )


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
    from tradecalc.loading import load_with_tree, strict_problems, warning_problems
    from tradecalc.sanitize import clean

    console = _stderr()
    failed = False
    with _handled():
        text = _stdin_text(files)
        for file in files:
            try:
                scenario, tree = load_with_tree(file, text if file == "-" else None)
                warnings = warning_problems(scenario, tree)
                if strict and (problems := strict_problems(scenario, tree) + warnings):
                    raise ScenarioError(problems)
                _report(warnings)
            except ScenarioError as error:
                _report(error.problems)
                failed = True
            else:
                console.print(f"{clean(file)}: ok")
    if failed:
        raise typer.Exit(2)


@app.command()
def init(
    economies: Annotated[
        tuple[str, str],
        typer.Option(
            "--economies",
            metavar="CODE CODE",
            help="The two economies, ISO 3166 alpha-3 codes, e.g. --economies PAK UZB.",
        ),
    ],
    target: Annotated[float, typer.Option("--target", help="Target trade, US$ million a year.")],
    by: Annotated[int, typer.Option("--by", help="Deadline year.")],
    base_year: Annotated[
        int | None, typer.Option("--base-year", help="Base year (default: --by minus 7).")
    ] = None,
    name: Annotated[
        list[str] | None,
        typer.Option("--name", metavar="CODE=NAME", help="Name of a code with no ISO name."),
    ] = None,
    output: OutputOption = None,
) -> None:
    """Write a commented starter scenario for any pair of economies.

    Numbers tradecalc cannot know are written as 0 with a PLACEHOLDER assumption, so the file
    validates and runs at once and says what is left to fill in.

    Example:

        tradecalc init --economies PAK UZB --target 2000 --by 2030 -o pak-uzb.yaml
    """
    from tradecalc.starter import starter_yaml

    with _handled([("--output", output)]):
        names = {}
        for item in name or ():
            code, sep, value = item.partition("=")
            if not sep or not value.strip():
                raise ScenarioError(
                    [Problem("--name", None, "", f"expected CODE=NAME, got {item!r}")]
                )
            names[code.strip().upper()] = value.strip()
        text = starter_yaml(list(economies), target, by, base_year, names)
        if output is not None and output.exists():
            raise ScenarioError(
                [Problem(f"--output {output}", None, "", "exists already: init never overwrites")]
            )
        if output is None:
            sys.stdout.write(text)
        else:
            from tradecalc.safeio import write_atomically

            write_atomically(output, text)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors and other tools).

    Example:

        tradecalc schema > schema/scenario.schema.json
    """
    from tradecalc import render
    from tradecalc.schema import json_schema

    with _handled():
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
    from tradecalc import render, render_targets
    from tradecalc.outside_view import targets_document

    with _handled():
        doc = targets_document()
        _emit(
            format,
            output,
            view=lambda: render_targets.targets_view(doc),
            document=lambda: doc,
            csv=lambda: render.to_csv(
                render_targets.targets_csv_rows(doc), render_targets.TARGETS_CSV_COLUMNS
            ),
        )


def main() -> None:
    """Entry point of the `tradecalc` console script."""
    import signal

    def terminated(signum, frame):  # like Ctrl-C: unwind, so no temporary file is left
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # `tradecalc ... | head`: the reader left; say nothing and leave as git does.
        _quiet_stdout()
        sys.exit(SIGPIPE_STATUS)
