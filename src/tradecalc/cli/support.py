"""What the commands of `tradecalc` share: formats and options, one-line errors, loading a
scenario named on the command line, and writing the output (stdout, files, charts, workbooks).

Annotations are real objects here, not strings: typer reads the option types at every start.
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
from typer.core import TyperGroup, TyperOption

try:  # typer 0.2x carries its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer on click
    from click import exceptions as click_errors

from tradecalc.core.errors import Problem, ScenarioError

COMPLETION_HELP = {
    "install_completion": (
        "Install tab completion for your shell; it edits files in your home folder: bash "
        "adds a line to ~/.bashrc and writes ~/.bash_completions/tradecalc.sh; zsh edits "
        "~/.zshrc and writes ~/.zfunc/_tradecalc; fish writes "
        "~/.config/fish/completions/tradecalc.fish; PowerShell appends to $PROFILE."
    ),
    "show_completion": "Print the completion script instead, to install it by hand.",
}
"""Help of typer's completion options that says what they edit (typer's own says not)."""


class Group(TyperGroup):
    """The command group, with usage errors as one line (``OPTION: message``), exit 2."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, TyperOption) and param.name in COMPLETION_HELP:
                param.help = COMPLETION_HELP[param.name]
        return params

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
            quiet_stdout()
            sys.exit(SIGPIPE_STATUS)
        sys.exit(code if isinstance(code, int) else 0)


def _usage_line(error) -> str:
    """``--draws: ...``, ``SCENARIO: ...`` or ``tradecalc project: ...``: one line."""
    from tradecalc.core.sanitize import clean

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
    message = " ".join(message.split()).removeprefix("Value error, ").removeprefix("value error, ")
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


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)


def report_problems(problems: list[Problem]) -> None:
    """One plain line per problem (Problem escapes control characters and cuts long values)."""
    for problem in problems:
        _stderr_line(str(problem))


SIGPIPE_STATUS = 141
"""Exit status when the reader of stdout leaves early (`| head`): 128 + SIGPIPE, as git."""


@contextlib.contextmanager
def handled(targets: list[tuple[str, Path | None]] = (), inputs: list[str] = ()):
    """Check the output files, then run: bad input is exit 2 with one line per problem, a
    failed write exit 1, Ctrl-C exit 130, a closed pipe on stdout a quiet exit 141.
    """
    from tradecalc.core.safeio import WriteError

    try:
        if targets:
            from tradecalc.core.safeio import check_targets

            check_targets(list(targets), list(inputs))
        yield
    except (ScenarioError, WriteError) as error:
        report_problems(error.problems)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except BrokenPipeError:
        quiet_stdout()
        raise typer.Exit(SIGPIPE_STATUS) from None


def fit_streams() -> None:
    """On a stream that cannot encode ``→`` (``LANG=C``, a Latin-1 terminal), write what it
    cannot hold in ASCII stand-ins (``->``) instead of failing with UnicodeEncodeError."""
    import codecs

    from tradecalc.core.sanitize import ascii_fallback

    codecs.register_error("tradecalc-ascii", ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        if not _encodes(stream):
            with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors="tradecalc-ascii")


def _encodes(stream) -> bool:
    """Whether ``stream`` can hold the symbols tradecalc prints (``→``, ``…``, ``▏``)."""
    try:
        "→…▏".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def stdin_text(paths: list[str]) -> str | None:
    if paths.count("-") > 1:
        raise ScenarioError([Problem("-", None, "", "standard input can be read only once")])
    if "-" not in paths:
        return None
    from tradecalc.scenario.yamlread import decode, read_limited

    return decode(read_limited(sys.stdin.buffer, "<stdin>"), "<stdin>")


def load(scenario: str, overrides: list[str] | None):
    """The scenario named on the command line (``-``: standard input), with its --set."""
    return _load_tree(scenario, overrides)[0]


def _load_tree(scenario: str, overrides: list[str] | None, text: str | None = None):
    """:func:`load` with the merged tree; plausibility warnings go to stderr."""
    from tradecalc.scenario.pipeline import load_with_tree, warning_problems

    if text is None and scenario == "-":
        text = stdin_text([scenario])
    loaded, tree = load_with_tree(scenario, text, overrides or ())
    report_problems(warning_problems(loaded, tree))
    return loaded, tree


def warn_file(tree, overrides) -> None:
    """The plausibility warnings of a file that a sweep or goal seek will vary (stderr)."""
    from tradecalc.scenario.pipeline import resolve, warning_problems

    # a file that does not validate as it stands: the command reports it at the values it tries
    with contextlib.suppress(ScenarioError):
        report_problems(warning_problems(*resolve(tree, overrides)))


def projection_of(scenario: str, overrides: list[str] | None, text: str | None = None):
    """Load and project a scenario named on the command line, recording its --set."""
    from tradecalc.analysis.projection import run_loaded
    from tradecalc.scenario.pipeline import overridden_items

    loaded, tree = _load_tree(scenario, overrides, text)
    changed = frozenset(overridden_items(loaded, tree))
    return run_loaded(loaded, scenario, overrides or (), changed)


def projections_of(scenarios: list[str], overrides: list[str] | None):
    """:func:`projection_of` of each scenario, with the problems of every file reported at once."""
    text = stdin_text(scenarios)
    problems, projections = [], []
    for path in scenarios:
        try:
            projections.append(projection_of(path, overrides, text if path == "-" else None))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return projections


def emit(
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

    The chart is drawn and written first, so a chart that cannot be drawn leaves stdout empty,
    and a reader that leaves early (``| head -1``) cannot stop the image being written.
    """
    from tradecalc.core.safeio import write_atomically

    fmt = _output_format(fmt, output)
    if plot is not None and chart is not None:
        write_atomically(plot, chart(plot), "--plot")
    if fmt is Format.xlsx:
        _write_workbook(
            output, workbook or (lambda: xlsx_module().document_workbook(document(), ""))
        )
    else:
        _render(fmt, output, view, document, csv)


def _StdoutConsole():
    """rich's Console on stdout, but a closed pipe raises BrokenPipeError (rich would exit 1)."""
    from rich.console import Console

    ascii_only = not _encodes(sys.stdout)

    class StdoutConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

        def print(self, *objects, **options) -> None:
            if ascii_only:  # stand-ins before the layout, so the columns still line up
                objects = tuple(_in_ascii(o) for o in objects)
            super().print(*objects, **options)

    console = StdoutConsole(emoji=False)
    console.width = usable_width(console.width)
    return console


def _in_ascii(renderable):
    """A Text or Table (its title, headers and cells) with :func:`ascii_text` stand-ins; any
    other renderable as it is (the stream's error handler then writes its stand-ins)."""
    from rich.table import Table
    from rich.text import Text

    from tradecalc.core.sanitize import ascii_text

    if isinstance(renderable, str):
        return ascii_text(renderable)
    if isinstance(renderable, Text) and not renderable.plain.isascii():
        renderable = renderable.copy()
        renderable.plain = ascii_text(renderable.plain)
    elif isinstance(renderable, Table):
        renderable.title = _in_ascii(renderable.title)
        for column in renderable.columns:
            column.header = _in_ascii(column.header)
            column._cells = [_in_ascii(cell) for cell in column._cells]
    return renderable


MIN_WIDTH = 40
"""Narrower than this (``COLUMNS=0``, a tiny pane), a table would lose its result: use 80."""


def usable_width(width: int) -> int:
    """The terminal's width, or 80 where it is under :data:`MIN_WIDTH` columns."""
    return width if width >= MIN_WIDTH else 80


def table_width(fmt: Format, output: Path | None) -> int | None:
    """Columns a table may use: the terminal's (80 off a terminal), 100 in a file."""
    if fmt is not Format.table:
        return None
    if output is not None:
        return 100
    from rich.console import Console

    return usable_width(Console().width)


def _output_format(fmt: Format, output: Path | None) -> Format:
    """-f, or the format the --output suffix implies; a contradiction is an error.

    The table (the default) gives way to a known suffix: ``-o out.json`` writes JSON.
    """
    from tradecalc.scenario.yamlread import fail

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
        xlsx_module().require()
    return fmt


def _write_workbook(output: Path | None, workbook: Callable[[], bytes]) -> None:
    from tradecalc.core.safeio import write_atomically

    data = workbook()
    if output is None:  # a pipe or a file: _output_format refused the terminal
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(output, data)


def xlsx_module():
    from tradecalc.views import xlsx

    return xlsx


def with_chart(view: Callable[[], Any], picture: Callable[[], Any], fmt, output, chart: bool):
    """The table view followed by the terminal chart when --chart is given (table only)."""
    if not chart:
        return view
    if _output_format(fmt, output) is not Format.table:
        from tradecalc.scenario.yamlread import fail

        fail("--chart", None, "", "the terminal chart comes with the table: drop -f, or use --plot")

    def both():
        from rich.text import Text

        from tradecalc.views import render

        return [*render.to_rich(view()), Text(""), picture()]

    return both


def termchart_module():
    from tradecalc.views import termchart

    return termchart


def plot_module():
    from tradecalc.views import plot

    return plot


def _render(fmt: Format, output: Path | None, view, document, csv) -> None:
    from tradecalc.views import render

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
        from tradecalc.core.safeio import write_atomically

        write_atomically(output, text)
