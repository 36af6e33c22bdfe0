"""Reading a tidy panel file (CSV or Parquet in the panel's own columns) into panel Parquet.

The columns (docs/panel.md): ``exporter``, ``importer`` (ISO3), ``year``, ``value_usd_m``
(nominal US$ million) are required; ``product`` (an HS code, as text) and ``quantity_t`` are
optional, and so are the covariates of :data:`COVARIATES`. A column outside these is refused
(a misspelt ``value`` must not pass unseen). Retired codes are written as their successors.
"""

from __future__ import annotations

import re
from pathlib import Path

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.panel import checks, query
from tradecalc.panel.info import REQUIRED
from tradecalc.panel.query import RETIRED, file_columns, literal, successor

OPTIONAL = ("product", "quantity_t")
COVARIATES = re.compile(
    r"pair_id|dist|distw|cntg|lang|clny|rta|rta_(lag|lead)\d+|wto_[od]|eu_[od]"
    r"|gdp_[od]|gdpcap_[od]|pop_[od]|landlocked_[od]|smctry|comcur|comrelig|legal"
)
"""Covariate names a panel may carry (docs/panel.md): numbers, empty when unknown."""
KEY = ("exporter", "importer", "year", "product")


def columns_of(path: Path) -> tuple[str, ...]:
    """A tidy file's columns, checked: the required ones present, none unknown."""
    name = str(path)
    columns = file_columns(path)
    problems = [
        Problem(name, 1, c, "missing: a panel file has " + ", ".join(REQUIRED))
        for c in REQUIRED
        if c not in columns
    ]
    problems += [
        Problem(name, 1, c, "not a panel column (docs/panel.md lists them)")
        for c in columns
        if c not in REQUIRED and c not in OPTIONAL and not COVARIATES.fullmatch(c)
    ]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    problems += [Problem(name, 1, c, "named twice") for c in repeated]
    if problems:
        raise ScenarioError(problems)
    return columns


def _select(columns: tuple[str, ...]) -> str:
    """The panel's typed columns from a tidy file's, codes upper-cased and successors mapped."""
    out = []
    for column in columns:
        if column in ("exporter", "importer"):
            out.append(f"{successor(f'upper(trim({column}))')} AS {column}")
        elif column == "year":
            out.append("CAST(year AS SMALLINT) AS year")
        elif column == "product":
            out.append("CAST(product AS VARCHAR) AS product")
        else:
            out.append(f'CAST("{column}" AS DOUBLE) AS "{column}"')
    return ", ".join(out)


def source_sql(path: Path, columns: tuple[str, ...]) -> str:
    """The raw rows of a tidy file, every column as text for a CSV (cast in :func:`_select`)."""
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({literal(str(path))})"
    spec = ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns)
    return (
        f"read_csv({literal(str(path))}, header = true, auto_detect = false, columns = {{{spec}}})"
    )


def convert(con, path: Path, target: Path) -> tuple[tuple[str, ...], list[Problem]]:
    """One tidy file -> one Parquet file of panel rows: its columns and its warnings (retired
    codes, a CSV without a final line end), or every problem in it."""
    import duckdb

    columns = columns_of(path)
    name = str(path)
    sql = (
        f"COPY (SELECT {_select(columns)} FROM {source_sql(path, columns)}) "
        f"TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)"
    )
    try:
        con.execute(sql)
        clean = _bulk_check(con, target, columns)
    except duckdb.Error as error:
        if (stop := query.failure(error, name)) is not None:
            raise stop from None
        clean, failure = False, str(error).splitlines()[0]
    else:
        failure = "repeated rows"
    if not clean:
        problems = _locate(con, path, columns)
        raise ScenarioError(problems or [Problem(name, None, "", failure)])
    return columns, _warnings(con, path, columns)


def _bulk_check(con, target: Path, columns: tuple[str, ...]) -> bool:
    rows = f"read_parquet({literal(str(target))})"
    numbers = [c for c in columns if c not in ("exporter", "importer", "year", "product")]
    bad = [
        "NOT regexp_full_match(coalesce(exporter, ''), '[A-Z]{3}')",
        "NOT regexp_full_match(coalesce(importer, ''), '[A-Z]{3}')",
        "year IS NULL OR year NOT BETWEEN 1800 AND 2200",
        "value_usd_m IS NULL",
        *(f'"{c}" < 0 OR NOT isfinite("{c}")' for c in numbers),
    ]
    if "product" in columns:
        bad.append("NOT regexp_full_match(coalesce(product, ''), '[0-9]{2,12}')")
    condition = " OR ".join(f"({b})" for b in bad)
    if con.execute(f"SELECT count(*) FROM {rows} WHERE {condition}").fetchone()[0]:
        return False
    key = ", ".join(c for c in KEY if c in columns)
    repeated = f"SELECT count(*) FROM (SELECT 1 FROM {rows} GROUP BY {key} HAVING count(*) > 1)"
    return con.execute(repeated).fetchone()[0] == 0


def _locate(con, path: Path, columns: tuple[str, ...]) -> list[Problem]:
    listed = list(columns)
    rules = []
    for column in ("exporter", "importer"):
        code = f"upper({column})"
        rules.append(
            checks.text_rule(
                column,
                f"NOT regexp_full_match(coalesce({code}, ''), '[A-Z]{{3}}')",
                "not an ISO 3166 alpha-3 code",
            )
        )
    rules.append(
        checks.text_rule(
            "year",
            "TRY_CAST(year AS INTEGER) NOT BETWEEN 1800 AND 2200 "
            "OR TRY_CAST(year AS INTEGER) IS NULL",
            "not a year",
        )
    )
    if "product" in columns:
        rules.append(
            checks.text_rule(
                "product",
                "NOT regexp_full_match(coalesce(product, ''), '[0-9]{2,12}')",
                "not an HS code (digits, as text)",
            )
        )
    rules += checks.number_rules("value_usd_m")
    for column in columns:
        if column not in (*REQUIRED, "product"):
            rules += checks.number_rules(column, optional=True)
    key = [c for c in KEY if c in columns]
    if path.suffix.lower() == ".parquet":
        cells = checks.parquet_cells(path, listed)
    else:
        cells = checks.csv_cells(path, listed)
    return checks.bad_rows(con, str(path), cells, len(listed), rules, key, "value_usd_m")


def _warnings(con, path: Path, columns: tuple[str, ...]) -> list[Problem]:
    """A CSV without a final line end; retired codes read as their successors (once a file)."""
    name, warnings = str(path), []
    codes = ", ".join(literal(old) for old in RETIRED)
    found = con.execute(
        f"""SELECT DISTINCT upper(trim(code)) FROM (
                SELECT exporter AS code FROM {source_sql(path, columns)}
                UNION ALL SELECT importer FROM {source_sql(path, columns)})
            WHERE upper(trim(code)) IN ({codes}) ORDER BY 1"""
    ).fetchall()
    if found:
        pairs = ", ".join(f"{old} as {RETIRED[old]}" for (old,) in found)
        warnings.append(Problem(name, None, "", f"retired codes read as their successors: {pairs}"))
    if path.suffix.lower() == ".csv" and (line := checks.ends_mid_row(path)) is not None:
        message = "no line end after the last row: check that the file is complete"
        warnings.append(Problem(name, line, "", message))
    return warnings
