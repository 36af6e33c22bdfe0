"""Reading a CEPII BACI release into panel Parquet, streamed, one yearly file at a time.

A release is a zip (``BACI_HS92_V202501.zip``) or its files: one CSV a year,
``BACI_HS92_Y2023_V202501.csv`` with the header ``t,i,j,k,v,q`` (year; exporter and importer by
BACI's numeric country code; HS6 product, kept as text; value in US$ thousands; quantity in
tonnes, ``NA`` or empty when unknown), and ``country_codes_V202501.csv`` mapping the numeric
codes to ISO3 (never ISO numeric: BACI's codes are Comtrade's). A zip member is streamed to a
file in the store's staging directory (DuckDB reads paths, not zip members), converted, and
deleted, so disk and memory stay bounded by one year. Values become ``value_usd_m`` as
``DECIMAL(18, 6)``: US$ thousands with three decimals divided by 1,000 exactly, so product rows
sum to their totals to the dollar.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.panel import checks, query
from tradecalc.panel.query import RETIRED, literal

YEARLY = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_V(\w+)\.csv", re.IGNORECASE)
CODES = re.compile(r"country_codes_V(\w+)\.csv", re.IGNORECASE)
RELEASE = re.compile(r"BACI_(HS\d\d)_V(\w+)\.zip", re.IGNORECASE)
HEADER = ["t", "i", "j", "k", "v", "q"]
CODE_COLUMNS = (("country_code", "country_iso3"), ("country_code", "iso_3digit_alpha"))
"""The codes file's columns: the current releases', and the older ``iso_3digit_alpha``."""
LICENCE = "Etalab Open Licence 2.0"
SOURCE_URL = "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37"
CHUNK = 1 << 20


def recognises(path: Path) -> bool:
    """Whether a file is (part of) a BACI release, by its name."""
    return any(p.fullmatch(path.name) for p in (YEARLY, CODES, RELEASE))


@dataclass(frozen=True)
class Yearly:
    """One yearly file: its name in messages (``release.zip:member`` inside a zip), its year,
    its HS revision and release, and where to read it (a path, or a zip and member)."""

    name: str
    year: int
    revision: str
    release: str
    size: int
    path: Path | None = None
    archive: Path | None = None
    member: str | None = None


def parts(files: list[Path]) -> tuple[list[Yearly], tuple[str, bytes]]:
    """The yearly files and the country-codes file (its name and bytes) of a release.

    A codes file not named on the command line is looked for beside the yearly files.
    """
    yearly: list[Yearly] = []
    codes: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    for path in files:
        try:
            if RELEASE.fullmatch(path.name) or zipfile.is_zipfile(path):
                _zip_parts(path, yearly, codes)
            elif match := YEARLY.fullmatch(path.name):
                yearly.append(_yearly(str(path), match, path.stat().st_size, path=path))
            elif CODES.fullmatch(path.name):
                codes.append((str(path), path.read_bytes()))
            else:
                problems.append(Problem(str(path), None, "", "not a file of a BACI release"))
        except ScenarioError as error:
            problems += error.problems
        except OSError as error:
            problems.append(Problem(str(path), None, "", f"cannot read: {error.strerror}"))
    if problems:
        raise ScenarioError(problems)
    return yearly, _one_codes_file(files, yearly, codes)


def _yearly(name: str, match: re.Match, size: int, **where) -> Yearly:
    revision, year, release = match.groups()
    return Yearly(name, int(year), revision.upper(), "V" + release.upper(), size, **where)


def _zip_parts(path: Path, yearly: list[Yearly], codes: list) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            for entry in archive.infolist():
                base = entry.filename.rsplit("/", 1)[-1]
                if match := YEARLY.fullmatch(base):
                    where = {"archive": path, "member": entry.filename}
                    yearly.append(_yearly(f"{path}:{base}", match, entry.file_size, **where))
                elif CODES.fullmatch(base):
                    codes.append((f"{path}:{base}", archive.read(entry)))
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        message = f"not a complete zip file (truncated or damaged): {error}"
        raise ScenarioError([Problem(str(path), None, "", message)]) from None


def _one_codes_file(files, yearly, codes) -> tuple[str, bytes]:
    if not yearly:
        names = ", ".join(str(f) for f in files)
        raise ScenarioError([Problem(names, None, "", "no yearly BACI_..._Y{year}_V....csv file")])
    if not codes:
        beside = {f.parent for f in files if f.is_file()}
        found = sorted(p for d in beside for p in d.glob("country_codes_V*.csv"))
        codes = [(str(p), p.read_bytes()) for p in found[-1:]]
    if not codes:
        message = "the release's country_codes_V....csv is needed: name it too"
        raise ScenarioError([Problem(yearly[0].name, None, "", message)])
    return codes[-1]


def country_codes(name: str, data: bytes) -> dict[int, str]:
    """BACI's numeric country codes -> ISO3 (retired codes as their successors)."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(rows, [])]
    columns = next((c for c in CODE_COLUMNS if set(c) <= set(header)), None)
    if columns is None:
        message = "missing: a codes file has country_code and country_iso3"
        raise ScenarioError([Problem(name, 1, "country_iso3", message)])
    at_code, at_iso = (header.index(c) for c in columns)
    mapping, problems = {}, []
    for line, row in enumerate(rows, 2):
        if len(row) <= max(at_code, at_iso) or not row[at_code].strip().isdigit():
            problems.append(Problem(name, line, "country_code", "not a numeric country code"))
            continue
        iso = row[at_iso].strip().upper()
        if iso:
            mapping[int(row[at_code])] = RETIRED.get(iso, iso)
    if problems:
        raise ScenarioError(problems)
    return mapping


@contextmanager
def readable(part: Yearly, work: Path, progress=None) -> Iterator[Path]:
    """A path DuckDB can read for one yearly file: the file itself, or the zip member streamed
    to a temporary file in ``work`` (deleted afterwards)."""
    if part.path is not None:
        yield part.path
        if progress is not None:
            progress.advance(part.size)
        return
    target = work / "member.csv"
    if part.archive is None or part.member is None:  # pragma: no cover - parts() sets one
        raise ValueError(f"{part.name}: neither a file nor a zip member")
    try:
        with (
            zipfile.ZipFile(part.archive) as archive,
            archive.open(part.member) as source,
            target.open("wb") as sink,
        ):
            while chunk := source.read(CHUNK):
                sink.write(chunk)
                if progress is not None:
                    progress.advance(len(chunk))
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:
        target.unlink(missing_ok=True)
        message = f"truncated or damaged inside the zip: {error}"
        raise ScenarioError([Problem(part.name, None, "", message)]) from None
    try:
        yield target
    finally:
        target.unlink(missing_ok=True)


def convert(con, part: Yearly, source: Path, target: Path) -> None:
    """One yearly file -> one Parquet file of panel rows; every problem in it, or none."""
    _check_header(part, source)
    where = literal(str(source))
    sql = f"""
        COPY (
            SELECT e.iso3 AS exporter, m.iso3 AS importer, CAST(r.t AS SMALLINT) AS year,
                   r.k AS product, CAST(r.v * 0.001 AS DECIMAL(18, 6)) AS value_usd_m,
                   CASE WHEN r.q IS NULL OR trim(r.q) IN ('', 'NA') THEN NULL
                        ELSE CAST(trim(r.q) AS DOUBLE) END AS quantity_t
            FROM read_csv({where}, header = true, auto_detect = false,
                          columns = {{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER',
                                      'k': 'VARCHAR', 'v': 'DECIMAL(18, 3)', 'q': 'VARCHAR'}}) r
            LEFT JOIN codes e ON r.i = e.code
            LEFT JOIN codes m ON r.j = m.code
            ORDER BY exporter, importer
        ) TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)
    """
    import duckdb

    try:
        con.execute(sql)
        clean = _bulk_check(con, target, part.year)
    except duckdb.Error as error:
        if (stop := query.failure(error, part.name)) is not None:
            raise stop from None
        clean, failure = False, str(error).splitlines()[0]
    else:
        failure = "rows whose exporter, importer and product repeat once codes become ISO3"
    if clean:
        return
    problems = _locate(con, part, source)
    raise ScenarioError(problems or [Problem(part.name, None, "", failure)])


def _check_header(part: Yearly, source: Path) -> None:
    with source.open("rb") as handle:
        first = handle.readline(4096).decode("utf-8-sig", errors="replace")
    header = [cell.strip().strip('"') for cell in first.strip().split(",")]
    if header != HEADER:
        from tradecalc.core.sanitize import clean

        found = clean(",".join(header), 80) or "nothing"
        message = f"expected the header t,i,j,k,v,q, found {found}"
        raise ScenarioError([Problem(part.name, 1, "", message)])
    last = checks.unended_last_line(source)
    if last is not None and not _whole_row(last[1]):
        raise ScenarioError([Problem(part.name, last[0], "", "the file ends mid-row (cut off?)")])


LAST_ROW = re.compile(
    rb'\s*"?\d{1,4}"?\s*,\s*"?\d{1,4}"?\s*,\s*"?\d{1,4}"?\s*,\s*"?\d{6}"?\s*,'
    rb'\s*"?\d+(\.\d+)?"?\s*,\s*"?(\d+(\.\d+)?|NA|)"?\s*'
)
"""A whole ``t,i,j,k,v,q`` row: six fields, codes and year in digits, an HS6 code, a value, and
a quantity, ``NA`` or nothing. A last row without a line end that matches is complete."""


def _whole_row(line: bytes) -> bool:
    """Whether a last line without a line end is a whole row (the file merely lacks its final
    line end) rather than a row cut off: one short of fields or with a malformed value."""
    return LAST_ROW.fullmatch(line) is not None


def _bulk_check(con, target: Path, year: int) -> bool:
    """Whether the converted rows are all valid (fast: a scan and a group-by of the copy)."""
    rows = f"read_parquet({literal(str(target))})"
    bad = con.execute(
        f"""SELECT count(*) FROM {rows}
            WHERE exporter IS NULL OR importer IS NULL OR year <> {int(year)}
               OR value_usd_m < 0 OR NOT regexp_full_match(product, '[0-9]{{6}}')
               OR quantity_t < 0 OR NOT isfinite(quantity_t)"""
    ).fetchone()[0]
    if bad:
        return False
    repeated = con.execute(
        f"""SELECT count(*) FROM (SELECT 1 FROM {rows}
            GROUP BY exporter, importer, product HAVING count(*) > 1)"""
    ).fetchone()[0]
    return repeated == 0


def _locate(con, part: Yearly, source: Path) -> list[Problem]:
    known = "(SELECT code FROM codes)"
    rules = [
        checks.text_rule("t", "TRY_CAST(t AS INTEGER) IS NULL", "not a year"),
        checks.text_rule(
            "t",
            f"TRY_CAST(t AS INTEGER) <> {part.year}",
            f"not the year in the file's name ({part.year})",
        ),
    ]
    for column in ("i", "j"):
        code = f"TRY_CAST({column} AS INTEGER)"
        rules += [
            checks.text_rule(column, f"{code} IS NULL", "not a numeric country code"),
            checks.text_rule(
                column,
                f"{code} NOT IN {known}",
                "not in the release's country codes",
            ),
        ]
    rules.append(checks.text_rule("k", "NOT regexp_full_match(k, '[0-9]{6}')", "not an HS6 code"))
    rules += checks.number_rules("v")
    rules += checks.number_rules("q", optional=True, na=True)
    cells = checks.csv_cells(source, HEADER)
    return checks.bad_rows(con, part.name, cells, 6, rules, ["i", "j", "k"], "v")


def load_codes(con, mapping: dict[int, str]) -> None:
    """The release's code table as the connection's ``codes`` (code, iso3)."""
    con.execute("CREATE OR REPLACE TEMP TABLE codes (code INTEGER PRIMARY KEY, iso3 VARCHAR)")
    con.executemany("INSERT INTO codes VALUES (?, ?)", sorted(mapping.items()))


def metadata(yearly: list[Yearly]) -> dict:
    """What a BACI panel says about its source (the counts come from its rows)."""
    revision, release = yearly[0].revision, yearly[0].release
    return {
        "id": f"baci-{revision}-{release}".lower(),
        "title": f"BACI {revision} {release}: trade by HS6 product",
        "release": f"BACI {revision} {release}",
        "source_url": SOURCE_URL,
        "licence": LICENCE,
        "attribution": (
            f"CEPII BACI, release {release}, {revision} (Gaulier and Zignago 2010, "
            f"CEPII Working Paper 2010-23), under the {LICENCE}"
        ),
        "absence": "zero",
        "absence_note": "BACI records only strictly positive flows (and drops those under "
        "US$ 1,000): a missing row within a covered year is zero; a year outside it unknown",
        "value": "US$ million, FOB (BACI's US$ thousands / 1,000, exact)",
        "product": f"HS6, {revision} edition, as text",
    }
