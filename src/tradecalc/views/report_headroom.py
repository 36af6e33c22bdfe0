"""The headroom section of the HTML brief (`tradecalc report`), for a scenario with `products:`."""

from __future__ import annotations

from html import escape
from typing import Any

from tradecalc.views.headroom_view import APART_TITLE, ASSUMED, apart_line, top_line
from tradecalc.views.words import percent, usd

TOP = 10
"""Products per direction the section shows (as many as the brief's analysis ranked)."""


def headroom_section(p, doc: dict[str, Any] | None, heading: str, table) -> list[str]:
    """The section's HTML parts, or none when the scenario has no headroom document.

    ``doc`` is the brief's headroom of ``p`` (:class:`~tradecalc.analysis.brief.Brief`);
    ``table`` is the brief's own table builder (headers, rows, numeric columns).
    """
    s = p.scenario
    if doc is None or s.products is None:
        return []
    parts = [f"<{heading}>Headroom: which products could fill the gap (ITC-style)</{heading}>"]
    parts.append(
        '<p class="muted">'
        + escape(
            "Potential: the exporter's world-market share applied to the importer's market "
            "(at most the market), less today's bilateral flow, in the latest year with data; "
            "the gap is the target minus the central projection in the deadline year "
            "(docs/methods.md, Headroom)."
        )
        + "</p>"
    )
    said = s.products.assumption or (f"source {s.products.source}" if s.products.source else None)
    if said:
        parts.append(f'<p class="muted">{escape("Product data: " + said)}</p>')
    for summary in doc["directions"]:
        rows = [r for r in doc["rows"] if r["direction"] == summary["direction"]]
        apart = [a for a in doc["apart"]["directions"] if a["direction"] == summary["direction"]]
        line = f"{s.direction_label(summary['direction'])} ({summary['year']}): "
        parts.append(f"<p>{escape(line + top_line(summary, doc['gap_usd_m'], doc['scale']))}.</p>")
        parts += [f"<p>{escape(f'{APART_TITLE}: {apart_line(a, rows, TOP)}')}.</p>" for a in apart]
        rows = [r for r in rows if not r["apart"]][:TOP]
        parts.append(
            table(
                ["Product", "Market", "Bilateral", "World share", "Potential", "Untapped", "RCA"],
                [_cells(r) for r in rows],
                {1, 2, 3, 4, 5, 6},
            )
        )
    return parts


def _cells(row: dict[str, Any]) -> list[str]:
    mirror = " (mirror)" if row["bilateral_reported_by"] == "mirror" else ""
    bilateral = ASSUMED if row["bilateral_basis"] else usd(row["bilateral_usd_m"]) + mirror
    return [
        f"{row['product']} {row['label'] or ''}".strip(),
        usd(row["market_usd_m"]),
        bilateral,
        ASSUMED if row["supply_basis"] else percent(row["world_share"], 2),
        usd(row["potential_usd_m"]),
        usd(row["untapped_usd_m"]),
        "n/a" if row["rca"] is None else f"{row['rca']:.2f}",
    ]
