"""The view of `tradecalc sensitivity`: the inputs ranked by how far they swing the measure."""

from __future__ import annotations

from typing import Any

from tradecalc.views.render import TextTable, View
from tradecalc.views.words import bar, usd


def _value(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def sensitivity_view(doc: dict[str, Any]) -> View:
    """A tornado: the inputs ranked by how far they swing the measure at the deadline."""
    widest = max((r["swing_usd_m"] for r in doc["inputs"]), default=0.0) or 1.0
    table = TextTable(
        f"Measure in {doc['by_year']} when one input moves to its low or high value, US$ m",
        ["Input", "Low -> high", "At low", "At high", "Swing"],
        right={2, 3, 4},
    )
    for r in doc["inputs"]:
        table.rows.append(
            [
                r["input"],
                f"{_value(r['low'])} -> {_value(r['high'])}",
                usd(r["measure_low_usd_m"]),
                usd(r["measure_high_usd_m"]),
                f"{usd(r['swing_usd_m'])} {bar(r['swing_usd_m'] / widest, 8)}",
            ]
        )
    headline = [
        ("Scenario", doc["scenario"]["name"]),
        (
            f"Measure in {doc['by_year']}",
            f"{usd(doc['measure_at_by_year_usd_m'])} US$ m "
            f"(target {usd(doc['target_value_usd_m'])})",
        ),
        (
            "Spreads",
            "P10/P90 of the uncertainty block; deals fail or succeed"
            if doc["spreads"] == "uncertainty block"
            else "each input -30 % / +30 %",
        ),
        *([("Note", doc["note"])] if doc.get("note") else []),
    ]
    return View(
        heading=f"Sensitivity of {doc['scenario']['name']}", headline=headline, tables=[table]
    )
