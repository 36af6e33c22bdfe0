"""The Monte Carlo family: `simulate` (how likely is the target?) and `backtest` (would the
scenario have foreseen the record?)."""

import contextlib
import sys
from typing import Annotated

import typer

from tradecalc.cli.errors import handled, stderr_console
from tradecalc.cli.inputs import load
from tradecalc.cli.options import (
    ChartOption,
    DrawsOption,
    Format,
    FormatOption,
    LogOption,
    OutputOption,
    PlotOption,
    ScenarioArg,
    SeedOption,
    SetOption,
)
from tradecalc.cli.output import emit
from tradecalc.core.errors import UsageError


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
    from tradecalc.analysis.simulation import simulate_scenario

    with handled([("--output", output), ("--plot", plot)], [scenario]):
        loaded = load(scenario, set_)
        with _progress(draws) as progress:
            result = simulate_scenario(loaded, draws, seed, progress, where=scenario)
        emit(result, format, output, plot=plot, log=log, chart=chart)


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
    from tradecalc.analysis.backtest import backtest_document
    from tradecalc.analysis.documents import Backtest

    with handled([("--output", output), ("--plot", plot)], [scenario]):
        if rolling:
            from tradecalc.cli.backtest_rolling import run_rolling

            if from_year is not None:
                raise UsageError("--from", "not with --rolling")
            return run_rolling(
                scenario, set_, horizon=horizon or 3, draws=draws, seed=seed, format=format,
                output=output, plot=plot, log=log,
            )  # fmt: skip
        if horizon is not None:
            raise UsageError("--horizon", "only with --rolling")
        doc = backtest_document(load(scenario, set_), from_year, draws, seed, where=scenario)
        result = Backtest(doc)
        emit(result, format, output, plot=plot, log=log)
