"""The view of `tradecalc explain`: what each lever adds, every assumption in full, the sources."""

from __future__ import annotations

from typing import Any

from tradecalc.views.render import TextTable, View
from tradecalc.views.words import cited, overrides_text, unverified_ids, usd


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
