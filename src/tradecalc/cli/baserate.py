"""`tradecalc baserate`: how often pairs of a given size reached a multiple of their trade
within a horizon, counted over a panel (methods.md 14).

Annotations are real objects here, not strings: typer reads them at every start.
"""

from typing import Annotated

import typer

from tradecalc.cli.errors import handled, report_problems
from tradecalc.cli.inputs import load
from tradecalc.cli.options import (
    Format,
    FormatOption,
    OutputOption,
    PlotOption,
    SeedOption,
    SetOption,
)
from tradecalc.cli.output import emit
from tradecalc.core.errors import Problem, ScenarioError

OptionalScenario = Annotated[
    str | None,
    typer.Argument(
        help="Scenario YAML file (- for stdin): its base-year measure, target and deadline.",
        metavar="SCENARIO",
    ),
]
BaseOption = Annotated[
    float | None,
    typer.Option("--base", help="Today's trade B [US$ m, both directions].", metavar="B"),
]
TargetOption = Annotated[
    float | None, typer.Option("--target", help="The target T [US$ m].", metavar="T")
]
HorizonOption = Annotated[
    int | None,
    typer.Option("--horizon", help="Years H to reach it in.", metavar="H", min=1, max=100),
]
PanelOption = Annotated[
    str | None,
    typer.Option(
        "--panel",
        help=(
            "A panel id, or a Parquet/CSV file in the panel's columns (default: the first "
            "panel in the store, else the shipped agtpa)."
        ),
        metavar="ID|FILE",
    ),
]
BandOption = Annotated[
    float,
    typer.Option(
        "--band", help="Size class: start values within a factor K of B.", metavar="K", min=1.0
    ),
]
CalibrateOption = Annotated[
    bool,
    typer.Option(
        "--calibrate",
        help="Also score the model's own out-of-sample forecast at every window (slower).",
    ),
]


def baserate(
    scenario: OptionalScenario = None,
    base: BaseOption = None,
    target: TargetOption = None,
    horizon: HorizonOption = None,
    panel: PanelOption = None,
    band: BandOption = 2.0,
    calibrate: CalibrateOption = False,
    seed: SeedOption = 0,
    format: FormatOption = Format.table,
    set_: SetOption = None,
    output: OutputOption = None,
    plot: PlotOption = None,
) -> None:
    """How often did pairs of this size reach the target's multiple in time? A panel's count.

    The reference class is every (pair, year t) whose trade, both directions summed, lay
    within a factor K of B and is known in each of the H years after; a window succeeds
    when trade in some year t+1..t+H reached T/B times its start. Prints the windows,
    pairs, successes, the rate with Wilson and pair-clustered 95 % intervals, the multiple's
    P50/P90/P99/max and the size class's shock sd; --calibrate scores the model's forecast.

    Example:

        tradecalc baserate scenarios/base.yaml --calibrate
    """
    from tradecalc.analysis.baserate import base_rate
    from tradecalc.panel.catalog import resolve

    with handled([("--output", output), ("--plot", plot)], [scenario] if scenario else []):
        question = _question(scenario, set_, base, target, horizon)
        info = resolve(panel)
        result = base_rate(
            info, *question, band, calibrate=calibrate, seed=seed, named=panel is not None
        )
        _warn_if_empty(result.to_dict())
        emit(result, format, output, plot=plot)


def _warn_if_empty(doc: dict) -> None:
    """One warning line when the reference class is empty (the rate is then null)."""
    if doc["windows"]:
        return
    low, high = doc["size_band_usd_m"]
    message = (
        f"warning: no pair of panel {doc['panel']['id']!r} traded US$ {low:,.1f}-{high:,.1f} m "
        f"with {doc['horizon']} known years after: no window, no rate"
    )
    report_problems([Problem("--base", None, "", message)])


def _question(scenario, set_, base, target, horizon) -> tuple[float, float, int]:
    """(B, T, H) from the scenario, or from all three options; never both, never part."""
    given = {"--base": base, "--target": target, "--horizon": horizon}
    if scenario is not None:
        if clash := [name for name, value in given.items() if value is not None]:
            raise ScenarioError(
                [
                    Problem(name, None, "", "not with a SCENARIO (it gives B, T and H)")
                    for name in clash
                ]
            )
        from tradecalc.analysis.baserate import scenario_question

        question = scenario_question(load(scenario, set_))
        if not question[0] > 0:
            message = f"the measure in the base year is {question[0]:g}: no multiple to count"
            raise ScenarioError([Problem(scenario, None, "baseline", message)])
        return question
    if set_:
        raise ScenarioError([Problem("--set", None, "", "only with a SCENARIO")])
    if missing := [name for name, value in given.items() if value is None]:
        raise ScenarioError(
            [
                Problem(
                    name, None, "", "missing: give a SCENARIO, or --base, --target and --horizon"
                )
                for name in missing
            ]
        )
    return base, target, horizon


def run_panel_backtest(
    scenario: str,
    set_: list[str] | None,
    *,
    panel: str,
    horizon: int | None,
    band: float,
    seed: int,
    format: Format,
    output,
    plot,
) -> None:
    """`backtest --panel`: the model's calibration over the panel's windows of the scenario's
    size and multiple, at any horizon (default: the scenario's own)."""
    from tradecalc.analysis.baserate import base_rate, scenario_question
    from tradecalc.panel.catalog import resolve

    base, target, own = scenario_question(load(scenario, set_))
    result = base_rate(
        resolve(panel), base, target, horizon or own, band, calibrate=True, seed=seed
    )
    emit(result, format, output, plot=plot)
