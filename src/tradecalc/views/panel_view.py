"""Views of ``tradecalc panel``: the panels (list) and a pair's series (show), as a table or
Markdown. Every view of a panel's data ends with the panel's attribution."""

from __future__ import annotations

from tradecalc.analysis.panels import PanelList, PanelSeries
from tradecalc.panel.info import PanelInfo
from tradecalc.views.render import TextTable, View
from tradecalc.views.words import usd

ARROW = "\N{RIGHTWARDS ARROW}"
DASH = "\N{EN DASH}"


def year_span_text(years: tuple[int, int]) -> str:
    return f"{years[0]}{DASH}{years[1]}" if years[0] != years[1] else str(years[0])


def list_view(result: PanelList) -> View:
    """One row per panel; each panel's attribution as a note."""
    panels = result.panels
    table = TextTable(
        "Panels (shipped first, then the store's)",
        ["Id", "Title", "Licence", "Years", "Economies", "Rows"],
        right={3, 4, 5},
    )
    for info in panels:
        table.rows.append(
            [
                info.id,
                info.title,
                info.licence,
                year_span_text(info.years),
                f"{info.economies:,}",
                f"{info.rows:,}",
            ]
        )
    notes = [f"{info.id}: {info.attribution}" for info in panels]
    return View("Panels", tables=[table], notes_title="Sources:", notes=notes)


def series_view(result: PanelSeries) -> View:
    """One line per year: each direction and their sum (both directions known, or absence
    read as zero for a panel that records only positive flows)."""
    info, product, rows = result.info, result.product, result.flow_rows()
    a, b = result.pair
    by_year: dict[int, dict[tuple[str, str], float]] = {}
    for row in rows:
        by_year.setdefault(row["year"], {})[(row["exporter"], row["importer"])] = row["value_usd_m"]
    absent = 0.0 if info.absence in ("zero", "complete") else None
    directions = [(a, b)] if a == b else [(a, b), (b, a)]
    what = f", product {product}" if product else ""
    headers = ["Year", *(f"{x} {ARROW} {y}" for x, y in directions)]
    if len(directions) == 2:
        headers.append("Both")
    table = TextTable(f"Trade, US$ million{what}", headers, right=set(range(1, len(headers))))
    for year in sorted(by_year):
        values = [by_year[year].get(d, absent) for d in directions]
        cells = [str(year), *(usd(v) for v in values)]
        known = [v for v in values if v is not None]
        if len(directions) == 2:
            cells.append(usd(sum(known) if len(known) == len(values) else None))
        table.rows.append(cells)
    first, last = min(by_year), max(by_year)
    headline = [
        ("Panel", info.label),
        ("Pair", f"{a} and {b}" if a != b else f"{a}, domestic trade"),
        ("Years", f"{year_span_text((first, last))} ({len(by_year)} with data)"),
    ]
    return View(
        f"{a}{DASH}{b} in the panel {info.id}",
        headline=headline,
        tables=[table],
        notes_title="Reading:",
        notes=[_absence_note(info)],
        footer=f"Source: {info.attribution}",
    )


def _absence_note(info: PanelInfo) -> str:
    return {
        "complete": "every pair and year is in the panel; zeros are recorded as zeros.",
        "zero": "the source records only positive flows: a missing row within a covered year "
        "is shown as 0.0.",
    }.get(info.absence, "a missing row is not reported (n/a), never zero; 'Both' needs both.")
