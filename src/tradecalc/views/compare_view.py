"""The view of `tradecalc compare`: one column per scenario, split over several tables where
they do not fit side by side, read off a Comparison."""

from __future__ import annotations

from collections.abc import Sequence

from tradecalc.analysis.comparison import Comparison
from tradecalc.analysis.projection import Projection
from tradecalc.core.numbers import probability_text
from tradecalc.core.sanitize import clean
from tradecalc.views.project_view import gap_text, verdict
from tradecalc.views.render import LONG, TextTable, View
from tradecalc.views.words import percent, usd


def comparison_view(c: Comparison, width: int | None = None) -> View:
    """One column per scenario: measure by year, verdict, required growth, gap, levers.

    With a ``width`` (the terminal's), scenarios that do not fit side by side are split
    over several tables, each titled with the scenarios it shows: none is ever cropped.
    """
    rows, bold = _comparison_rows(c)
    closest = c.closest()
    return View(
        heading="Comparison",
        headline=[
            (
                "Closest",
                f"{closest.scenario.name} ({closest.path}): {verdict(closest)}; "
                f"gap at {closest.scenario.by_year} {gap_text(closest)}"
                + (f"; {c.closest_note()}" if c.closest_note() else ""),
            ),
            *_best_odds_line(c),
            ("Files", "; ".join(f"{p.scenario.name}: {p.path}" for p in c.projections)),
        ],
        tables=_comparison_tables(c.projections, rows, bold, width),
        notes_title="Not like for like:" if c.notes() else "",
        notes=c.notes(),
        footer=_panels_footer(c),
    )


def _panels_footer(c: Comparison) -> str:
    """The attribution of each panel a base rate was counted on (its licence asks for it)."""
    labels = dict.fromkeys(
        doc["panel"]["label"]
        for p in c.projections
        if (doc := p.outside_view.get("base_rate")) and doc.get("panel")
    )
    return f"Base rates: {'; '.join(labels)}" if labels else ""


def _best_odds_line(c: Comparison) -> list[tuple[str, str]]:
    """``("Best odds", "Push to 2030: P(reached in some year up to 2030) 3.44 % ± 0.03")``,
    if any has odds."""
    best = c.best_odds()
    if best is None:
        return []
    return [
        (
            "Best odds",
            f"{best.scenario.name}: P(reached in some year up to {best.scenario.by_year}) "
            f"{_odds_cell(best, 'probability')}",
        )
    ]


def _comparison_rows(c: Comparison) -> tuple[list[list[str]], set[int]]:
    """A label, then one cell per scenario: the target, the measure by year, the verdict and
    the levers at the deadline; and the rows to set in bold (reached year and gap)."""
    ps = c.projections
    rows: list[list[str]] = []
    add = rows.append
    add(["Target", *(f"{usd(p.scenario.target.value_usd_m)} by {p.scenario.by_year}" for p in ps)])
    for year in c.years:
        cells = []
        for p in ps:
            inside = p.layout.base_year <= year <= int(p.years[-1])
            cells.append(usd(float(p.measure[p.year_index(year)])) if inside else "")
        add([str(year), *cells])
    add(
        [
            "Reached",
            *(
                str(p.reached_year) if p.reached_year else f"not by {p.scenario.horizon}"
                for p in ps
            ),
        ]
    )
    add(["Required growth", *(percent(p.required_cagr, 2) for p in ps)])
    add(["Gap at deadline", *(usd(p.gap_at_by_year) for p in ps)])
    bold = {len(rows) - 3, len(rows) - 1}
    if any(p.odds is not None for p in ps):
        add(["Median at deadline", *(_odds_cell(p, "p50") for p in ps)])
        add(["P(by deadline)", *(_odds_cell(p, "probability") for p in ps)])
        add(["Base rate (panel)", *(_base_rate_cell(p) for p in ps)])
    add(["Levers at deadline:", *("" for _ in ps)])
    for label, key in c.lever_columns:
        add([f"  {label}", *(usd(p.measure_parts()[key]) for p in ps)])
    return rows, bold


def _base_rate_cell(p: Projection) -> str:
    """The panel's base rate for the scenario's own base, multiple and horizon, with the
    panel's id (its attribution is in `project`'s header and JSON): "0.039 % (agtpa)"."""
    from tradecalc.views.baserate_view import rate_text

    doc = p.outside_view.get("base_rate")
    if not doc or not doc["windows"]:
        return "n/a"
    return f"{rate_text(doc['rate'])} ({doc['panel']['id']})"


def _odds_cell(p: Projection, what: str) -> str:
    """A compare cell from a projection's odds: the median at the deadline, or P with its
    error (a bound when unresolved); "n/a" without odds."""
    o = p.odds
    if o is None:
        return "n/a"
    if what == "p50":
        return usd(o["p50_at_by_year_usd_m"])
    return probability_text(o["probability_by_year"], o["probability_se"], o["probability_below"])


def _comparison_tables(
    ps: Sequence[Projection], rows: list[list[str]], bold: set[int], width: int | None
) -> list[TextTable]:
    """The rows as one table, or as several side by side groups of scenarios that fit
    ``width``, each titled with the scenarios it shows."""
    title = "Central path by year and verdict, US$ m (each scenario on its own target)"
    groups = _fit(rows, width)
    tables = []
    for first, last in groups:
        if len(groups) > 1:  # the split is said in each title, short enough not to wrap
            shown = f"{first + 1}-{last}" if last - first > 1 else f"{last}"
            title = f"Central path, US$ m, scenarios {shown} of {len(ps)} (own targets)"
        tables.append(
            TextTable(
                title,
                ["", *(p.scenario.name for p in ps[first:last])],
                rows=[[row[0], *row[1 + first : 1 + last]] for row in rows],
                right=set(range(1, last - first + 1)),
                bold_rows=set(bold),
            )
        )
    return tables


def _fit(rows: list[list[str]], width: int | None) -> list[tuple[int, int]]:
    """Consecutive ranges of scenario columns that fit ``width`` side by side (rich's box:
    one border, then each column's text with a space each side and a border)."""
    count = len(rows[0]) - 1
    if width is None:
        return [(0, count)]
    widths = [max(len(clean(row[i], LONG)) for row in rows) for i in range(count + 1)]
    label = widths[0] + 3 + 1
    groups, first, used = [], 0, label
    for i in range(count):
        need = max(widths[i + 1], 8) + 3
        if i > first and used + need > width:
            groups.append((first, i))
            first, used = i, label
        used += need
    groups.append((first, count))
    return groups
