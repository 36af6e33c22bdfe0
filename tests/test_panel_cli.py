"""`tradecalc panel list|show|import|remove`: formats, the panel's attribution in every output,
one-line errors with exit 2 and nothing on stdout."""

from __future__ import annotations

import csv
import io
import json

import pytest
from tests.panel_files import baci_zip, tidy
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.panel.catalog import SHIPPED

AGTPA_LABEL = "AGTPA panel: manufacturing trade of 69 economies, 1986\N{EN DASH}2006, CC BY 4.0"


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def agtpa_rows(a: str, b: str) -> dict[tuple[str, str, int], float]:
    """The shipped Parquet read straight with pyarrow: the check values for `show`."""
    import pyarrow.parquet as pq

    table = pq.read_table(SHIPPED / "agtpa" / "flows.parquet").to_pylist()
    return {
        (r["exporter"], r["importer"], r["year"]): r["value_usd_m"]
        for r in table
        if {r["exporter"], r["importer"]} == {a, b} and r["exporter"] != r["importer"]
    }


def test_list_on_a_fresh_install_shows_agtpa_with_its_licence(panel_store):
    code, out, err = run("panel", "list")
    assert (code, err) == (0, "")
    assert "agtpa" in out and "CC BY 4.0" in out and "99,981" in out
    assert "Yotov, Piermartini, Monteiro and Larch (2016)" in " ".join(out.split())
    code, out, _ = run("panel", "list", "-f", "json")
    [agtpa] = json.loads(out)
    assert {k: agtpa[k] for k in ("id", "licence", "years", "economies", "rows")} == {
        "id": "agtpa",
        "licence": "CC BY 4.0",
        "years": [1986, 2006],
        "economies": 69,
        "rows": 99_981,
    }
    assert agtpa["title"] + ", " + agtpa["licence"] == AGTPA_LABEL


def test_show_prints_both_directions_every_year_and_their_sums(panel_store):
    code, out, err = run("panel", "show", "agtpa", "--economies", "TUR", "IRN")
    assert (code, err) == (0, "")
    expected = agtpa_rows("TUR", "IRN")
    lines = {
        line.split("│")[1].strip(): line
        for line in out.splitlines()
        if line.startswith("│ 1") or line.startswith("│ 2")
    }
    assert sorted(lines) == [str(y) for y in range(1986, 2007)]
    for year in (1986, 2006):
        cells = [c.strip() for c in lines[str(year)].split("│")[2:5]]
        there, back = expected[("TUR", "IRN", year)], expected[("IRN", "TUR", year)]
        assert cells == [f"{there:,.1f}", f"{back:,.1f}", f"{there + back:,.1f}"]
    assert AGTPA_LABEL in out and "Source: AGTPA panel" in out


def test_show_json_lists_each_direction_and_year_with_the_panel(panel_store):
    # the contract: a list of {exporter, importer, year, value_usd_m} rows; each also
    # names the panel and carries its attribution, as the CSV's rows do
    code, out, err = run("panel", "show", "agtpa", "--economies", "tur", "irn", "-f", "json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    expected = agtpa_rows("TUR", "IRN")
    assert isinstance(rows, list) and len(rows) == 42
    assert {(r["exporter"], r["importer"], r["year"]): r["value_usd_m"] for r in rows} == expected
    assert set(rows[0]) == {"exporter", "importer", "year", "value_usd_m", "panel", "source"}
    assert {r["panel"] for r in rows} == {"agtpa"}
    (source,) = {r["source"] for r in rows}
    assert source.startswith(f"panel agtpa: {AGTPA_LABEL}. Yotov, Piermartini, Monteiro and Larch")


def test_show_csv_and_markdown_name_the_panel(panel_store):
    code, out, _ = run("panel", "show", "agtpa", "--economies", "TUR", "IRN", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 42 and {r["panel"] for r in rows} == {"agtpa"}
    code, out, _ = run("panel", "show", "agtpa", "--economies", "TUR", "IRN", "-f", "markdown")
    assert code == 0 and "| 1986 |" in out and "_Source: AGTPA panel" in out


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["nope", "--economies", "TUR", "IRN"],
            "ID: no panel 'nope' (panels: agtpa; or a .csv/.parquet FILE)",
        ),
        (
            ["agtpa", "--economies", "PAK", "IRN"],
            "--economies: panel 'agtpa' has no PAK (69 economies)",
        ),
        (["agtpa", "--economies", "TUR", "IR"], "--economies: 'IR' is not an ISO3 code"),
        (
            ["agtpa", "--economies", "TUR", "IRN", "--product", "01"],
            "--product: panel 'agtpa' has no product rows",
        ),
    ],
)
def test_show_refuses_with_one_line_and_exit_2(panel_store, args, line):
    assert run("panel", "show", *args) == (2, "", line + "\n")


def test_a_retired_code_is_read_as_its_successor_with_a_warning(panel_store):
    code, out, err = run("panel", "show", "agtpa", "--economies", "ROM", "TUR", "-f", "json")
    assert code == 0 and err == "--economies: warning: ROM is retired: read as ROU\n"
    assert {r["exporter"] for r in json.loads(out)} == {"ROU", "TUR"}


def test_import_then_show_then_remove(tmp_path, panel_store):
    code, out, err = run("panel", "import", baci_zip(tmp_path))
    assert (code, out) == (0, "")
    assert err.startswith("imported baci-hs92-v202501: 9 rows, 4 economies, 2022-2023")
    code, out, _ = run(
        "panel", "show", "baci-hs92-v202501", "--economies", "FRA", "IND", "-f", "json"
    )
    rows = json.loads(out)
    assert "Etalab Open Licence 2.0" in rows[0]["source"]
    # tests/panel_files.py: FRA->IND 2022 = (1234.567 + 89.001) / 1000
    assert {k: rows[0][k] for k in ("exporter", "importer", "year", "value_usd_m")} == {
        "exporter": "FRA",
        "importer": "IND",
        "year": 2022,
        "value_usd_m": 1.323568,
    }
    code, out, _ = run("panel", "show", "baci-hs92-v202501", "--economies", "USA", "CHE")
    # BACI records only positive flows: CHE->USA has no row in 2023, which is zero
    [line] = [line for line in out.splitlines() if line.startswith("│ 2023")]
    assert [c.strip() for c in line.split("│")[2:5]] == ["0.1", "0.0", "0.1"]
    assert "shown as 0.0" in " ".join(out.split())
    assert run("panel", "remove", "baci-hs92-v202501") == (0, "", "removed baci-hs92-v202501\n")
    assert json.loads(run("panel", "list", "-f", "json")[1])[-1]["id"] == "agtpa"


def test_a_bad_import_is_exit_2_with_nothing_on_stdout_and_the_store_unchanged(
    tmp_path, panel_store
):
    good = tidy(tmp_path)
    assert run("panel", "import", good, "--id", "kept", "--licence", "CC0")[0] == 0
    before = sorted(p.name for p in panel_store.iterdir())
    bad = tidy(tmp_path, "exporter,importer,year,value_usd_m\nFRA,IND,2022,-1\n", "bad.csv")
    assert run("panel", "import", bad) == (2, "", f"{bad}:2: value_usd_m: negative: -1\n")
    assert sorted(p.name for p in panel_store.iterdir()) == before
    out = run("panel", "list", "-f", "json")[1]
    assert [p["licence"] for p in json.loads(out)] == ["CC BY 4.0", "CC0"]


def test_a_file_is_a_panel_too(tmp_path, panel_store):
    path = tidy(tmp_path)
    code, out, err = run("panel", "show", path, "--economies", "USA", "CHE", "-f", "json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    # a file without source metadata: its name as the id, attribution "not stated"
    assert {(r["panel"], r["source"]) for r in rows} == {("totals", "panel totals: not stated")}
    assert [r["value_usd_m"] for r in rows] == [
        0.777777,
        1000.000125,
        0.123456,
    ]  # by year, exporter
