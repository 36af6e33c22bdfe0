"""The view of `tradecalc simulate`: the draws' percentiles by year, the odds of the target, the
annual shocks in words."""

from __future__ import annotations

from tradecalc.analysis.documents import SimulationResult
from tradecalc.core.numbers import probability_text
from tradecalc.views.render import TextTable, View
from tradecalc.views.words import bar, percent, shock_text, usd


def simulation_view(result: SimulationResult) -> View:
    """Percentiles of the measure by year, the odds of the target, when it is first reached."""
    sim, doc = result.simulation, result.document
    s = sim.scenario
    spread = "from the uncertainty block" if s.uncertainty is not None else "none given: no spread"
    headline = [
        ("Scenario", s.name),
        ("Draws", f"{sim.draws:,} (seed {sim.seed}); spreads {spread}"),
        ("Annual shocks", shock_text(sim.shock_sd, sim.shock_sd_years, s.reporter, sim.shock)),
        ("Target", f"{usd(s.target.value_usd_m)} US$ m by {s.by_year}"),
        (f"P(reached by {s.by_year})", _simulated_chance(sim)),
        *([] if sim.mean_finite else [("Mean", INFINITE_MEAN_COLUMN)]),
    ]
    years = TextTable(
        "Measure by year across draws, US$ m",
        ["Year", "Mean", "P10", "P50", "P90", "P(reached by year)"],
        right={0, 1, 2, 3, 4, 5},
        styles={5: "cyan"},
    )
    for row in doc["years"]:
        share = row["probability_reached"]
        years.rows.append(
            [
                str(row["year"]),
                *(usd(row[k]) for k in ("mean_usd_m", "p10_usd_m", "p50_usd_m", "p90_usd_m")),
                f"{bar(share)} {percent(share)}",
            ]
        )
        if row["year"] == s.by_year:
            years.bold_rows.add(len(years.rows) - 1)
    first = TextTable("First year reached", ["Year", "Share of draws"], right={0, 1})
    for year, share in doc["reached_year_distribution"].items():
        first.rows.append([year, percent(share)])
    return View(
        heading=f"Simulation of {s.name}",
        headline=headline,
        headline_styles={f"P(reached by {s.by_year})": "bold"},
        tables=[years, first],
    )


INFINITE_MEAN_COLUMN = (
    "the Mean column does not converge: the shock sd is drawn from its posterior, whose tail "
    "makes the mean infinite (methods.md 8.1); quote P50"
)


def _simulated_chance(sim) -> str:
    """The share of plain draws that reached, ± its binomial error; a bound when none did."""
    if sim.none_reached:
        return (
            f"{probability_text(None, None, sim.probability_below)} (none of {sim.draws:,} "
            "draws reached; rule of three)"
        )
    return (
        f"{probability_text(sim.probability_at_deadline, sim.probability_se, None)} "
        "(the share of plain draws that reached; ± its binomial standard error)"
    )
