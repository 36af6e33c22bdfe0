"""Results -> views -> rich renderables, Markdown, JSON or CSV text. Returns, never prints.

Each command builds a :class:`View` (a headline, tables of text cells, notes); the same view
renders to the terminal (rich) and to Markdown, so the two never drift apart.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from tradecalc.analysis.comparison import Comparison
from tradecalc.analysis.projection import (
    LEVER_COLUMNS,
    NO_ODDS,
    Projection,
    baseline_reporter_reason,
    lever_columns,
    mirror_rows,
    probability_text,
)
from tradecalc.core.sanitize import clean, csv_cell, json_text
from tradecalc.engine.verdict import on_time
from tradecalc.scenario.terms import CATEGORY_MEANING, CUSTOMS_CATEGORIES

BAR_WIDTH = 8
_EIGHTHS = " ▏▎▍▌▋▊▉"


def usd(value: float | None) -> str:
    """``1234.56`` -> ``'1,234.6'`` (US$ million, one decimal); ``3.1e+15`` past a trillion."""
    if value is None:
        return "n/a"
    return f"{value:,.1f}" if abs(value) < 1e12 else f"{value:.2e}"


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A text bar of ``share`` (0..1, capped) in eighths of a character."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


@dataclass
class TextTable:
    """A table of formatted cells; columns in ``right`` are right-justified numbers."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    right: set[int] = field(default_factory=set)
    bold_rows: set[int] = field(default_factory=set)
    styles: dict[int, str] = field(default_factory=dict)  # column -> rich style (terminal only)
    narrow: dict[int, list[str]] = field(default_factory=dict)  # column -> shorter cells


@dataclass
class View:
    """What a command shows a person: headline pairs, tables and notes."""

    heading: str
    description: str = ""
    headline: list[tuple[str, str]] = field(default_factory=list)
    headline_styles: dict[str, str] = field(default_factory=dict)  # label -> rich style
    tables: list[TextTable] = field(default_factory=list)
    notes_title: str = ""
    notes: list[str] = field(default_factory=list)
    footer: str = ""
    truncate_notes: bool = False  # one line per note in the terminal (full text elsewhere)


# --- rendering a view ------------------------------------------------------------------------


LONG = 2_000
"""Characters of one text in a table or report at most (a 1 MB name is cut, not shown)."""


def to_rich(view: View) -> list[Any]:
    """Rich renderables for the terminal.

    Every string is :class:`~rich.text.Text`, never markup, and :func:`clean`: a ``[`` in a
    scenario name stays as typed, an escape sequence or a bidi override is shown escaped.
    """
    from rich.table import Table
    from rich.text import Text

    def text(value: str, style: str = "", limit: int = LONG) -> Text:
        return Text(clean(value, limit), style=style)

    out: list[Any] = []
    if view.headline:
        header = Table.grid(padding=(0, 2))
        header.add_column(style="bold")
        header.add_column()
        for label, value in view.headline:
            header.add_row(text(label), text(value, view.headline_styles.get(label, "")))
        out.append(header)
    for text_table in view.tables:
        table = _FittedTable(text_table)
        out += [Text(""), table] if out else [table]
    if view.notes or view.footer:
        listing = Table.grid(padding=(0, 0, 0, 2), pad_edge=True)
        listing.add_column(no_wrap=view.truncate_notes, overflow="ellipsis")
        for line in view.notes:
            listing.add_row(text(f"- {line}"))
        if view.footer:
            listing.add_row(text(view.footer, "dim"))
        out += [Text(""), text(view.notes_title, "bold"), listing]
    return out


WORD_CAP = 32
"""A text column is at least as wide as its longest word, up to this many characters (a URL
folds where it must)."""


class _FittedTable:
    """A :class:`TextTable` laid out for the width it is printed at (a rich renderable).

    No word is split (a column is at least as wide as its longest word, up to
    :data:`WORD_CAP`), numbers and cells such as ``▏ 1.4 %`` never wrap, and where the table
    would not fit the columns in :attr:`TextTable.narrow` take their shorter cells; where even
    the words do not fit with padding, the cells lose their padding (the rules still part them).
    """

    def __init__(self, text_table: TextTable):
        self.table = text_table

    def __rich_console__(self, console, options):
        t, width = _for_stream(self.table, options), options.max_width
        rows = [[clean(cell, LONG) for cell in row] for row in t.rows]
        if t.narrow and _table_width(t, rows, 1, natural=True) > width:
            columns = {i: [clean(c, LONG) for c in cells] for i, cells in t.narrow.items()}
            rows = [[columns[i][r] if i in columns else c for i, c in enumerate(row)]
                    for r, row in enumerate(rows)]  # fmt: skip
        pad = 1 if _table_width(t, rows, 1, natural=False) <= width else 0
        fixed = None
        if _table_width(t, rows, pad, natural=True) > width:
            spare = width - (1 + 2 * pad) * len(t.headers) - 1
            fixed = _allocate(_column_widths(t, rows), spare)
        yield _rich_table(t, rows, pad, fixed)


def _for_stream(t: TextTable, options) -> TextTable:
    """The table as the stream can hold it: on a stream that cannot encode UTF-8 (``LANG=C``),
    with ASCII stand-ins (``PAK->AZE``) put in before the layout measures the cells."""
    if not options.ascii_only:
        return t
    from dataclasses import replace

    from tradecalc.core.sanitize import ascii_text

    return replace(
        t,
        title=ascii_text(t.title),
        headers=[ascii_text(h) for h in t.headers],
        rows=[[ascii_text(c) for c in row] for row in t.rows],
        narrow={i: [ascii_text(c) for c in cells] for i, cells in t.narrow.items()},
    )


class _Width(NamedTuple):
    least: int  # no word split (numbers and bars: the whole cell)
    natural: int  # no cell wrapped
    whole: bool  # a number or a bar: never wrapped
    url: bool  # holds URLs, which fold first when the words do not fit


URL_WIDTH = 20
"""A column of URLs is given this many characters before the others take the rest."""


def _column_widths(t: TextTable, rows: list[list[str]]) -> list[_Width]:
    """The widths of each column: numbers and bars whole, texts by the word."""
    out = []
    for i, heading in enumerate(t.headers):
        cells = [row[i] for row in rows]
        longest = max([len(c) for c in cells], default=0)
        tokens = [w for text in [heading, *cells] for w in text.split()]
        words = max([len(w) for w in tokens if "://" not in w], default=1)
        urls = max([len(w) for w in tokens if "://" in w], default=0)
        natural = max(longest, len(heading), 1)
        if i in t.right or any(ch in cell for cell in cells for ch in _EIGHTHS[1:] + "█"):
            out.append(_Width(max(longest, words), natural, True, False))
        else:
            least = max(min(WORD_CAP, words), min(URL_WIDTH, urls))
            out.append(_Width(least, natural, False, urls > 0))
    return out


def _table_width(t: TextTable, rows: list[list[str]], pad: int, natural: bool) -> int:
    """The table's width with no cell wrapped (``natural``), or with none split mid-word."""
    cells = sum(w.natural if natural else w.least for w in _column_widths(t, rows))
    return cells + (1 + 2 * pad) * len(t.headers) + 1


def _allocate(widths: list[_Width], spare: int) -> list[int]:
    """Each column its least width, then the spare characters shared out evenly among the
    columns that want more, up to their natural width. Where even the least widths do not
    fit, a column of URLs gives way first, then the text column with the longest words."""
    out = [w.least for w in widths]
    texts = [i for i, w in enumerate(widths) if not w.whole]
    while sum(out) > spare and texts and max(out[i] for i in texts) > 8:
        out[max(texts, key=lambda i: (widths[i].url and out[i] > 8, out[i]))] -= 1
    spare -= sum(out)
    while spare > 0:
        wanting = [i for i, w in enumerate(widths) if out[i] < w.natural]
        if not wanting:
            break
        share = max(1, spare // len(wanting))
        for i in wanting:
            give = min(share, widths[i].natural - out[i], spare)
            out[i] += give
            spare -= give
    return out


def _rich_table(t: TextTable, rows: list[list[str]], pad: int, fixed: list[int] | None):
    from rich.table import Table
    from rich.text import Text

    title = Text(clean(t.title, LONG), style="italic")
    table = Table(title=title, title_justify="left", padding=(0, pad))
    widths = _column_widths(t, rows)
    for i, (heading, width) in enumerate(zip(t.headers, widths, strict=True)):
        table.add_column(
            Text(clean(heading, LONG)),
            justify="right" if i in t.right else "left",
            min_width=None if fixed else width.least,
            width=fixed[i] if fixed else None,
            overflow="fold",
            style=t.styles.get(i),
        )
    for i, row in enumerate(rows):
        table.add_row(*(Text(cell) for cell in row), style="bold" if i in t.bold_rows else None)
    return table


def to_markdown(view: View) -> str:
    """The view as Markdown, for reports (every text :func:`clean`, ``|`` escaped)."""
    parts = [f"## {clean(view.heading, LONG)}", ""]
    if view.description:
        parts += [clean(view.description, LONG), ""]
    parts += [f"- **{clean(label, LONG)}:** {clean(value, LONG)}" for label, value in view.headline]
    for table in view.tables:
        align = ["---:" if i in table.right else "---" for i in range(len(table.headers))]
        parts += ["", f"### {clean(table.title, LONG)}", "", _md_row(table.headers), _md_row(align)]
        parts += [_md_row(row) for row in table.rows]
    if view.notes:
        parts += ["", f"### {clean(view.notes_title.rstrip(':'), LONG)}", ""]
        parts += [f"- {clean(n, LONG)}" for n in view.notes]
    return "\n".join(parts) + "\n"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(clean(c, LONG).replace("|", "\\|") for c in cells) + " |"


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
    """Stable JSON text: indented, NaN as null, unsafe characters escaped, a final newline."""
    text = json.dumps(_clean(document), indent=2, allow_nan=False, ensure_ascii=False)
    return json_text(text) + "\n"  # no raw bidi or control character, even inside strings


def to_csv(rows, columns) -> str:
    """CSV text with a header, full-precision numbers and ``\\n`` line ends.

    Text cells go through :func:`csv_cell`: a leading ``=`` cannot run as a formula.

    ``rows`` are sequences in column order, or dicts keyed by column.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = [row.get(c) for c in columns] if isinstance(row, dict) else row
        writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue()


# --- project ---------------------------------------------------------------------------------


def verdict(p: Projection) -> str:
    """Reached in YEAR, or not reached by the horizon."""
    s = p.scenario
    if p.reached_year is None:
        return f"not reached by {s.horizon}"
    late = "" if on_time(p.reached_year, s.by_year) else " (after the deadline)"
    return f"reached in {p.reached_year}{late}"


def verdict_style(p: Projection) -> str:
    """Green when reached by the deadline, yellow when later, red when not at all."""
    if p.reached_year is None:
        return "bold red"
    return "bold green" if on_time(p.reached_year, p.scenario.by_year) else "bold yellow"


def gap_text(p: Projection) -> str:
    gap, target = p.gap_at_by_year, p.scenario.target.value_usd_m
    if gap > 0:
        return f"{usd(gap)} US$ m short ({percent(gap / target, 0)} of target)"
    return f"none: {usd(-gap)} US$ m above target"


def arrow(direction: str) -> str:
    """``"pak_to_aze"`` -> ``"PAK→AZE"``, a short column heading."""
    return direction.upper().replace("_TO_", "→")


def growth_text(p: Projection) -> str:
    s = p.scenario
    if p.required_cagr is None:
        return "n/a: the base-year measure is 0"
    return f"{percent(p.required_cagr, 2)} a year, {s.base_year}-{s.by_year}"


def provenance_lines(p: Projection) -> list[str]:
    """The assumptions that carry no source, and inputs with neither, one line each."""
    lines = [f"{a.path}: {a.text}" for a in p.assumptions if a.source is None]
    lines += [f"{path}: no source or assumption given" for path in p.unsourced]
    return lines


def overrides_text(overrides: Sequence[str]) -> str:
    """``"--set a=1; --set b=2"``: the overrides an output ran with, as typed."""
    return "; ".join(f"--set {o}" for o in overrides)


def odds_text(p: Projection) -> str:
    """The odds line: P(reached by the deadline) with its error and where it comes from, and
    the deadline year's central path beside the median, mean, P10 and P90 of the draws."""
    o, by = p.odds, p.scenario.by_year
    chance = probability_text(o["probability_by_year"], o["probability_se"], o["probability_below"])

    def at(key: str, name: str) -> str:
        value = o[f"{key}_at_by_year_usd_m"]
        if key == "mean" and o.get("mean_finite") is False:
            return f"{name} {usd(value)} (does not converge: methods.md 8.1)"
        return f"{name} {usd_se(value, o.get(f'{key}_se'))}"

    return (
        f"P(reached by {by}) {chance} ({o['attribution_text']}); measure in {by}: central path "
        f"{usd(o['central_path_at_by_year_usd_m'])}, {at('p50', 'median')}, {at('mean', 'mean')}, "
        f"{at('p10', 'P10')}, {at('p90', 'P90')} US$ m (Monte Carlo, ±: standard errors, "
        f"{o['draws']:,} draws, seed {o['seed']}, shocks integrated exactly"
        f"{shock_model_words(o.get('shock'))})"
    )


def usd_se(value: float, se: float | None) -> str:
    """``"74.0 ± 5.3"``: a figure in US$ m with its standard error to two significant digits
    (at most one decimal, as :func:`usd`); the figure alone when no error is known."""
    if se is None or not np.isfinite(se):
        return usd(value) if se is None else f"{usd(value)} (error not resolved)"
    digits = 1 if se < 10 else 0
    text = f"{se:,.{digits}f}" if se >= 0.05 else "0.0"
    return f"{usd(value)} ± {text}"


def no_odds_text(scenario) -> str:
    """Why a projection carries no odds (the Odds line, the brief, the workbook)."""
    if scenario.uncertainty is None:
        return NO_ODDS
    return "not computed here: see tradecalc simulate"


def shock_model_words(shock: dict | None) -> str:
    """``", random-walk shocks"`` or ``", AR(1) shocks, rho 0.5"``: which annual shocks the
    odds draw (methods.md 8); empty without annual shocks."""
    if not shock or not shock.get("sd"):
        return ""
    if shock["model"] == "random_walk":
        return ", random-walk shocks"
    return f", AR(1) shocks, rho {shock['rho']:g}"


CENTRAL_PATH = "central path: levers at central values, deals weighted by their odds, no shocks"
"""What the projection's figures are, said once in every view that prints them."""


def projection_headline(p: Projection) -> list[tuple[str, str]]:
    """The header lines of `project`: what is measured, the verdict, the growth it needs."""
    s = p.scenario
    a, b = s.codes
    extra = [c for c in s.target.counts if c not in CUSTOMS_CATEGORIES]
    verdict_text = f"{verdict(p)} ({CENTRAL_PATH})"
    if extra:
        verdict_text += f"; counts {', '.join(extra)}: not customs-comparable"
    headline = [
        ("Scenario", s.name),
        (
            "Economies",
            f"{s.economy_name(a)} ({a}) and {s.economy_name(b)} ({b}); "
            f"baseline as reported by {s.reporter}",
        ),
        ("Measure", p.counts_text),
        ("Base year", f"{s.base_year}: measure {usd(float(p.measure[0]))} US$ m"),
        ("Target", f"{usd(s.target.value_usd_m)} US$ m a year by {s.by_year}"),
        ("Verdict", verdict_text),
        ("Required growth", growth_text(p)),
        (f"Gap in {s.by_year}", gap_text(p)),
    ]
    odds = odds_text(p) if p.odds is not None else no_odds_text(p.scenario)
    headline.insert(headline.index(("Verdict", verdict_text)) + 1, ("Odds", odds))
    headline.append(("Outside view", p.outside_view["text"]))
    everything = p.total >= s.target.value_usd_m
    if p.not_counted and everything.any() and p.reached_year is None:
        year = int(p.years[int(np.argmax(everything))])
        headline.append(("If all were counted", f"reached in {year} (not the target's measure)"))
    if p.overrides:
        headline.append(("Overrides", overrides_text(p.overrides)))
    return headline


def projection_view(p: Projection) -> View:
    """Header, the record and trade by year, memo lines, breakdown, unsourced assumptions."""
    s = p.scenario
    levers = lever_columns(s)
    tables = [
        *([_record_table(p)] if s.history else []),
        *([_mirror_table(p)] if mirror_rows(s) else []),
        _years_table(p, levers),
        *([_memo_table(p)] if p.not_counted else []),
        _breakdown_table(p, levers),
    ]
    notes = provenance_lines(p)
    return View(
        heading=s.name,
        description=s.description,
        headline=projection_headline(p),
        headline_styles={"Verdict": verdict_style(p)},
        tables=tables,
        notes_title=f"Assumptions without a source ({len(notes)}):",
        notes=notes,
        footer="(full texts and sources: -f json, keys 'assumptions', 'sources')" if notes else "",
        truncate_notes=True,
    )


UNVERIFIED = "unverified"
"""The mark after a cited source whose citation could not be checked (``verified: false``)."""


def unverified_ids(sources) -> frozenset[str]:
    """Ids of the sources marked ``verified: false``: pydantic models or their JSON dicts."""
    found = set()
    for src in sources:
        row = src if isinstance(src, dict) else src.model_dump()
        if row.get("verified") is False:
            found.add(row["id"])
    return frozenset(found)


def cited(source: str | None, unverified: frozenset[str]) -> str:
    """A cited source id, marked ``(unverified)`` where its citation could not be checked.

    >>> cited("pbs_pharma_fy24", frozenset({"pbs_pharma_fy24"})), cited(None, frozenset())
    ('pbs_pharma_fy24 (unverified)', '')
    """
    if not source:
        return ""
    return f"{source} ({UNVERIFIED})" if source in unverified else source


def _record_table(p: Projection) -> TextTable:
    """The observed record by year and kind, each direction apart; not part of the projection."""
    a, b = p.scenario.directions
    record = TextTable(
        "The record, US$ m (observed; not part of the projection)",
        ["Year", "Kind", "Total", arrow(a), arrow(b), "Source"],
        right={0, 2, 3, 4},
    )
    unverified = unverified_ids(p.scenario.sources)
    for h in p.history():
        by = h["by_direction_usd_m"]
        record.rows.append(
            [
                str(h["year"]),
                h["label"],
                usd(h["total_usd_m"]),
                *(usd(by[d]) if by.get(d) is not None else "" for d in (a, b)),
                cited(h["source"], unverified) or "assumption",
            ]
        )
        label = h["label"]
        if label.startswith("observed ("):  # "AZE customs": the title says it is observed
            label = label.removeprefix("observed (").removesuffix(")")
        record.narrow.setdefault(1, []).append(label)
    return record


def _mirror_table(p: Projection) -> TextTable:
    """Both reporters' calendar records side by side, with the gap between them."""
    s = p.scenario
    rows = mirror_rows(s)
    own, other = rows[0]["reporter"], rows[0]["mirror_reporter"]
    table = TextTable(
        f"Both sides' record, US$ m: the baseline follows {own} "
        f"({baseline_reporter_reason(s)}); {other}'s figures are the mirror. By direction: "
        "the importer's figure (CIF) / the exporter's (FOB), and the gap",
        ["Year", own, other, "Gap", *(_pair_heading(d) for d in s.directions)],
        right={0, 1, 2, 3, 4, 5},
    )
    for row in rows:
        table.rows.append(
            [
                str(row["year"]),
                usd(row["total_usd_m"]),
                usd(row["mirror_total_usd_m"]),
                _gap_text(row["gap"]),
                *(_pair_text(row["by_direction"][d]) for d in s.directions),
            ]
        )
    return table


def _pair_heading(direction: str) -> str:
    """``"PAK→AZE AZE/PAK"``: the direction, then whose figure comes first (the importer's)."""
    exporter, importer = direction.upper().split("_TO_")
    return f"{arrow(direction)} {importer}/{exporter}"


def _pair_text(pair: dict[str, float | None]) -> str:
    """``"11.6 / 10.9 +6 %"``: importer / exporter and the gap; blank where neither is known."""
    imports, exports = pair["importer_usd_m"], pair["exporter_usd_m"]
    if imports is None and exports is None:
        return ""
    gap = _gap_text(pair["gap"])
    return f"{usd(imports)} / {usd(exports)}" + (f" {gap}" if pair["gap"] is not None else "")


def _gap_text(gap: float | None) -> str:
    return "n/a" if gap is None else f"{gap * 100:+.0f} %"


def _years_table(p: Projection, levers: Sequence[tuple[str, str]]) -> TextTable:
    """Trade by year: the levers adding up to the measure, the memo, the share of the target."""
    s = p.scenario
    memo = bool(p.not_counted)
    headers = ["Year", *(label for label, _ in levers), "Measure"]
    headers += ["Not counted"] if memo else []
    years = TextTable(
        f"Projection, US$ m, central path: the levers add up to the measure "
        f"({', '.join(s.target.counts)})" + ("; memo: trade not counted" if memo else ""),
        [*headers, "% of target"],
        right=set(range(len(headers))),
        styles={len(levers) + 1: "bold", len(headers): "cyan"},
    )
    layers = p.measure_layers
    for j, row in enumerate(p.by_year()):
        share = row["share_of_target"]
        cells = [str(row["year"]), *(usd(float(layers[key][j])) for _, key in levers)]
        cells.append(usd(row["measure_usd_m"]))
        cells += [usd(row["not_counted_usd_m"])] if memo else []
        years.rows.append([*cells, f"{bar(share)} {percent(share)}"])
        years.narrow.setdefault(len(cells), []).append(percent(share))
        if row["year"] == s.by_year:
            years.bold_rows.add(len(years.rows) - 1)
    return years


def _memo_table(p: Projection) -> TextTable:
    """The trade the target does not count, by category, at the deadline and the horizon."""
    s = p.scenario
    memo = TextTable(
        "Memo: not counted by the target, US$ m",
        ["Category", "What it is", str(s.by_year), str(s.horizon)],
        right={2, 3},
    )
    for category, values in p.not_counted.items():
        memo.rows.append(
            [
                category,
                CATEGORY_MEANING[category],
                usd(float(values[p.at(s.by_year)])),
                usd(float(values[p.at(s.horizon)])),
            ]
        )
    return memo


def _breakdown_table(p: Projection, levers: Sequence[tuple[str, str]]) -> TextTable:
    """The deadline year by direction, sector and category, lever by lever."""
    breakdown = TextTable(
        f"By direction and sector in {p.scenario.by_year}, US$ m"
        + ("" if all(g["counts"] for g in p.breakdown()) else " (* not counted)"),
        ["Direction", "Sector", "Category", *(label for label, _ in levers), "Total"],
        right=set(range(3, 4 + len(levers))),
    )
    for g in p.breakdown():
        category = g["category"] + ("" if g["counts"] else " (not counted)")
        breakdown.narrow.setdefault(2, []).append(g["category"] + ("" if g["counts"] else "*"))
        breakdown.rows.append(
            [
                arrow(g["direction"]),
                g["sector"],
                category,
                *(usd(g[key]) for _, key in levers),
                usd(g["total_usd_m"]),
            ]
        )
    return breakdown


# --- compare ---------------------------------------------------------------------------------

COMPARE_CSV_COLUMNS = ("scenario", "path", "year", "measure_usd_m", "total_usd_m")


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
                f"{closest.scenario.name} ({closest.path}): {verdict(closest)}, "
                f"gap at {closest.scenario.by_year} {gap_text(closest)}"
                + (f"; {c.closest_note()}" if c.closest_note() else ""),
            ),
            *_best_odds_line(c),
            ("Files", "; ".join(f"{p.scenario.name}: {p.path}" for p in c.projections)),
        ],
        tables=_comparison_tables(c.projections, rows, bold, width),
        notes_title="Not like for like:" if c.notes() else "",
        notes=c.notes(),
    )


def _best_odds_line(c: Comparison) -> list[tuple[str, str]]:
    """``("Best odds", "Push to 2030: P(target by 2030) 3.44 % ± 0.03")``, if any has odds."""
    best = c.best_odds()
    if best is None:
        return []
    return [
        (
            "Best odds",
            f"{best.scenario.name}: P(target by {best.scenario.by_year}) "
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
            cells.append(usd(float(p.measure[p.at(year)])) if inside else "")
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
    add(["Levers at deadline:", *("" for _ in ps)])
    for label, key in LEVER_COLUMNS:
        add([f"  {label}", *(usd(p.measure_parts()[key]) for p in ps)])
    return rows, bold


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


# --- sweep -----------------------------------------------------------------------------------


def sweep_view(rows: list[dict[str, Any]], keys: list[str], name: str) -> View:
    """One row per grid point."""
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
