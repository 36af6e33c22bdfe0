"""The chart of `tradecalc simulate --plot`: the P10-P90 fan and median of the draws, the record."""

from __future__ import annotations

from pathlib import Path

from tradecalc.analysis.documents import SimulationResult
from tradecalc.core.numbers import probability_text
from tradecalc.views.briefing import footer_text
from tradecalc.views.charts.style import (
    BLUE,
    SKY,
    Chart,
    frame_axes,
)
from tradecalc.views.words import unverified_ids


def simulation_chart(result: SimulationResult, path: Path, *, log: bool = False) -> bytes:
    """The P10-P90 fan and the median of the measure across draws, the record, the target."""
    sim = result.simulation
    s = sim.scenario
    chart = Chart(path)
    axes = chart.axes
    low, mid, high = (sim.percentiles[q] for q in (10, 50, 90))
    axes.fill_between(
        sim.years, low, high, color=SKY, alpha=0.45, linewidth=0, label="P10-P90 of draws"
    )
    axes.plot(sim.years, mid, color=BLUE, linewidth=2.2, label="median (P50)", zorder=5)
    frame_axes(axes, s, sim.years, list(result.history), [*low, *high], log)
    j = s.by_year - s.base_year
    chart.titles(
        f"How likely is the target? {s.name}",
        [
            f"P(reached in some year up to {s.by_year}) = "
            f"{probability_text(sim.probability_at_deadline, sim.probability_se, None)} "
            f"({sim.draws:,} draws, seed {sim.seed}); in {s.by_year} the measure is "
            f"{low[j]:,.0f}-{high[j]:,.0f} US$ m in 8 draws out of 10.",
            "Spreads from the scenario's uncertainty block."
            if s.uncertainty is not None
            else "No uncertainty block: no spread.",
        ],
    )
    return chart.save(footer_text([src.id for src in s.sources], (), unverified_ids(s.sources)))
