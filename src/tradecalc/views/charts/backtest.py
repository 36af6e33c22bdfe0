"""The chart of `tradecalc backtest --plot`: the fan from the start year against the record."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tradecalc.views.briefing import footer_text
from tradecalc.views.charts.style import (
    BLACK,
    BLUE,
    GREY,
    SKY,
    VERMILLION,
    Chart,
    legend,
    money_axis,
    positive,
    year_axis,
)


def backtest_chart(doc: Mapping[str, Any], path: Path, *, log: bool = False) -> bytes:
    """The `backtest` JSON as a chart: the P10-P90 fan from ``from_year``, the median, the
    central path and the observed values (filled inside the band, crossed outside)."""
    rows = [r for r in doc.get("years", []) if r.get("year") is not None]
    fan = doc.get("path") or rows  # every year from the start (the fan opens there), if given
    chart = Chart(path)
    axes = chart.axes

    def column(key: str, of=rows) -> list[float]:
        return [np.nan if r.get(key) is None else float(r[key]) for r in of]

    fan_years = [r["year"] for r in fan]
    low, mid, high = (column(k, fan) for k in ("p10_usd_m", "p50_usd_m", "p90_usd_m"))
    axes.fill_between(fan_years, low, high, color=SKY, alpha=0.45, linewidth=0, label="P10-P90")
    axes.plot(fan_years, mid, color=BLUE, linewidth=2.2, label="median (P50)", zorder=5)
    years = [r["year"] for r in rows]
    axes.plot(
        fan_years,
        column("projected_usd_m", fan),
        color=BLACK,
        linestyle="--",
        linewidth=1.4,
        label="central path",
        zorder=5,
    )
    observed = column("observed_usd_m")
    inside = [bool(r.get("inside_band")) for r in rows]
    for flag, marker, colour, label in (
        (True, "o", BLACK, "observed, inside the band"),
        (False, "X", VERMILLION, "observed, outside the band"),
    ):
        xs = [y for y, v, i in zip(years, observed, inside, strict=True) if i == flag]
        ys = [v for v, i in zip(observed, inside, strict=True) if i == flag]
        if xs:
            axes.scatter(xs, ys, marker=marker, s=60, color=colour, zorder=6, label=label)
    shown = [v for v in (*low, *high, *observed) if np.isfinite(v)]
    if fan_years:
        year_axis(axes, min(fan_years), max(fan_years))
    money_axis(axes, log, positive(shown), max(shown, default=1.0))
    if doc.get("from_year") is not None:
        axes.axvline(doc["from_year"], color=GREY, linestyle=":", linewidth=1.2)
    legend(axes)
    coverage, error = doc.get("coverage"), doc.get("mean_abs_log_error")
    facts = []
    if coverage is not None:
        facts.append(f"{100 * coverage:.0f} % of observed years inside P10-P90")
    if error is not None:
        facts.append(f"mean absolute log error {error:.3f}")
    reporter = doc.get("reporter")
    chart.titles(
        f"Backtest from {doc.get('from_year')}: the model against the record",
        [
            "; ".join(facts) + "." if facts else "",
            f"Observed values as reported by {reporter}." if reporter else "",
            "In-sample: the annual shock sd was calibrated on this same record."
            if doc.get("in_sample")
            else "",
        ],
    )
    return chart.save(footer_text([]))
