"""The chart of `baserate --plot`: the distribution of the H-year multiple with R marked, and
with ``--calibrate`` the PIT histogram of the model's forecasts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tradecalc.analysis.baserate import BaseRate
from tradecalc.views.charts.style import BLUE, GREY, SKY, VERMILLION, Chart, legend


def baserate_chart(result: BaseRate, path: Path) -> bytes:
    """A histogram of max(V_{t+1..t+H}) / V_t over the windows on a log axis, the multiple the
    question needs as a line; the PIT histogram below when the model was calibrated."""
    doc, multiples = result.to_dict(), result.multiples
    model = doc.get("model")
    chart = Chart(path, panels=(1.0, 0.6) if model else (1.0,))
    axes = chart.axes
    ratio = doc["multiple"]
    shown = multiples[multiples > 0]
    top = max(float(shown.max()) if shown.size else 1.0, ratio) * 1.5
    bottom = min(float(shown.min()) if shown.size else 1.0, 1.0) / 1.5
    bins = np.geomspace(bottom, top, 60)
    axes.hist(shown, bins=bins, color=SKY, edgecolor=BLUE, linewidth=0.4, label="windows")
    axes.axvline(ratio, color=VERMILLION, linewidth=1.6, label=f"R = {ratio:,.2f}x")
    axes.axvline(1.0, color=GREY, linestyle=":", linewidth=0.8)
    axes.set_xscale("log")
    axes.set_xlabel(f"max(V t+1..t+{doc['horizon']}) / V t  (log scale)")
    axes.set_ylabel("windows")
    legend(axes)
    if model:
        _pit_panel(chart.bottom, model)
    low, high = doc["size_band_usd_m"]
    chart.titles(
        f"How far pairs of this size rose within {doc['horizon']} years",
        [
            f"{doc['windows']:,} windows of {doc['pairs']:,} pairs with trade of US$ "
            f"{low:,.1f}-{high:,.1f} m (nominal) in the start year; {doc['successes']:,} "
            f"reached R (rate {100 * (doc['rate'] or 0):.2g} %).",
            f"Panel: {doc['panel']['title']}.",
        ],
    )
    return chart.save(doc["panel"]["attribution"])


def _pit_panel(axes, model: dict[str, Any]) -> None:
    counts = model["pit_histogram"]
    edges = np.linspace(0.0, 1.0, len(counts) + 1)
    axes.bar(edges[:-1], counts, width=edges[1] - edges[0], align="edge", color=SKY, edgecolor=BLUE)
    level = sum(counts) / len(counts)
    axes.axhline(level, color=VERMILLION, linewidth=1.2, label="calibrated")
    axes.set_xlabel("PIT of the outcome in year t+H under the model's out-of-sample forecast")
    axes.set_ylabel("windows")
    legend(axes)
