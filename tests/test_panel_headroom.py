"""`headroom --panel ID`: a pair's products ranked from an imported BACI release (no Comtrade
key), at HS6 or summed to HS4/HS2; every output names the panel and its attribution. The
release is MADE UP in BACI's format (tests/panel_files.py); the expected numbers are worked by
hand in the comments."""

from __future__ import annotations

import json

import pytest
from tests.panel_files import baci_zip
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.panel import importing

runner = CliRunner()
PANEL = "baci-hs92-v202501"

RELEASE_2023 = """\
t,i,j,k,v,q
2023,251,699,010121,2000,NA
2023,842,699,010121,6000,NA
2023,251,842,010121,2000,NA
2023,842,251,010121,10000,NA
2023,699,251,870321,15.25,2
2023,757,251,870321,100,NA
2023,251,842,870321,500,NA
2023,757,699,870321,1000,NA
"""
"""Made up, US$ thousands; 251 FRA, 699 IND, 842 USA, 757 CHE."""


@pytest.fixture
def release(tmp_path, panel_store):
    importing.import_files([baci_zip(tmp_path, {2023: RELEASE_2023})])
    return PANEL


def rows_of(result) -> dict[tuple[str, str], dict]:
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    return {(r["direction"], r["product"]): r for r in doc["rows"]}


def test_a_pair_is_ranked_from_the_panel_at_hs6(release):
    result = runner.invoke(
        app, ["headroom", "--panel", release, "--economies", "FRA", "IND", "-f", "json"]
    )
    rows = rows_of(result)
    # FRA->IND 870321: IND's market 1.0 (CHE's 1,000 thousand); FRA's supply 0.5 (to the USA);
    # W_p = IND 0.01525 + CHE 1.1 + FRA 0.5 = 1.61525; potential = 0.5 / 1.61525 x 1.0; no
    # bilateral row (zero in BACI): untapped = potential
    cars = rows["fra_to_ind", "870321"]
    assert cars["market_usd_m"] == pytest.approx(1.0)
    assert cars["supply_usd_m"] == pytest.approx(0.5)
    assert cars["world_usd_m"] == pytest.approx(1.61525)
    assert cars["untapped_usd_m"] == pytest.approx(0.5 / 1.61525)
    # FRA->IND 010121: market 2 + 6 = 8; supply 2 + 2 = 4; W_p = 4 + 16 = 20; potential
    # 4 / 20 x 8 = 1.6; bilateral 2.0, as the importer's row: 0.4 above the potential
    horses = rows["fra_to_ind", "010121"]
    assert horses["bilateral_usd_m"] == pytest.approx(2.0)
    assert horses["potential_usd_m"] == pytest.approx(1.6)
    assert horses["excess_usd_m"] == pytest.approx(0.4)
    doc = json.loads(result.stdout)
    assert doc["panel"]["id"] == PANEL and "CEPII BACI" in doc["panel"]["attribution"]
    assert doc["detail"] == "hs6" and "Etalab Open Licence 2.0" in doc["basis"]


def test_hs2_sums_the_panel_s_hs6_rows(release):
    result = runner.invoke(
        app,
        ["headroom", "--panel", release, "--economies", "FRA", "IND", "--detail", "hs2",
         "-f", "json"],
    )  # fmt: skip
    rows = rows_of(result)
    # chapter 87 holds the one heading 870321 here: the same numbers as at HS6
    assert rows["fra_to_ind", "87"]["untapped_usd_m"] == pytest.approx(0.5 / 1.61525)
    assert rows["fra_to_ind", "01"]["market_usd_m"] == pytest.approx(8.0)


def test_the_table_and_the_csv_name_the_panel_and_its_attribution(release):
    table = runner.invoke(app, ["headroom", "--panel", release, "--economies", "FRA", "IND"])
    assert table.exit_code == 0, table.stderr
    flat = " ".join(table.stdout.split())
    assert "BACI HS92 V202501" in flat and "CEPII BACI, release V202501" in flat
    csv = runner.invoke(
        app, ["headroom", "--panel", release, "--economies", "FRA", "IND", "-f", "csv"]
    )
    assert csv.exit_code == 0, csv.stderr
    body = csv.stdout.splitlines()[1:]
    assert body and all(f"panel {PANEL}: CEPII BACI" in line for line in body)


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["--panel", "agtpa", "--economies", "TUR", "IRN"], "--panel: panel 'agtpa' has no product"),
        (["--panel", PANEL, "--economies", "FRA", "PAK"], "--economies: panel 'baci-hs92-v202501' has no PAK"),
        (["--panel", PANEL], "--economies: with --panel give --economies A B, or a scenario FILE"),
        (["--economies", "FRA", "IND"], "FILE: give a data file or scenario"),
        (["examples/x.yaml", "--economies", "FRA", "IND"], "--economies: only with --panel"),
    ],
    ids=["no-products", "economy-absent", "no-pair", "no-file", "economies-without-panel"],
)  # fmt: skip
def test_what_a_panel_cannot_give_is_one_line_exit_2(release, args, start):
    result = runner.invoke(app, ["headroom", *args])
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(start), result.stderr


def test_too_many_products_for_rca_and_density_is_said_not_computed(release, monkeypatch):
    from tradecalc.analysis import complexity

    monkeypatch.setattr(complexity, "MOST_PRODUCTS", 1)  # the made-up release has 2 at HS6
    result = runner.invoke(
        app, ["headroom", "--panel", release, "--economies", "FRA", "IND", "-f", "json"]
    )
    doc = json.loads(result.stdout)
    assert all(r["rca"] is None and r["density"] is None for r in doc["rows"])
    assert doc["directions"][0]["complexity_notes"] == [
        "RCA and density not computed: 2 products in the world rows, more than 1 (the proximity "
        "matrix grows with their square); --detail hs4 gives them"
    ]
