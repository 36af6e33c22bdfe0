"""`tradecalc backtest --rolling`: the rolling-origin, out-of-sample back-test (methods.md 11)."""

from __future__ import annotations

from pathlib import Path

from tradecalc.cli.support import Format, emit, load


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
    from tradecalc.analysis.rolling import rolling_backtest
    from tradecalc.views import render, render_rolling

    doc = rolling_backtest(load(scenario, set_), horizon, draws, seed, where=scenario)

    def chart(path: Path) -> bytes:
        from tradecalc.views.plot_rolling import rolling_chart

        return rolling_chart(doc, path, log=log)

    emit(
        format,
        output,
        view=lambda: render_rolling.rolling_view(doc),
        document=lambda: doc,
        csv=lambda: render.to_csv(
            render_rolling.rolling_rows(doc), render_rolling.ROLLING_CSV_COLUMNS
        ),
        plot=plot,
        chart=chart,
    )
