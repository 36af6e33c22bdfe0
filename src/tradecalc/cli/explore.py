"""The exploring family: `sweep`, `solve` and `sensitivity` (a grid of values, the value that
just reaches the target, and which inputs move the measure most)."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from tradecalc.cli.errors import handled
from tradecalc.cli.inputs import load, stdin_text, warn_file
from tradecalc.cli.options import (
    Format,
    FormatOption,
    OutputOption,
    ScenarioArg,
    SeedOption,
    SetOption,
)
from tradecalc.cli.output import emit
from tradecalc.core.errors import ExitStatus


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
    from tradecalc.analysis.sweep import GridAxis, sweep_scenario
    from tradecalc.scenario.overrides import Override

    with handled([("--output", output)], [scenario]):
        axes = [GridAxis.parse(spec) for spec in grid]
        overrides = [Override.parse(o) for o in set_ or ()]
        text = stdin_text([scenario])
        result = sweep_scenario(scenario, axes, overrides, text=text, warn=warn_file)
        emit(result, format, output)


class Metric(str, Enum):
    """What `solve` makes reach the target."""

    measure = "measure"
    probability = "probability"


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
    with handled([("--output", output)], [scenario]):
        result = _goal_seek(scenario, param, low, high, target_year, metric, at, draws, seed, set_)
        emit(result, format, output)
    if not result.reached:
        raise typer.Exit(ExitStatus.ERROR)


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
    from tradecalc.analysis.goalseek import solve_scenario
    from tradecalc.scenario.overrides import Override

    overrides = [Override.parse(o) for o in set_ or ()]
    if target_year is not None:
        overrides.append(Override.parse(f"target.by_year={target_year}", "--target-year"))
    return solve_scenario(
        scenario,
        param,
        low,
        high,
        overrides=overrides,
        text=stdin_text([scenario]),
        warn=warn_file,
        metric=metric.value,
        at=at,
        draws=draws,
        seed=seed,
    )


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
    from tradecalc.analysis.documents import Sensitivity
    from tradecalc.analysis.sensitivity import sensitivity_document

    with handled([("--output", output), ("--plot", plot)], [scenario]):
        result = Sensitivity(sensitivity_document(load(scenario, set_), where=scenario))
        emit(result, format, output, plot=plot)
