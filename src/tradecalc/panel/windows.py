"""Pair series, windows and annual changes of a panel, counted in DuckDB (methods.md 14).

A pair's series is the sum of both directions' flows (``exporter != importer``) in the years
where both directions are known. Which years those are depends on how the panel's source
records absence (:data:`tradecalc.panel.info.ABSENCE`). Where a missing row means zero (AGTPA:
every row present, zeros explicit; BACI: only positive flows recorded), every pair seen in the
panel is known in every year the panel covers, zero where no row is. Where a missing row means
"not reported", a year is known only when both directions have a row. Only small arrays leave
DuckDB (one row per window or per annual change), as numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ZERO_RULES = frozenset({"complete", "zero"})
"""Absence rules under which a missing row in a covered year is a zero flow."""


@dataclass(frozen=True, eq=False)
class Windows:
    """The reference class: one entry per (pair, start year) window, as numpy arrays."""

    pair: np.ndarray  # (W,) int: an index into ``names``
    year: np.ndarray  # (W,) int: the start year t
    value: np.ndarray  # (W,) V_t [US$ m]
    peak: np.ndarray  # (W,) max(V_{t+1..t+H}) [US$ m]
    end: np.ndarray  # (W,) V_{t+H} [US$ m]
    names: tuple[tuple[str, str], ...]  # the pairs (alphabetical codes), by index


@dataclass(frozen=True, eq=False)
class Changes:
    """Annual log changes ln V_{t+1} - ln V_t of every pair (both values positive)."""

    pair: np.ndarray  # (N,) int: the same indices as :class:`Windows`
    year: np.ndarray  # (N,) int: the end year t + 1
    change: np.ndarray  # (N,) float
    start: np.ndarray  # (N,) V_t [US$ m]: the size class the change belongs to


def series_sql(table: str, absence: str, successor=None) -> str:
    """The SQL of the pair series ``(pair, a, b, year, v)``: ``a < b`` the two codes.

    ``table`` holds the raw flows; the products are summed first (a 50-million-row panel
    becomes one row per direction and year), and only then are codes mapped by ``successor``
    (SQL of a column: retired codes read as their successors) and ordered into pairs."""
    code = successor or (lambda column: column)
    raw = f"""
        SELECT exporter, importer, year, sum(value_usd_m::DOUBLE) AS v
        FROM {table} WHERE exporter <> importer GROUP BY exporter, importer, year"""
    mapped = f"""
        SELECT {code("exporter")} AS exporter, {code("importer")} AS importer, year, v
        FROM ({raw})"""
    directed = f"""
        SELECT least(exporter, importer) AS a, greatest(exporter, importer) AS b,
               exporter < importer AS forward, year, sum(v) AS v
        FROM ({mapped}) WHERE exporter <> importer GROUP BY ALL"""
    if absence in ZERO_RULES:
        summed = f"""
            WITH d AS ({directed}),
                 p AS (SELECT DISTINCT a, b FROM d),
                 y AS (SELECT DISTINCT year FROM d),
                 s AS (SELECT a, b, year, sum(v) AS v FROM d GROUP BY a, b, year)
            SELECT p.a, p.b, y.year, coalesce(s.v, 0.0) AS v
            FROM p CROSS JOIN y LEFT JOIN s ON s.a = p.a AND s.b = p.b AND s.year = y.year"""
    else:
        summed = f"""
            WITH d AS ({directed})
            SELECT a, b, year, sum(v) AS v FROM d GROUP BY a, b, year
            HAVING count(DISTINCT forward) = 2"""
    return f"""
        SELECT (dense_rank() OVER (ORDER BY a, b) - 1)::INTEGER AS pair, a, b,
               year::INTEGER AS year, v::DOUBLE AS v
        FROM ({summed})"""


def load_series(con, table: str, absence: str, successor=None) -> None:
    """Materialise the pair series once as the temporary table ``series`` (quietly: DuckDB's
    progress bar would write to the terminal)."""
    con.execute("SET enable_progress_bar = false")
    sql = series_sql(table, absence, successor)
    con.execute(f"CREATE OR REPLACE TEMP TABLE series AS {sql}")


def pair_names(con) -> tuple[tuple[str, str], ...]:
    rows = con.execute("SELECT DISTINCT pair, a, b FROM series ORDER BY pair").fetchall()
    return tuple((a, b) for _, a, b in rows)


def windows(con, low: float, high: float, horizon: int) -> Windows:
    """Every (pair, t) with V_t in [low, high] and a value in each of t+1 .. t+H."""
    got = con.execute(
        f"""
        SELECT pair, year, v, peak, last FROM (
            SELECT pair, year, v,
                   max(v) OVER ahead AS peak,
                   count(v) OVER ahead AS known,
                   last(v) OVER ahead AS last
            FROM series
            WINDOW ahead AS (PARTITION BY pair ORDER BY year
                             RANGE BETWEEN 1 FOLLOWING AND {int(horizon)} FOLLOWING))
        WHERE known = {int(horizon)} AND v BETWEEN $low AND $high
        ORDER BY pair, year""",
        {"low": low, "high": high},
    ).fetchnumpy()
    return Windows(
        pair=np.asarray(got["pair"], dtype=np.int64),
        year=np.asarray(got["year"], dtype=np.int64),
        value=np.asarray(got["v"], dtype=float),
        peak=np.asarray(got["peak"], dtype=float),
        end=np.asarray(got["last"], dtype=float),
        names=pair_names(con),
    )


def changes(con, low: float | None = None, high: float | None = None) -> Changes:
    """The annual log changes of consecutive known years with both values positive; only those
    whose start value lies in [low, high] when a band is given (the size class)."""
    band = "" if low is None else "AND v BETWEEN $low AND $high"
    params = {} if low is None else {"low": low, "high": high}
    got = con.execute(
        f"""
        SELECT pair, year + 1 AS year, ln(next) - ln(v) AS change, v FROM (
            SELECT pair, year, v,
                   lead(v) OVER (PARTITION BY pair ORDER BY year) AS next,
                   lead(year) OVER (PARTITION BY pair ORDER BY year) AS after
            FROM series)
        WHERE after = year + 1 AND v > 0 AND next > 0 {band}
        ORDER BY pair, year""",
        params,
    ).fetchnumpy()
    return Changes(
        pair=np.asarray(got["pair"], dtype=np.int64),
        year=np.asarray(got["year"], dtype=np.int64),
        change=np.asarray(got["change"], dtype=float),
        start=np.asarray(got["v"], dtype=float),
    )
