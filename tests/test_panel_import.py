"""`panel import`: tidy files and BACI releases into the store, every bad row named, all or
nothing. Every file here is made up in the real format (tests/panel_files.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from tests.panel_files import CODES, TIDY_TOTALS, YEARS, baci_files, baci_zip, tidy

from tradecalc.core.errors import ScenarioError
from tradecalc.panel import catalog, importing, query

PAIRS = [("FRA", "IND"), ("USA", "CHE")]


def series(info, pairs=PAIRS) -> list[tuple]:
    return [
        tuple(row)
        for a, b in pairs
        for row in query.pair_series(info, a, b).itertuples(index=False)
    ]


def store_listing(store: Path) -> list[str]:
    return sorted(str(p.relative_to(store)) for p in store.rglob("*")) if store.exists() else []


def test_a_baci_release_and_a_tidy_file_of_the_same_flows_give_the_same_totals(
    tmp_path, panel_store
):
    release, _ = importing.import_files([baci_zip(tmp_path)])
    totals, _ = importing.import_files([tidy(tmp_path)])
    assert release.id == "baci-hs92-v202501" and release.absence == "zero"
    assert release.licence == "Etalab Open Licence 2.0" and "CEPII BACI" in release.attribution
    assert (release.years, release.economies, release.rows) == ((2022, 2023), 4, 9)
    assert totals.licence == "not stated" and totals.title == "totals.csv"
    # every pair, direction and year: the BACI products summed equal the hand totals exactly
    assert series(release) == series(totals)
    assert len(series(release)) == 7


def test_the_baci_product_rows_aggregate_to_the_totals_exactly(tmp_path, panel_store):
    release, _ = importing.import_files([baci_zip(tmp_path)])
    with query.connect() as con:
        total = con.execute(
            f"SELECT sum(value_usd_m), typeof(sum(value_usd_m)) FROM {query.flows(release)}"
        ).fetchone()
    # by hand from tests/panel_files.py: the v column summed (US$ thousands) / 1000, in decimals
    from decimal import Decimal

    by_hand = (
        sum(
            Decimal(line.split(",")[4]) for text in YEARS.values() for line in text.splitlines()[1:]
        )
        / 1000
    )
    assert total[0] == by_hand and total[1].startswith("DECIMAL")
    # one product of the pair (870321): FRA->IND 89.001 thousand in 2022; IND->FRA 0.5 in 2022
    # and 15.25 in 2023
    frame = query.pair_series(release, "FRA", "IND", product="870321")
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        ("FRA", "IND", 2022, 0.089001),
        ("IND", "FRA", 2022, 0.0005),
        ("IND", "FRA", 2023, 0.01525),
    ]


def test_unpacked_yearly_files_find_their_codes_file_beside_them(tmp_path, panel_store):
    info, _ = importing.import_files(baci_files(tmp_path), panel_id="unpacked")
    assert info.id == "unpacked" and info.rows == 9
    assert info.codes == ("CHE", "FRA", "IND", "USA")


BAD_2023 = """\
t,i,j,k,v,q
2023,251,699,010121,2000.001,10
2023,843,699,010121,1,NA
2022,251,699,010122,1,NA
2023,251,699,10121,1,NA
2023,251,699,010123,-4,NA
2023,251,699,010124,inf,NA
2023,251,699,010121,7,NA
2023,251,699
2023,251,699,010125,1,NA,9
"""
"""Made up: one bad row each, lines 3 to 10 (line 8 repeats line 2's key with another value)."""


def test_every_bad_row_of_a_yearly_file_in_a_zip_is_one_line(tmp_path, panel_store):
    path = baci_zip(tmp_path, {2022: YEARS[2022], 2023: BAD_2023})
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([path])
    inner = f"{path}:BACI_HS92_Y2023_V202501.csv"
    assert str(caught.value).splitlines() == [
        f"{inner}:3: i: not in the release's country codes: 843",
        f"{inner}:4: t: not the year in the file's name (2023): 2022",
        f"{inner}:5: k: not an HS6 code: 10121",
        f"{inner}:6: v: negative: -4",
        f"{inner}:7: v: not a finite number: inf",
        f"{inner}:8: k: conflicting duplicate of line 2 (same i, j, k, other v)",
        f"{inner}:9: expected 6 fields, found 3",
        f"{inner}:10: expected 6 fields, found 7",
    ]
    assert store_listing(panel_store) == []


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        # the last row "2022,757,842,300490,777.777,1" cut to "...,300490,77": five fields
        (lambda text: text[:-9], ":6: the file ends mid-row (cut off?)"),
        # a quantity "NA" cut to "N": six fields, the last one malformed
        (
            lambda text: text + "2022,842,251,870321,5.5,NA"[:-1],
            ":7: the file ends mid-row (cut off?)",
        ),
        # a value cut to "5.": a number with a point and no decimals is no whole value
        (lambda text: text + "2022,842,251,870321,5.,1", ":7: the file ends mid-row (cut off?)"),
        (
            lambda text: text.replace("t,i,j,k,v,q", "t,i,j,k,v"),
            ":1: expected the header t,i,j,k,v,q, found t,i,j,k,v",
        ),
    ],
    ids=["cut-short-of-fields", "cut-quantity", "malformed-value", "wrong-header"],
)
def test_a_cut_off_or_misheaded_yearly_file_is_refused(tmp_path, panel_store, damage, message):
    paths = baci_files(tmp_path, {2022: damage(YEARS[2022])})
    with pytest.raises(ScenarioError) as caught:
        importing.import_files(paths)
    assert str(caught.value) == f"{paths[0]}{message}"
    assert store_listing(panel_store) == []


def test_a_whole_last_row_without_a_final_line_end_is_read(tmp_path, panel_store):
    text = YEARS[2022].rstrip("\n")  # the last row "2022,757,842,300490,777.777,1" is whole
    paths = baci_files(tmp_path, {2022: text})
    info, warnings = importing.import_files(paths)
    assert warnings == [] and info.rows == 5
    # the last row's flow, CHE->USA 2022: 777.777 thousand = 0.777777 million (by hand)
    rows = {(r[0], r[1]): r[-1] for r in series(info, [("USA", "CHE")])}
    assert rows["CHE", "USA"] == pytest.approx(0.777777)


def test_a_truncated_zip_and_a_damaged_member_are_refused(tmp_path, panel_store):
    whole = baci_zip(tmp_path).read_bytes()
    cut = tmp_path / "BACI_HS92_V202502.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ScenarioError, match=r"BACI_HS92_V202502.zip: not a complete zip file"):
        importing.import_files([cut])
    stored = tmp_path / "BACI_HS92_V202503.zip"  # no compression: the member's bytes are plain
    with zipfile.ZipFile(stored, "w") as archive:
        archive.writestr("BACI_HS92_Y2023_V202503.csv", YEARS[2023])
        archive.writestr("country_codes_V202503.csv", CODES)
    data = stored.read_bytes().replace(b"2000.001", b"9000.001")  # bytes changed, CRC not
    stored.write_bytes(data)
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([stored])
    assert str(caught.value).startswith(
        f"{stored}:BACI_HS92_Y2023_V202503.csv: truncated or damaged inside the zip: "
    )
    assert store_listing(panel_store) == []


def test_a_release_without_its_codes_file_says_so(tmp_path, panel_store):
    path = tmp_path / "BACI_HS92_Y2023_V202501.csv"
    path.write_text(YEARS[2023], encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"country_codes_V\.\.\.\.csv is needed: name it too"):
        importing.import_files([path])


BAD_TIDY = """\
exporter,importer,year,value_usd_m
FRA,IND,2022,1.5
FRA,IN,2022,1
FRA,IND,1022,1
FRA,DEU,2022,-1
FRA,DEU,2023,nan
FRA,IND,2022,2.5
FRA,ITA,2022,
"""
"""Made up: bad rows on lines 3 to 8 (line 7 repeats line 2's key with another value)."""


def test_every_bad_row_of_a_tidy_file_is_one_line(tmp_path, panel_store):
    path = tidy(tmp_path, BAD_TIDY, "bad.csv")
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([path])
    assert str(caught.value).splitlines() == [
        f"{path}:3: importer: not an ISO 3166 alpha-3 code: IN",
        f"{path}:4: year: not a year: 1022",
        f"{path}:5: value_usd_m: negative: -1",
        f"{path}:6: value_usd_m: not a finite number: nan",
        f"{path}:7: year: conflicting duplicate of line 2 (same exporter, importer, year, other value_usd_m)",
        f"{path}:8: value_usd_m: not a number: (empty)",
    ]
    assert store_listing(panel_store) == []


def test_wrong_or_missing_tidy_columns_are_named(tmp_path, panel_store):
    path = tidy(tmp_path, "exporter,importer,year,value\nFRA,IND,2022,1\n", "cols.csv")
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([path])
    assert str(caught.value).splitlines() == [
        f"{path}:1: value_usd_m: missing: a panel file has exporter, importer, year, value_usd_m",
        f"{path}:1: value: not a panel column (docs/panel.md lists them)",
    ]


def test_a_tidy_parquet_file_with_products_and_retired_codes(tmp_path, panel_store):
    import duckdb

    path = tmp_path / "flows.parquet"
    duckdb.sql(
        "COPY (SELECT * FROM (VALUES ('ROM', 'DEU', 2000, '870321', 2.5, 3.0), "
        "('DEU', 'ZAR', 2000, '010121', 1.0, 1.0)) t(exporter, importer, year, product, "
        f"value_usd_m, dist)) TO '{path}' (FORMAT parquet)"
    )
    info, warnings = importing.import_files([path], title="Made up", licence="CC0")
    assert [str(w) for w in warnings] == [
        f"{path}: retired codes read as their successors: ROM as ROU, ZAR as COD"
    ]
    assert info.label == "Made up, CC0" and info.codes == ("COD", "DEU", "ROU")
    assert series(info, [("ROU", "DEU")]) == [("ROU", "DEU", 2000, 2.5)]
    assert "dist" in info.columns and "product" in info.columns


def test_a_bad_row_of_a_parquet_file_is_named_by_its_row(tmp_path, panel_store):
    import duckdb

    path = tmp_path / "flows.parquet"
    duckdb.sql(
        "COPY (SELECT * FROM (VALUES ('FRA', 'DEU', 2000, 2.5), ('DEU', 'FRA', 2000, -1.0)) "
        f"t(exporter, importer, year, value_usd_m)) TO '{path}' (FORMAT parquet)"
    )
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([path])
    assert str(caught.value) == f"{path}:2: value_usd_m: negative: -1.0"


def test_several_tidy_files_become_one_panel_and_may_not_repeat_a_row(tmp_path, panel_store):
    lines = TIDY_TOTALS.splitlines()
    first = tidy(tmp_path, "\n".join(lines[:4]) + "\n", "a.csv")
    second = tidy(tmp_path, "\n".join([lines[0], *lines[4:]]) + "\n", "b.csv")
    info, _ = importing.import_files([first, second], panel_id="both")
    assert info.rows == 7 and info.title == "a.csv and 1 more"
    again = tidy(tmp_path, "\n".join(lines[:2]) + "\n", "c.csv")
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([first, again], panel_id="twice")
    assert (
        str(caught.value)
        == f"{again}: FRA IND 2022 is in {first} too: one row per exporter-importer-year"
    )
    assert [p.id for p in catalog.list_panels()] == ["agtpa", "both"]
