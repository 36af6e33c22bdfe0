"""The `headroom --plot` chart: each direction's largest untapped products as ranked bars, with
the gap to the target drawn as a reference line (the house style of :mod:`.plot`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tradecalc.scenario.yamlread import fail
from tradecalc.views.plot import BLUE, ORANGE, VERMILLION, _Chart, _thousands

DIRECTION_COLOURS = (BLUE, ORANGE)


def _bars(doc: Mapping[str, Any], top: int) -> list[dict[str, Any]]:
    """The top rows with an untapped value, direction by direction, largest first."""
    rows = []
    for direction in dict.fromkeys(r["direction"] for r in doc["rows"]):
        ranked = [r for r in doc["rows"] if r["direction"] == direction]
        rows += [r for r in ranked[:top] if r["untapped_usd_m"] is not None]
    return rows


def headroom_chart(doc: Mapping[str, Any], path: Path, *, top: int = 10) -> bytes:
    """Ranked horizontal bars of untapped potential [US$ m]; the gap as a dashed line."""
    rows = _bars(doc, top)
    if not rows:
        fail(
            f"--plot {path}",
            None,
            "",
            "no untapped values to draw: the data have no world exports (fetch --world)",
        )
    chart = _Chart(path, size=(10.0, max(3.5, 1.4 + 0.42 * len(rows))))
    axes = chart.axes
    axes.grid(axis="x")
    axes.grid(axis="y", visible=False)
    directions = list(dict.fromkeys(r["direction"] for r in rows))
    positions = np.arange(len(rows))[::-1]
    for y, row in zip(positions, rows, strict=True):
        first = row is next(r for r in rows if r["direction"] == row["direction"])
        colour = DIRECTION_COLOURS[directions.index(row["direction"]) % 2]
        axes.barh(
            y,
            row["untapped_usd_m"],
            height=0.6,
            color=colour,
            zorder=3,
            label=f"{row['direction']}: untapped potential" if first else None,
        )
    labels = [f"{r['product']} {(r['label'] or '')[:28]}".strip() for r in rows]
    axes.set_yticks(positions, labels)
    axes.xaxis.set_major_formatter(_thousands())
    axes.set_xlabel(f"untapped potential in {doc['year']}, US$ million (ITC-style)")
    gap_note = _gap_line(axes, doc.get("gap_usd_m"), doc.get("gap_year"))
    axes.legend(loc="upper left", bbox_to_anchor=(0.0, -0.13), ncols=3, frameon=False)
    chart.titles(
        "Headroom: which products could fill the gap",
        [
            "ITC-style potential: the exporter's world-market share applied to the importer's "
            "market (at most the market), less today's bilateral flow. " + gap_note,
            f"The {top} largest untapped products per direction with a value; every product is "
            "in the JSON and CSV.",
        ],
    )
    return chart.save("Method: docs/methods.md, Headroom (after Decreux & Spies 2016).", below=60)


def _gap_line(axes, gap: float | None, year: int | None) -> str:
    if gap is None:
        return "No target (a bare data file): no gap drawn."
    if gap <= 0:
        return "The central projection already meets the target: no gap drawn."
    axes.axvline(gap, color=VERMILLION, linestyle="--", linewidth=1.6, zorder=4, label="the gap")
    axes.set_xlim(0, max(axes.get_xlim()[1], gap * 1.08))
    when = f" in {year}" if year is not None else ""
    return f"Dashed: the gap to the target{when}, {gap:,.0f} US$ m (central projection)."
