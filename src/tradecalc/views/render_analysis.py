"""Views of the policy-analysis commands: simulate, solve, sensitivity, explain."""

from __future__ import annotations

from typing import Any

from tradecalc.analysis.documents import SimulationResult
from tradecalc.analysis.goalseek import Solution
from tradecalc.core.numbers import probability_text
from tradecalc.views.render import TextTable, View
from tradecalc.views.words import bar, cited, overrides_text, percent, unverified_ids, usd

# --- simulate --------------------------------------------------------------------------------


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


def shock_text(shock_sd: float, years, reporter: str, shock: dict | None = None) -> str:
    """``"random walk, sd 0.328 of the log level a year, from AZE's calendar-year record
    2019-2023 ..."``: the model, the sd and, for ``from_history``, where it came from."""
    if shock_sd == 0 and years is None:
        return "none (shock_sd 0)"
    model = ""
    if shock is not None:
        model = (
            "random walk, " if shock["model"] == "random_walk" else f"AR(1) rho {shock['rho']:g}, "
        )
    text = f"{model}sd {shock_sd:.3f} of the log level a year"
    if years is not None:
        text += f", from {reporter}'s calendar-year record {years[0]}-{years[1]}"
    if shock is not None and shock.get("posterior_df") is not None:
        text += f" ({_posterior_words(shock)})"
    return text


def _posterior_words(shock: dict) -> str:
    """How a ``from_history`` sd was estimated, in one clause."""
    own = "n/a" if shock["own_sd"] is None else f"{shock['own_sd']:.3f}"
    text = f"own {own} over {shock['changes']} changes around {shock['centre']:.1%}/yr log growth"
    if shock["prior_df"]:
        text += (
            f", shrunk toward the panel's {shock['prior_sd']:.3f} (weight {shock['prior_df']} "
            f"vs {shock['changes']} changes)"
        )
    return text + "; each draw takes its sd from the posterior"


# --- solve -----------------------------------------------------------------------------------


def solution_view(solution: Solution) -> View:
    """What the goal seek found: the value, the measure it gives, where it searched."""
    sol, name = solution, solution.scenario
    measure = f"{usd(sol.measure_at_by_year_usd_m)} US$ m" if sol.reached else "n/a"
    value = "none in range" if sol.value is None else f"{sol.value:.6g}"
    headline = [
        ("Scenario", name),
        ("Parameter", sol.param),
        (
            "Searched",
            f"[{sol.low:g}, {sol.high:g}] for the "
            + ("measure" if sol.metric == "measure" else "probability")
            + f" reaching the target in {sol.by_year}",
        ),
        ("Value", value),
        (f"Measure in {sol.by_year}", measure),
    ]
    if sol.probability is not None:
        headline.append(("Probability", percent(sol.probability)))
    if sol.value_if_certain is not None:
        headline.append(("Value if certain", f"{usd(sol.value_if_certain)} US$ m a year"))
    if sol.note:
        headline.append(("Note", sol.note))
    style = "bold green" if sol.reached else "bold red"
    return View(heading=f"Goal seek on {name}", headline=headline, headline_styles={"Value": style})


# --- sensitivity -----------------------------------------------------------------------------


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


# --- backtest --------------------------------------------------------------------------------


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


# --- explain ---------------------------------------------------------------------------------


def explanation_view(doc: dict[str, Any]) -> View:
    """Contributions by lever, every assumption in full, and the sources to check them."""
    tables = [_lever_table(doc)]
    if doc.get("smart"):
        tables.append(_smart_table(doc["smart"]))
    assumptions = TextTable(
        "Assumptions (with the source they build on, if any)", ["Input", "Source", "Assumption"]
    )
    unverified = unverified_ids(doc["sources"])
    for a in doc["assumptions"]:
        assumptions.rows.append([a["path"], cited(a["source"], unverified) or "none", a["text"]])
    sources = TextTable("Sources", ["Id", "Date", "Title", "URL"])
    for src in doc["sources"]:
        sources.rows.append(
            [cited(src["id"], unverified), src.get("date", ""), src["title"], src.get("url", "")]
        )
    unsourced = [f"{path}: no source or assumption given" for path in doc["unsourced"]]
    return View(
        heading=f"Explanation of {doc['scenario']['name']}",
        description=doc["scenario"]["description"],
        headline=[
            ("Scenario", doc["scenario"]["name"]),
            ("File", doc["scenario"]["path"]),
            *([("Overrides", overrides_text(doc["overrides"]))] if doc["overrides"] else []),
            ("Outside view", doc["outside_view"]["text"]),
        ],
        tables=[*tables, assumptions, sources],
        notes_title="Inputs with no source and no assumption:" if unsourced else "",
        notes=unsourced,
    )


def lever_label(row: dict[str, Any]) -> str:
    """``"deal: PSO-SOCAR refined products"``: a row of :meth:`Projection.levers`, named."""
    return row["lever"] + (f": {row['name']}" if row["name"] else "")


def lever_source(row: dict[str, Any], unverified: frozenset[str] = frozenset()) -> str:
    """Where a lever's number comes from: its source (marked if unverified), else
    ``"assumption"`` if it is one."""
    return cited(row["source"], unverified) or ("assumption" if row["assumption"] else "")


def _lever_table(doc: dict[str, Any]) -> TextTable:
    """Each lever at the deadline and the horizon, then the measure they add up to (bold)."""
    by, horizon = doc["by_year"], doc["horizon"]
    levers = TextTable(
        "What each lever adds to the measure, US$ m (counted rows sum to the measure)",
        ["Lever", "Category", "Counts", str(by), str(horizon), "Source"],
        right={3, 4},
    )
    unverified = unverified_ids(doc["sources"])
    for r in doc["levers"]:
        source = lever_source(r, unverified)
        source += " (changed by --set)" if r["changed_by_set"] else ""
        levers.rows.append(
            [
                lever_label(r),
                r["category"],
                "yes" if r["counts"] else "no",
                usd(r["at_by_year_usd_m"]),
                usd(r["at_horizon_usd_m"]),
                source,
            ]
        )
    levers.rows.append(
        [
            "measure",
            "",
            "",
            usd(doc["measure_at_by_year_usd_m"]),
            usd(doc["measure_at_horizon_usd_m"]),
            "",
        ]
    )
    levers.bold_rows.add(len(levers.rows) - 1)
    return levers


def _smart_table(rows: list[dict[str, Any]]) -> TextTable:
    """The PTA's WITS-SMART side outputs by year: creation, diversion, revenue, surplus."""
    smart = TextTable(
        "WITS-SMART side outputs of the PTA (importer's view, full response), US$ m",
        ["Year", "Creation", "Diversion", "Tariff revenue change", "Consumer surplus"],
        right={0, 1, 2, 3, 4},
    )
    keys = ("trade_creation", "trade_diversion", "tariff_revenue_change")
    for r in rows:
        smart.rows.append(
            [
                str(r["year"]),
                *(usd(r[f"{k}_usd_m"]) for k in keys),
                usd(r["consumer_surplus_usd_m"]),
            ]
        )
    return smart
