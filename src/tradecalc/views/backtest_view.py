"""The view of `tradecalc backtest`: the record against a projection from an observed year."""

from __future__ import annotations

from typing import Any

from tradecalc.views.render import TextTable, View
from tradecalc.views.words import percent, shock_text, usd

BACKTEST_FIGURES = ("observed_usd_m", "projected_usd_m", "p10_usd_m", "p50_usd_m", "p90_usd_m")
"""The figures of a backtest year the table shows, in its column order."""


def backtest_view(doc: dict[str, Any]) -> View:
    """Observed against projected per year, with the band, and the two summary scores."""
    table = TextTable(
        f"{doc['reporter']}'s record against a projection from {doc['from_year']}, US$ m "
        f"({doc['measure']})",
        ["Year", "Observed", "Central", "P10", "P50", "P90", "Inside P10-P90", "Log error"],
        right={0, 1, 2, 3, 4, 5, 7},
    )
    for r in doc["years"]:
        error = r["log_error"]
        table.rows.append(
            [
                str(r["year"]),
                *(usd(r[k]) for k in BACKTEST_FIGURES),
                "yes" if r["inside_band"] else "no",
                "n/a" if error is None or error != error else f"{error:+.3f}",
            ]
        )
    in_sample = (
        " (in-sample: calibrated on the same record it is tested against)"
        if doc["in_sample"]
        else ""
    )
    headline = [
        ("Scenario", doc["scenario"]["name"]),
        (
            "Start",
            f"{doc['from_year']}: observed {usd(doc['observed_from_usd_m'])} US$ m "
            f"({doc['reporter']}, calendar year); flows rescaled to it, shares kept",
        ),
        ("Draws", f"{doc['draws']:,} (seed {doc['seed']})"),
        (
            "Annual shocks",
            shock_text(doc["shock_sd"], doc["shock_sd_years"], doc["reporter"], doc.get("shock"))
            + in_sample,
        ),
        ("Mean abs. log error", f"{doc['mean_abs_log_error']:.3f} (central path)"),
        (
            "Coverage",
            f"{percent(doc['coverage'], 0)} of observations inside P10-P90 (80 % nominal)",
        ),
        *([("Band", doc["coverage_note"])] if doc.get("coverage_note") else []),
    ]
    return View(
        heading=f"Back-test of {doc['scenario']['name']}",
        headline=headline,
        headline_styles={"Coverage": "bold"},
        tables=[table],
    )
