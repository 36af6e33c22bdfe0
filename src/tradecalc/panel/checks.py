"""Finding every bad row of a panel file, by line, in SQL: ``FILE:ROW: column: message``.

An import first copies a file at full speed and checks the copy in bulk; only when that finds
something does it come here, to read the file again as text (each line numbered, split on
commas) and say which rows are wrong and why. A :class:`Rule` is one SQL condition over a row's
text cells and the message it gives; duplicates are found with a window over the row's key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tradecalc.core.errors import Problem
from tradecalc.panel.query import literal

MOST = 50
"""Problems listed per file at most; past it, one line says how many more there are."""


@dataclass(frozen=True)
class Rule:
    """Rows where ``bad`` (SQL over the text cells) holds are wrong in ``column``: ``message``
    is an SQL expression for the message (``%s`` in ``printf`` takes the cell)."""

    column: str
    bad: str
    message: str


def text_rule(column: str, bad: str, what: str) -> Rule:
    """A rule whose message is ``what`` and the cell as read (``(empty)`` when empty)."""
    cell = f"coalesce(nullif({column}, ''), '(empty)')"
    return Rule(column, bad, f"printf({literal(what + ': %s')}, {cell})")


def number_rules(column: str, *, optional: bool = False, na: bool = False) -> list[Rule]:
    """A finite number not below zero (``optional``: or empty; ``na``: or ``NA``)."""
    blank = f"({column} IS NULL OR {column} = ''" + (f" OR upper({column}) = 'NA'" if na else "")
    blank += ")"
    number = f"TRY_CAST({column} AS DOUBLE)"
    guard = f"NOT {blank} AND " if optional else ""
    return [
        text_rule(column, f"{guard}{number} IS NULL", "not a number"),
        text_rule(column, f"{guard}NOT isfinite({number})", "not a finite number"),
        text_rule(column, f"{guard}{number} < 0", "negative"),
    ]


def csv_cells(path: Path, columns: list[str]) -> str:
    """Rows of a CSV as text cells (``line``, ``width`` and one cell per column, trimmed and
    unquoted), every line numbered from the header's 1; blank lines left out."""
    cells = ", ".join(
        f'trim(trim(f[{n}]), \'"\') AS "{column}"' for n, column in enumerate(columns, 1)
    )
    return f"""
        (SELECT line, len(f) AS width, {cells}
         FROM (SELECT line, string_split(text, ',') AS f
               FROM (SELECT row_number() OVER () AS line, text
                     FROM read_csv({literal(str(path))}, header = false, delim = chr(1),
                                   quote = '', escape = '', auto_detect = false,
                                   columns = {{'text': 'VARCHAR'}}))
               WHERE line > 1 AND trim(coalesce(text, '')) <> ''))"""


def parquet_cells(path: Path, columns: list[str]) -> str:
    """Rows of a Parquet file as text cells, numbered from 1 (no header)."""
    cells = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in columns)
    return f"""
        (SELECT file_row_number + 1 AS line, {len(columns)} AS width, {cells}
         FROM read_parquet({literal(str(path))}, file_row_number = true))"""


def bad_rows(
    con,
    name: str,
    cells: str,
    width: int,
    rules: list[Rule],
    key: list[str],
    value: str,
) -> list[Problem]:
    """Every bad row of one file, in line order, at most :data:`MOST` and a count of the rest.

    ``width`` is the number of fields a row must have; ``key`` the columns that identify a row
    (two rows with the same key are duplicates; the ``value`` column tells a conflicting one).
    """
    parts = [
        f"SELECT line, 0 AS rank, '' AS col, printf('expected {width} fields, found %d', "
        f"width) AS message FROM cells WHERE width <> {width}"
    ]
    for rank, rule in enumerate(rules, 1):
        parts.append(
            f"SELECT line, {rank}, {literal(rule.column)}, {rule.message} FROM cells "
            f"WHERE width = {width} AND ({rule.bad})"
        )
    parts.append(_duplicates(key, value, width, len(rules) + 1))
    sql = f"""
        WITH cells AS {cells}
        SELECT line, col, message, count(*) OVER () AS total
        FROM ({" UNION ALL ".join(parts)})
        ORDER BY line, rank
        LIMIT {MOST}
    """
    found = con.execute(sql).fetchall()
    problems = [Problem(name, line, column, message) for line, column, message, _ in found]
    if found and found[0][3] > MOST:
        more = found[0][3] - MOST
        problems.append(Problem(name, None, "", f"and {more:,} more problems"))
    return problems


def _duplicates(key: list[str], value: str, width: int, rank: int) -> str:
    columns = ", ".join(f'"{c}"' for c in key)
    named = ", ".join(key)
    number = f'TRY_CAST("{value}" AS DOUBLE)'
    return f"""
        SELECT line, {rank}, {literal(key[-1])},
               CASE WHEN low = high THEN printf('duplicate of line %d (same {named})', first)
                    ELSE printf('conflicting duplicate of line %d (same {named}, other {value})',
                                first) END
        FROM (SELECT line, min(line) OVER w AS first, min({number}) OVER w AS low,
                     max({number}) OVER w AS high
              FROM cells WHERE width = {width}
              WINDOW w AS (PARTITION BY {columns}))
        WHERE line > first"""


def ends_mid_row(path: Path) -> int | None:
    """The last line's number when a file does not end with a line end, else None."""
    found = unended_last_line(path)
    return None if found is None else found[0]


def unended_last_line(path: Path, most: int = 4096) -> tuple[int, bytes] | None:
    """The last line's number and its bytes (at most ``most``, from its end) when a file does
    not end with a line end, else None: the one row that may have been cut off."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        if size == 0:
            return None
        handle.seek(-1, 2)
        if handle.read(1) == b"\n":
            return None
        handle.seek(max(0, size - most))
        tail = handle.read().rsplit(b"\n", 1)[-1].rstrip(b"\r")
        handle.seek(0)
        lines = 1
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines, tail
