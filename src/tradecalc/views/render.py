"""The view model and its backends: a command's :class:`View` (a headline, tables of text cells,
notes) rendered to the terminal (rich) and to Markdown, so the two never drift apart; and the
machine formats, JSON and CSV text. Returns, never prints."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tradecalc.core.sanitize import clean, csv_cell, json_text
from tradecalc.views.words import BAR_CHARACTERS, NBSP, keep_units


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
            style = view.headline_styles.get(label, "")
            header.add_row(text(label), _Unbroken(clean(value, LONG), style))
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


class _Unbroken:
    """A headline value wrapped only between words and never between a figure and its unit
    (:func:`~tradecalc.views.words.keep_units`): ``0.10 % ± 0.01`` and ``2,000 US$ m`` stay
    on one line. Written with plain spaces (the non-breaking ones only guide the wrap)."""

    def __init__(self, value: str, style: str = ""):
        self.value, self.style = keep_units(value), style

    def _lines(self, width: int) -> list[str]:
        import textwrap  # wraps at ASCII whitespace only: a non-breaking space holds

        lines = textwrap.wrap(self.value, max(width, 1), break_on_hyphens=False)
        return [line.replace(NBSP, " ") for line in lines] or [""]

    def __rich_console__(self, console, options):
        from rich.text import Text

        for line in self._lines(options.max_width):
            yield Text(line, style=self.style, no_wrap=True, overflow="fold")

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        words = self.value.split(" ")
        return Measurement(max(len(w) for w in words), len(self.value))


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
        if i in t.right or any(ch in cell for cell in cells for ch in BAR_CHARACTERS):
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
    if view.footer:
        parts += ["", f"_{clean(view.footer, LONG)}_"]
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
