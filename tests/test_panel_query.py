"""Panels as SQL: a pair's series, both directions, summed over products, retired codes mapped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tradecalc.core.errors import ScenarioError
from tradecalc.panel import catalog, query

ROOT = Path(__file__).resolve().parents[1]

MADE_UP = """\
exporter,importer,year,product,value_usd_m
ROM,DEU,2000,010121,1.25
ROU,DEU,2000,010129,2.5
ROU,DEU,2000,870321,10
DEU,ROU,2000,870321,4
ROU,DEU,2001,010121,0.5
DEU,FRA,2000,010121,99
ROU,ROU,2000,010121,7
"""
"""Made-up product rows (not real trade): ROM rows are Romania's, under its pre-2002 code."""


@pytest.fixture
def made_up(tmp_path, panel_store):
    path = tmp_path / "made-up.csv"
    path.write_text(MADE_UP, encoding="utf-8")
    return catalog.resolve(str(path))


def records(frame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_the_pair_series_sums_products_per_direction_and_year(made_up):
    series = query.pair_series(made_up, "ROU", "DEU")
    assert list(series.columns) == ["exporter", "importer", "year", "value_usd_m"]
    # by hand: ROU->DEU 2000 = 1.25 (as ROM) + 2.5 + 10; DEU->ROU 2000 = 4; ROU->DEU 2001 = 0.5
    assert records(series) == [
        ("DEU", "ROU", 2000, 4.0),
        ("ROU", "DEU", 2000, 13.75),
        ("ROU", "DEU", 2001, 0.5),
    ]
    assert records(query.pair_series(made_up, "DEU", "ROU")) == records(series)


def test_a_product_or_its_chapter_keeps_those_rows_only(made_up):
    assert records(query.pair_series(made_up, "ROU", "DEU", product="870321")) == [
        ("DEU", "ROU", 2000, 4.0),
        ("ROU", "DEU", 2000, 10.0),
    ]
    # chapter 01 (live animals): 1.25 + 2.5 in 2000, 0.5 in 2001
    assert records(query.pair_series(made_up, "ROU", "DEU", product="01")) == [
        ("ROU", "DEU", 2000, 3.75),
        ("ROU", "DEU", 2001, 0.5),
    ]


def test_domestic_trade_is_the_pair_of_an_economy_with_itself(made_up):
    assert records(query.pair_series(made_up, "ROU", "ROU")) == [("ROU", "ROU", 2000, 7.0)]


def test_a_panel_without_products_refuses_a_product(panel_store):
    agtpa = catalog.resolve("agtpa")
    with pytest.raises(ScenarioError, match="--product: panel 'agtpa' has no product rows"):
        query.pair_series(agtpa, "TUR", "IRN", product="01")


def test_flows_reads_retired_codes_as_their_successors(made_up):
    with query.connect() as con:
        sql = f"SELECT DISTINCT exporter FROM {query.flows(made_up)} ORDER BY 1"
        assert [r[0] for r in con.execute(sql).fetchall()] == ["DEU", "ROU"]
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] != ""


def test_the_agtpa_series_of_turkey_and_iran_has_both_directions_every_year(panel_store):
    series = query.pair_series(catalog.resolve("agtpa"), "TUR", "IRN")
    assert len(series) == 2 * 21
    assert set(series["year"]) == set(range(1986, 2007))
    assert set(zip(series["exporter"], series["importer"], strict=True)) == {
        ("TUR", "IRN"),
        ("IRN", "TUR"),
    }
    # the same row read straight from the shipped Parquet, without tradecalc's query
    import pyarrow.parquet as pq

    table = pq.read_table(catalog.SHIPPED / "agtpa" / "flows.parquet").to_pandas()
    raw = table[(table.exporter == "TUR") & (table.importer == "IRN") & (table.year == 1986)]
    first = series[(series.exporter == "TUR") & (series.year == 1986)]
    assert first["value_usd_m"].item() == raw["value_usd_m"].item()


def test_project_does_not_import_duckdb():
    script = (
        "import sys\n"
        f"sys.argv = ['tradecalc', 'project', {str(ROOT / 'scenarios' / 'base.yaml')!r}, '-f', 'json']\n"
        "from tradecalc.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(repr('duckdb' in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert json.loads(result.stdout)["scenario"]["name"] == "Base case"
    assert result.stderr == "False"
