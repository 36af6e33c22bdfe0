"""The view of `tradecalc sweep`: one row per grid point, read off a Sweep."""

from __future__ import annotations

from tradecalc.analysis.documents import Sweep
from tradecalc.views.render import TextTable, View
from tradecalc.views.words import usd


def sweep_view(sweep: Sweep) -> View:
    """One row per grid point."""
    rows, keys, name = sweep.points, sweep.keys, sweep.name
    table = TextTable(
        f"Sweep of {name}: measure and gap at the deadline, US$ m",
        [*keys, "Reached", "Measure at deadline", "Gap at deadline"],
        right=set(range(len(keys) + 3)),
    )
    for row in rows:
        table.rows.append(
            [
                *(f"{row[k]:g}" for k in keys),
                str(row["reached_year"] or "-"),
                usd(row["measure_at_by_year_usd_m"]),
                usd(row["gap_at_by_year_usd_m"]),
            ]
        )
    return View(heading=f"Sweep of {name}", tables=[table])
