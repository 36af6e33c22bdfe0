"""The output pipeline: a command's result to stdout or a file in the chosen format (a table,
Markdown, JSON, CSV, a workbook), its --plot chart and its --chart; streams that cannot hold
the symbols get ASCII stand-ins."""

import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tradecalc.cli.options import SUFFIX_FORMATS, Format
from tradecalc.core.errors import usage_error


def fit_streams() -> None:
    """On a stream that cannot encode ``→`` (``LANG=C``, a Latin-1 terminal), write what it
    cannot hold in ASCII stand-ins (``->``) instead of failing with UnicodeEncodeError."""
    import codecs

    from tradecalc.core.sanitize import ascii_fallback

    codecs.register_error("tradecalc-ascii", ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        if not _encodes(stream):
            with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
                getattr(stream, "reconfigure")(errors="tradecalc-ascii")  # noqa: B009


def _encodes(stream) -> bool:
    """Whether ``stream`` can hold the symbols tradecalc prints (``→``, ``…``, ``▏``)."""
    try:
        "→…▏".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def emit(
    result: Any,
    fmt: Format,
    output: Path | None,
    *,
    plot: Path | None = None,
    log: bool = False,
    chart: bool = False,
) -> None:
    """Show a command's result in the chosen format on stdout, or atomically in ``output``;
    draw its --plot chart, and below the table its --chart.

    The chart is drawn and written first, so a chart that cannot be drawn leaves stdout empty,
    and a reader that leaves early (``| head -1``) cannot stop the image being written.
    """
    from tradecalc.cli.renderers import renderers_of
    from tradecalc.core.safeio import write_atomically

    shows = renderers_of(result)
    if chart and _output_format(fmt, output) is not Format.table:
        usage_error("--chart", "the terminal chart comes with the table: drop -f, or use --plot")
    fmt = _output_format(fmt, output)
    if plot is not None and shows.chart is not None:
        write_atomically(plot, shows.chart(result, plot, log), "--plot")
    if fmt is Format.xlsx:
        _write_workbook(output, lambda: shows.workbook(result))
    else:
        _render(fmt, output, result, shows, chart)


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


def shows_odds(fmt: Format, output: Path | None, plot: Path | None = None) -> bool:
    """Whether the output shows a projection's odds: every format but CSV (the tidy values),
    and any --plot chart (its band); so the odds run only when they are shown."""
    implied = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    shown = implied if implied is not None and fmt is Format.table else fmt
    return shown is not Format.csv or plot is not None


def _output_format(fmt: Format, output: Path | None) -> Format:
    """-f, or the format the --output suffix implies; a contradiction is an error.

    The table (the default) gives way to a known suffix: ``-o out.json`` writes JSON.
    """

    implied = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if implied is not None and fmt is Format.table:
        fmt = implied
    elif implied is not None and output is not None and implied is not fmt:
        usage_error(
            f"--output {output}",
            f"a {output.suffix} file holds {implied.value}, not {fmt.value}: "
            f"use -f {implied.value} or another file name",
        )
    if fmt is Format.xlsx:
        if output is None and sys.stdout.isatty():
            usage_error("--format xlsx", "a workbook is not for the terminal: add -o FILE.xlsx")
        if output is not None and output.suffix.lower() != ".xlsx":
            usage_error(f"--output {output}", "a workbook's file name must end in .xlsx")
        _xlsx_require()
    return fmt


def _write_workbook(output: Path | None, workbook: Callable[[], bytes]) -> None:
    from tradecalc.core.safeio import write_atomically

    data = workbook()
    if output is None:  # a pipe or a file: _output_format refused the terminal
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(output, data)


def _render(fmt: Format, output: Path | None, result: Any, shows: Any, chart: bool) -> None:
    from tradecalc.views import render

    if fmt is Format.table:
        from rich.console import Console

        renderables = render.to_rich(shows.view(result, table_width(fmt, output)))
        if chart:
            from rich.text import Text

            renderables += [Text(""), shows.terminal(result)]
        if output is None:
            console = _StdoutConsole()
            for renderable in renderables:
                console.print(renderable)
            return
        buffer = io.StringIO()
        console = Console(file=buffer, width=100, color_system=None, force_terminal=False)
        for renderable in renderables:
            console.print(renderable)
        text = buffer.getvalue()
    elif fmt is Format.json:
        text = render.to_json(result.to_dict())
    elif fmt is Format.csv:
        text = render.to_csv(result.rows(), result.columns)
    else:
        text = render.to_markdown(shows.view(result, table_width(fmt, output)))
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from tradecalc.core.safeio import write_atomically

        write_atomically(output, text)


def _xlsx_require() -> None:
    from tradecalc.views import xlsx

    xlsx.require_xlsxwriter()
