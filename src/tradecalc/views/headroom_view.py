"""Views of ``tradecalc headroom``: the ranked products per direction as a table, Markdown and
CSV rows (JSON is the document itself, docs/scenario-format.md "Headroom output")."""

from __future__ import annotations

from typing import Any

from tradecalc.views.render import TextTable, View
from tradecalc.views.words import arrow, percent, usd

LABEL_WIDTH = 16


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _label(row: dict[str, Any]) -> str:
    label = row["label"] or ""
    return label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"


ASSUMED = "0 (none reported)"
"""A cell whose figure no row gives but the potential takes as 0."""


def _bilateral(row: dict[str, Any]) -> str:
    if row.get("bilateral_basis"):
        return ASSUMED
    mark = " (m)" if row["bilateral_reported_by"] == "mirror" else ""
    return usd(row["bilateral_usd_m"]) + mark


def _world_share(row: dict[str, Any]) -> str:
    return ASSUMED if row.get("supply_basis") else percent(row["world_share"], 2)


def table_heading(rows: list[dict[str, Any]], top: int) -> str:
    """What the table of one direction shows: never a null called "largest untapped"."""
    shown = rows[:top]
    valued = sum(r["untapped_usd_m"] is not None for r in shown)
    nulls = len(shown) - valued
    products = f"{len(rows)} product" + ("s" if len(rows) != 1 else "")
    if valued == 0:
        return f"{products} by market size, none with an untapped value (fetch --world)"
    text = f"the {valued} largest untapped of {products}"
    return text + (f", then {nulls} without a value" if nulls else "")


def _table(direction: str, rows: list[dict[str, Any]], top: int, what: str = "") -> TextTable:
    """The top rows of one direction; every column is in the JSON and CSV too."""
    table = TextTable(
        f"{arrow(direction)}: {what or table_heading(rows, top)}, US$ m ({rows[0]['year']})",
        ["#", "Product", "Market", "Bilateral", "W share", "Potential", "Untapped", "RCA"],
        right={0, 2, 3, 4, 5, 6, 7},
    )
    for row in rows[:top]:
        table.rows.append(
            [
                str(row["rank"]),
                f"{row['product']} {_label(row)}".strip(),
                usd(row["market_usd_m"]),
                _bilateral(row),
                _world_share(row),
                usd(row["potential_usd_m"]),
                usd(row["untapped_usd_m"]),
                _ratio(row["rca"]),
            ]
        )
    return table


def top_line(summary: dict[str, Any], gap: float | None, scale: str) -> str:
    """``the 10 largest untapped products together: $12.8 m, 0.9 % of the gap (upper-bound
    scale, not achievable trade)``, counting only products with a value and saying how many
    have none."""
    total, valued = summary["top_untapped_usd_m"], summary.get("top_with_value", summary["top"])
    left_out = summary.get("without_value", 0)
    none = f"{left_out} {'has' if left_out == 1 else 'have'} none: fetch --world"
    if total is None:
        return f"no product has an untapped value ({none})"
    many = "largest untapped products" if not left_out else "largest with a value"
    text = f"the {valued} {many} together: ${usd(total)} m"
    if gap is not None and gap <= 0:
        text += f" (the projection already meets the target, by ${usd(-gap)} m)"
    elif gap is not None:
        text += f", {percent(summary['top_share_of_gap'])} of the gap"
    text += f" ({scale})"
    return text + (f"; {none}" if left_out else "")


APART_TITLE = "apart, not summed: a world-share rule does not describe these markets"


def apart_line(entry: dict[str, Any], rows: list[dict[str, Any]], top: int | None = None) -> str:
    """``27 Mineral fuels: untapped $1,495.0 m; not in the total above`` for one direction's
    block of chapters apart (``rows``: the document's rows): its first ``top`` products by
    rank (all without ``top``), then how many more and the block's untapped total.

    >>> rows = [{"direction": "a_to_b", "apart": True, "product": p, "label": None,
    ...          "untapped_usd_m": v} for p, v in (("2709", 5.0), ("2710", 2.0), ("7108", 1.0))]
    >>> entry = {"direction": "a_to_b", "products": ["2709", "2710", "7108"],
    ...          "untapped_usd_m": 8.0}
    >>> apart_line(entry, rows, top=1).split(" (")[0]
    '2709: untapped $5.0 m; and 2 more, $8.0 m untapped in all 3'
    """
    own = {r["product"]: r for r in rows if r["direction"] == entry["direction"] and r["apart"]}
    products = entry["products"] if top is None else entry["products"][:top]
    parts = [
        f"{p} {_label(own[p])}".rstrip() + f": untapped ${usd(own[p]['untapped_usd_m'])} m"
        for p in products
    ]
    if (more := len(entry["products"]) - len(products)) > 0:
        total = entry.get("untapped_usd_m")
        parts.append(
            f"and {more} more, ${usd(total)} m untapped in all {len(entry['products'])}"
            if total is not None
            else f"and {more} more"
        )
    return "; ".join(parts) + " (not in the total above, nor set against the gap)"


def headroom_view(doc: Any, top: int | None = None) -> View:
    """Headline (year, gap, each direction's top-N total), a table per direction, notes.

    ``doc``: a :class:`~tradecalc.analysis.documents.Headroom` (``top`` defaults to its own)."""
    top = doc.top if top is None else top
    gap = doc["gap_usd_m"]
    year = str(doc["year"]) + (f" ({doc['year_note']})" if doc.get("year_note") else "")
    headline = [("Latest year with data", year)]
    if gap is None:
        headline.append(("Gap to the target", "n/a (no target: a bare data file)"))
    else:
        when = f" in {doc['gap_year']}" if "gap_year" in doc else ""
        headline.append(("Gap to the target", f"${usd(gap)} m{when} (central projection)"))
    headline.append(("Potential", "ITC-style: min(X_p / W_p x M_p, M_p), less the bilateral"))
    if "basis" in doc:
        headline.append(("Market data", doc["basis"]))
    headline += [(arrow(s["direction"]), top_line(s, gap, doc["scale"])) for s in doc["directions"]]
    apart = doc.get("apart", {}).get("directions", [])
    headline += [
        (f"{arrow(a['direction'])}, apart", apart_line(a, doc["rows"], top)) for a in apart
    ]
    tables = []
    for direction in dict.fromkeys(r["direction"] for r in doc["rows"]):
        rows = [r for r in doc["rows"] if r["direction"] == direction]
        if rule := [r for r in rows if not r.get("apart")]:
            tables.append(_table(direction, rule, top))
        if own := [r for r in rows if r.get("apart")]:
            title = APART_TITLE + (f" (the first {top} of {len(own)})" if len(own) > top else "")
            tables.append(_table(direction, own, top, title))
    return View(
        heading="Headroom: which products could fill the gap",
        description=_description(doc),
        headline=headline,
        tables=tables,
        notes_title="Notes:",
        notes=_notes(doc, top),
    )


def _description(doc: dict[str, Any]) -> str:
    text = (
        f"{doc['method']}. Market M_p: the importer's imports from the world; supply X_p: the "
        "exporter's exports to the world; W_p: every reporter's exports to the world in the "
        "data; bilateral as the importer reports it, (m) the exporter's mirror figure. The gap "
        "is the target minus the central projection in the deadline year (counted categories)."
    )
    if "basis" in doc:
        text += f" Basis: {doc['basis']}."
    return text


def _notes(doc: dict[str, Any], top: int) -> list[str]:
    notes = [f"skipped {s}" for s in doc["skipped"]]
    present = {r["product"][:2] for r in doc["rows"] if r.get("apart")}
    notes += [
        f"chapter {c['chapter']} apart: {c['reason']} (docs/methods.md 13)"
        for c in doc.get("apart", {}).get("chapters", [])
        if c["chapter"] in present
    ]
    for s in doc["directions"]:
        notes += [f"{arrow(s['direction'])}: {note}" for note in s["complexity_notes"]]
    shown = {(r["direction"], r["rank"]) for r in doc["rows"] if r["rank"] <= top}
    for direction in dict.fromkeys(r["direction"] for r in doc["rows"]):
        own = [r for r in doc["rows"] if r["direction"] == direction and r["apart"]]
        shown |= {(direction, r["rank"]) for r in own[:top]}  # the rows the apart table shows
    notes += [
        f"{arrow(r['direction'])} {r['product']}: {r['note']}"
        for r in doc["rows"]
        if r["note"] and (r["direction"], r["rank"]) in shown
    ]
    return notes
