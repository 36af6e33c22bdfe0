"""Headroom: the ITC-style potential and untapped value, RCA and density (checked against `ecomplexity`).

The fixture examples/headroom/pak-aze-products.yaml holds MADE-UP values (no UN Comtrade
figure): year 2023, PAK -> AZE and AZE -> PAK, products 10, 27, 30, 52 and 84.
"""

import os
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from tradecalc.analysis.complexity import Cell, complexity
from tradecalc.analysis.headroom import headroom_document, load_reference, reference_headroom
from tradecalc.scenario.datafile_reader import product_problems, read_data_file
from tradecalc.scenario.sections import Products

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "examples" / "headroom" / "pak-aze-products.yaml"


@pytest.fixture(scope="module")
def doc():
    data, _ = read_data_file(FIXTURE)
    return headroom_document(data.products, ("PAK", "AZE"), gap_usd_m=1500.0, top=3)


def _row(doc, direction, product):
    (row,) = [r for r in doc["rows"] if r["direction"] == direction and r["product"] == product]
    return row


def test_potential_and_untapped_match_a_hand_computation(doc):
    # hand-computed from the fixture's stated inputs, PAK -> AZE, 2023:
    # cereals (10): M = 250 (AZE imports from WLD), X = 3000 (PAK exports to WLD),
    #   W = 3000 + 47000 = 50000 (PAK + USA), bilateral 3 (AZE's own report)
    #   potential = 3000 / 50000 x 250 = 15; untapped = 15 - 3 = 12
    cereals = _row(doc, "pak_to_aze", "10")
    assert cereals["market_usd_m"] == 250 and cereals["supply_usd_m"] == 3000
    assert cereals["world_usd_m"] == 50000 and cereals["bilateral_usd_m"] == 3
    assert cereals["bilateral_reported_by"] == "importer"
    assert_allclose(cereals["world_share"], 0.06)
    assert_allclose(cereals["market_share"], 3 / 250)
    assert_allclose(cereals["potential_usd_m"], 15.0)
    assert_allclose(cereals["untapped_usd_m"], 12.0)
    # cotton (52): W = 2000 + 100 + 57900 = 60000; potential = 2000 / 60000 x 60 = 2;
    # AZE reports no import from PAK, PAK reports 1.5 exported (the mirror): untapped 0.5
    cotton = _row(doc, "pak_to_aze", "52")
    assert cotton["bilateral_reported_by"] == "mirror"
    assert_allclose(cotton["potential_usd_m"], 2.0)
    assert_allclose(cotton["untapped_usd_m"], 0.5)
    assert "mirror" in cotton["note"]
    # fuels (27), AZE -> PAK: W = 200 + 20000 + 179800 = 200000; potential =
    # 20000 / 200000 x 15000 = 1500; PAK reports 5 imported: untapped 1495
    fuels = _row(doc, "aze_to_pak", "27")
    assert_allclose(fuels["potential_usd_m"], 1500.0)
    assert_allclose(fuels["untapped_usd_m"], 1495.0)


def test_an_actual_above_the_potential_is_zero_untapped_with_the_excess_said(doc):
    # pharma (30), PAK -> AZE: W = 350 + 5 + 99645 = 100000; potential = 350 / 100000 x 400
    # = 1.4; AZE reports 2.0 imported from PAK: untapped 0, excess 2.0 - 1.4 = 0.6
    pharma = _row(doc, "pak_to_aze", "30")
    assert_allclose(pharma["potential_usd_m"], 1.4)
    assert pharma["untapped_usd_m"] == 0.0
    assert_allclose(pharma["excess_usd_m"], 0.6)
    assert "0.6 above the potential" in pharma["note"]


def test_the_potential_never_exceeds_the_market():
    # hand-made: X = 90, W = 100 but M = 1000 would give 900; a share above 1 (X > W, when
    # world rows miss some reporters) is capped at M: X = 300, W = 100, M = 50 -> 50
    products = Products.model_validate(
        {
            "detail": "hs2",
            "rows": [
                {"year": 2023, "reporter": "AZE", "partner": "WLD", "flow": "M",
                 "product": "30", "value_usd_m": 50.0},
                {"year": 2023, "reporter": "PAK", "partner": "WLD", "flow": "X",
                 "product": "30", "value_usd_m": 300.0},
            ],
            "world": [
                {"year": 2023, "reporter": "DEU", "partner": "WLD", "flow": "X",
                 "product": "30", "value_usd_m": 100.0},
            ],
        }
    )  # fmt: skip
    (row,) = headroom_document(products, ("PAK", "AZE"))["rows"]
    assert row["potential_usd_m"] == 50.0 == row["untapped_usd_m"]


def test_missing_world_exports_give_null_potential_and_say_what_to_fetch(doc):
    machinery = _row(doc, "pak_to_aze", "84")
    assert machinery["world_usd_m"] is None
    assert machinery["potential_usd_m"] is None and machinery["untapped_usd_m"] is None
    assert "fetch --world" in machinery["note"]


def test_rows_are_ranked_by_untapped_and_the_top_set_against_the_gap(doc):
    pak = [r["product"] for r in doc["rows"] if r["direction"] == "pak_to_aze"]
    # 12, 0.5, 0, null; then the chapter apart, fuels (27, untapped 0.3), after all of them
    assert pak == ["10", "52", "30", "84", "27"]
    summary = doc["directions"][0]
    # hand-computed: top 3 = 12 + 0.5 + 0 = 12.5 (pharma, 30: 350 / 100,000 x 400 = 1.4
    # potential, 2 bilateral: untapped 0); against the gap 1500: 12.5 / 1500
    assert_allclose(summary["top_untapped_usd_m"], 12.5)
    assert_allclose(summary["top_share_of_gap"], 12.5 / 1500)
    assert doc["year"] == 2023  # the fixture's 2022 row is older: the latest year is used
    assert doc["gap_usd_m"] == 1500.0


def test_rca_of_the_fixture_matches_balassa_by_hand(doc):
    # hand-computed: PAK exports 350 + 2000 + 3000 + 200 = 5550 of the world rows' 410000;
    # cereals are 50000 of them: RCA = (3000 / 5550) / (50000 / 410000) = 4.4324
    assert_allclose(_row(doc, "pak_to_aze", "10")["rca"], (3000 / 5550) / (50000 / 410000))


def test_a_direction_without_market_rows_is_skipped_in_words():
    products = Products.model_validate(
        {"detail": "hs2", "rows": [{"year": 2023, "reporter": "AZE", "partner": "WLD",
                                    "flow": "M", "product": "30", "value_usd_m": 400.0}]}
    )  # fmt: skip
    doc = headroom_document(products, ("PAK", "AZE"))
    assert [d["direction"] for d in doc["directions"]] == ["pak_to_aze"]
    assert doc["skipped"] == [
        "aze_to_pak: no product rows of PAK's imports from the world: skipped "
        "(fetch --detail hs2 for PAK)"
    ]
    assert doc["gap_usd_m"] is None


def test_reference_headroom_uses_the_sourced_pharma_market():
    doc = reference_headroom(load_reference(), gap_usd_m=None)
    (row,) = doc["rows"]
    # the reference's azerbaijan_pharma_imports_hs30 full-year entry: 2020, $377 m
    assert (row["direction"], row["product"], row["year"]) == ("pak_to_aze", "30", 2020)
    assert row["market_usd_m"] == 377.0 and row["source"] == "india_embassy_pharma_2021"
    assert row["potential_usd_m"] is None
    assert "no UN Comtrade values" in doc["basis"]
    assert any("part-year" in s for s in doc["skipped"])


def test_an_unknown_product_code_is_one_line_at_its_row(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace('product: "84"', 'product: "77"', 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    data, tree = read_data_file(path)
    (problem,) = product_problems(data.products, tree)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"77"' in t)
    assert str(problem) == f"{path}:{line}: products.rows.4.product: unknown HS code '77'"


# --- RCA, proximity and density, checked against ecomplexity ------------------------------------------------


THREE_BY_THREE = [  # made-up: economies A, B, C; products 01, 30, 52
    Cell("A", "01", 10),
    Cell("A", "52", 30),
    Cell("B", "01", 20),
    Cell("B", "30", 20),
    Cell("C", "01", 5),
    Cell("C", "30", 5),
    Cell("C", "52", 10),
]


def test_three_by_three_rca_density_and_proximity_by_hand():
    result = complexity(THREE_BY_THREE)
    # exports: A 40, B 40, C 20; products: 01 35, 30 25, 52 40; all 100.
    # RCA_cp = (X_cp / X_c) / (X_p / X):
    assert_allclose(result.rca["A", "01"], (10 / 40) / (35 / 100))  # 0.714
    assert_allclose(result.rca["A", "52"], (30 / 40) / (40 / 100))  # 1.875
    assert_allclose(result.rca["B", "30"], (20 / 40) / (25 / 100))  # 2.0
    assert_allclose(result.rca["C", "30"], (5 / 20) / (25 / 100))  # 1.0: counts as M = 1
    assert result.rca["A", "30"] == 0.0  # no exports: rectangularised as 0
    # M (RCA >= 1): A {52}, B {01, 30}, C {30, 52}; ubiquity 01: 1, 30: 2, 52: 2.
    # proximity = co-exporters / max(ubiquity): 01-30: B / max(1, 2) = 0.5; 01-52: 0;
    # 30-52: C / max(2, 2) = 0.5
    assert_allclose(result.proximity["01", "30"], 0.5)
    assert_allclose(result.proximity["01", "52"], 0.0)
    assert_allclose(result.proximity["30", "52"], 0.5)
    # density_cp = sum_p' M_cp' phi_pp' / sum_p' phi_pp':
    # A, 30: row 30 = (0.5, 1, 0.5), sum 2; A has 52 only: 0.5 / 2 = 0.25
    assert_allclose(result.density["A", "30"], 0.25)
    # B, 52: row 52 = (0, 0.5, 1), sum 1.5; B has 01 and 30: (0 + 0.5) / 1.5 = 1/3
    assert_allclose(result.density["B", "52"], 1 / 3)
    # A, 01: row 01 = (1, 0.5, 0), sum 1.5; A has 52 only: 0 / 1.5 = 0
    assert_allclose(result.density["A", "01"], 0.0)


def test_ecomplexity_published_invariants():
    # ecomplexity's own tests (tests/test_density.py, test_ecomplexity.py of
    # cid-harvard/py-ecomplexity): every location x product cell is in the output
    # (rectangularised), and density lies in [0, 1]
    result = complexity(THREE_BY_THREE)
    assert len(result.rca) == 9 == len(result.density)
    assert all(0.0 <= d <= 1.0 for d in result.density.values())


def test_one_economy_and_one_product():
    # hand-computed: (1 / 1) / (1 / 1) = 1, so M = 1, ubiquity 1, proximity 1, density 1
    result = complexity([Cell("A", "30", 1.0)])
    assert result.rca["A", "30"] == 1.0
    assert result.density["A", "30"] == 1.0


def test_economies_and_products_without_exports_are_missing_not_zero():
    # as ecomplexity's create_full_df drops them: no RCA (0 / 0) and no density for them,
    # and the others' values as without them (hand-computed: B alone exports 01 and 30,
    # each 10 of 20, so each RCA is (10 / 20) / (10 / 20) = 1)
    result = complexity([Cell("A", "01", 0.0), Cell("B", "01", 10), Cell("B", "30", 10),
                         Cell("B", "52", 0.0)])  # fmt: skip
    assert ("A", "01") not in result.rca and ("B", "52") not in result.density
    assert result.rca["B", "01"] == 1.0 == result.rca["B", "30"]
    assert len(result.rca) == 2


@pytest.mark.parametrize("shape", [(6, 9), (40, 70)])
def test_same_values_as_ecomplexity_on_random_matrices(shape):
    # the Growth Lab's own package on the same made-up matrix (lognormal values, 60 % of the
    # cells empty, one economy and one product with no exports at all): every RCA, density
    # and proximity equal to 1e-12, and missing exactly where its output is NaN
    import contextlib
    import io
    import warnings

    import numpy as np
    import pandas as pd
    from ecomplexity import ecomplexity, proximity

    rng = np.random.default_rng(sum(shape))
    values = rng.lognormal(3, 2, shape) * (rng.random(shape) < 0.4)
    values[0, :] = 0.0
    values[:, 1] = 0.0
    economies = [f"E{i}" for i in range(shape[0])]
    products = [f"{j:04d}" for j in range(shape[1])]
    cells = [Cell(e, p, values[i, j]) for i, e in enumerate(economies)
             for j, p in enumerate(products)]  # fmt: skip
    ours = complexity(cells)
    frame = pd.DataFrame(cells, columns=["loc", "prod", "val"]).assign(time=0)
    columns = {"time": "time", "loc": "loc", "prod": "prod", "val": "val"}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ecomplexity(frame, columns, verbose=False, check_logsupermodularity=False)
        near = proximity(frame, columns)
    for name, table, keys in (
        ("rca", theirs, ("loc", "prod")),
        ("density", theirs, ("loc", "prod")),
        ("proximity", near, ("prod_1", "prod_2")),
    ):
        mapping = getattr(ours, name)
        for key, expected in zip(
            zip(*(table[k] for k in keys), strict=True), table[name], strict=True
        ):
            if np.isnan(expected):
                assert key not in mapping, (name, key)
            else:
                assert_allclose(mapping[key], expected, rtol=1e-12, err_msg=f"{name} {key}")


FIXTURES = os.environ.get("ECOMPLEXITY_FIXTURES")


@pytest.mark.skipif(
    FIXTURES is None,
    reason="set ECOMPLEXITY_FIXTURES to ecomplexity's tests/fixtures: its inputs are Atlas "
    "(UN Comtrade) values, which tradecalc may not ship",
)
def test_ecomplexity_stata_ground_truth():
    # ecomplexity's published expectations: tests/fixtures/stata_ground_truth.csv, from
    # Stata's `ecomplexity export_val, i(origin) p(hs92) t(year)`; tolerances from its
    # fixtures README (RCA rtol 1e-5, M exact). Its density is not compared: the package's
    # own README says Python's density differs from Stata's, and its tests assert only that
    # density lies in [0, 1], as here
    import pandas as pd

    trade = pd.read_csv(Path(FIXTURES) / "trade_data_sample.csv", dtype={"hs92": str})
    truth = pd.read_csv(Path(FIXTURES) / "stata_ground_truth.csv", dtype={"hs92": str})
    for year, expected in truth.groupby("year"):
        rows = trade[trade["year"] == year]
        columns = (rows.origin, rows.hs92, rows.export_val)
        cells = [Cell(o, p, v) for o, p, v in zip(*columns, strict=True)]
        result = complexity(cells)
        for r in expected.itertuples():
            assert_allclose(result.rca[r.origin, r.hs92], r.rca, rtol=1e-5)
            assert (result.rca[r.origin, r.hs92] >= 1.0) == bool(r.M)
            assert 0.0 <= result.density[r.origin, r.hs92] <= 1.0


# --- rows the analysis would misread: refused, one line each ----------------------------


def _problems(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    data, tree = read_data_file(path)
    codes = tuple(e.code for e in data.economies)
    return path, [str(p) for p in product_problems(data.products, tree, codes)]


def _line(text, needle, nth=1):
    found = [i for i, t in enumerate(text.splitlines(), 1) if needle in t]
    return found[nth - 1]


CEREALS = '{year: 2023, reporter: AZE, partner: WLD, flow: M, product: "10", value_usd_m: 250'


def test_a_duplicated_row_is_refused_naming_the_other_line(tmp_path):
    # the cereals market row written twice would make AZE's cereals market 500, not 250
    text = FIXTURE.read_text(encoding="utf-8")
    row = next(t for t in text.splitlines() if CEREALS in t)
    text = text.replace(row, row + "\n" + row, 1)
    path, problems = _problems(tmp_path, text)
    first, second = _line(text, CEREALS), _line(text, CEREALS, 2)
    assert problems == [
        f"{path}:{second}: products.rows.3: the same year, reporter, partner, flow and product "
        f"as products.rows.2 (line {first}): write each value once (the two would be added "
        "together)"
    ]


def test_a_heading_in_a_chapter_file_and_a_chapter_in_a_heading_file_are_refused(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace('product: "84"', 'product: "8471"', 1)
    path, problems = _problems(tmp_path, text)
    line = _line(text, '"8471"')
    assert problems == [
        f"{path}:{line}: products.rows.4.product: '8471' is an HS4 heading in a file of detail: "
        "hs2 (write 2-digit codes, or fetch the file again at this detail)"
    ]
    text = FIXTURE.read_text(encoding="utf-8").replace("detail: hs2", "detail: hs4")
    _, problems = _problems(tmp_path, text)
    # every row of the fixture is a chapter: 21 pair rows and 11 world rows, one line each
    assert len(problems) == 32 and "'30' is an HS2 chapter in a file of detail: hs4" in problems[0]


def test_a_pair_row_of_a_third_reporter_is_refused_but_world_rows_may_have_any(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace(CEREALS, CEREALS.replace("AZE", "GEO"))
    path, problems = _problems(tmp_path, text)
    assert problems == [
        f"{path}:{_line(text, 'reporter: GEO')}: products.rows.2.reporter: reporter 'GEO' is not "
        "one of the file's economies (PAK, AZE): other reporters' exports go under products.world"
    ]
    # the fixture's world rows already have DEU, CHN, USA and SAU as reporters: no problem
    assert _problems(tmp_path, FIXTURE.read_text(encoding="utf-8"))[1] == []


# --- absence is not zero: every assumed 0 and every left-out null is said ----------------


def test_an_assumed_zero_bilateral_is_marked_in_the_row(doc):
    # fuels (27), PAK -> AZE: neither side reports a bilateral row; the potential takes it as
    # 0 (W = 200000, potential = 200 / 200000 x 300 = 0.3 = untapped) and the row says so
    fuels = _row(doc, "pak_to_aze", "27")
    assert fuels["bilateral_usd_m"] is None
    assert fuels["bilateral_basis"] == "none reported: taken as 0"
    assert_allclose(fuels["untapped_usd_m"], 0.3)
    assert _row(doc, "pak_to_aze", "10")["bilateral_basis"] is None  # AZE reports 3.0


def test_an_assumed_zero_supply_is_marked_in_the_row():
    # W_p known (DEU's 100) but PAK reports no exports of 30: share taken as 0, said
    products = Products.model_validate(
        {
            "detail": "hs2",
            "rows": [{"year": 2023, "reporter": "AZE", "partner": "WLD", "flow": "M",
                      "product": "30", "value_usd_m": 50.0}],
            "world": [{"year": 2023, "reporter": "DEU", "partner": "WLD", "flow": "X",
                       "product": "30", "value_usd_m": 100.0}],
        }
    )  # fmt: skip
    (row,) = headroom_document(products, ("PAK", "AZE"))["rows"]
    assert row["supply_usd_m"] is None and row["world_share"] == 0.0
    assert row["supply_basis"] == "none reported: taken as 0"
    assert row["potential_usd_m"] == 0.0


def test_the_top_total_counts_only_products_with_a_value_and_says_how_many_lack_one():
    data, _ = read_data_file(FIXTURE)
    summary = headroom_document(data.products, ("PAK", "AZE"), gap_usd_m=1500.0, top=5)[
        "directions"
    ][0]
    # PAK -> AZE has 5 products, fuels (27) apart: 4 under the share rule, of which machinery
    # (84) has no W_p: 3 summed (12 + 0.5 + 0)
    assert (summary["top"], summary["top_with_value"], summary["without_value"]) == (4, 3, 1)
    assert summary["products"] == 5 and summary["products_apart"] == 1
    assert_allclose(summary["top_untapped_usd_m"], 12.5)


def test_world_exports_sum_by_product_and_by_reporter_and_product():
    # made-up rows: two reporters, headings 5201 and 5208 (chapter 52) and 1006; a PAK import
    # and a row to a partner that is not the world are left out; a repeated cell is added
    from tradecalc.scenario.sections import ProductRow
    from tradecalc.scenario.world_exports import WorldExports

    def row(reporter, product, value, partner="WLD", flow="X", year=2023):
        return ProductRow(year=year, reporter=reporter, partner=partner, flow=flow,
                          product=product, value_usd_m=value)  # fmt: skip

    world = WorldExports.of_rows([
        row("PAK", "5201", 1.0), row("PAK", "5208", 2.0), row("CHN", "5208", 4.0),
        row("CHN", "1006", 8.0), row("CHN", "1006", 16.0, year=2022), row("PAK", "5201", 32.0,
        flow="M"), row("PAK", "1006", 64.0, partner="AZE"),
    ])  # fmt: skip
    assert len(world) == 5
    assert world.totals() == {(2023, "1006"): 8.0, (2023, "5201"): 1.0, (2023, "5208"): 6.0,
                              (2022, "1006"): 16.0}  # fmt: skip
    economies, products, values = world.matrix(2023)
    assert (economies, products) == (["CHN", "PAK"], ["1006", "5201", "5208"])
    assert values.tolist() == [[8.0, 0.0, 4.0], [0.0, 1.0, 2.0]]
    assert world.chapters().matrix(2023)[2].tolist() == [[8.0, 4.0], [0.0, 3.0]]
