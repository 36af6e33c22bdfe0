"""`tradecalc headroom` on the command line: formats, the shipped case, bad input.

examples/headroom/ holds MADE-UP values only (no UN Comtrade figure).
"""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradecalc.cli.commands import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "headroom" / "pak-aze-products.yaml"
SCENARIO = ROOT / "examples" / "headroom" / "scenario.yaml"
COLUMNS = ["direction", "product", "label", "sector", "market_usd_m", "supply_usd_m",
           "bilateral_usd_m", "world_usd_m", "potential_usd_m", "untapped_usd_m"]  # fmt: skip


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_json_has_the_contract_fields_and_every_product():
    code, out, err = run("headroom", DATA, "-f", "json", "--top", "2")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["year"] == 2023 and doc["gap_usd_m"] is None  # a bare data file: no target
    assert len(doc["rows"]) == 8  # every product, not only the top 2: 5 + 3
    for key in COLUMNS:
        assert key in doc["rows"][0]
    first = doc["rows"][0]
    assert (first["direction"], first["product"], first["label"]) == ("pak_to_aze", "10", "Cereals")


def test_csv_is_tidy_with_the_json_rows():
    code, out, _ = run("headroom", DATA, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    doc = json.loads(run("headroom", DATA, "-f", "json")[1])
    assert code == 0 and len(rows) == len(doc["rows"])
    for row, expected in zip(rows, doc["rows"], strict=True):
        assert row["product"] == expected["product"]
        if expected["untapped_usd_m"] is not None:
            assert float(row["untapped_usd_m"]) == pytest.approx(expected["untapped_usd_m"])


def test_a_scenario_sets_the_top_products_against_its_gap():
    code, out, err = run("headroom", SCENARIO, "-f", "json", "--top", "3")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["gap_usd_m"] > 0 and doc["gap_year"] == 2030
    pak = doc["directions"][0]
    # hand-computed: 12 + 0.5 + 0 untapped (see test_headroom.py), over the gap; fuels'
    # 0.3 (27) is apart, not in the total
    assert pak["top_untapped_usd_m"] == pytest.approx(12.5)
    assert pak["top_share_of_gap"] == pytest.approx(12.5 / doc["gap_usd_m"])


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_the_table_says_the_top_total_and_its_share_of_the_gap(fmt):
    code, out, _ = run("headroom", SCENARIO, "-f", fmt, "--top", "3")
    assert code == 0
    out = " ".join(out.replace("│", " ").split())  # the table wraps the headline's cells
    # PAK -> AZE: the top 3 all have a value; machinery (84), outside them, has none
    scale = "(upper-bound scale, not achievable trade)"
    assert (
        f"the 3 largest with a value together: $12.5 m, 0.6 % of the gap {scale}; 1 has none: "
        in out
    )
    # AZE -> PAK: cotton 1.33 + pharma 0.05 (test_headroom_apart.py); fuels apart
    assert f"the 2 largest untapped products together: $1.4 m, 0.1 % of the gap {scale}" in out
    assert "ITC-style" in out and "ITC potential" not in out  # labelled ITC-style, never ITC


def test_the_shipped_scenario_uses_the_reference_market_and_says_so():
    code, out, err = run("headroom", ROOT / "scenarios" / "base.yaml", "-f", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    (row,) = doc["rows"]
    # the reference's Azerbaijani HS 30 imports, 2020: $377 m (india_embassy_pharma_2021)
    assert (row["product"], row["market_usd_m"], row["year"]) == ("30", 377.0, 2020)
    assert "reference data" in doc["basis"]


def _bad(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_product_code_is_one_line(tmp_path):
    text = DATA.read_text(encoding="utf-8").replace('product: "10"', 'product: "77"')
    code, out, err = run("headroom", _bad(tmp_path, text))
    assert (code, out) == (2, "")
    # product 10 is in 5 rows (AZE's imports, PAK's exports, the bilateral, 2 world rows)
    assert err.count("unknown HS code '77'") == 5 == len(err.splitlines())


def test_negative_values_are_one_line_each(tmp_path):
    text = DATA.read_text(encoding="utf-8").replace("value_usd_m: 250,", "value_usd_m: -250,")
    code, out, err = run("headroom", _bad(tmp_path, text))
    assert (code, out) == (2, "")
    assert err.endswith("products.rows.2.value_usd_m: input should be greater than or equal to 0, "
                        "got -250\n") and len(err.splitlines()) == 1  # fmt: skip


def test_a_data_file_without_product_rows_is_one_line(tmp_path):
    path = _bad(tmp_path, "schema_version: 1\neconomies: [{code: PAK}, {code: AZE}]\n")
    code, out, err = run("headroom", path)
    assert (code, out) == (2, "")
    assert (
        err
        == f"{path}:1: no product rows: write the file with tradecalc fetch --detail hs2 (or hs4)\n"
    )


def _without(pattern):
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if pattern not in line) + "\n"


def test_a_direction_without_rows_warns_once_and_the_other_runs(tmp_path):
    path = _bad(tmp_path, _without("reporter: AZE, partner: WLD, flow: M"))
    code, out, err = run("headroom", path, "-f", "json")
    assert code == 0 and json.loads(out)["directions"][0]["direction"] == "aze_to_pak"
    assert err == (
        f"{path}:8: products: warning: pak_to_aze: no product rows of AZE's imports from the "
        "world: skipped (fetch --detail hs2 for AZE)\n"
    )


def test_no_direction_with_rows_is_exit_2(tmp_path):
    code, out, err = run("headroom", _bad(tmp_path, _without("partner: WLD, flow: M")))
    assert (code, out) == (2, "") and len(err.splitlines()) == 2


HS4 = """schema_version: 1
economies: [{code: PAK}, {code: AZE}]
products:
  detail: hs4
  rows:
    - {year: 2023, reporter: AZE, partner: WLD, flow: M, product: "3004", value_usd_m: 60}
    - {year: 2023, reporter: AZE, partner: WLD, flow: M, product: "3002", value_usd_m: 40}
    - {year: 2023, reporter: PAK, partner: WLD, flow: X, product: "3004", value_usd_m: 5}
"""


def test_headings_summed_into_chapters_with_detail_hs2(tmp_path):
    # hand-made hs4 file: AZE imports 3004 (60) and 3002 (40) = chapter 30: 100
    code, out, _ = run("headroom", _bad(tmp_path, HS4), "--detail", "hs2", "-f", "json")
    rows = {(r["direction"], r["product"]): r for r in json.loads(out)["rows"]}
    assert code == 0 and rows["pak_to_aze", "30"]["market_usd_m"] == 100.0


def test_headings_from_chapters_are_refused():
    code, out, err = run("headroom", DATA, "--detail", "hs4")
    assert (code, out) == (2, "")
    assert err == "--detail: the file holds hs2 chapters: headings need hs4 rows\n"


def test_set_changes_the_scenario_and_its_gap():
    base = json.loads(run("headroom", SCENARIO, "-f", "json")[1])
    code, out, _ = run("headroom", SCENARIO, "-f", "json", "--set", "target.value_usd_m=3000")
    # the target is $1,000 m higher, the projection the same: the gap grows by exactly 1,000
    assert code == 0
    assert json.loads(out)["gap_usd_m"] == pytest.approx(base["gap_usd_m"] + 1000.0)


def test_set_on_a_bare_data_file_is_refused():
    code, out, err = run("headroom", DATA, "--set", "target.value_usd_m=3000")
    assert (code, out, err) == (2, "", "--set: only for a scenario: FILE is a bare data file\n")


def test_a_duplicated_row_is_exit_2_with_one_line(tmp_path):
    # hand-checked: the cereals market row twice would make the market 500 instead of 250
    text = DATA.read_text(encoding="utf-8")
    row = next(t for t in text.splitlines() if 'flow: M, product: "10", value_usd_m: 250' in t)
    code, out, err = run("headroom", _bad(tmp_path, text.replace(row, row + "\n" + row, 1)))
    assert (code, out) == (2, "") and len(err.splitlines()) == 1
    assert "products.rows.3: the same year, reporter, partner, flow and product as" in err


def test_the_top_five_of_which_one_is_null_say_four_and_mark_the_assumed_zeros():
    code, out, _ = run("headroom", SCENARIO, "--top", "5")
    assert code == 0
    # 5 PAK -> AZE products, fuels apart; machinery has no W_p: the total is of 3 (12 + 0.5 + 0)
    assert "PAK→AZE: the 3 largest untapped of 4 products, then 1 without a value" in out
    assert "the 5 largest untapped" not in out and "the 4 largest untapped" not in out
    # fuels (27), in the block apart, ranked 5th: no bilateral row from either side, taken as 0
    fuels = next(line for line in out.splitlines() if line.startswith("│5│27"))
    assert "0 (none reported)" in fuels


def test_the_reference_market_is_never_called_the_largest_untapped():
    code, out, _ = run("headroom", ROOT / "scenarios" / "base.yaml")
    out = " ".join(out.split())  # the table wraps its heading
    assert code == 0 and "largest untapped" not in out
    assert "PAK→AZE: 1 product by market size, none with an untapped value" in out


def test_the_reference_market_of_another_year_than_the_base_year_is_said():
    # base.yaml's base year is 2023; the reference's full-year pharma market is of 2020
    code, out, _ = run("headroom", ROOT / "scenarios" / "base.yaml", "-f", "json")
    doc = json.loads(out)
    assert code == 0 and (doc["base_year"], doc["year"]) == (2023, 2020)
    assert doc["year_note"] == (
        "the reference data's market from 2020, 3 years before the scenario's base year 2023: "
        "that year's market, not adjusted to the base year"
    )
    table = " ".join(run("headroom", ROOT / "scenarios" / "base.yaml")[1].split())
    assert "2020 (the reference data's market from 2020, 3 years before the scenario's" in table
    # the example scenario's data are of its base year: nothing to say
    assert "year_note" not in json.loads(run("headroom", SCENARIO, "-f", "json")[1])
