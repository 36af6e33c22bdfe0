"""`headroom` charts, workbook and the brief's section (examples/headroom: MADE-UP values)."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from tradecalc.cli.commands import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "headroom" / "pak-aze-products.yaml"
SCENARIO = ROOT / "examples" / "headroom" / "scenario.yaml"


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_the_chart_has_a_bar_per_untapped_product_and_the_gap_line(tmp_path):
    chart = tmp_path / "h.svg"
    code, out, err = run("headroom", SCENARIO, "--plot", chart, "-f", "json")
    assert (code, err) == (0, "") and out
    text = chart.read_text(encoding="utf-8")
    ET.fromstring(text)  # well-formed SVG
    # 5 bars (3 + 2: machinery has no untapped value, fuels are apart): one label each
    for label in ("10 Cereals", "52 Cotton", "30 Pharmaceutical products"):
        assert label in text
    assert "The gap to the target in 2030: 1,973 US$ m" in text and "ITC-style" in text
    again = tmp_path / "again.svg"
    run("headroom", SCENARIO, "--plot", again, "-f", "json")
    assert again.read_bytes() == chart.read_bytes()  # the same bytes twice


def test_no_untapped_values_to_draw_is_one_line_and_nothing_on_stdout(tmp_path):
    code, out, err = run("headroom", ROOT / "scenarios" / "base.yaml", "--plot", tmp_path / "x.png")
    assert (code, out) == (2, "")
    assert err.endswith(
        "no untapped values to draw: the data have no world exports (fetch --world)\n"
    )
    assert not (tmp_path / "x.png").exists()


def test_the_workbook_has_a_headroom_sheet_with_every_product(tmp_path):
    book = tmp_path / "h.xlsx"
    code, _, err = run("headroom", SCENARIO, "-o", book)
    assert (code, err) == (0, "")
    sheets = openpyxl.load_workbook(book)
    assert sheets.sheetnames == ["Summary", "Headroom", "Directions"]
    rows = list(sheets["Headroom"].iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 1 + 8 and "untapped_usd_m" in header
    assert (first["product"], first["untapped_usd_m"]) == ("10", 12.0)  # hand-computed: 15 - 3


def test_the_brief_has_a_headroom_section_only_with_product_data():
    code, page, _ = run("report", SCENARIO)
    assert code == 0
    assert "Headroom: which products could fill the gap (ITC-style)" in page
    assert "Pakistan → Azerbaijan (2023): the 10 largest untapped products" not in page
    # 5 products, fuels (27) apart, machinery without W_p: the total is of the 3 with a value
    assert (
        "Pakistan → Azerbaijan (2023): the 3 largest with a value together: $12.5 m, 0.6 % of "
        "the gap (upper-bound scale, not achievable trade); 1 has none: fetch --world"
    ) in page
    assert "27 Mineral fuels, …: untapped $1,495.0 m (not in the total above" in page
    assert "0 (none reported)" in page  # AZE -> PAK cotton's bilateral, taken as 0
    assert "Product data: Made-up values" in page
    code, page, _ = run("report", ROOT / "scenarios" / "base.yaml")
    assert code == 0 and "Headroom" not in page


def _chart_text(tmp_path, *args):
    chart = tmp_path / "h.svg"
    code, _, err = run("headroom", SCENARIO, "--plot", chart, "-f", "json", *args)
    assert (code, err) == (0, "")
    text = chart.read_text(encoding="utf-8")
    words = " ".join(re.sub(r"<[^>]+>", " ", text).split())  # the subtitle's wrapped lines
    return text, words


def test_the_chart_has_a_panel_per_direction_named_with_arrows_and_true_counts(tmp_path):
    text, words = _chart_text(tmp_path)
    # one axes per direction, each on its own scale: AZE -> PAK's 1.3 is not a sliver beside
    # PAK -> AZE's 12.0; fuels (27) apart are not drawn
    assert text.count('<g id="axes_') == 2
    assert "PAK→AZE: the 3 largest untapped of 4 products" in text
    assert "AZE→PAK: the 2 largest untapped of 2 products" in text
    assert "pak_to_aze" not in text and "aze_to_pak" not in text  # no raw keys in the legend
    # the subtitle counts what is drawn (3 and 2, machinery has no value), not the --top 10
    assert "PAK→AZE 3 of 4, AZE→PAK 2 of 2; at most 10 each" in words
    assert "HS 27, 71 and 93 are not drawn" in words and "Mineral fuels" not in words
    assert "The 10 largest" not in text
    # the gap (1,973) is 164 times PAK -> AZE's largest bar (12): drawn on neither panel
    assert "far beyond the PAK→AZE and AZE→PAK scale, not drawn there" in words
    assert "the gap, 1,973" not in text


def test_the_gap_is_drawn_on_the_panels_whose_scale_it_fits(tmp_path):
    # a $40 m target leaves a gap of about 12.7 (the central path is about 27.3 in 2030):
    # within twice PAK -> AZE's largest bar (12), beyond twice AZE -> PAK's (1.33)
    _, words = _chart_text(tmp_path, "--set", "target.value_usd_m=40")
    assert "dashed on PAK→AZE; far beyond the AZE→PAK scale, not drawn there" in words


def test_the_chart_escapes_tick_labels_from_the_data(tmp_path):
    from tradecalc.views.charts.headroom import headroom_chart

    row = {"direction": "pak_to_aze", "product": "30", "label": "Pharma\x1b[2J\u202eevil",
           "untapped_usd_m": 5.0}  # fmt: skip
    doc = {"rows": [row], "year": 2023, "gap_usd_m": None}
    text = headroom_chart(doc, tmp_path / "e.svg").decode("utf-8")
    assert "\x1b" not in text and "\u202e" not in text
    assert "30 Pharma\\x1b[2J\\u202eevil" in text  # written as the tables write it
