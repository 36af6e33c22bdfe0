"""`tradecalc backtest --rolling`: the rolling-origin, out-of-sample back-test (methods.md 11)."""

from __future__ import annotations

from pathlib import Path

from tradecalc.cli.inputs import load
from tradecalc.cli.options import Format
from tradecalc.cli.output import emit


def run_rolling(
    scenario: str,
    set_: list[str] | None,
    *,
    horizon: int,
    draws: int,
    seed: int,
    format: Format,
    output: Path | None,
    plot: Path | None,
    log: bool,
) -> None:
    """Score forecasts from every origin of the record, beside the two naive forecasts."""
    from tradecalc.analysis.documents import RollingBacktest
    from tradecalc.analysis.rolling import rolling_backtest

    doc = rolling_backtest(load(scenario, set_), horizon, draws, seed, where=scenario)
    emit(RollingBacktest(doc), format, output, plot=plot, log=log)
