"""The chart of `tradecalc sensitivity --plot`: the tornado of the inputs' swings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tradecalc.core.sanitize import escape
from tradecalc.views.briefing import footer_text
from tradecalc.views.charts.style import (
    BLACK,
    BLUE,
    ORANGE,
    VERMILLION,
    Chart,
    thousands,
)

SHOCK_INPUTS = ("annual shocks",)
"""Inputs of the record's own swings, drawn on their own axis above the levers."""


def sensitivity_chart(doc: Mapping[str, Any], path: Path, *, top: int = 12) -> bytes:
    """Tornado of the `sensitivity` JSON: the measure at the deadline, each input low and high.

    The annual shocks, whose swing dwarfs every lever's, get their own panel and scale above
    the levers', so the levers can be compared with one another.
    """
    inputs = list(doc.get("inputs", []))
    shocks = [r for r in inputs if r["input"].startswith(SHOCK_INPUTS)]
    levers = [r for r in inputs if not r["input"].startswith(SHOCK_INPUTS)][:top]
    groups = [g for g in (shocks, levers) if g]
    base = float(doc["measure_at_by_year_usd_m"])
    by_year = doc.get("by_year")
    heights = tuple(0.6 + 0.45 * len(g) for g in groups) or (1.0,)
    size = (10.0, max(3.5, 0.6 * len(groups) + sum(heights)))
    chart = Chart(path, size=size, panels=heights)
    notes = []
    for axes, rows in zip(chart.panels, groups, strict=False):
        notes.append(_tornado(axes, rows, base, doc.get("target_value_usd_m"), rows is shocks))
    if len(groups) > 1:
        chart.figure.subplots_adjust(hspace=0.35)
    chart.bottom.set_xlabel(f"measure in {by_year}, US$ million")
    chart.bottom.legend(loc="upper left", bbox_to_anchor=(0.0, -0.13 * 4 / max(heights[-1], 1)),
                        ncols=2, frameon=False)  # fmt: skip
    name = (doc.get("scenario") or {}).get("name", "")
    apart = " The annual shocks (top) have their own scale." if shocks and levers else ""
    chart.titles(
        f"{name}: what moves the measure in {by_year}",
        [
            f"Each input moved alone to its low and high value ({doc.get('spreads', '')}); "
            f"central measure {base:,.1f} US$ m (black line). {notes[-1]}{apart}",
            f"{len(shocks) + len(levers)} of {len(inputs)} inputs, widest swing first.",
        ],
    )
    return chart.save(footer_text([]), below=60)


def _tornado(axes, rows, base: float, target: float | None, labelled: bool) -> str:
    """One panel of the tornado: a bar pair per input around the central measure."""
    axes.grid(axis="x")
    axes.grid(axis="y", visible=False)
    positions = np.arange(len(rows))[::-1]
    for y, row in zip(positions, rows, strict=True):
        _swing(axes, y, row, base, labelled=labelled or y == positions[0])
    axes.axvline(base, color=BLACK, linewidth=1.2, zorder=4)
    axes.set_yticks(positions, [escape(str(row["input"])) for row in rows])  # user's names
    axes.set_ylim(positions.min() - 0.6, positions.max() + 0.6)
    axes.xaxis.set_major_formatter(thousands())
    return _swing_scale(axes, rows, base, target)


def _swing(axes, y: float, row: Mapping[str, Any], base: float, labelled: bool) -> None:
    """One input's bars from the central measure to the measure at its low and its high value,
    each end labelled with the input's value (the legend's labels only if ``labelled``)."""
    for key, value_key, colour, label in (
        ("measure_low_usd_m", "low", BLUE, "input at its low value"),
        ("measure_high_usd_m", "high", ORANGE, "input at its high value"),
    ):
        end = float(row[key])
        axes.barh(
            y,
            end - base,
            left=base,
            height=0.6,
            color=colour,
            label=label if labelled else None,
            zorder=3,
        )
        value = row[value_key]
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        if row["input"].startswith("deal:") and value in (0.0, 1.0):
            shown = "fails" if value == 0.0 else "succeeds"  # bernoulli: all or nothing
        right = end > base or (end == base and value_key == "high")
        axes.annotate(
            shown,
            xy=(end, y),
            xytext=(4 if right else -4, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=10,
            color="#333333",
        )


def _swing_scale(axes, rows, base: float, target: float | None) -> str:
    """The x range over every swing and the central measure, 15 % wider each side; the target
    dashed when it falls inside. The sentence that says where the target is, or empty."""
    lows = [min(float(r["measure_low_usd_m"]), float(r["measure_high_usd_m"])) for r in rows]
    highs = [max(float(r["measure_low_usd_m"]), float(r["measure_high_usd_m"])) for r in rows]
    span = max([*highs, base]) - min([*lows, base]) or 1.0
    axes.set_xlim(min([*lows, base]) - 0.15 * span, max([*highs, base]) + 0.15 * span)
    if target is None:
        return ""
    if min([*lows, base]) <= target <= max([*highs, base]) + 0.15 * span:
        axes.axvline(target, color=VERMILLION, linestyle="--", linewidth=1.6, zorder=4)
        return f"Dashed: the target, {target:,.0f}."
    return f"The target, {target:,.0f}, is off the scale."
