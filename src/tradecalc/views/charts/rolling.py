"""The chart of `backtest --rolling`: the record and each origin's P10-P90 band."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tradecalc.views.briefing import footer_text
from tradecalc.views.charts.style import (
    BLACK,
    BLUE,
    GREY,
    SKY,
    Chart,
    legend,
    money_axis,
    positive,
    year_axis,
)


def rolling_chart(doc: Mapping[str, Any], path: Path, *, log: bool = False) -> bytes:
    """Each origin's model band (P10-P90) and central path from the origin on, the drift
    forecast dotted, and the observed record."""
    chart = Chart(path)
    axes = chart.axes
    observed = {f["year"]: f["observed_usd_m"] for f in doc.get("forecasts", [])}
    observed.update({e["origin"]: e["observed_usd_m"] for e in doc.get("estimates", [])})
    shown = list(observed.values()) + _origin_bands(axes, doc, observed)
    years = sorted(observed)
    axes.plot(
        years,
        [observed[y] for y in years],
        color=BLACK,
        marker="o",
        linewidth=1.2,
        label="observed",
        zorder=6,
    )
    year_axis(axes, min(years), max(years))
    money_axis(axes, log, positive(shown), max(shown, default=1.0))
    legend(axes)
    model = doc.get("scores", {}).get("model", {})
    chart.titles(
        "Rolling back-test: forecasts from each origin against the record",
        [
            f"{doc.get('n_forecasts', 0)} forecasts, out of sample; model inside P10-P90: "
            f"{100 * model.get('coverage_p10_p90', 0):.0f} % (80 % nominal).",
            f"Observed values as reported by {doc.get('reporter')}; "
            f"shocks: {doc.get('shock_model', '').replace('_', ' ')}.",
        ],
    )
    return chart.save(footer_text([]))


def _origin_bands(axes, doc: Mapping[str, Any], observed: dict[int, float]) -> list[float]:
    """Draw each origin's band, central path and drift line; the values drawn."""
    shown: list[float] = []
    for n, origin in enumerate(doc.get("origins", [])):
        rows = [f for f in doc.get("forecasts", []) if f["origin"] == origin]
        years = [origin, *(r["year"] for r in rows)]

        def line(method: str, key: str, rows=rows, origin=origin) -> list[float]:
            return [observed[origin], *(r[method][key] for r in rows)]

        first = n == 0
        low, high = line("model", "p10_usd_m"), line("model", "p90_usd_m")
        band = "model P10-P90 from each origin" if first else None
        axes.fill_between(years, low, high, color=SKY, alpha=0.35, linewidth=0, label=band)
        central = "model central path" if first else None
        axes.plot(years, line("model", "central_usd_m"), color=BLUE, linewidth=1.6, label=central)
        drift = "drift forecast" if first else None
        axes.plot(years, line("drift", "central_usd_m"), color=GREY, linestyle=":", label=drift)
        axes.axvline(origin, color=GREY, linestyle=":", linewidth=0.8)
        shown += low + high
    return shown
