"""Product rows in a Parquet file beside the data file that names it (`products.file`).

YAML with line numbers is right for what a person reads and edits (the record, the mirror,
sources) and wrong for a world fetch's 250,000 product rows: `fetch --detail ... -o F.yaml`
writes the rows of `products.rows` and `products.world` to ``F.products.parquet`` beside it,
and the data file says ``products: {detail: hs4, file: F.products.parquet}``. Only the
commands that use product rows read the file (:func:`load`: headroom, the brief's headroom,
a deal checked against its market); `project` on a scenario that extends the data file never
opens it. Rows written in the YAML keep working as before.

The file is read as carefully as a saved answer: a plain name beside the data file (no
folder), a regular file (a FIFO or a device is refused without blocking), at most
:data:`MAX_BYTES`, and every row checked by the rules of a row in the YAML (the field types,
HS codes at the file's detail, a pair row's reporter one of the two economies, a source id the
data file cites, no row twice), each problem ``FILE:ROW: column: message``.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.scenario.sections import ProductRow, Products
from tradecalc.scenario.yamlread import Doc, display_name

SUFFIX = ".products.parquet"
COLUMNS = ("part", "year", "reporter", "partner", "flow", "product", "value_usd_m", "source")
MAX_BYTES = 200_000_000
"""The largest product file read (a world fetch at HS4 is a few MB of Parquet)."""
MOST = 50
"""Problems listed at most; past it, one line says how many more there are."""
CODE = r"^[A-Z][A-Z0-9]{1,9}$"
DIGITS = {"hs2": 2, "hs4": 4}


def beside(data_file: Path) -> Path:
    """The product file of a data file: ``F.yaml`` -> ``F.products.parquet``."""
    return data_file.with_name(data_file.stem + SUFFIX)


def anchor(doc: Any, path: Path) -> None:
    """Resolve `products.file` against the folder of the file that names it (every parsed
    file calls this, so a scenario's `extends:` finds its data file's rows); a name with a
    folder in it is refused at its line."""
    products = doc.get("products") if isinstance(doc, dict) else None
    if not isinstance(products, Doc) or "file" not in products:
        return
    name = products["file"]
    if not isinstance(name, str) or name in ("", ".", "..") or name != Path(name).name:
        file, line = products.pos.get("file", (doc.here[0], None))
        message = "a plain file name beside this data file (no folder in it)"
        raise ScenarioError([Problem(file, line, "products.file", message)])
    products["file"] = str(path.parent / name)


def load(
    products: Products | None,
    codes: tuple[str, ...] = (),
    sources: set[str] | None = None,
    part: str | None = None,
) -> Products | None:
    """``products`` with the rows of its file read in (unchanged without a file); ``part``
    ``rows`` reads the pair's rows only. ScenarioError, one line per problem."""
    if products is None or products.file is None:
        return products
    path = Path(products.file)
    name = display_name(path)
    if products.rows or products.world:
        message = "rows are in the YAML and in a file: keep them in one place"
        raise ScenarioError([Problem(name, None, "products.file", message)])
    _check_file(path, name)
    from tradecalc.scenario.hs import is_known

    with _connection() as con:
        source = _table(con, path, name)
        found = _problems(con, source, name, products.detail, codes, sources)
        unknown = [
            Problem(name, row, "product", f"unknown HS code {code!r}")
            for code, row in con.execute(
                f"SELECT product, min(line) FROM {source} GROUP BY product ORDER BY 2"
            ).fetchall()
            if code is not None and not is_known(code)
        ]
        if found or unknown:
            raise ScenarioError(sorted(found + unknown, key=lambda p: p.line or 0)[:MOST])
        pair = con.execute(
            f"SELECT {', '.join(COLUMNS[1:])} FROM {source} WHERE part = 'rows' ORDER BY line"
        ).fetchall()
        world = None if part == "rows" else _world_columns(con, source)
    rows = [checked_row(dict(zip(COLUMNS[1:], row, strict=True))) for row in pair]
    loaded = products.model_copy(update={"rows": rows})
    return loaded if world is None else loaded.with_world_exports(world)


def _world_columns(con, source: str):
    """The world rows' exports to the world as columns, never as row objects
    (:mod:`~tradecalc.scenario.world_exports`: 250,000 of them at HS4)."""
    from tradecalc.scenario.terms import WORLD
    from tradecalc.scenario.world_exports import WorldExports

    found = con.execute(
        f"""SELECT CAST(year AS BIGINT) AS year, reporter, product,
                   CAST(value_usd_m AS DOUBLE) AS value_usd_m
            FROM {source} WHERE part = 'world' AND partner = '{WORLD}' AND flow = 'X'
            ORDER BY line"""
    ).fetchnumpy()
    return WorldExports.of_columns(found, ("year", "reporter", "product", "value_usd_m"))


FIELDS = frozenset(COLUMNS[1:])


def checked_row(fields: dict[str, Any]) -> ProductRow:
    """A :class:`ProductRow` of fields the SQL checks above have validated, built as
    ``model_construct`` builds one (every field set, no extra, no private state) without its
    per-field default handling: a third of its time, which at 250,000 rows is two seconds."""
    row = ProductRow.__new__(ProductRow)
    object.__setattr__(row, "__dict__", fields)
    object.__setattr__(row, "__pydantic_fields_set__", set(FIELDS))
    object.__setattr__(row, "__pydantic_extra__", None)
    object.__setattr__(row, "__pydantic_private__", None)
    return row


def _check_file(path: Path, name: str) -> None:
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ScenarioError([Problem(name, None, "", f"cannot read: {reason}")]) from None
    try:
        info = os.fstat(handle)
    finally:
        os.close(handle)
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError([Problem(name, None, "", "not a regular file")])
    if info.st_size > MAX_BYTES:
        message = f"{info.st_size:,} bytes: more than {MAX_BYTES:,} (not a product file?)"
        raise ScenarioError([Problem(name, None, "", message)])


@contextlib.contextmanager
def _connection() -> Iterator[Any]:
    import duckdb

    con = duckdb.connect(config={"memory_limit": "512MB"})
    try:
        con.execute("SET enable_progress_bar = false")
        yield con
    finally:
        con.close()


def _table(con, path: Path, name: str) -> str:
    import duckdb

    literal = "'" + str(path).replace("'", "''") + "'"
    try:
        columns = [
            r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({literal})").fetchall()
        ]
    except duckdb.Error:
        message = "not a Parquet file (damaged, or another format)"
        raise ScenarioError([Problem(name, None, "", message)]) from None
    if sorted(columns) != sorted(COLUMNS):
        message = f"expected the columns {', '.join(COLUMNS)}, found {', '.join(columns)[:200]}"
        raise ScenarioError([Problem(name, None, "", message)])
    con.execute(
        f"""CREATE TEMP TABLE product_rows AS
            SELECT file_row_number + 1 AS line, * EXCLUDE (file_row_number)
            FROM read_parquet({literal}, file_row_number = true)"""
    )
    return "product_rows"


def _problems(con, source, name, detail, codes, sources) -> list[Problem]:
    """Every bad row, by the rules of a row written in the YAML."""
    digits = DIGITS.get(detail, 4)
    rules = [
        ("part", "part IS NULL OR part NOT IN ('rows', 'world')", "not rows or world"),
        ("year", "TRY_CAST(year AS INTEGER) IS NULL OR TRY_CAST(year AS INTEGER) NOT BETWEEN "
         "1900 AND 2200", "not a year from 1900 to 2200"),
        ("reporter", f"NOT regexp_full_match(coalesce(CAST(reporter AS VARCHAR), ''), '{CODE}')",
         "not an economy code"),
        ("partner", f"NOT regexp_full_match(coalesce(CAST(partner AS VARCHAR), ''), '{CODE}')",
         "not an economy code (or WLD)"),
        ("flow", "flow IS NULL OR flow NOT IN ('M', 'X')", "not M or X"),
        ("product", f"NOT regexp_full_match(coalesce(CAST(product AS VARCHAR), ''), "
         f"'[0-9]{{{digits}}}')", f"not a {digits}-digit HS code (detail: {detail})"),
        ("value_usd_m", "TRY_CAST(value_usd_m AS DOUBLE) IS NULL OR NOT "
         "isfinite(TRY_CAST(value_usd_m AS DOUBLE)) OR TRY_CAST(value_usd_m AS DOUBLE) < 0 OR "
         "TRY_CAST(value_usd_m AS DOUBLE) > 1e9", "not a value from 0 to 1e9 (US$ m)"),
    ]  # fmt: skip
    if codes:
        listed = ", ".join(f"'{c}'" for c in codes if c.isalnum())
        rules.append(
            ("reporter", f"part = 'rows' AND reporter NOT IN ({listed})",
             f"not one of the file's economies ({', '.join(codes)}): other reporters' exports "
             "go in the world rows"),
        )  # fmt: skip
    if sources is not None:
        known = ", ".join(f"'{s.replace(chr(39), '')}'" for s in sorted(sources)) or "''"
        rules.append(("source", f"source IS NOT NULL AND source NOT IN ({known})",
                      "not an id of the data file's sources"))  # fmt: skip
    selects = [
        f"SELECT line, '{column}' AS col, '{message.replace(chr(39), chr(39) * 2)}' AS message "
        f"FROM {source} WHERE {bad}"
        for column, bad, message in rules
    ]
    selects.append(
        f"""SELECT line, 'product', printf('the same part, year, reporter, partner, flow and '
                   || 'product as row %d: write each value once (the two would be added)', first)
            FROM (SELECT line, min(line) OVER (PARTITION BY part, year, reporter, partner, flow,
                                               product) AS first FROM {source})
            WHERE line > first"""
    )
    found = con.execute(
        f"SELECT line, col, message FROM ({' UNION ALL '.join(selects)}) "
        f"ORDER BY line LIMIT {MOST + 1}"
    ).fetchall()
    problems = [Problem(name, line, col, message) for line, col, message in found[:MOST]]
    if len(found) > MOST:
        problems.append(Problem(name, None, "", f"more than {MOST} problems: the first shown"))
    return problems


def staged_rows(document: dict, data_file: Path) -> Path | None:
    """Move a built data file's product rows into a hidden Parquet file beside ``data_file``;
    the document then names the file. Returns the staged path (:func:`committed` renames it
    into place after the YAML is written), or None when the document has no product rows."""
    products = document.get("products")
    if not products or not (products.get("rows") or products.get("world")):
        return None
    import pandas as pd
    from pydantic import TypeAdapter

    for part in ("rows", "world"):  # the contract, as to_yaml checks the YAML: a slip is a bug
        TypeAdapter(list[ProductRow]).validate_python(products.get(part) or [])

    target = beside(data_file)
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    frame = pd.DataFrame.from_records(_records(products), columns=list(COLUMNS))
    frame["value_usd_m"] = frame["value_usd_m"].astype(float)
    if not all(math.isfinite(v) for v in frame["value_usd_m"]):  # a builder bug, never input
        raise ValueError("a product row's value is not finite")
    import duckdb

    try:
        with _connection() as con:
            con.register("staged", frame)
            literal = "'" + str(staged).replace("'", "''") + "'"
            con.execute(
                f"""COPY (SELECT part, CAST(year AS SMALLINT) AS year, reporter, partner, flow,
                                 product, value_usd_m, source FROM staged)
                    TO {literal} (FORMAT parquet, COMPRESSION zstd)"""
            )
    except (OSError, duckdb.Error) as error:
        staged.unlink(missing_ok=True)
        from tradecalc.core.safeio import WriteError
        from tradecalc.core.sanitize import clean

        reason = clean(getattr(error, "strerror", None) or "the Parquet writer failed", 120)
        raise WriteError(
            [Problem(display_name(target), None, "", f"cannot write: {reason}")]
        ) from None
    kept = {k: v for k, v in products.items() if k not in ("rows", "world")}
    document["products"] = {**kept, "file": target.name}
    return staged


def _records(products: dict) -> Iterator[tuple]:
    for part in ("rows", "world"):
        for row in products.get(part) or ():
            yield (part, *(row.get(column) for column in COLUMNS[1:]))


def committed(staged: Path, data_file: Path) -> None:
    """Rename the staged product file into place, beside the data file just written."""
    os.replace(staged, beside(data_file))
