"""`tradecalc gravity`: fit a structural gravity equation on a panel, and a pair's normal level.

Annotations are real objects here, not strings: typer reads them at every start.
"""

import dataclasses
from enum import Enum
from typing import Annotated

import typer

from tradecalc.cli.errors import handled
from tradecalc.cli.options import Format, FormatOption, OutputOption
from tradecalc.cli.output import emit
from tradecalc.core.errors import Problem, ScenarioError

app = typer.Typer(
    name="gravity",
    help=(
        "Gravity: fit a structural gravity equation on a panel; a pair's normal level "
        "(needs pyfixest: pip install -e '.[gravity]').\n\n"
        "Example:\n\n    tradecalc gravity normal --economies TUR IRN --panel agtpa --years 2006"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Estimator(str, Enum):
    """PPML (zero flows kept) or OLS of the log of positive flows."""

    ppml = "ppml"
    ols = "ols"


class StandardErrors(str, Enum):
    """Clustered by the unordered pair, or heteroskedasticity-robust."""

    pair = "pair"
    hetero = "hetero"


PanelOption = Annotated[
    str | None,
    typer.Option(
        "--panel",
        metavar="ID|FILE",
        help="The panel: an id (default: agtpa, shipped) or a Parquet/CSV file in the "
        "panel's columns.",
    ),
]
YearsOption = Annotated[
    str | None,
    typer.Option(
        "--years",
        metavar="YEARS",
        help="Years: a list 1986,1990 or a range 1986:2006:4 (default: every year of the panel).",
    ),
]
TermsOption = Annotated[
    str,
    typer.Option(
        "--terms",
        metavar="TERMS",
        help="Comma-separated panel columns; log_NAME is ln(NAME), intl is 1 across a border.",
    ),
]
FixedEffectsOption = Annotated[
    str,
    typer.Option(
        "--fe",
        metavar="FE",
        help="exporter-year,importer-year or exporter,importer, optionally with pair.",
    ),
]
EstimatorOption = Annotated[
    Estimator, typer.Option("--estimator", help="PPML, or OLS of ln(positive flows).")
]
DomesticOption = Annotated[
    bool,
    typer.Option(
        "--with-domestic", help="Include domestic flows (exporter = importer) in the fit."
    ),
]
SeOption = Annotated[
    StandardErrors,
    typer.Option("--se", help="Standard errors: clustered by pair, or heteroskedasticity-robust."),
]
YearOption = Annotated[
    int | None,
    typer.Option("--year", help="The year of the normal level (default: the fit's latest)."),
]
EconomiesOption = Annotated[
    tuple[str, str] | None,
    typer.Option(
        "--economies",
        metavar="CODE CODE",
        help="The two economies, ISO 3166 alpha-3 codes, e.g. --economies TUR IRN.",
    ),
]
ScenarioOption = Annotated[
    str | None,
    typer.Argument(help="A scenario: its economies, record and target.", metavar="[SCENARIO]"),
]
DEFAULT_TERMS = "log_dist,cntg,lang,clny"
DEFAULT_FE = "exporter-year,importer-year"


def _spec(years, terms, fe, estimator, with_domestic, se):
    from tradecalc.analysis import gravity

    return gravity.GravitySpec(
        terms=gravity.parse_list(terms),
        fixed_effects=gravity.check_fixed_effects(gravity.parse_list(fe)),
        estimator=estimator.value,
        years=gravity.parse_years(years) if years is not None else None,
        with_domestic=with_domestic,
        se=se.value,
    )


@app.command("fit")
def fit(
    panel: PanelOption = None,
    years: YearsOption = None,
    terms: TermsOption = DEFAULT_TERMS,
    fe: FixedEffectsOption = DEFAULT_FE,
    estimator: EstimatorOption = Estimator.ppml,
    with_domestic: DomesticOption = False,
    se: SeOption = StandardErrors.pair,
    format: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Estimate a gravity equation on a panel: each term's estimate and standard error.

    PPML with exporter-year and importer-year fixed effects (the multilateral resistances)
    on international flows, standard errors clustered by pair, unless told otherwise; the
    output names the panel and prints its attribution.

    Example:

        tradecalc gravity fit --years 1986:2006:4
    """
    from tradecalc.analysis import gravity

    with handled([("--output", output)]):
        spec = _spec(years, terms, fe, estimator, with_domestic, se)
        info, frame = _open_panel(panel, None, spec.years)
        emit(gravity.fit(frame, spec, info), format, output)


@app.command("normal")
def normal(
    scenario: ScenarioOption = None,
    economies: EconomiesOption = None,
    year: YearOption = None,
    panel: PanelOption = None,
    years: YearsOption = None,
    terms: TermsOption = DEFAULT_TERMS,
    fe: FixedEffectsOption = DEFAULT_FE,
    estimator: EstimatorOption = Estimator.ppml,
    with_domestic: DomesticOption = False,
    se: SeOption = StandardErrors.pair,
    format: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """A pair's normal level: what the gravity fit expects the two to trade in a year.

    The fitted flow each way (fixed effects included) and their sum beside the observed
    flows, observed / normal, and a band: the 10th and 90th percentiles of observed / fitted
    over the year's positive flows in the fit, applied to the normal level. With a SCENARIO,
    also its record and target as multiples of the normal level.

    Example:

        tradecalc gravity normal --economies TUR IRN --years 1986:2006:4
    """
    from tradecalc.analysis import gravity, gravity_normal

    inputs = [scenario] if scenario is not None else []
    with handled([("--output", output)], inputs):
        loaded, codes = _pair(scenario, economies)
        spec = _spec(years, terms, fe, estimator, with_domestic, se)
        info, frame = _open_panel(panel, codes, spec.years)
        a, b = codes
        result = gravity_normal.normal_level(gravity.fit(frame, spec, info), a, b, year)
        if loaded is not None:
            result = dataclasses.replace(result, briefing=_briefing(result, loaded))
        emit(result, format, output)


def _pair(scenario: str | None, economies: tuple[str, str] | None):
    """(the loaded scenario or None, the two codes) from SCENARIO or --economies, not both."""
    if economies is not None and scenario is None:
        a, b = (code.strip().upper() for code in economies)
        return None, (a, b)
    if scenario is None or economies is not None:
        message = "give a SCENARIO or --economies A B (one of them)"
        raise ScenarioError([Problem("--economies", None, "", message)])
    from tradecalc.cli.inputs import load

    loaded = load(scenario, None)
    a, b = loaded.codes
    return loaded, (a, b)


def _briefing(result, scenario) -> tuple[str, str]:
    from tradecalc.analysis.gravity_normal import normal_level_line, scenario_record

    record = scenario_record(scenario)
    record_year, record_usd_m = record if record is not None else (None, None)
    return normal_level_line(result, record_usd_m, scenario.target.value_usd_m, record_year)


def _open_panel(spec: str | None, codes: tuple[str, str] | None, years):
    """(the panel's id, title, licence and attribution; its rows in ``years``)."""
    from tradecalc.analysis.gravity_panel import open_panel

    return open_panel(spec, codes, years)
