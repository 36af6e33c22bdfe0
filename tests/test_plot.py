"""--plot FILE: charts fit for a briefing, drawn only when asked for."""

from __future__ import annotations

import builtins
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.briefing_fixtures import BACKTEST, BRIEF
from tests.conftest import ROOT
from tests.helpers import HOSTILE_NAME, UNSAFE, _svg_facts, invoke, ok
from typer.testing import CliRunner

from tradecalc.analysis.comparison import Comparison
from tradecalc.analysis.projecting import project
from tradecalc.analysis.sensitivity import sensitivity_document
from tradecalc.analysis.simulation import simulate_scenario
from tradecalc.cli.commands import app
from tradecalc.views.charts import backtest as backtest_charts
from tradecalc.views.charts import comparison, projection, simulation
from tradecalc.views.charts import sensitivity as sensitivity_charts

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")
MAGIC = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}
SVG = "{http://www.w3.org/2000/svg}"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def svg_text(data: bytes) -> str:
    """Every text of an SVG (which must parse), wrapped lines joined by single spaces."""
    root = ET.fromstring(data)
    return " ".join(" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text"))


@pytest.fixture
def brief(write):
    return project(write(BRIEF, "brief.yaml"))


def charts(p):
    """Every chart, drawn from the fixture scenario: name -> draw(path) -> bytes."""
    other = project(p.path, overrides=["target.value_usd_m=800", "target.by_year=2029"])
    sim = simulate_scenario(p.scenario, 300, 0)
    return {
        "project": lambda path: projection.projection_chart(p, path),
        "project-log": lambda path: projection.projection_chart(p, path, log=True),
        "compare": lambda path: comparison.comparison_chart(Comparison([p, other]), path),
        "simulate": lambda path: simulation.simulation_chart(sim, path),
        "sensitivity": lambda path: sensitivity_charts.sensitivity_chart(
            sensitivity_document(p.scenario), path
        ),
        "backtest": lambda path: backtest_charts.backtest_chart(BACKTEST, path),
    }


KINDS = ["project", "project-log", "compare", "simulate", "sensitivity", "backtest"]
# what each chart must say in words (the SVG keeps text as text)
MUST_SAY = {
    "project": [
        "deal Mills & Looms <b>",
        "target 500 by 2030",
        "deadline 2030",
        "observed (AZE customs)",
        "mirror (PAK, FY Jul-Jun)",
        "Not counted by the target (memo, own scale)",
        "brokered: 50.0 in 2030",
        "Verdict: not by 2030; not within the horizon, 2032",
        "Sources: stats.",
        "tradecalc 0.1.0",
    ],
    "project-log": ["deal Mills & Looms <b>", "target 500 by 2030", "Log scale"],
    "compare": ["target 500 by 2030", "target 800 by 2029", "observed (AZE customs)"],
    "simulate": [
        "target 500 by 2030",
        "P10-P90 of draws",
        "P(reached in some year up to 2030) = 0.0 %",
    ],
    "sensitivity": ["deal: Mills & Looms <b>", "input at its low value", "off the scale"],
    "backtest": [
        "Backtest from 2019",
        "75 % of observed years inside P10-P90",
        "observed, outside the band",
    ],
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_is_print_quality_svg_and_png_the_same_bytes_twice(brief, kind):
    draw = charts(brief)[kind]
    png = draw(Path("c.png"))
    width, height = png_size(png)
    assert width >= 1600 and height >= 600  # 10 in at 200 dpi, whatever the legend adds
    svg = draw(Path("c.svg"))
    text = svg_text(svg)
    for words in MUST_SAY[kind]:
        assert words in text, words
    assert draw(Path("c.svg")) == svg
    assert draw(Path("c.png")) == png


def test_pdf_has_no_date_and_is_the_same_bytes_twice(brief):
    first = projection.projection_chart(brief, Path("c.pdf"))
    assert first.startswith(b"%PDF") and b"CreationDate" not in first
    assert projection.projection_chart(brief, Path("c.pdf")) == first


def test_svg_bytes_do_not_depend_on_the_process(tmp_path, brief):
    """Two fresh interpreters draw the same SVG (fixed hash salt, no date)."""
    script = (
        "import sys; from pathlib import Path; from tradecalc.analysis.projecting import project; "
        "from tradecalc.views.charts.projection import projection_chart; "
        "sys.stdout.buffer.write(projection_chart(project('brief.yaml'), Path('c.svg')))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, check=True).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and b"<dc:date>" not in runs[0]


def test_a_dollar_in_a_name_is_not_maths(brief):
    text = svg_text(projection.projection_chart(brief, Path("c.svg")))
    assert "Push to $2 bn" in text


def test_each_deal_is_its_own_line_and_uncounted_trade_is_not_stacked(brief):
    svg = projection.projection_chart(brief, Path("c.svg"))
    text = svg_text(svg)
    # the counted deal is its own lever line; the brokered one only appears in the memo panel
    assert "deal Mills & Looms <b>: 10.0 in 2030" in text  # hand-computed: 40 x 0.25
    assert "deal Fuel swap" not in text
    assert "Not counted by the target (memo, own scale)" in text


def test_odds_and_outside_view_from_the_document_reach_the_subtitle(brief):
    doc = brief.to_dict()
    doc["odds"] = {
        "draws": 2000,
        "seed": 0,
        "probability_by_year": 0.031,
        "p10_at_by_year_usd_m": 30.0,
        "p90_at_by_year_usd_m": 61.5,
    }
    doc["outside_view"] = {
        "cases": 6,
        "met_by_deadline": 0,
        "share_of_target_range": [0.054, 0.53],
        "fastest_cagr": 0.306,
    }
    text = svg_text(projection.projection_chart(brief, Path("c.svg"), document=doc))
    assert "P(reached in some year up to 2030) = 3.1 % (Monte Carlo, 2,000 draws, seed 0)" in text
    assert "0 of 6 comparable bilateral targets were met by their deadline" in text


def test_overrides_are_in_the_subtitle_and_the_footer(write, tmp_path):
    path = write(BRIEF, "brief.yaml")
    chart = tmp_path / "c.svg"
    result = runner.invoke(
        app, ["project", path, "-f", "json", "--set", "deals.1.probability=1", "--plot", str(chart)]
    )
    assert result.exit_code == 0, result.stderr
    text = svg_text(chart.read_bytes())
    assert "Overrides: --set deals.1.probability=1." in text
    assert "Changed by --set deals.1.probability=1." in text


@pytest.mark.parametrize("suffix", MAGIC)
@pytest.mark.parametrize(
    "command",
    [
        ["project", BASE, "--log"],
        ["compare", BASE, str(ROOT / "scenarios" / "push-2030.yaml")],
        ["simulate", BASE, "--draws", "200"],
        ["sensitivity", BASE],
    ],
    ids=["project", "compare", "simulate", "sensitivity"],
)
def test_plot_writes_a_chart_and_leaves_stdout_as_data(tmp_path, command, suffix):
    chart = tmp_path / f"chart{suffix}"
    result = runner.invoke(app, [*command, "-f", "json", "--plot", str(chart)])
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)
    assert chart.read_bytes().startswith(MAGIC[suffix])


def test_plot_needs_a_known_suffix(tmp_path):
    result = runner.invoke(app, ["project", BASE, "--plot", str(tmp_path / "c.gif")])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("c.gif: the file must end in .png, .svg or .pdf\n")


def test_plot_without_matplotlib_says_how_to_get_it(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = runner.invoke(app, ["project", BASE, "--plot", str(tmp_path / "c.png")])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(
        "needs matplotlib: pip install matplotlib (or pip install -e '.[plot]' from a checkout)\n"
    )
    assert not (tmp_path / "c.png").exists()


def test_a_plain_run_imports_neither_matplotlib_nor_an_xlsx_writer():
    script = (
        "import sys\n"
        f"sys.argv = ['tradecalc', 'project', {BASE!r}, '-f', 'json']\n"
        "from tradecalc.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'matplotlib', 'xlsxwriter', 'openpyxl', 'PIL'})\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert json.loads(result.stdout)["scenario"]["name"] == "Base case"
    assert result.stderr == "[]"


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


def _hostile_base() -> str:
    """base.yaml with a hostile scenario name and a hostile deal name (a tornado tick label)."""
    text = Path(BASE).read_text(encoding="utf-8")
    text = text.replace('name: "Base case"', f'name: "{HOSTILE_NAME}"', 1)
    return text.replace('"Textiles: ready-made garments"', '"Tex\\x1b[31m\\u202etiles"')


@pytest.mark.parametrize(
    "args",
    [
        ["project", "s.yaml"],
        ["simulate", "s.yaml", "-n", "50"],
        ["sensitivity", "s.yaml"],
        ["backtest", "s.yaml", "-n", "50"],
        ["compare", "s.yaml", BASE],
    ],
    ids=lambda args: args[0],
)
def test_charts_draw_escaped_names_without_glyph_warnings(write, tmp_path, args):
    import warnings

    write(_hostile_base())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke(*args, "-f", "json", "--plot", "c.svg")
    assert result.exit_code == 0, result.stderr
    assert [str(w.message) for w in caught] == []
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert not UNSAFE.search(svg.replace("\n", "").replace("\t", ""))
    if args[0] in ("project", "simulate", "sensitivity"):  # the charts whose title names it
        assert "Bad\\x01\\x1b[2J\\u202e\\u2066\\x0b name" in svg
    if args[0] == "sensitivity":  # a tick label of the tornado
        assert "Tex\\x1b[31m\\u202etiles" in svg


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_a_letter_the_font_lacks_warns_nothing(write, tmp_path, suffix):
    import warnings

    write(f'extends: {BASE}\nname: "\u4e2d\u6587 \U0001f600 case"\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("project", "s.yaml", "-f", "json", "--plot", f"c.{suffix}")
    assert result.exit_code == 0 and result.stderr == ""
    assert [str(w.message) for w in caught] == []
    if suffix == "svg":  # text stays text: a reader with the font sees the name
        assert "\u4e2d\u6587" in (tmp_path / "c.svg").read_text(encoding="utf-8")


# Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes.


def test_project_plot_shows_each_lever_the_odds_band_and_a_memo_apart(base_projection):
    from tradecalc.views.charts import projection

    p, doc = base_projection
    svg = projection.projection_chart(p, Path("c.svg"), document=doc).decode()
    text = re.sub(r"<[^>]+>", " ", svg)
    # three panels: the measure; the levers on their own scale; the memo on its own scale
    assert _svg_facts(svg)[3] == 3
    assert "What each counted lever adds to the baseline (own scale)" in text
    assert "Not counted by the target (memo, own scale)" in text
    assert "memo: all trade" not in text  # no memo line over the measure any more
    # every counted lever and deal is drawn, with its value at the deadline (the table's)
    for label in ("PTA: 0.7 in 2030", "TTA: 1.2 in 2030", "Tariff changes: -1.3 in 2030",
                  "deal Pharma: direct medicine supply: 1.2 in 2030"):  # fmt: skip
        assert label in text, label
    # the odds band, the same numbers as the odds line (P10 9.5, P90 215.0 in 2030)
    odds = doc["odds"]
    band = f"{odds['p10_at_by_year_usd_m']:,.1f}-{odds['p90_at_by_year_usd_m']:,.1f} in 2030"
    assert f"P10-P90 of the odds (2,000 draws, seed 0): {band}" in text


def test_the_tornado_puts_the_shocks_on_their_own_axis():
    from tradecalc.views.charts import sensitivity as sensitivity_charts

    doc = json.loads(ok("sensitivity", BASE, "-f", "json"))
    svg = sensitivity_charts.sensitivity_chart(doc, Path("t.svg")).decode()
    assert _svg_facts(svg)[3] == 2  # the annual shocks above, the levers below
    text = re.sub(r"<[^>]+>", " ", svg)
    assert "The annual shocks (top) have their own scale." in " ".join(text.split())
    # the levers' panel has its own scale: ticks a dollar apart around 40.5, which one axis
    # spanning the shocks' swing (over US$ 100 m wide) could not have
    shock = doc["inputs"][0]
    assert shock["input"].startswith("annual shocks") and shock["swing_usd_m"] > 50
    ticks = {int(t) for t in re.findall(r">\s*(\d+)\s*</text>", svg)}
    assert {40, 41, 42} <= ticks
    assert max(ticks) >= shock["measure_high_usd_m"] * 0.8  # the shocks' own axis reaches it
