"""The chart of `tradecalc project --plot`: the measure with the odds' band, the record and the
target; what each counted lever adds; the trade not counted (a memo), each on its own scale."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from tradecalc.analysis.projection import Projection
from tradecalc.views.briefing import brief_odds_text, footer_text, outside_text
from tradecalc.views.charts.style import (
    BLACK,
    DEAL_COLOURS,
    DEAL_HATCHES,
    GREEN,
    GREY,
    LEVER_COLOURS,
    LOG_NOTE,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    YELLOW,
    Chart,
    money_axis,
    panel_title,
    positive,
    record_points,
    side_legend,
    target_line,
    thousands_or_tenths,
    year_axis,
)
from tradecalc.views.project_view import growth_text, verdict
from tradecalc.views.words import overrides_text, unverified_ids

PRINT_STYLE = {
    "font.size": 9,
    "axes.labelsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "svg.hashsalt": "tradecalc-print",  # its ids differ from the screen chart's on one page
}
"""The brief's printed chart: no text under 9 pt at its own size."""
PRINT_SIZE = (4.2, 3.4)
"""Inches of the printed chart's panels; with the legends beside them it is about 7 in wide,
A4's text width, so it prints at about its own size."""


def projection_chart(
    p: Projection,
    path: Path,
    *,
    log: bool = False,
    document: Mapping[str, Any] | None = None,
    bare: bool = False,
) -> bytes:
    """The projection in panels: the measure over the baseline, with the P10-P90 band of the
    odds, the record, the target and the deadline; below it, on its own scale, what each
    counted lever (each deal apart) adds; below that, on its own scale again, the trade the
    target does not count (a memo, so it never towers over the measure).

    ``document`` is the project JSON (for the odds and the outside view; computed if absent).
    ``bare`` draws the brief's printed chart: no title, subtitle or footer (the page has them),
    A4's width, no text under 9 pt.
    """
    s = p.scenario
    doc = p.to_dict() if document is None else document
    memo = bool(p.not_counted) and not bare  # printed, the memo is the table's column
    panels = (3.0, 1.5, 1.1) if memo else (3.0, 1.5)
    size = PRINT_SIZE if bare else (10.0, 8.2 if memo else 7.0)
    chart = Chart(path, size=size, panels=panels, style=PRINT_STYLE if bare else None)
    for axes in chart.panels[1:]:
        axes.sharex(chart.axes)
    _measure_panel(chart.axes, p, doc, log)
    _lever_panel(chart.panels[1], p)
    if memo:
        _memo_panel(chart.panels[2], p)
    for axes in chart.panels[:-1]:
        axes.tick_params(labelbottom=False)  # the years are read off the bottom panel
    if bare:
        from matplotlib.ticker import MaxNLocator

        chart.bottom.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=7))
    chart.figure.subplots_adjust(hspace=0.3)
    if bare:
        return chart.save("")
    title = s.name if s.pair_label in s.name else f"{s.pair_label} trade: {s.name}"
    chart.titles(title, _projection_subtitles(p, doc, log))
    return chart.save(
        footer_text([src.id for src in s.sources], p.overrides, unverified_ids(s.sources)),
        below=30,
    )


def _measure_panel(axes, p: Projection, doc: Mapping[str, Any], log: bool) -> None:
    """The measure (black) over the baseline (grey), the odds' P10-P90 band, the record, the
    target and the deadline."""
    s = p.scenario
    j = p.year_index(s.by_year)
    baseline = p.measure_layers["baseline_usd_m"]
    at = f"in {s.by_year}"
    label = f"baseline (no new policy): {baseline[j]:,.1f} {at}"
    floor = 1e-9 if log else 0.0
    axes.fill_between(p.years, floor, baseline, color=GREY, alpha=0.55, lw=0, zorder=2, label=label)
    shown = [*p.measure]
    band = p.band if doc.get("odds") else None  # the result's (tradecalc.analysis.odds)
    if band is not None:
        low, high = band
        odds = doc["odds"]
        label = f"P10-P90 of the odds ({odds['draws']:,} draws, seed {odds['seed']})"
        label += f": {odds['p10_at_by_year_usd_m']:,.1f}-{odds['p90_at_by_year_usd_m']:,.1f} {at}"
        axes.fill_between(p.years, low, high, color=SKY, alpha=0.35, lw=0, zorder=1, label=label)
        shown += [*low, *high]
    label = f"measure, central path ({', '.join(s.target.counts)}): {p.measure[j]:,.1f} {at}"
    axes.plot(p.years, p.measure, color=BLACK, linewidth=2.0, zorder=5, label=label)
    shown += record_points(axes, p.history())
    first = min([int(p.years[0]), *(h["year"] for h in p.history())])
    year_axis(axes, first, int(p.years[-1]))
    money_axis(axes, log, positive(shown), max([s.target.value_usd_m, *shown]))
    target_line(axes, s.target.value_usd_m, s.by_year)
    side_legend(axes)


def _lever_panel(axes, p: Projection) -> None:
    """Each counted lever's contribution by year as its own line, on its own linear scale."""
    bands = [b for b in [*_lever_bands(p), *_deal_bands(p)] if not b.label.startswith("baseline")]
    for n, band in enumerate(bands):
        style = ("-", "--", ":", "-.")[(n // len(DEAL_COLOURS)) % 4]
        axes.plot(p.years, band.values, band.colour, lw=2.0, ls=style, zorder=3, label=band.label)
    axes.axhline(0.0, color=BLACK, linewidth=0.8, zorder=2)
    axes.axvline(p.scenario.by_year, color=BLACK, linestyle=":", linewidth=1.2)
    axes.set_ylabel("added, US$ m")
    axes.yaxis.set_major_formatter(thousands_or_tenths())
    panel_title(axes, "What each counted lever adds to the baseline (own scale)")
    if not bands:
        axes.text(0.5, 0.5, "no counted lever", transform=axes.transAxes, ha="center")
    side_legend(axes)


def _memo_panel(axes, p: Projection) -> None:
    """The trade the target does not count, by category, stacked on its own scale."""
    s = p.scenario
    j = p.year_index(s.by_year)
    colours = [PURPLE, YELLOW, VERMILLION, SKY, ORANGE, GREEN]
    items = list(p.not_counted.items())
    labels = [f"{category}: {v[j]:,.1f} in {s.by_year}" for category, v in items]
    axes.stackplot(
        p.years, *(v for _, v in items), colors=colours[: len(items)], alpha=0.7, labels=labels
    )
    axes.axvline(s.by_year, color=BLACK, linestyle=":", linewidth=1.2)
    axes.set_ylabel("memo, US$ m")
    axes.yaxis.set_major_formatter(thousands_or_tenths())
    panel_title(axes, "Not counted by the target (memo, own scale)")
    side_legend(axes)


class _Band(NamedTuple):
    """One lever of the projection chart."""

    values: np.ndarray
    label: str
    colour: str
    hatch: str


def _lever_bands(p: Projection) -> list[_Band]:
    """The baseline and each policy lever with a contribution, in the table's order."""
    s = p.scenario
    j = p.year_index(s.by_year)
    bands = []
    for label, key in p.lever_columns:
        layer = p.measure_layers.get(key)
        if key == "deals_usd_m" or layer is None or not np.any(layer):
            continue
        name = label if key != "baseline_usd_m" else "baseline (no new policy)"
        text = f"{name}: {layer[j]:,.1f} in {s.by_year}"
        bands.append(_Band(layer, text, LEVER_COLOURS.get(key, SKY), ""))
    return bands


def _deal_bands(p: Projection) -> list[_Band]:
    """Each counted deal with a contribution; past five colours, the line style changes."""
    s = p.scenario
    j = p.year_index(s.by_year)
    bands = []
    counted = [k for k, c in enumerate(p.layout.deal_counts) if c]
    for n, k in enumerate(counted):
        layer = p.components.deals[0, k]
        if not np.any(layer):
            continue
        text = f"deal {p.layout.deal_name[k]}: {layer[j]:,.1f} in {s.by_year}"
        colour = DEAL_COLOURS[n % len(DEAL_COLOURS)]
        hatch = DEAL_HATCHES[(n // len(DEAL_COLOURS)) % len(DEAL_HATCHES)]
        bands.append(_Band(layer, text, colour, hatch))
    return bands


def _projection_subtitles(p: Projection, doc: Mapping[str, Any], log: bool) -> list[str]:
    """The verdict and the growth it needs, the odds, the outside view, the measure, the
    overrides and the scale (empty lines are left out when drawn)."""
    s = p.scenario
    return [
        f"Verdict: {verdict(p)} (target {s.target.value_usd_m:,.0f} US$ m by {s.by_year}; "
        f"needs {growth_text(p)}).",
        brief_odds_text(doc.get("odds"), s.by_year),
        outside_text(doc.get("outside_view")),
        f"Measure: {p.counts_text}.",
        f"Changed by {overrides_text(p.overrides)}." if p.overrides else "",
        LOG_NOTE if log else "",
    ]
