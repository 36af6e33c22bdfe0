"""`tradecalc panel`: the panels of many pairs (list, show, import, remove).

A typer sub-app, registered in :mod:`tradecalc.cli.commands` with one line. The work is in
:mod:`tradecalc.panel`; views in :mod:`tradecalc.views.panel_view`. Annotations are real
objects here, not strings: typer reads them at every start.
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from tradecalc.cli.errors import handled, report_problems, stderr_console
from tradecalc.cli.options import Format, FormatOption, OutputOption
from tradecalc.cli.output import emit
from tradecalc.core.errors import Problem, ScenarioError

app = typer.Typer(
    name="panel",
    help=(
        "Panels of many pairs: the shipped AGTPA panel, the ones you import (BACI, CSV) and "
        "fetch (the IMF's IMTS).\n\n"
        "Example:\n\n    tradecalc panel show agtpa --economies TUR IRN"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)

PanelArg = Annotated[
    str,
    typer.Argument(
        help="A panel id (see `tradecalc panel list`), or a CSV/Parquet file in the panel's "
        "columns.",
        metavar="ID",
    ),
]
PanelEconomiesOption = Annotated[
    tuple[str, str],
    typer.Option(
        "--economies",
        metavar="CODE CODE",
        help="The two economies, ISO 3166 alpha-3 codes (the same code twice: domestic trade).",
    ),
]
PanelOption = Annotated[
    str | None,
    typer.Option(
        "--panel",
        metavar="ID|FILE",
        help="The panel to use: an id (tradecalc panel list) or a CSV/Parquet file in the "
        "panel's columns (default: the first imported panel that holds the economies and "
        "years, else the shipped agtpa).",
    ),
]
"""``--panel`` for every command that reads a panel; resolve it with :func:`panel_for`."""
ProductOption = Annotated[
    str | None,
    typer.Option(
        "--product",
        metavar="CODE",
        help="One HS6 product, or an HS2/HS4 prefix summing a chapter or heading.",
    ),
]


@app.command("list")
def list_(format: FormatOption = Format.table, output: OutputOption = None) -> None:
    """List the panels: the shipped AGTPA panel and the ones imported into the store.

    Example:

        tradecalc panel list -f json
    """
    from tradecalc.analysis.panels import PanelList
    from tradecalc.panel.catalog import list_panels

    with handled([("--output", output)]):
        emit(PanelList(tuple(list_panels())), format, output)


@app.command()
def show(
    panel: PanelArg,
    economies: PanelEconomiesOption,
    product: ProductOption = None,
    format: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Show a pair's trade in a panel: each direction by year (summed over products).

    The table adds both directions' sum; JSON and CSV list one row per direction and year.
    Every output names the panel and its source.

    Example:

        tradecalc panel show agtpa --economies TUR IRN
    """
    from tradecalc.analysis.panels import PanelSeries
    from tradecalc.panel.catalog import resolve
    from tradecalc.panel.query import pair_rows

    with handled([("--output", output)], [panel]):
        pair = economy_pair(economies)
        info = resolve(panel, option="ID")
        found = pair_rows(info, *pair, product=_product(product))
        if not found:
            raise ScenarioError([_no_flows(info, pair, product)])
        emit(PanelSeries(info, pair, tuple(found), _product(product)), format, output)


def panel_for(
    spec: str | None, economies: tuple[str, ...] = (), years: tuple[int, int] | None = None
):
    """The panel a command uses (``--panel``, else the first that holds what it needs, else
    agtpa): a bad id or file is one line, exit 2 (inside :func:`handled`)."""
    from tradecalc.panel.catalog import resolve

    return resolve(spec, economies=economies, years=years)


def economy_pair(economies: tuple[str, str]) -> tuple[str, str]:
    """Two codes, upper-cased; a retired code read as its successor, saying so once."""
    import re

    from tradecalc.panel.query import RETIRED

    codes, problems, warnings = [], [], []
    for code in (c.strip().upper() for c in economies):
        if not re.fullmatch(r"[A-Z][A-Z0-9]{2}", code):
            problems.append(Problem("--economies", None, "", f"{code!r} is not an ISO3 code"))
        if code in RETIRED:
            message = f"warning: {code} is retired: read as {RETIRED[code]}"
            warnings.append(Problem("--economies", None, "", message))
        codes.append(RETIRED.get(code, code))
    if problems:
        raise ScenarioError(problems)
    report_problems(warnings)
    return codes[0], codes[1]


def _product(product: str | None) -> str | None:
    if product is not None and not product.strip().isdigit():
        message = f"{product!r} is not an HS code (digits, e.g. 870321 or 87)"
        raise ScenarioError([Problem("--product", None, "", message)])
    return product.strip() if product is not None else None


def _no_flows(info, pair: tuple[str, str], product: str | None) -> Problem:
    absent = [c for c in dict.fromkeys(pair) if info.codes and c not in info.codes]
    if absent:
        message = f"panel {info.id!r} has no {' nor '.join(absent)} ({info.economies} economies)"
    else:
        what = f" in product {product}" if product else ""
        message = f"panel {info.id!r} has no flows between {pair[0]} and {pair[1]}{what}"
    return Problem("--economies", None, "", message)


@app.command()
def remove(
    panel: Annotated[str, typer.Argument(help="The id of a panel in the store.", metavar="ID")],
) -> None:
    """Remove an imported panel from the store (the shipped AGTPA panel stays).

    Example:

        tradecalc panel remove baci-hs92-v202501
    """
    from tradecalc.core.sanitize import clean
    from tradecalc.panel import store

    with handled():
        store.remove(panel)
        stderr_console().print(f"removed {clean(panel)}")


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="A tidy CSV/Parquet file in the panel's columns (docs/panel.md), or a BACI "
            "release: its zip, or its yearly BACI_HS92_Y2023_V202501.csv files and "
            "country_codes_V202501.csv.",
            metavar="FILE...",
        ),
    ],
    panel_id: Annotated[
        str | None,
        typer.Option("--id", help="The new panel's id (default: from the file or release)."),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="The panel's title.")] = None,
    licence: Annotated[
        str | None,
        typer.Option("--licence", help="The data's licence, as its publisher states it."),
    ] = None,
    attribution: Annotated[
        str | None,
        typer.Option("--attribution", help="The text every output using the panel prints."),
    ] = None,
) -> None:
    """Import trade data as a new panel in the store, all or nothing.

    A BACI release streams one yearly file at a time (bounded memory, a progress bar when
    stderr is a terminal). A bad file: one line per problem (FILE:ROW: column: message),
    exit 2, and the store is as it was.

    Example:

        tradecalc panel import BACI_HS92_V202501.zip
    """
    from tradecalc.core.sanitize import clean
    from tradecalc.panel.importing import import_files

    with handled(inputs=[str(f) for f in files]):
        with _progress() as progress:
            info, warnings = import_files(
                list(files),
                panel_id=panel_id,
                title=title,
                licence=licence,
                attribution=attribution,
                progress=progress,
            )
        report_problems(
            [Problem(w.file, w.line, w.path, f"warning: {w.message}") for w in warnings]
        )
        stderr_console().print(
            f"imported {clean(info.id)}: {info.rows:,} rows, {info.economies} economies, "
            f"{info.years[0]}-{info.years[1]} ({clean(info.label)})"
        )


def _progress():
    """A progress bar on stderr when stderr is a terminal, else nothing drawn."""
    import contextlib

    from tradecalc.panel.importing import Progress

    if not sys.stderr.isatty():
        return contextlib.nullcontext(Progress())
    from rich.progress import BarColumn, DownloadColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    class Drawn(Progress):
        def __init__(self, bar):
            self.bar, self.task = bar, bar.add_task("importing", total=None)

        def start(self, total: int) -> None:
            self.bar.update(self.task, total=total)

        def advance(self, done: int) -> None:
            self.bar.advance(self.task, done)

    @contextlib.contextmanager
    def drawn():
        columns = (BarColumn(), DownloadColumn(), TimeRemainingColumn())
        with Bar(*columns, console=stderr_console(), transient=True) as bar:
            yield Drawn(bar)

    return drawn()


@app.command("fetch")
def fetch_(
    source: Annotated[
        str, typer.Argument(help="The source: imf (IMTS, bilateral goods trade).", metavar="SOURCE")
    ],
    economies: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--economies",
            metavar="CODE CODE",
            help="A pair's two economies, ISO 3166 alpha-3 (both directions, one call).",
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every economy and partner (one call a year).")
    ] = False,
    years: Annotated[
        str | None,
        typer.Option("--years", metavar="FIRST-LAST", help="Years (default: 2000 to last year)."),
    ] = None,
    monthly: Annotated[
        bool, typer.Option("--monthly", help="Monthly values (a month column) instead of annual.")
    ] = False,
    panel_id: Annotated[
        str | None, typer.Option("--id", help="The new panel's id (default: imf-imts).")
    ] = None,
) -> None:
    """Fetch the IMF's bilateral goods trade (IMTS, formerly DOTS) into a new panel.

    Goods exports, FOB, in US$, as the exporter reports them (XG_FOB_USD); a missing value
    is not reported, never zero. The network contract of `fetch`: on any failure one line,
    exit 1, and nothing written.

    Example:

        tradecalc panel fetch imf --economies TUR IRN --years 2000-2023
    """
    from tradecalc.core.sanitize import clean
    from tradecalc.ingest import fetching, http, imf
    from tradecalc.panel.imts import fetch_panel

    with handled():
        pair, span = _fetch_request(source, economies, every, years, fetching, imf)
        try:
            info, warnings = fetch_panel(pair, span, monthly=monthly, panel_id=panel_id)
        except http.NetworkError as error:
            report_problems(error.problems)
            raise typer.Exit(1) from None
        report_problems(warnings)
        stderr_console().print(
            f"fetched {clean(info.id)}: {info.rows:,} rows, {info.economies} economies, "
            f"{info.years[0]}-{info.years[1]} ({clean(info.label)})"
        )


def _fetch_request(source, economies, every, years, fetching, imf):
    """The pair (None for --all) and the years of `panel fetch`, or one line per problem."""
    problems = []
    if source.strip().lower() != "imf":
        problems.append(Problem("SOURCE", None, "", "the one source to fetch is imf"))
    if (economies is None) == (not every):
        message = "give --economies A B or --all (one of them)"
        problems.append(Problem("--economies", None, "", message))
    if problems:
        raise ScenarioError(problems)
    pair = economy_pair(economies) if economies is not None else None
    if pair is not None and pair[0] == pair[1]:
        message = "two different economies: IMTS has no domestic trade"
        raise ScenarioError([Problem("--economies", None, "", message)])
    return pair, imf.check_years(years, fetching.latest_complete_year())
