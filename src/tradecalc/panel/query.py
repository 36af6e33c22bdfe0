"""Panels as SQL: an in-process DuckDB connection, a panel as a table expression, a pair's series.

DuckDB is imported inside the functions that use it, so commands that never read a panel do not
pay for it. Retired ISO codes are read as their successors wherever a panel is read
(:data:`RETIRED`), so a file that writes Romania as ``ROM`` still answers for ``ROU``.
"""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path
from typing import TYPE_CHECKING

from tradecalc.core.errors import Problem, ScenarioError

if TYPE_CHECKING:
    import duckdb
    import pandas

    from tradecalc.panel.info import PanelInfo

RETIRED = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}
"""Retired ISO 3166 alpha-3 codes -> their successors (Romania before 2002, Zaire, East Timor)."""
MEMORY_LIMIT = "512MB"
"""DuckDB's own memory limit; past it, large sorts and aggregates spill to disk."""
TEXT_COLUMNS = ("exporter", "importer", "product")
TYPES = {"exporter": "VARCHAR", "importer": "VARCHAR", "product": "VARCHAR", "year": "INTEGER"}
"""Column types forced when a CSV is read (``product`` as text: leading zeros matter)."""


def connect(memory_limit: str = MEMORY_LIMIT) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a modest memory limit, spilling to the user's cache,
    and no progress bar of DuckDB's own."""
    import duckdb
    import platformdirs

    cache = Path(platformdirs.user_cache_dir("tradecalc", appauthor=False))
    with contextlib.suppress(OSError):  # DuckDB makes the spill folder, not its parents
        cache.mkdir(parents=True, exist_ok=True)
    spill = cache / "duckdb"
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": memory_limit,
        "temp_directory": str(spill),
    }
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")  # DuckDB's own bar writes to stdout
    return con


def failure(error: Exception, name: str):
    """A DuckDB error that is not the input's fault (disk full, out of memory, a spill folder
    that cannot be made) as a one-line :class:`WriteError` (exit 1); None for any other."""
    import duckdb

    if isinstance(error, duckdb.IOException | duckdb.OutOfMemoryException):
        from tradecalc.core.safeio import WriteError

        message = f"cannot import: {str(error).splitlines()[0]}"
        return WriteError([Problem(name, None, "", message)])
    return None


def literal(text: str) -> str:
    """``text`` as an SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def successor(column: str) -> str:
    """SQL for ``column`` with retired codes read as their successors."""
    cases = " ".join(f"WHEN {literal(old)} THEN {literal(new)}" for old, new in RETIRED.items())
    return f"CASE {column} {cases} ELSE {column} END"


def read_expression(path: Path, columns: tuple[str, ...] = ()) -> str:
    """The raw rows of a panel directory (its ``flows*.parquet``) or of one CSV/Parquet file.

    A CSV needs its ``columns`` (its header) so that codes and products are read as text.
    """
    if path.is_dir():
        return f"read_parquet({literal(str(path / '*.parquet'))}, union_by_name = true)"
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({literal(str(path))})"
    types = ", ".join(f"{literal(c)}: {literal(t)}" for c, t in TYPES.items() if c in columns)
    return f"read_csv({literal(str(path))}, header = true, auto_detect = true, types = {{{types}}})"


def flows(info: PanelInfo) -> str:
    """A table expression over the panel, retired codes mapped: ``FROM {flows(info)} f``."""
    source = read_expression(info.path, info.columns)
    return (
        f"(SELECT * REPLACE ({successor('exporter')} AS exporter, "
        f"{successor('importer')} AS importer) FROM {source})"
    )


def with_covariates(info: PanelInfo, covariates: PanelInfo) -> str:
    """A panel's flows with a covariate table's columns (left join on exporter, importer,
    year; the covariate table's value wins where both have a column)."""
    shared = [c for c in covariates.columns if c in info.columns and c not in COVARIATE_KEY]
    dropped = f" EXCLUDE ({', '.join(shared)})" if shared else ""
    return (
        f"(SELECT f.*{dropped}, c.* EXCLUDE (exporter, importer, year) "
        f"FROM {flows(info)} f LEFT JOIN {flows(covariates)} c "
        f"USING (exporter, importer, year))"
    )


COVARIATE_KEY = ("exporter", "importer", "year")


def _aliases(code: str) -> list[str]:
    """``ROU`` -> ``['ROU', 'ROM']``: the code and every retired code it replaced."""
    return [code, *(old for old, new in RETIRED.items() if new == code)]


def pair_series(info: PanelInfo, a: str, b: str, product: str | None = None) -> pandas.DataFrame:
    """:func:`pair_rows` as a DataFrame (``exporter, importer, year, value_usd_m``)."""
    import pandas

    rows = pair_rows(info, a, b, product)
    frame = pandas.DataFrame(rows, columns=["exporter", "importer", "year", "value_usd_m"])
    return frame.astype({"year": "int64", "value_usd_m": "float64"})


def pair_rows(
    info: PanelInfo, a: str, b: str, product: str | None = None
) -> list[tuple[str, str, int, float]]:
    """Both directions of a pair by year, summed over products: ``(exporter, importer, year,
    value_usd_m)`` tuples ordered by year then exporter; ``a == b`` gives domestic trade.

    The sum runs in the column's own type (exact for BACI's decimals) and becomes a float last.

    ``product`` keeps the products whose code starts with it (an HS6 code, or an HS2/HS4
    prefix that sums a chapter or heading). A monthly panel (a ``month`` column) gives the
    years whose twelve months are all there, never a part-year as a year.
    """
    if info.kind != "flows":
        message = f"panel {info.id!r} holds covariates, not trade flows"
        raise ScenarioError([Problem("--panel", None, "", message)])
    if product is not None and not info.has_products:
        raise ScenarioError(
            [Problem("--product", None, "", f"panel {info.id!r} has no product rows")]
        )
    codes = sorted(set(_aliases(a) + _aliases(b)))
    marks = ", ".join("?" for _ in codes)
    where = f"exporter IN ({marks}) AND importer IN ({marks})"
    parameters: list = [*codes, *codes]
    if product is not None:
        where += " AND starts_with(product, ?)"
        parameters.append(product)
    monthly = "month" in info.columns
    month = ", month" if monthly else ""
    whole = " HAVING count(DISTINCT month) = 12" if monthly else ""
    sql = f"""
        SELECT exporter, importer, year, CAST(sum(value_usd_m) AS DOUBLE) AS value_usd_m
        FROM (
            SELECT {successor("exporter")} AS exporter, {successor("importer")} AS importer,
                   CAST(year AS INTEGER) AS year, value_usd_m{month}
            FROM {read_expression(info.path, info.columns)}
            WHERE {where}
        )
        WHERE (exporter = ? AND importer = ?) OR (exporter = ? AND importer = ?)
        GROUP BY exporter, importer, year{whole}
        ORDER BY year, exporter
    """
    with connect() as con:
        return con.execute(sql, [*parameters, a, b, b, a]).fetchall()


def file_columns(path: Path) -> tuple[str, ...]:
    """The column names of a CSV (its header line) or Parquet file; one line if unreadable."""
    name = str(path)
    if path.suffix.lower() == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle), [])
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise ScenarioError([Problem(name, 1, "", f"cannot read: {error}")]) from None
        return tuple(column.strip() for column in header)
    import duckdb

    try:
        with connect() as con:
            found = con.execute(f"DESCRIBE SELECT * FROM {read_expression(path)}").fetchall()
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        raise ScenarioError([Problem(name, None, "", f"not a Parquet file: {message}")]) from None
    return tuple(row[0] for row in found)


def table_summary(expression: str, name: str) -> dict:
    """Years, economies (count and codes) and rows of a table expression of flows."""
    import duckdb

    sql = f"""
        WITH f AS (SELECT {successor("exporter")} AS exporter, {successor("importer")} AS importer,
                          year FROM {expression})
        SELECT (SELECT min(year) FROM f), (SELECT max(year) FROM f), (SELECT count(*) FROM f),
               (SELECT list(DISTINCT code ORDER BY code) FROM
                   (SELECT exporter AS code FROM f UNION SELECT importer FROM f))
    """
    try:
        with connect() as con:
            first, last, rows, codes = con.execute(sql).fetchone() or (None, None, 0, [])
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        raise ScenarioError([Problem(name, None, "", f"cannot read: {message}")]) from None
    if not rows:
        raise ScenarioError([Problem(name, None, "", "no rows")])
    return {
        "years": (int(first), int(last)),
        "rows": int(rows),
        "economies": len(codes),
        "codes": tuple(codes),
    }
