"""The panel rows of the speed table: importing a BACI-format release, reading a pair's series
from a large store (run on demand, not in tests).

    python benchmarks/panel.py [--runs N] [--release-rows 3000000] [--store-rows 20000000]
                               [--only import|show]

The data are made on the first run under ``benchmarks/.data/`` (not in git) and are synthetic:
a release in BACI's real format (yearly ``BACI_HS92_Y{year}_V{release}.csv`` files of
``t,i,j,k,v,q`` in a zip, with a ``country_codes`` file), 200 economies, 5,000 HS6 products,
random values; and a store of the same shape written straight as Parquet. Rows, as
:mod:`run` does them (A and B in turn, the median of the ratios pair by pair, peak resident
memory of A's process):

- ``panel import`` of the release / a plain DuckDB script that unzips each yearly file to a
  temporary file and copies it to Parquet (the least any import must do);
- ``panel show`` of one pair from the store / one plain ``tradecalc project`` run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from run import PLAIN, TC, machine, paired

DATA = Path(__file__).resolve().parent / ".data"
YEARS = 10
ECONOMIES = 200
RELEASE = "V209901"

PLAIN_COPY = """
import sys, tempfile, zipfile, shutil, duckdb
from pathlib import Path
release, out = Path(sys.argv[1]), Path(sys.argv[2])
shutil.rmtree(out, ignore_errors=True)
out.mkdir(parents=True)
con = duckdb.connect()
with zipfile.ZipFile(release) as archive, tempfile.TemporaryDirectory() as tmp:
    for name in archive.namelist():
        if "_Y" not in name:
            continue
        member = Path(tmp) / "member.csv"
        with archive.open(name) as source, member.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
        con.execute(f"COPY (SELECT * FROM read_csv('{member}', header = true, types = "
                    "{'k': 'VARCHAR'})) TO '" + str(out / (name + '.parquet')) +
                    "' (FORMAT parquet, COMPRESSION zstd)")
"""
"""The yardstick: unzip and copy to Parquet with DuckDB, nothing checked or mapped."""


def codes_csv() -> str:
    isos = [f"{'EF'[n // 100]}{n % 100:02d}" for n in range(ECONOMIES)]  # E00..E99, F00..F99
    rows = [f"{100 + n},Economy {n},{iso[:2]},{iso}" for n, iso in enumerate(isos)]
    return "country_code,country_name,country_iso2,country_iso3\n" + "\n".join(rows) + "\n"


def year_sql(year: int, rows: int, seed: int) -> str:
    """Synthetic BACI rows for one year: distinct (i, j, k), values with three decimals."""
    return f"""
        SELECT {year} AS t, i, j, k, v, q FROM (
            SELECT 100 + (n % {ECONOMIES}) AS i,
                   100 + ((n // {ECONOMIES}) % {ECONOMIES - 1} + 1 + n % {ECONOMIES})
                         % {ECONOMIES} AS j,
                   lpad(CAST(10000 + (n // ({ECONOMIES} * {ECONOMIES - 1})) * 7 % 990000
                        AS VARCHAR), 6, '0') AS k,
                   round(random() * 5000 + 0.001, 3) AS v,
                   CASE WHEN random() < 0.02 THEN 'NA'
                        ELSE CAST(round(random() * 100, 3) AS VARCHAR) END AS q
            FROM range({rows}) r(n))
    """


def release(rows: int) -> Path:
    """A BACI-format release zip of ``rows`` rows over :data:`YEARS` years (made once)."""
    path = DATA / f"baci-{rows}" / f"BACI_HS92_{RELEASE}.zip"
    if not path.exists():
        made_apart("release", rows)
    return path


def store(rows: int) -> Path:
    """A store holding one BACI-shaped panel of ``rows`` rows, written straight as Parquet."""
    home = DATA / f"store-{rows}"
    if not (home / "tradecalc" / "panels" / "bench" / "panel.json").exists():
        made_apart("store", rows)
    return home


def made_apart(kind: str, rows: int) -> None:
    """Make the data in a process of its own: a child started from a process that has held
    gigabytes (DuckDB writing 200 million rows) reports that process's peak as its own
    (Linux carries the high-water mark of the memory a child starts from into ``ru_maxrss``),
    which would be counted as the measured command's."""
    here = Path(__file__).resolve()
    subprocess.run([sys.executable, str(here), "--make", kind, str(rows)], check=True)


def _make_release(rows: int) -> Path:
    path = DATA / f"baci-{rows}" / f"BACI_HS92_{RELEASE}.zip"
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SELECT setseed(0.25)")
    partial = path.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number in range(YEARS):
            year = 2000 + number
            csv = path.parent / "year.csv"
            con.execute(f"COPY ({year_sql(year, rows // YEARS, number)}) TO '{csv}' (HEADER)")
            archive.write(csv, f"BACI_HS92_Y{year}_{RELEASE}.csv")
            csv.unlink()
        archive.writestr(f"country_codes_{RELEASE}.csv", codes_csv())
    partial.rename(path)
    return path


def _make_store(rows: int) -> Path:
    home = DATA / f"store-{rows}"
    folder = home / "tradecalc" / "panels" / "bench"
    import json

    import duckdb

    shutil.rmtree(home, ignore_errors=True)
    folder.mkdir(parents=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SELECT setseed(0.5)")
    codes = {100 + n: iso for n, iso in enumerate(line.split(",")[3] for line in
                                                   codes_csv().splitlines()[1:])}  # fmt: skip
    con.execute("CREATE TABLE codes AS SELECT * FROM (VALUES " + ", ".join(
        f"({c}, '{iso}')" for c, iso in codes.items()) + ") t(code, iso3)")  # fmt: skip
    for number in range(YEARS):
        year = 2000 + number
        con.execute(f"""
            COPY (SELECT e.iso3 AS exporter, m.iso3 AS importer, CAST(t AS SMALLINT) AS year,
                         k AS product, CAST(v * 0.001 AS DECIMAL(18, 6)) AS value_usd_m,
                         TRY_CAST(q AS DOUBLE) AS quantity_t
                  FROM ({year_sql(year, rows // YEARS, number)}) r
                  JOIN codes e ON r.i = e.code JOIN codes m ON r.j = m.code
                  ORDER BY exporter, importer)
            TO '{folder / f"flows-{year}.parquet"}' (FORMAT parquet, COMPRESSION zstd)""")
    meta = {
        "id": "bench", "title": "synthetic BACI-shaped panel (benchmark)", "licence": "none",
        "attribution": "synthetic", "absence": "zero", "years": [2000, 2000 + YEARS - 1],
        "economies": ECONOMIES, "rows": rows, "release": "synthetic",
        "columns": ["exporter", "importer", "year", "product", "value_usd_m", "quantity_t"],
        "codes": sorted(codes.values()),
    }  # fmt: skip
    (folder / "panel.json").write_text(json.dumps(meta), encoding="utf-8")
    return home


def with_env(home: Path, command: list[str]) -> list[str]:
    return ["env", f"XDG_DATA_HOME={home}", f"XDG_CACHE_HOME={home / 'cache'}", *command]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="counted pairs per row")
    parser.add_argument("--release-rows", type=int, default=3_000_000)
    parser.add_argument("--store-rows", type=int, default=20_000_000)
    parser.add_argument("--only", choices=["import", "show"], help="run one row of the two")
    parser.add_argument("--make", nargs=2, metavar=("KIND", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # made_apart's child
        kind, rows = args.make
        {"release": _make_release, "store": _make_store}[kind](int(rows))
        return
    print(machine())
    print(f"{'row':<46} {'ratio min-med-max':>18} {'A wall':>8} {'A peak':>10}  goal")
    if args.only != "show":
        imported(args.release_rows, args.runs)
    if args.only != "import":
        home = store(args.store_rows)
        show = [*TC, "panel", "show", "bench", "--economies", "E05", "E17", "-f", "json"]
        paired(
            f"panel show, {args.store_rows:,}-row store / project",
            with_env(home, show), PLAIN, args.runs, "<= 1.5",
        )  # fmt: skip


def imported(release_rows: int, runs: int) -> None:
    """The import row: `panel import` of a release / a DuckDB script that unzips and copies."""
    zip_path = release(release_rows)
    imports = DATA / "import-home"
    fresh = f'rm -rf "{imports}" && exec env XDG_DATA_HOME="{imports}" '
    fresh += f'XDG_CACHE_HOME="{imports}/cache" {" ".join(TC)} panel import "{zip_path}" --id b'
    a = ["sh", "-c", fresh]
    b = [sys.executable, "-c", PLAIN_COPY, str(zip_path), str(DATA / "plain-copy")]
    paired(f"panel import {release_rows:,} rows / unzip+copy", a, b, runs, "<= 3, < 1 GiB")
    subprocess.run(["rm", "-rf", str(imports), str(DATA / "plain-copy")], check=False)


if __name__ == "__main__":
    main()
