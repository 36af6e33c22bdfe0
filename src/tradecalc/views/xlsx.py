"""Excel workbooks (`-f xlsx -o FILE.xlsx`), written with XlsxWriter.

XlsxWriter is an optional extra (``pip install XlsxWriter``, or ``pip install -e '.[xlsx]'``
from a checkout), imported only here and
only when a workbook is asked for. Numbers are written as numbers with a display format
(US$ m with one decimal, shares as percentages), every sheet has a frozen header row and
columns as wide as their contents, and the same inputs give the same bytes (a fixed creation
date in the document properties).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tradecalc.analysis.documents import Headroom
from tradecalc.core.about import version
from tradecalc.core.errors import install_hint, usage_error
from tradecalc.core.sanitize import escape
from tradecalc.views.briefing import brief_odds_text, outside_text
from tradecalc.views.project_view import base_rate_text, no_odds_text, normal_level_rows
from tradecalc.views.words import overrides_text, unverified_ids

CREATED = dt.datetime(2000, 1, 1)
"""The creation date written into every workbook, so that the bytes depend on the inputs only."""
MAX_WIDTH = 60
MONEY, SHARE, YEAR, NUMBER = "#,##0.0", "0.0%", "0", "General"


def require_xlsxwriter() -> None:
    """Refuse with a one-line error when XlsxWriter is not installed."""
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        usage_error("--format xlsx", f"needs XlsxWriter: {install_hint('XlsxWriter', 'xlsx')}")


def number_format(header: str) -> str:
    """The display format of a column, from its name: ``*_usd_m`` money, shares as %, years."""
    name = header.lower()
    if "usd_m" in name or "us$ m" in name:
        return MONEY
    if any(word in name for word in ("share", "cagr", "probability", "coverage", "growth")):
        return SHARE
    if name.endswith("year") or name.startswith("year") or name in ("from_year", "by_year"):
        return YEAR
    return NUMBER


def _safe(text: object) -> str:
    """Text for a cell, a sheet or a property: control and bidi characters escaped (XML 1.0
    cannot hold most of them, so one raw would corrupt the file), line breaks and tabs kept."""
    return escape(str(text), keep="\n\t")


class _Book:
    """An XlsxWriter workbook in memory with the house formats."""

    def __init__(self, title: str):
        require_xlsxwriter()
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.book.set_properties(
            {
                "title": _safe(title),
                "comments": f"Written by tradecalc {version()}",
                "created": CREATED,
            }
        )
        self.header = self.book.add_format(
            {"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.formats = {
            f: self.book.add_format({"num_format": f, "valign": "top"})
            for f in (MONEY, SHARE, YEAR, NUMBER)
        }
        self.boolean = self.book.add_format({"num_format": '"TRUE";"TRUE";"FALSE"'})
        self.names: set[str] = set()

    def sheet_name(self, name: str) -> str:
        """Excel's rules: at most 31 characters, none of []:*?/\\, unique (case-insensitive)."""
        base = re.sub(r"[\[\]:*?/\\]", "-", escape(name)).strip("'")[:31].rstrip("'")
        base = base or "Sheet"  # nor may it begin or end with an apostrophe, once cut
        candidate, n = base, 2
        while candidate.lower() in self.names:
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)].rstrip("'") + suffix, n + 1
        self.names.add(candidate.lower())
        return candidate

    def table(
        self,
        name: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        formats: Sequence[str] | None = None,
    ):
        """A sheet of one table: a frozen, filtered header row, formatted numbers."""
        sheet = self.book.add_worksheet(self.sheet_name(name))
        formats = list(formats or [number_format(h) for h in headers])
        widths = [min(MAX_WIDTH, max(8, len(str(h)) + 2)) for h in headers]
        for c, heading in enumerate(headers):
            sheet.write_string(0, c, _safe(heading), self.header)
        count = 0
        for r, row in enumerate(rows, start=1):
            count = r
            for c, value in enumerate(row):
                width = self.cell(sheet, r, c, value, formats[c])
                widths[c] = min(MAX_WIDTH, max(widths[c], width))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width, self.wrap if width == MAX_WIDTH else None)
        sheet.freeze_panes(1, 0)
        if headers:
            sheet.autofilter(0, 0, max(count, 1), len(headers) - 1)
        _print_setup(sheet)
        return sheet

    def cell(self, sheet, r: int, c: int, value: Any, fmt: str) -> int:
        """Write one value as its type; the width it needs, in characters."""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            sheet.write_blank(r, c, None)
            return 0
        if isinstance(value, bool):  # shown TRUE/FALSE by every reader, LibreOffice too
            sheet.write_boolean(r, c, value, self.boolean)
            return 6
        if isinstance(value, int | float):
            sheet.write_number(r, c, value, self.formats[fmt])
            shown = {MONEY: f"{value:,.1f}", SHARE: f"{value:.1%}"}.get(fmt, f"{value}")
            return len(shown) + 2
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        if not text:  # nothing to say: a blank cell, never an empty string
            sheet.write_blank(r, c, None)
            return 0
        sheet.write_string(r, c, _safe(text), self.wrap)
        return len(text) + 2

    def records(self, name: str, records: Sequence[Mapping[str, Any]]):
        """A sheet of dicts (JSON rows): nested dicts become ``key.sub`` columns."""
        flat = [_flatten(r) for r in records]
        headers = list(dict.fromkeys(k for r in flat for k in r))
        return self.table(name, headers, [[r.get(h) for h in headers] for r in flat])

    def pairs(self, name: str, pairs: Sequence[tuple[str, Any, str]]):
        """A two-column sheet of labelled values, each with its own format."""
        sheet = self.book.add_worksheet(self.sheet_name(name))
        sheet.write_string(0, 0, "Item", self.header)
        sheet.write_string(0, 1, "Value", self.header)
        widths = [10, 12]
        for r, (label, value, fmt) in enumerate(pairs, start=1):
            sheet.write_string(r, 0, _safe(label))
            widths[0] = max(widths[0], len(label) + 2)
            widths[1] = max(widths[1], self.cell(sheet, r, 1, value, fmt))
        sheet.set_column(0, 0, min(MAX_WIDTH, widths[0]))
        sheet.set_column(1, 1, min(90, widths[1]), self.wrap)
        sheet.freeze_panes(1, 0)
        _print_setup(sheet)
        return sheet

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


A4 = 9
"""XlsxWriter's paper code for A4."""


def _print_setup(sheet, title_columns: bool = False) -> None:
    """Printed: A4 landscape, as wide as one page, the header row (and the label column of a
    side-by-side sheet) repeated on every page."""
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
    sheet.repeat_rows(0)
    if title_columns:
        sheet.repeat_columns(0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&L&A&RPage &P of &N")


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


# --- project ---------------------------------------------------------------------------------


def summary_pairs(p, doc: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The Summary sheet of a projection: what, verdict, odds, outside view, overrides."""
    from tradecalc.views.project_view import verdict

    s = p.scenario
    a, b = s.codes
    pairs: list[tuple[str, Any, str]] = [
        ("Scenario", s.name, NUMBER),
        ("File", p.path, NUMBER),
        ("Description", s.description, NUMBER),
        ("Economies", f"{s.economy_name(a)} ({a}) and {s.economy_name(b)} ({b})", NUMBER),
        ("Baseline reporter", s.reporter, NUMBER),
        ("Measure", p.counts_text, NUMBER),
        ("Base year", s.base_year, YEAR),
        ("Target, US$ m a year", s.target.value_usd_m, MONEY),
        ("Deadline", s.by_year, YEAR),
        ("Verdict", verdict(p), NUMBER),
        ("Reached in", p.reached_year, YEAR),
        ("Required growth a year", p.required_cagr, SHARE),
        ("Measure at the deadline (central path), US$ m", p.measure_at_by_year, MONEY),
        ("Gap at the deadline, US$ m", p.gap_at_by_year, MONEY),
    ]
    odds = doc.get("odds")
    if odds:
        pairs += [
            ("Odds", brief_odds_text(odds, s.by_year), NUMBER),
            (f"P(reached in some year up to {s.by_year})", odds.get("probability_by_year"), SHARE),
            (
                f"P(reached in some year up to {s.by_year}): standard error",
                odds.get("probability_se"),
                SHARE,
            ),
            (
                f"P(reached in some year up to {s.by_year}): under (bound)",
                odds.get("probability_below"),
                SHARE,
            ),
            ("Odds: draws", odds.get("draws"), NUMBER),
            ("Odds: seed", odds.get("seed"), NUMBER),
            (
                f"Central path in {s.by_year}, US$ m",
                odds.get("central_path_at_by_year_usd_m"),
                MONEY,
            ),
            (f"P10 in {s.by_year}, US$ m", odds.get("p10_at_by_year_usd_m"), MONEY),
            (f"P50 in {s.by_year}, US$ m", odds.get("p50_at_by_year_usd_m"), MONEY),
            (f"P90 in {s.by_year}, US$ m", odds.get("p90_at_by_year_usd_m"), MONEY),
            (_mean_label(odds, s.by_year), odds.get("mean_at_by_year_usd_m"), MONEY),
        ]
    else:
        pairs.append(("Odds", no_odds_text(p), NUMBER))
    outside = doc.get("outside_view")
    if outside:
        share = [*(outside.get("share_of_target_range") or ()), None, None]
        pairs += [
            ("Outside view", outside_text(outside), NUMBER),
            ("Outside view: cases", outside.get("cases"), NUMBER),
            ("Outside view: met by the deadline", outside.get("met_by_deadline"), NUMBER),
            ("Outside view: lowest share of target", share[0], SHARE),
            ("Outside view: highest share of target", share[1], SHARE),
            ("Outside view: fastest growth a year", outside.get("fastest_cagr"), SHARE),
        ]
    rate = base_rate_text(p)
    if rate:
        pairs.append(("Base rate", rate, NUMBER))
    pairs += [(label, text, NUMBER) for label, text in normal_level_rows(p)]
    pairs.append(("Overrides", overrides_text(p.overrides) or "none", NUMBER))
    pairs.append(("Written by", f"tradecalc {version()}", NUMBER))
    return pairs


def _add_projection(book: _Book, p, doc: Mapping[str, Any], prefix: str = "") -> None:
    book.pairs(f"{prefix}Summary", summary_pairs(p, doc))
    book.records(f"{prefix}Years", doc["years"])
    book.table(f"{prefix}Components", list(p.columns), p.rows())
    unverified = unverified_ids(doc["sources"])
    levers = [{**r, "source_verified": _verified(r["source"], unverified)} for r in p.lever_rows]
    book.records(f"{prefix}Levers", levers)
    history = [{k: v for k, v in h.items() if k != "label"} for h in doc.get("history", [])]
    if history:
        book.records(f"{prefix}History", history)
    else:
        book.table(f"{prefix}History", ["year", "reporter", "total_usd_m"], [])
    book.table(
        f"{prefix}Assumptions",
        ["path", "text", "source", "source_verified"],
        [
            [a.get("path"), a.get("text"), a.get("source"), _verified(a.get("source"), unverified)]
            for a in doc.get("assumptions", [])
        ],
    )
    book.table(
        f"{prefix}Sources",
        ["id", "title", "url", "date", "note", "verified"],
        [
            [
                *(s.get(k) for k in ("id", "title", "url", "date", "note")),
                s.get("verified") is not False,
            ]
            for s in doc["sources"]
        ],
    )


def _verified(source: str | None, unverified: frozenset[str]) -> bool | None:
    """False for a source marked ``verified: false``, True for another, blank for none."""
    return None if not source else source not in unverified


def projection_workbook(p, doc: Mapping[str, Any] | None = None) -> bytes:
    """Sheets Summary, Years, Components (tidy), Levers, History, Assumptions, Sources."""
    doc = p.to_dict() if doc is None else doc
    book = _Book(p.scenario.name)
    _add_projection(book, p, doc)
    return book.close()


def comparison_workbook(c, doc: Mapping[str, Any] | None = None) -> bytes:
    """A side-by-side sheet (one column per scenario), then each scenario's years."""
    from tradecalc.views.project_view import verdict

    doc = c.to_dict() if doc is None else doc
    ps = c.projections
    book = _Book("Comparison")
    rows: list[tuple[str, list[Any], str]] = [
        ("File", [p.path for p in ps], NUMBER),
        ("Target, US$ m a year", [p.scenario.target.value_usd_m for p in ps], MONEY),
        ("Deadline", [p.scenario.by_year for p in ps], YEAR),
        ("Counts", [", ".join(p.scenario.target.counts) for p in ps], NUMBER),
        ("Verdict", [verdict(p) for p in ps], NUMBER),
        ("Reached in", [p.reached_year for p in ps], YEAR),
        ("Required growth a year", [p.required_cagr for p in ps], SHARE),
        ("Measure at the deadline, US$ m", [p.measure_at_by_year for p in ps], MONEY),
        ("Gap at the deadline, US$ m", [p.gap_at_by_year for p in ps], MONEY),
    ]
    for key in dict.fromkeys(k for p in ps for k in p.measure_parts()):
        label = key.removesuffix("_usd_m").replace("_", " ")
        rows.append(
            (f"{label} at the deadline, US$ m", [p.measure_parts().get(key) for p in ps], MONEY)
        )
    for year in c.years:
        values = [
            float(p.measure[p.year_index(year)]) if p.years[0] <= year <= p.years[-1] else None
            for p in ps
        ]
        rows.append((f"Measure {year}, US$ m", values, MONEY))
    sheet = book.book.add_worksheet(book.sheet_name("Side by side"))
    sheet.write_blank(0, 0, None, book.header)
    for c_, p in enumerate(ps, start=1):
        sheet.write_string(0, c_, _safe(p.scenario.name), book.header)
    widths = [10] + [max(12, len(p.scenario.name) + 2) for p in ps]
    for r, (label, values, fmt) in enumerate(rows, start=1):
        sheet.write_string(r, 0, _safe(label))
        widths[0] = max(widths[0], len(label) + 2)
        for c_, value in enumerate(values, start=1):
            widths[c_] = min(MAX_WIDTH, max(widths[c_], book.cell(sheet, r, c_, value, fmt)))
    among = "" if len(doc.get("closest_among", ps)) == len(ps) else f" ({c.closest_note()})"
    notes = [f"Closest to its target: {doc.get('closest')}{among}", *doc.get("notes", [])]
    for r, note in enumerate(notes, start=len(rows) + 2):
        sheet.write_string(r, 0, _safe(note))
    for c_, width in enumerate(widths):
        sheet.set_column(c_, c_, width)
    sheet.freeze_panes(1, 1)
    _print_setup(sheet, title_columns=True)
    for p in ps:
        book.records(p.scenario.name, p.years_rows)
    return book.close()


# --- any other command -----------------------------------------------------------------------


def document_workbook(document: Any, title: str) -> bytes:
    """Any JSON document: its single values on Summary, each list of rows on its own sheet."""
    book = _Book(title)
    if isinstance(document, list):
        document = {"rows": document}
    scalars: list[tuple[str, Any, str]] = []
    tables: list[tuple[str, list[Mapping[str, Any]]]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            if value and all(isinstance(v, int | float) for v in value.values()) and len(value) > 8:
                tables.append((path, [{"key": k, "value": v} for k, v in value.items()]))
                return
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            tables.append((path, value))
        else:
            scalars.append((path, value, number_format(path.rsplit(".", 1)[-1])))

    walk(document, "")
    scalars.append(("written by", f"tradecalc {version()}", NUMBER))
    book.pairs("Summary", scalars)
    for name, rows in tables:
        book.records(name.replace(".", " "), rows)
    return book.close()


# --- headroom ----------------------------------------------------------------------------------


def headroom_workbook(doc: Headroom) -> bytes:
    """`headroom`: Summary (year, gap, method, each direction's top total), a Headroom sheet
    with every product in the CSV's columns, and the directions."""
    columns = list(doc.columns)

    book = _Book("tradecalc headroom")
    pairs: list[tuple[str, Any, str]] = [
        ("latest year with data", doc["year"], YEAR),
        ("gap to the target, US$ m (central projection)", doc["gap_usd_m"], MONEY),
        ("gap year", doc.get("gap_year"), YEAR),
        ("method", doc["method"], NUMBER),
    ]
    if "basis" in doc:
        pairs.append(("market data", doc["basis"], NUMBER))
    for d in doc["directions"]:
        pairs.append(
            (f"{d['direction']}: top {d['top']} untapped, US$ m", d["top_untapped_usd_m"], MONEY)
        )
        pairs.append((f"{d['direction']}: share of the gap", d["top_share_of_gap"], SHARE))
    if "scale" in doc:  # what the totals are; the chapters apart are in no total (column apart)
        pairs.append(("the totals above are", doc["scale"], NUMBER))
    pairs += [("skipped", s, NUMBER) for s in doc["skipped"]]
    pairs.append(("written by", f"tradecalc {version()}", NUMBER))
    book.pairs("Summary", pairs)
    rows = [[row.get(c) for c in columns] for row in doc["rows"]]
    book.table("Headroom", columns, rows)
    if doc["directions"]:
        book.records("Directions", doc["directions"])
    return book.close()


def _mean_label(odds: Mapping[str, Any], by_year: int) -> str:
    """The mean's row label; it says when the mean does not converge (methods.md 8.1)."""
    caveat = " (does not converge: methods.md 8.1)" if odds.get("mean_finite") is False else ""
    return f"Mean in {by_year}, US$ m{caveat}"
