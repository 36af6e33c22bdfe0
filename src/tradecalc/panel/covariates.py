"""Covariates from CEPII's Gravity database and the USITC Dynamic Gravity Dataset, under the
panel's column names, as a covariate table in the store.

Each source's documented names are mapped to the panel's (:data:`GRAVITY`, :data:`DGD`; what was
checked and what was not is in docs/panel.md). Only the mapped columns are read (DuckDB reads
the rest of a wide CSV without keeping it); rows of economies that did not exist that year
(Gravity's ``country_exists_o``/``_d`` equal to 0) are left out. A covariate table joins a
panel's flows on ``exporter, importer, year`` (:func:`tradecalc.panel.query.with_covariates`).
"""

from __future__ import annotations

from pathlib import Path

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.panel.query import literal, successor

GRAVITY = {
    "iso3_o": "exporter",
    "iso3_d": "importer",
    "year": "year",
    "distw_harmonic": "dist",
    "contig": "cntg",
    "comlang_off": "lang",
    "col_dep_ever": "clny",
    "fta_wto": "rta",
    "gdp_o": "gdp_o",
    "gdp_d": "gdp_d",
    "pop_o": "pop_o",
    "pop_d": "pop_d",
    "eu_o": "eu_o",
    "eu_d": "eu_d",
    "wto_o": "wto_o",
    "wto_d": "wto_d",
}
"""CEPII Gravity (V202211) -> panel: population-weighted (harmonic) distance, contiguity,
common official language, colonial link ever, RTA in force (WTO list), GDP and population as
the source gives them, EU and WTO membership."""
DGD = {
    "iso3_o": "exporter",
    "iso3_d": "importer",
    "year": "year",
    "distance": "dist",
    "contiguity": "cntg",
    "common_language": "lang",
    "colony_ever": "clny",
    "agree_pta": "rta",
    "gdp_wdi_cur_o": "gdp_o",
    "gdp_wdi_cur_d": "gdp_d",
    "pop_o": "pop_o",
    "pop_d": "pop_d",
    "member_eu_o": "eu_o",
    "member_eu_d": "eu_d",
    "member_wto_o": "wto_o",
    "member_wto_d": "wto_d",
    "landlocked_o": "landlocked_o",
    "landlocked_d": "landlocked_d",
}
"""USITC Dynamic Gravity Dataset (release 2.1) -> panel: population-weighted distance,
contiguity, common language, colonial relationship ever, any preferential trade agreement on
goods, nominal GDP (WDI) and population as the source gives them, EU and WTO membership,
landlocked."""
SOURCES = {
    "cepii-gravity": (
        GRAVITY,
        ("distw_harmonic", "contig", "comlang_off"),
        "CEPII Gravity database (Conte, Cotterlaz and Mayer 2022, CEPII Working Paper 2022-05)",
        "not stated",
    ),
    "usitc-dgd": (
        DGD,
        ("distance", "contiguity", "common_language"),
        "USITC Dynamic Gravity Dataset (Gurevich and Herman 2018, USITC Working Paper 2018-02-A)",
        "CC0 (U.S. Government work)",
    ),
}
"""Per source: its column map, the columns that tell it apart, its citation, its licence."""
KEY = ("exporter", "importer", "year")


def recognise(columns: tuple[str, ...]) -> str | None:
    """``cepii-gravity``, ``usitc-dgd`` or None, from a file's header."""
    for name, (_, marks, _, _) in SOURCES.items():
        if {"iso3_o", "iso3_d", "year"} <= set(columns) and set(marks) <= set(columns):
            return name
    return None


def metadata(source: str, path: Path) -> dict:
    _, _, citation, licence = SOURCES[source]
    return {
        "id": source,
        "kind": "covariates",
        "title": f"{citation.split(' (')[0]}: covariates ({path.name})",
        "release": path.name,
        "source_url": "not stated",
        "licence": licence,
        "attribution": citation,
        "absence": "not-reported",
        "absence_note": "a missing pair-year has no covariates (unknown, not zero)",
        "value": None,
        "product": None,
    }


def convert(con, source: str, path: Path, columns: tuple[str, ...], target: Path) -> None:
    """The mapped columns of a Gravity or DGD file -> one Parquet covariate table."""
    mapping = {k: v for k, v in SOURCES[source][0].items() if k in columns}
    types = {
        k: "VARCHAR" if v in ("exporter", "importer") else "DOUBLE" for k, v in mapping.items()
    }
    exists = [c for c in ("country_exists_o", "country_exists_d") if c in columns]
    types.update({c: "DOUBLE" for c in exists})
    spec = ", ".join(f"{literal(k)}: {literal(v)}" for k, v in types.items())
    reader = (
        f"read_csv({literal(str(path))}, header = true, store_rejects = true, types = {{{spec}}})"
        if path.suffix.lower() == ".csv"
        else f"read_parquet({literal(str(path))})"
    )
    select = ", ".join(_column(k, v) for k, v in mapping.items())
    where = " AND ".join(f"{c} = 1" for c in exists) or "true"
    sql = (
        f"COPY (SELECT {select} FROM {reader} WHERE {where}) "
        f"TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)"
    )
    import duckdb

    try:
        con.execute(sql)
    except duckdb.Error as error:
        raise ScenarioError([Problem(str(path), None, "", str(error).splitlines()[0])]) from None
    problems = _rejected(con, path)
    if not problems and not _clean(con, target):
        first = 2 if path.suffix.lower() == ".csv" else 1
        numbered = (
            f"(SELECT line, {select} FROM (SELECT row_number() OVER () + {first - 1} AS line, * "
            f"FROM {reader}) WHERE {where})"
        )
        problems = _locate(con, str(path), numbered, [v for v in mapping.values() if v not in KEY])
    if problems:
        raise ScenarioError(problems)


def _column(source: str, name: str) -> str:
    if name in ("exporter", "importer"):
        return f"{successor(f'upper(trim({source}))')} AS {name}"
    if name == "year":
        return f"CAST({source} AS SMALLINT) AS year"
    return f"CAST({source} AS DOUBLE) AS {name}"


def _rejected(con, path: Path) -> list[Problem]:
    """Cells DuckDB could not read as numbers, by line (CSV only)."""
    if path.suffix.lower() != ".csv":
        return []
    rows = con.execute(
        "SELECT line, column_name, error_type, csv_line FROM reject_errors "
        "ORDER BY line, column_name LIMIT 50"
    ).fetchall()
    return [Problem(str(path), line, col or "", _reason(kind)) for line, col, kind, _ in rows]


def _reason(kind: str) -> str:
    return {"CAST": "not a number", "MISSING COLUMNS": "too few fields"}.get(
        kind, kind.lower().replace("_", " ")
    )


CODE = "NOT regexp_full_match(coalesce({0}, ''), '[A-Z][A-Z0-9]{{2}}')"
NUMBER = "NOT isfinite({0}) OR {0} < 0"


def _conditions(numbers: list[str]) -> list[tuple[str, str, str]]:
    return [
        ("exporter", CODE.format("exporter"), "not an ISO3 code"),
        ("importer", CODE.format("importer"), "not an ISO3 code"),
        *((c, NUMBER.format(c), "not a finite number at least 0") for c in numbers),
    ]


def _clean(con, target: Path) -> bool:
    """Whether the copied table is valid: codes, finite numbers, one row per pair-year."""
    rows = f"read_parquet({literal(str(target))})"
    numbers = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rows}").fetchall()]
    numbers = [c for c in numbers if c not in KEY]
    bad = " OR ".join(f"({condition})" for _, condition, _ in _conditions(numbers))
    if con.execute(f"SELECT count(*) FROM {rows} WHERE {bad}").fetchone()[0]:
        return False
    repeated = f"SELECT count(*) FROM {rows} GROUP BY exporter, importer, year HAVING count(*) > 1"
    return not con.execute(repeated).fetchall()


def _locate(con, name: str, numbered: str, numbers: list[str]) -> list[Problem]:
    parts = [  # each rule numbered, so a line's problems come in the rules' order every run
        f"SELECT line, {rule} AS rule, {literal(col)} AS col, {literal(message)} AS message "
        f"FROM m WHERE {bad}"
        for rule, (col, bad, message) in enumerate(_conditions(numbers))
    ]
    parts.append(
        f"SELECT line, {len(parts)}, 'year', printf('repeats the pair-year of line %d', first) "
        "FROM (SELECT line, min(line) OVER (PARTITION BY exporter, importer, year) AS first "
        "FROM m) WHERE line > first"
    )
    sql = (
        f"WITH m AS {numbered} SELECT line, col, message FROM ({' UNION ALL '.join(parts)}) "
        "ORDER BY line, rule LIMIT 50"
    )
    return [Problem(name, line, col, message) for line, col, message in con.execute(sql).fetchall()]
