"""The chart of `tradecalc compare --plot`: each scenario's central path against its target."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tradecalc.analysis.comparison import Comparison
from tradecalc.analysis.projection import Projection
from tradecalc.views.briefing import footer_text
from tradecalc.views.charts.style import (
    SERIES_COLOURS,
    Chart,
    legend,
    money_axis,
    positive,
    record_points,
    target_line,
    year_axis,
)
from tradecalc.views.project_view import verdict
from tradecalc.views.words import unverified_ids


def comparison_chart(c: Comparison, path: Path, *, log: bool = False) -> bytes:
    """The measure of each scenario by year, each with its own target and deadline."""
    chart = Chart(path)
    axes = chart.axes
    targets = {(p.scenario.target.value_usd_m, p.scenario.by_year) for p in c.projections}
    shared = len(targets) == 1
    shown = _scenario_lines(axes, c.projections, shared)
    history = _shared_record(c.projections)
    shown += record_points(axes, history)
    first = min([*(int(p.years[0]) for p in c.projections), *(h["year"] for h in history)])
    year_axis(axes, first, max(int(p.years[-1]) for p in c.projections))
    money_axis(axes, log, positive(shown), max(shown))
    if shared:
        value, by_year = next(iter(targets))
        target_line(axes, value, by_year)
    legend(axes)
    chart.titles("Trade the target counts, by scenario", _comparison_subtitles(c, shared))
    sources = [src.id for p in c.projections for src in p.scenario.sources]
    unverified = unverified_ids(src for p in c.projections for src in p.scenario.sources)
    overrides = c.projections[0].overrides if c.projections else ()
    return chart.save(footer_text(sources, overrides, unverified))


def _scenario_lines(axes, projections: Sequence[Projection], shared: bool) -> list[float]:
    """One marked line per scenario, each in its colour; unless all share one target, each
    scenario's target as a dashed line in that colour with a star at its deadline. The values
    drawn, targets included."""
    shown: list[float] = []
    markers = "osD^vP*X"
    for n, p in enumerate(projections):
        s, colour = p.scenario, SERIES_COLOURS[n % len(SERIES_COLOURS)]
        axes.plot(
            p.years,
            p.measure,
            color=colour,
            marker=markers[n % len(markers)],
            markersize=5,
            linewidth=2,
            label=f"{s.name}: {verdict(p)}",
            zorder=5,
        )
        shown += [*p.measure, s.target.value_usd_m]
        if not shared:
            value = s.target.value_usd_m
            axes.axhline(value, color=colour, linestyle="--", linewidth=1.2, zorder=3)
            axes.plot(
                [s.by_year],
                [value],
                marker="*",
                markersize=16,
                color=colour,
                markeredgecolor="white",
                linestyle="none",
                zorder=6,
                label=f"{s.name}: target {value:,.0f} by {s.by_year}",
            )
    return shown


def _shared_record(projections: Sequence[Projection]) -> list[dict[str, Any]]:
    """The scenarios' records as one: a year's value of one kind drawn once."""
    history: dict[tuple, dict[str, Any]] = {}
    for p in projections:
        for h in p.history():
            history.setdefault((h["year"], h["label"], h["total_usd_m"]), h)
    return list(history.values())


def _comparison_subtitles(c: Comparison, shared: bool) -> list[str]:
    """The closest scenario, whose target each is judged on, the first two notes."""
    return [
        f"Closest to its target: {c.closest().scenario.name}"
        + (f" ({c.closest_note()}). " if c.closest_note() else ". ")
        + (
            "Each scenario is judged on its own target (stars: target at its deadline)."
            if not shared
            else "All scenarios share one target and deadline."
        ),
        *(note[:1].upper() + note[1:] + "." for note in c.notes()[:2]),
    ]
