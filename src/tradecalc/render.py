"""Projection -> rich renderables, JSON, CSV or Markdown text. Returns, never prints."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from tradecalc.projection import CSV_COLUMNS, Projection

BAR_WIDTH = 10
_EIGHTHS = " ▏▎▍▌▋▊▉"


def usd(value: float) -> str:
    """``1234.56`` -> ``'1,234.6'`` (US$ million, one decimal)."""
    return f"{value:,.1f}"


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A text bar of ``share`` (0..1, capped) in eighths of a character."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


def verdict(p: Projection) -> str:
    """One sentence: reached in YEAR, or not reached by the horizon."""
    s = p.scenario
    if p.reached_year is None:
        return f"not reached by {s.horizon}"
    late = " (after the deadline)" if p.reached_year > s.by_year else ""
    return f"reached in {p.reached_year}{late}"


def headline(p: Projection) -> list[tuple[str, str]]:
    """Label/value pairs of the header, shared by the table and Markdown views."""
    s = p.scenario
    gap = p.gap_at_by_year
    gap_text = (
        f"{usd(gap)} US$ m short ({percent(gap / s.target.value_usd_m, 0)} of target)"
        if gap > 0
        else f"none: {usd(-gap)} US$ m above target"
    )
    return [
        ("Scenario", s.name),
        ("Base year", f"{s.base_year}: measure {usd(float(p.measure[0]))} US$ m"),
        (
            "Target",
            f"{usd(s.target.value_usd_m)} US$ m by {s.by_year}, counting "
            f"{', '.join(s.target.counts)}",
        ),
        ("Verdict", verdict(p)),
        ("Required growth", f"{percent(p.required_cagr, 2)} a year, {s.base_year}-{s.by_year}"),
        (f"Gap in {s.by_year}", gap_text),
    ]


YEAR_COLUMNS = (
    ("Year", "year"),
    ("Baseline", "baseline_usd_m"),
    ("PTA", "pta_usd_m"),
    ("TTA", "tta_usd_m"),
    ("Deals", "deals_usd_m"),
    ("Total", "total_usd_m"),
    ("Measure", "measure_usd_m"),
)
BREAKDOWN_COLUMNS = (
    ("Baseline", "baseline_usd_m"),
    ("PTA", "pta_usd_m"),
    ("TTA", "tta_usd_m"),
    ("Deals", "deals_usd_m"),
    ("Total", "total_usd_m"),
)


def provenance_lines(p: Projection) -> list[str]:
    """The assumptions that carry no source, and inputs with neither, one line each."""
    lines = [f"{a.path}: {a.text}" for a in p.assumptions if a.source is None]
    lines += [f"{path}: no source or assumption given" for path in p.unsourced]
    return lines


def table(p: Projection) -> list[Any]:
    """Rich renderables for the terminal: header, years, breakdown, assumptions."""
    from rich.table import Table
    from rich.text import Text

    s = p.scenario
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    for label, value in headline(p):
        header.add_row(label, value)

    years = Table(
        title=f"Trade by year, US$ m (measure counts {', '.join(s.target.counts)})",
        title_justify="left",
    )
    for label, _ in YEAR_COLUMNS:
        years.add_column(label, justify="right")
    years.add_column("% of target", justify="left", no_wrap=True)
    for row in p.by_year():
        cells = [str(row["year"])] + [usd(row[key]) for _, key in YEAR_COLUMNS[1:]]
        share = row["share_of_target"]
        style = "bold" if row["year"] == s.by_year else None
        years.add_row(*cells, f"{bar(share)} {percent(share)}", style=style)

    breakdown = Table(title=f"By direction and sector in {s.by_year}, US$ m", title_justify="left")
    for label in ("Direction", "Sector", "Category"):
        breakdown.add_column(label)
    for label, _ in BREAKDOWN_COLUMNS:
        breakdown.add_column(label, justify="right")
    for group in p.breakdown():
        category = group["category"] + ("" if group["counts"] else " (not counted)")
        breakdown.add_row(
            group["direction"],
            group["sector"],
            category,
            *(usd(group[key]) for _, key in BREAKDOWN_COLUMNS),
        )

    out: list[Any] = [header, Text(""), years, Text(""), breakdown]
    notes = provenance_lines(p)
    if notes:
        out += [Text(""), Text(f"Assumptions without a source ({len(notes)}):", style="bold")]
        listing = Table.grid(padding=(0, 0, 0, 2), pad_edge=True)
        listing.add_column(no_wrap=True, overflow="ellipsis")
        for line in notes:
            listing.add_row(f"- {line}")
        listing.add_row(
            Text("(full texts and sources: -f json, keys 'assumptions', 'sources')", style="dim")
        )
        out.append(listing)
    return out


def _clean(value):
    """NaN and infinities become null, recursively, so JSON stays valid."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def to_json(document: Any) -> str:
    """Stable JSON text: indented, NaN as null, a final newline."""
    return json.dumps(_clean(document), indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def to_csv(rows, columns) -> str:
    """CSV text with a header, full-precision numbers and ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def projection_csv(p: Projection) -> str:
    return to_csv(p.rows(), CSV_COLUMNS)


def _md_table(headers: list[str], rows: list[list[str]], right: set[int]) -> str:
    def escape(cell: str) -> str:
        return cell.replace("|", "\\|")

    align = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def projection_markdown(p: Projection) -> str:
    """The table view as Markdown, for reports."""
    s = p.scenario
    parts = [f"## {s.name}", ""]
    if s.description:
        parts += [s.description, ""]
    parts += [f"- **{label}:** {value}" for label, value in headline(p)]
    year_rows = [
        [str(r["year"])]
        + [usd(r[key]) for _, key in YEAR_COLUMNS[1:]]
        + [percent(r["share_of_target"])]
        for r in p.by_year()
    ]
    headers = [label for label, _ in YEAR_COLUMNS] + ["% of target"]
    parts += [
        "",
        "### Trade by year, US$ m",
        "",
        _md_table(headers, year_rows, set(range(len(headers)))),
    ]
    groups = [
        [g["direction"], g["sector"], g["category"] + ("" if g["counts"] else " (not counted)")]
        + [usd(g[key]) for _, key in BREAKDOWN_COLUMNS]
        for g in p.breakdown()
    ]
    headers = ["Direction", "Sector", "Category"] + [label for label, _ in BREAKDOWN_COLUMNS]
    parts += [
        "",
        f"### By direction and sector in {s.by_year}, US$ m",
        "",
        _md_table(headers, groups, set(range(3, len(headers)))),
    ]
    notes = provenance_lines(p)
    if notes:
        parts += ["", "### Assumptions without a source", ""] + [f"- {line}" for line in notes]
    return "\n".join(parts) + "\n"
