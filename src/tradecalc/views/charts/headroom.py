"""The `headroom --plot` chart: each direction's largest untapped products as ranked bars, one
panel per direction on its own scale, with the gap to the target drawn as a reference line on
the panels whose scale it fits (the house style of :mod:`.plot`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tradecalc.core.errors import fail
from tradecalc.core.sanitize import escape
from tradecalc.views.charts.style import BLUE, ORANGE, VERMILLION, Chart, plt_size, thousands
from tradecalc.views.headroom_view import table_heading
from tradecalc.views.words import arrow

DIRECTION_COLOURS = (BLUE, ORANGE)

GAP_FITS = 2.0
"""The gap is drawn on a panel when it is at most this many times the panel's largest bar:
further out, the bars would shrink to slivers beside it."""


def _panels(doc: Mapping[str, Any], top: int) -> list[tuple[str, list, list]]:
    """(direction, its ranked rows, the top rows with an untapped value), per direction."""
    panels = []
    for direction in dict.fromkeys(r["direction"] for r in doc["rows"]):
        ranked = [r for r in doc["rows"] if r["direction"] == direction and not r.get("apart")]
        panels.append(
            (direction, ranked, [r for r in ranked[:top] if r["untapped_usd_m"] is not None])
        )
    return panels


def headroom_chart(doc: Mapping[str, Any], path: Path, *, top: int = 10) -> bytes:
    """Ranked horizontal bars of untapped potential [US$ m], a panel per direction; the gap
    as a dashed line where it fits the panel's scale."""
    panels = _panels(doc, top)
    drawn = [p for p in panels if p[2]]
    if not drawn:
        fail(
            f"--plot {path}",
            None,
            "",
            "no untapped values to draw: the data have no world exports (fetch --world)",
        )
    heights = tuple(0.7 + 0.42 * len(bars) for _, _, bars in drawn)
    chart = Chart(path, size=(10.0, max(3.5, 1.2 * len(drawn) + sum(heights))), panels=heights)
    gap, gap_year = doc.get("gap_usd_m"), doc.get("gap_year")
    placed = []
    for i, (axes, (direction, ranked, bars)) in enumerate(zip(chart.panels, drawn, strict=True)):
        fits = _bars(axes, bars, DIRECTION_COLOURS[i % 2], gap)
        placed.append((direction, fits))
        _heading(axes, f"{arrow(direction)}: {table_heading(ranked, top)}")
    chart.figure.subplots_adjust(hspace=0.55)
    chart.bottom.set_xlabel(f"untapped potential in {doc['year']}, US$ million (ITC-style)")
    empty = [
        f"{arrow(d)}: no untapped value to draw (fetch --world)" for d, _, b in panels if not b
    ]
    chart.titles(
        "Headroom: which products could fill the gap",
        [
            "ITC-style potential: the exporter's world-market share applied to the importer's "
            "market (at most the market), less today's bilateral flow. "
            + _gap_note(gap, gap_year, placed),
            _shown(drawn, top) + " ".join(empty),
        ],
        pad=26,
    )
    return chart.save("Method: docs/methods.md, Headroom (after Decreux & Spies 2016).", below=50)


def _bars(axes, bars: list[dict[str, Any]], colour: str, gap: float | None) -> bool:
    """One direction's bars, largest on top, each with its value; whether the gap is drawn."""
    axes.grid(axis="x")
    axes.grid(axis="y", visible=False)
    positions = np.arange(len(bars))[::-1]
    values = [float(r["untapped_usd_m"]) for r in bars]
    axes.barh(positions, values, height=0.6, color=colour, zorder=3)
    for y, value in zip(positions, values, strict=True):
        axes.annotate(f"{value:,.1f}", xy=(value, y), xytext=(4, 0), textcoords="offset points",
                      va="center", fontsize=10, color="#333333")  # fmt: skip
    labels = [escape(f"{r['product']} {(r['label'] or '')[:28]}".strip()) for r in bars]
    axes.set_yticks(positions, labels)  # the data file's codes and labels: escaped
    axes.set_ylim(-0.6, len(bars) - 0.4)
    if max(values) >= 10:  # thousands separators; below 10 the default keeps the decimals
        axes.xaxis.set_major_formatter(thousands())
    largest = max(values) or 1.0
    fits = gap is not None and 0 < gap <= GAP_FITS * largest
    if fits:
        axes.axvline(gap, color=VERMILLION, linestyle="--", linewidth=1.6, zorder=4)
        axes.annotate(f"the gap, {gap:,.0f}", xy=(gap, 1.0), xycoords=("data", "axes fraction"),
                      xytext=(-4, -2), textcoords="offset points", ha="right", va="top",
                      fontsize=10, color=VERMILLION)  # fmt: skip
    shown_gap = gap if fits and gap is not None else 0.0
    axes.set_xlim(0, max(largest, shown_gap) * 1.15)
    return fits


def _heading(axes, text: str) -> None:
    axes.annotate(text, xy=(0.0, 1.0), xycoords="axes fraction", xytext=(0, 6),
                  textcoords="offset points", va="bottom", ha="left", fontweight="bold",
                  fontsize=plt_size("axes.labelsize"), annotation_clip=False)  # fmt: skip


def _shown(drawn, top: int) -> str:
    counts = ", ".join(f"{arrow(d)} {len(bars)} of {len(ranked)}" for d, ranked, bars in drawn)
    return (
        f"Shown: the largest untapped products with a value ({counts}; at most {top} each), "
        "each panel on its own scale; every product is in the JSON and CSV. HS 27, 71 and 93 "
        "are not drawn: a world-share rule does not describe them (the JSON's apart block). "
    )


def _gap_note(gap: float | None, year: int | None, placed: list[tuple[str, bool]]) -> str:
    if gap is None:
        return "No target (a bare data file): no gap drawn."
    if gap <= 0:
        return "The central projection already meets the target: no gap drawn."
    when = f" in {year}" if year is not None else ""
    text = f"The gap to the target{when}: {gap:,.0f} US$ m (central projection)"
    on = [arrow(d) for d, fits in placed if fits]
    off = [arrow(d) for d, fits in placed if not fits]
    if on:
        text += f", dashed on {' and '.join(on)}"
    if off:
        text += f"; far beyond the {' and '.join(off)} scale, not drawn there"
    return text + "."
