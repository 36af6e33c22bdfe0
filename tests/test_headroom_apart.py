"""Headroom keeps apart the chapters a world-share rule does not describe (27 mineral fuels,
71 precious stones and metals, 93 arms): their own block, never summed with the rest nor set
against the gap; the totals that are set against it say they are an upper-bound scale.

examples/headroom/ holds MADE-UP values only (no UN Comtrade figure).
"""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradecalc.analysis.headroom import APART, SCALE, at_detail, chapter_apart, headroom_document
from tradecalc.cli.commands import app
from tradecalc.scenario.sections import ProductRow, Products

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "headroom" / "scenario.yaml"


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def doc():
    code, out, err = run("headroom", SCENARIO, "-f", "json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_the_examples_fuels_are_kept_apart_from_the_share_of_the_gap(doc):
    # By hand from examples/headroom/pak-aze-products.yaml, AZE -> PAK, 2023 (M: PAK's imports
    # from WLD; X: AZE's exports to WLD; W: the `world:` rows of each chapter):
    #   27 fuels:  W = 200 + 20,000 + 179,800 = 200,000; potential 20,000 / 200,000 x 15,000
    #              = 1,500; PAK reports 5 imported from AZE: untapped 1,495
    #   52 cotton: W = 2,000 + 100 + 57,900 = 60,000; 100 / 60,000 x 800 = 1.3333; no
    #              bilateral row from either side: untapped 1.3333
    #   30 pharma: W = 350 + 5 + 99,645 = 100,000; 5 / 100,000 x 1,000 = 0.05; untapped 0.05
    # Before, the three were summed: 1,496.383 = 75.9 % of the gap (1,972.7). Now fuels stand
    # apart and the share-rule products are 1.3333 + 0.05 = 1.3833, 0.070 % of the gap.
    gap = doc["gap_usd_m"]
    assert gap == pytest.approx(1972.7, abs=0.05)  # the projection's, as the README prints it
    assert 1496.3833 / gap == pytest.approx(0.759, abs=5e-4)  # today's quoted figure, by hand
    aze = next(d for d in doc["directions"] if d["direction"] == "aze_to_pak")
    assert aze["top_untapped_usd_m"] == pytest.approx(100 / 60000 * 800 + 5 / 100000 * 1000)
    assert aze["top_share_of_gap"] == pytest.approx(1.383333 / gap, rel=1e-6)
    assert aze["top_share_of_gap"] < 0.001  # 0.07 %, not 75.9 %
    assert (aze["top"], aze["products"], aze["products_apart"]) == (2, 3, 1)
    (block,) = [a for a in doc["apart"]["directions"] if a["direction"] == "aze_to_pak"]
    assert block["products"] == ["27"] and block["untapped_usd_m"] == pytest.approx(1495.0)
    assert block["market_usd_m"] == 15000 and "share_of_gap" not in str(block)


def test_rows_apart_are_marked_and_ranked_after_the_rest(doc):
    for direction in ("pak_to_aze", "aze_to_pak"):
        rows = [r for r in doc["rows"] if r["direction"] == direction]
        assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
        assert [r["product"] for r in rows if r["apart"]] == ["27"]
        assert rows[-1]["product"] == "27"  # after every share-rule product, even a null one


def test_the_block_lists_each_chapter_with_its_reason(doc):
    chapters = {c["chapter"]: c["reason"] for c in doc["apart"]["chapters"]}
    assert chapters == APART and set(APART) == {"27", "71", "93"}
    assert doc["scale"] == SCALE == "upper-bound scale, not achievable trade"


def test_methods_lists_the_chapters_apart_with_their_reasons():
    methods = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    section = methods.split("**Chapters apart.**")[1].split("At HS4")[0]
    listed = re.findall(r"^- HS (\d\d) ", section, flags=re.M)
    assert listed == list(APART)


def test_the_table_shows_the_block_apart_and_labels_the_totals():
    code, out, _ = run("headroom", SCENARIO)
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())
    assert "AZE→PAK the 2 largest untapped products together: $1.4 m, 0.1 % of the gap " \
        "(upper-bound scale, not achievable trade)" in flat  # fmt: skip
    assert "AZE→PAK, apart 27 Mineral fuels, …: untapped $1,495.0 m (not in the total above, " \
        "nor set against the gap)" in flat  # fmt: skip
    assert "AZE→PAK: apart, not summed: a world-share rule does not describe these markets" in flat
    assert "chapter 27 apart: mineral fuels" in flat
    assert "75.9 %" not in flat and "$1,496.4 m" not in flat


def test_csv_says_which_rows_are_apart_in_a_last_column():
    code, out, _ = run("headroom", SCENARIO, "-f", "csv")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header[-1] == "apart"
    apart = {
        (r["direction"], r["product"])
        for r in csv.DictReader(io.StringIO(out))
        if r["apart"] == "True"
    }  # fmt: skip  (as the other CSVs write booleans)
    assert apart == {("pak_to_aze", "27"), ("aze_to_pak", "27")}


def _row(product: str, reporter: str, partner: str, flow: str, value: float) -> ProductRow:
    return ProductRow(
        year=2023, reporter=reporter, partner=partner, flow=flow, product=product,
        value_usd_m=value,
    )  # fmt: skip


HEADINGS = Products(
    detail="hs4",
    rows=[
        _row("2711", "AZE", "WLD", "M", 100.0),  # gas: chapter 27, apart
        _row("7108", "AZE", "WLD", "M", 50.0),  # gold: chapter 71, apart
        _row("1006", "AZE", "WLD", "M", 40.0),  # rice: under the share rule
        _row("2711", "PAK", "WLD", "X", 10.0),
        _row("7108", "PAK", "WLD", "X", 5.0),
        _row("1006", "PAK", "WLD", "X", 20.0),
    ],
    world=[
        _row("2711", "PAK", "WLD", "X", 10.0),
        _row("2711", "QAT", "WLD", "X", 90.0),
        _row("7108", "PAK", "WLD", "X", 5.0),
        _row("7108", "CHE", "WLD", "X", 95.0),
        _row("1006", "PAK", "WLD", "X", 20.0),
        _row("1006", "IND", "WLD", "X", 80.0),
    ],
)


def test_at_hs4_a_heading_is_apart_when_its_chapter_is():
    doc = headroom_document(HEADINGS, ("PAK", "AZE"), gap_usd_m=100.0, top=10)
    rows = {r["product"]: r for r in doc["rows"]}
    assert {p for p, r in rows.items() if r["apart"]} == {"2711", "7108"}
    # by hand, each 20 % / 10 % / 5 % of world exports, no bilateral row (taken as 0):
    # rice 20 / 100 x 40 = 8; gas 10 / 100 x 100 = 10; gold 5 / 100 x 50 = 2.5
    (pak,) = doc["directions"]
    assert pak["top_untapped_usd_m"] == pytest.approx(8.0)  # rice alone, not 20.5
    assert pak["top_share_of_gap"] == pytest.approx(0.08)
    (block,) = doc["apart"]["directions"]
    assert block["products"] == ["2711", "7108"]  # ranked: 10 before 2.5
    assert block["untapped_usd_m"] == pytest.approx(12.5)
    # summed into chapters (--detail hs2), the same rule by chapter
    chapters = headroom_document(at_detail(HEADINGS, "hs2"), ("PAK", "AZE"), 100.0, 10)
    assert chapters["apart"]["directions"][0]["products"] == ["27", "71"]


def test_the_table_shows_the_first_top_headings_apart_and_counts_the_rest():
    # HEADINGS (made up) has two headings apart, 2711 (untapped 10) and 7108 (2.5): at --top 1
    # the block's line names the first and counts the other with the block's total, and its
    # table shows one row, titled with how many there are
    from tradecalc.analysis.documents import Headroom
    from tradecalc.views.headroom_view import headroom_view

    view = headroom_view(Headroom(headroom_document(HEADINGS, ("PAK", "AZE"), 100.0, 1), top=1))
    line = dict(view.headline)["PAK→AZE, apart"]
    assert line.startswith("2711 ") and "7108" not in line
    assert "; and 1 more, $12.5 m untapped in all 2 (not in the total above" in line
    (table,) = [t for t in view.tables if "apart" in t.title]
    assert "(the first 1 of 2)" in table.title and len(table.rows) == 1


def test_the_rule_is_by_chapter_at_any_detail():
    assert chapter_apart("93") and chapter_apart("9301") and chapter_apart("930190")
    assert chapter_apart("2709")  # crude
    assert chapter_apart("30") is None and chapter_apart("2601") is None  # ores: chapter 26


def test_the_workbook_says_what_its_totals_are_and_marks_the_rows_apart(tmp_path):
    import openpyxl

    book = tmp_path / "h.xlsx"
    assert run("headroom", SCENARIO, "-o", book)[0] == 0
    sheets = openpyxl.load_workbook(book)
    summary = {row[0]: row[1] for row in sheets["Summary"].iter_rows(values_only=True)}
    assert summary["the totals above are"] == SCALE
    rows = list(sheets["Headroom"].iter_rows(values_only=True))
    column = rows[0].index("apart")
    assert sorted(r[3] for r in rows[1:] if r[column]) == ["27", "27"]
