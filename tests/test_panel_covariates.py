"""Covariates from CEPII Gravity and the USITC Dynamic Gravity Dataset under the panel's names.

The files are made up, in each source's column names (docs/panel.md says where the names were
checked); the numbers are invented."""

from __future__ import annotations

import pytest
from tests.panel_files import tidy

from tradecalc.core.errors import ScenarioError
from tradecalc.panel import catalog, importing, query

GRAVITY = """\
year,country_id_o,country_id_d,iso3_o,iso3_d,country_exists_o,country_exists_d,dist,distw_harmonic,contig,comlang_off,col_dep_ever,fta_wto,gdp_o,gdp_d,comcol
2022,FRA,IND,FRA,IND,1,1,6600,6900.5,0,0,0,0,2780000,3350000,0
2022,IND,FRA,IND,FRA,1,1,6600,6900.5,0,0,0,0,3350000,2780000,0
2022,USA,CHE,USA,CHE,1,1,6500,6400.25,0,0,0,0,25400000,810000,0
2022,DEU.1,FRA,DEU,FRA,0,1,880,700,1,0,0,1,,,0
2022,DEU.2,FRA,DEU,FRA,1,1,880,712,1,0,0,1,4070000,2780000,0
"""
"""Made up in CEPII Gravity's columns; the DEU.1 row (an economy that no longer exists, as
Gravity keeps them) is left out by country_exists_o = 0."""

DGD = """\
year,iso3_o,dynamic_code_o,iso3_d,dynamic_code_d,colony_ever,contiguity,distance,common_language,agree_pta,member_wto_o,member_wto_d,gdp_wdi_cur_o,gdp_wdi_cur_d,pop_o,pop_d,landlocked_o,landlocked_d
2016,PAK,PAK,UZB,UZB,0,0,1400.5,1,0,1,0,2.8e11,8.6e10,2.0e8,3.2e7,0,1
2016,UZB,UZB,PAK,PAK,0,0,1400.5,1,0,0,1,8.6e10,2.8e11,3.2e7,2.0e8,1,0
"""
"""Made up in the Dynamic Gravity Dataset's columns."""


def test_gravity_columns_are_mapped_and_the_extinct_economy_left_out(tmp_path, panel_store):
    info, _ = importing.import_files([tidy(tmp_path, GRAVITY, "Gravity_V202211.csv")])
    assert (info.id, info.kind, info.rows) == ("cepii-gravity", "covariates", 4)
    assert set(info.columns) == {
        "exporter",
        "importer",
        "year",
        "dist",
        "cntg",
        "lang",
        "clny",
        "rta",
        "gdp_o",
        "gdp_d",
    }
    assert "Conte, Cotterlaz and Mayer" in info.attribution
    with query.connect() as con:
        row = con.execute(
            f"SELECT dist, cntg, rta FROM {query.flows(info)} WHERE exporter = 'DEU'"
        ).fetchall()
    assert row == [(712.0, 1.0, 1.0)]  # distw_harmonic -> dist, contig -> cntg, fta_wto -> rta


def test_dgd_columns_are_mapped_and_join_a_panels_flows(tmp_path, panel_store):
    info, _ = importing.import_files([tidy(tmp_path, DGD, "release_2.1_2015_2019.csv")])
    assert (info.id, info.licence) == ("usitc-dgd", "CC0 (U.S. Government work)")
    flows, _ = importing.import_files(
        [
            tidy(
                tmp_path,
                "exporter,importer,year,value_usd_m\nPAK,UZB,2016,30\nPAK,UZB,2017,40\n",
                "f.csv",
            )
        ]
    )
    with query.connect() as con:
        joined = con.execute(
            f"SELECT year, value_usd_m, dist, lang, wto_o, landlocked_d "
            f"FROM {query.with_covariates(flows, info)} ORDER BY year"
        ).fetchall()
    # 2017 has no DGD row in the made-up file: its covariates are unknown, not zero
    assert joined == [(2016, 30.0, 1400.5, 1.0, 1.0, 1.0), (2017, 40.0, None, None, None, None)]
    assert catalog.resolve(None, economies=("PAK", "UZB")).id == "f"  # covariates are not flows
    with pytest.raises(ScenarioError, match="holds covariates, not trade flows"):
        query.pair_series(info, "PAK", "UZB")


def test_a_bad_covariate_cell_and_a_repeated_pair_year_are_named_by_line(tmp_path, panel_store):
    bad = DGD.replace("1400.5,1,0,1,0", "far,1,0,1,0", 1)
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([tidy(tmp_path, bad, "dgd.csv")])
    assert str(caught.value) == f"{tmp_path / 'dgd.csv'}:2: distance: not a number"
    repeated = DGD + DGD.splitlines()[1].replace("1400.5", "-3") + "\n"
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([tidy(tmp_path, repeated, "dgd2.csv")])
    path = tmp_path / "dgd2.csv"
    assert str(caught.value).splitlines() == [
        f"{path}:4: dist: not a finite number at least 0",
        f"{path}:4: year: repeats the pair-year of line 2",
    ]
    assert [p.id for p in catalog.list_panels()] == ["agtpa"]
