"""Made-up panels for the speed table (run on demand, never by the tests): written once, with
DuckDB, under benchmarks/.data/ (git-ignored, as benchmarks/panel.py does), and reused.

``big_panel()`` is a BACI-shaped panel of 50 million rows: 200 economies (codes ``E000`` to
``E199``), every ordered pair, 25 years, 50 products, values from a pair-and-product level, a
trend per pair and noise per year (hashes: the same file on every machine). MADE-UP values.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"
ECONOMIES, YEARS, PRODUCTS = 200, 25, 50
"""200 x 199 ordered pairs x 25 years x 50 products = 49,750,000 rows."""


def big_panel() -> Path:
    """The 50-million-row panel's Parquet file, written on first use (about a minute)."""
    path = DATA / "panel-50m.parquet"
    if path.exists():
        return path
    import duckdb

    DATA.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    con = duckdb.connect(config={"memory_limit": "1GB"})
    con.execute(
        f"""
        COPY (
            WITH e AS (SELECT range AS i FROM range({ECONOMIES})),
                 pairs AS (SELECT a.i AS x, b.i AS m FROM e a, e b WHERE a.i <> b.i),
                 years AS (SELECT range AS k FROM range({YEARS})),
                 products AS (SELECT range AS p FROM range({PRODUCTS}))
            SELECT printf('E%03d', x) AS exporter, printf('E%03d', m) AS importer,
                   (1995 + k)::INTEGER AS year, printf('%06d', 100000 + p * 137) AS product,
                   exp((hash(x, m, p) % 1000)::DOUBLE / 150.0 - 4.0
                       + 0.1 * k * ((hash(x, m) % 7)::DOUBLE - 3.0)
                       + 0.8 * ((hash(x, m, p, k) % 1000)::DOUBLE / 1000.0 - 0.5)) AS value_usd_m
            FROM pairs, years, products
        ) TO '{partial}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"""
    )
    con.close()
    partial.rename(path)
    return path


if __name__ == "__main__":
    print(big_panel())
