"""`tradecalc headroom`: which products could fill the gap, ranked per direction.

Annotations are real objects here, not strings: typer reads them at every start.
"""

from enum import Enum
from typing import Annotated

import typer

from tradecalc.cli.errors import handled, report_problems
from tradecalc.cli.options import Format, FormatOption, OutputOption, PlotOption, SetOption
from tradecalc.cli.output import emit
from tradecalc.core.errors import Problem, ScenarioError, UsageError


class ProductDetail(str, Enum):
    """Product detail of headroom: HS chapters or headings (fetch's ``Detail`` also has total)."""

    hs2 = "hs2"
    hs4 = "hs4"
    hs6 = "hs6"


FileArg = Annotated[
    str | None,
    typer.Argument(
        help="A data file of `tradecalc fetch --detail ...`, or a scenario that extends one "
        "(with --panel: a scenario, for its pair and gap; or none, with --economies).",
        metavar="FILE",
    ),
]
DetailOption = Annotated[
    ProductDetail | None,
    typer.Option(
        "--detail",
        help="Product detail (default: the file's; hs6 with --panel); hs2 sums headings into "
        "chapters, hs4 a panel's HS6 into headings.",
        case_sensitive=False,
    ),
]
TopOption = Annotated[
    int, typer.Option("--top", min=1, help="Products per direction in the table and its total.")
]


PanelProductsOption = Annotated[
    str | None,
    typer.Option(
        "--panel",
        metavar="ID|FILE",
        help="Rank from a panel with products (an imported BACI release) instead of a data "
        "file's rows: no Comtrade key needed.",
    ),
]
PanelEconomiesOption = Annotated[
    tuple[str, str] | None,
    typer.Option(
        "--economies",
        metavar="CODE CODE",
        help="With --panel and no FILE: the pair, ISO 3166 alpha-3 codes.",
    ),
]


def headroom(
    file: FileArg = None,
    detail: DetailOption = None,
    top: TopOption = 10,
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
    plot: PlotOption = None,
    panel: PanelProductsOption = None,
    economies: PanelEconomiesOption = None,
) -> None:
    """Rank the products that could fill the gap to the target, per direction.

    Per product in the latest year with data: the importer's market (imports from the
    world), the exporter's supply (exports to the world), today's bilateral flow, an
    ITC-style potential (the exporter's world-market share applied to the market, at most
    the market) and the untapped rest, with Balassa's RCA; the top N set against the gap.
    JSON and CSV list every product. With --panel ID --economies A B (or a scenario FILE):
    the rows of an imported BACI panel instead, at hs6 or summed to hs4/hs2 (no Comtrade key).

    Example:

        tradecalc headroom examples/headroom/pak-aze-products.yaml --top 5
    """
    from tradecalc.analysis.documents import Headroom

    asked = detail.value if detail is not None else None
    with handled([("--output", output), ("--plot", plot)], [file] if file else []):
        if panel is not None:
            from tradecalc.cli.headroom_panel import panel_document

            doc = panel_document(panel, file, economies, asked or "hs6", top, set_ or [])
        else:
            _no_panel_options(file, economies, asked)
            doc = _document(str(file), asked, top, set_ or [])
        emit(Headroom(doc, top=top), format, output, plot=plot)


def _no_panel_options(file: str | None, economies, detail: str | None) -> None:
    if file is None:
        raise UsageError("FILE", "give a data file or scenario, or --panel ID --economies A B")
    if economies is not None:
        raise UsageError("--economies", "only with --panel: a file names its own pair")
    if detail == "hs6":
        raise UsageError("--detail", "hs6 only with --panel: data files hold hs2 or hs4 rows")


def _document(file: str, detail: str | None, top: int, overrides: list[str]) -> dict:
    """The headroom of a data file (no target: gap null) or of a scenario (gap from it)."""
    from tradecalc.analysis import headroom as analysis
    from tradecalc.scenario import datafile_reader

    if file == "-":
        raise ScenarioError([Problem("FILE", None, "", "give a file: - is not read here")])
    tree = datafile_reader.read_file_tree(file)
    if datafile_reader.is_scenario(tree):
        from tradecalc.scenario.pipeline import load_with_tree, warning_problems

        scenario, tree = load_with_tree(file, None, overrides)
        report_problems(warning_problems(scenario, tree))
        scenario = with_product_file(scenario)
        products, codes = scenario.products, scenario.codes
        if products is None and set(codes) == {"PAK", "AZE"}:
            return analysis.scenario_headroom(scenario, top, detail)
    elif overrides:
        raise UsageError("--set", "only for a scenario: FILE is a bare data file")
    else:
        data, tree = datafile_reader.read_data_file(file, tree=tree)
        scenario, products, codes = None, data.products, tuple(e.code for e in data.economies)
    problems = datafile_reader.product_problems(products, tree, tuple(codes))
    if problems or products is None:  # no products: product_problems says so
        raise ScenarioError(problems)
    _check_detail(products.detail, detail)
    if scenario is not None:
        doc = analysis.scenario_headroom(scenario, top, detail)
    else:
        first, second = codes
        products = analysis.at_detail(products, detail)
        doc = analysis.headroom_document(products, (first, second), None, top)
    return _report_skipped(doc, tree)


def with_product_file(scenario):
    """The scenario with the rows of its data file's product file read in (if it has one)."""
    from tradecalc.scenario import productfile

    if scenario.products is None or scenario.products.file is None:
        return scenario
    loaded = productfile.load(scenario.products, tuple(scenario.codes))
    return scenario.model_copy(update={"products": loaded})


def _check_detail(holds: str, asked: str | None) -> None:
    if asked == "hs4" and holds == "hs2":
        raise UsageError("--detail", "the file holds hs2 chapters: headings need hs4 rows")


def _report_skipped(doc: dict, tree) -> dict:
    """One warning line per skipped direction; none left is an error (exit 2)."""
    from tradecalc.scenario.lines import problem_at

    lines = [problem_at(tree, ("products",), f"warning: {s}", tree.here[0]) for s in doc["skipped"]]
    if not doc["rows"]:
        raise ScenarioError(
            [problem_at(tree, ("products",), s, tree.here[0]) for s in doc["skipped"]]
        )
    report_problems(lines)
    return doc
