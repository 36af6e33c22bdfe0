"""`tradecalc report`: one self-contained HTML brief, checked by a parser and a real browser."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.briefing_fixtures import BRIEF
from tests.conftest import ROOT, system_tool
from tests.helpers import _svg_facts, ok
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.views import report

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")


class Page(HTMLParser):
    """Tags, links and visible text of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._skip += tag in ("style", "svg")
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset"):
                self.links.append((tag, name, value or ""))

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "svg")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def brief_page(write, *extra: str) -> str:
    path = write(BRIEF, "brief.yaml")
    result = runner.invoke(app, ["report", path, *extra, "-o", "brief.html"])
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == "", result.stderr
    return Path("brief.html").read_text(encoding="utf-8")


def test_the_page_has_the_verdict_the_tables_and_the_chart_inline(write):
    page = Page(brief_page(write))
    words = page.words
    for expected in (
        "Pakistan-Azerbaijan trade: Push to $2 bn",
        "Verdict: not by 2030; not within the horizon, 2032",
        "Year by year, US$ m",
        "What each lever adds, US$ m",
        "Assumptions",
        "Sources",
        # the odds line: no draw of 2,000 reached, so a bound (3 / 2,000 rounded up)
        "P(reached in some year up to 2030) = under 0.2 % (Monte Carlo, 2,000 draws, seed 0; no level shocks",
    ):
        assert expected in words, expected
    # the chart twice: for the screen, and bare for print (issue 20 item 12)
    assert page.tags.count("svg") == 2 and "style" in page.tags
    assert "script" not in page.tags and "img" not in page.tags and "link" not in page.tags


def test_the_only_links_are_the_sources(write):
    page = Page(brief_page(write))
    external = [v for _, _, v in page.links if re.match(r"[a-z]+:", v) or v.startswith("//")]
    assert external == ["https://example.org/stats?a=1&b=2"]


def test_every_text_is_escaped(write):
    html = brief_page(write)
    page = Page(html)
    # the names hold < and &: as text, never as tags
    assert "Mills & Looms <b>" in page.words and "Statistics <office>" in page.words
    assert "toy <i>flow</i>" in page.words
    assert "b" not in page.tags and "i" not in page.tags and "office" not in page.tags


def test_overrides_are_on_the_page(write):
    words = Page(brief_page(write, "--set", "deals.1.probability=1")).words
    assert "Changed by --set --set deals.1.probability=1" in words


def test_without_matplotlib_the_page_says_so(write, monkeypatch):
    real = report.importlib.util.find_spec
    monkeypatch.setattr(
        report.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else real(name, *a),
    )
    page = Page(brief_page(write))
    assert "svg" not in page.tags
    assert report.NO_MATPLOTLIB in page.words


def test_several_scenarios_get_a_summary_and_a_section_each(write):
    path = write(BRIEF, "brief.yaml")
    write(
        BRIEF.replace('"Push to $2 bn"', '"Slow"').replace("value_usd_m: 500", "value_usd_m: 40"),
        "slow.yaml",
    )
    result = runner.invoke(app, ["report", path, "slow.yaml"])
    assert result.exit_code == 0 and result.stderr == ""
    page = Page(result.stdout)
    assert "At a glance" in page.words
    # hand-computed: 24.3 * 1.05**3 + 2.7 + 10 (Mills, 40 x 0.25) = 40.83 >= 40 in 2026,
    # 24.3 * 1.05**2 + 2.7 + 10 = 39.49 in 2025
    assert "Verdict: reached in 2026" in page.words
    assert page.tags.count("svg") == 5  # the comparison, and per scenario screen and print


def test_report_refuses_another_suffix(write):
    path = write(BRIEF, "brief.yaml")
    result = runner.invoke(app, ["report", path, "-o", "brief.pdf"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "--output brief.pdf: the brief's file name must end in .html\n"


def chromium(*args: str) -> subprocess.CompletedProcess:
    browser = system_tool("chromium", "chromium-browser")
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        timeout=120,
        check=True,
    )


def test_a_real_browser_shows_the_page_and_prints_it_on_two_a4_pages(tmp_path, monkeypatch):
    """Chromium renders the brief of the shipped base case: not blank, the verdict in the
    DOM, and two A4 pages when printed."""
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", BASE, "-o", "brief.html"])
    assert result.exit_code == 0
    url = (tmp_path / "brief.html").as_uri()
    chromium("--screenshot=shot.png", "--window-size=1200,1600", url)
    image = Image.open(tmp_path / "shot.png").convert("L")
    assert image.size == (1200, 1600)
    histogram = image.histogram()
    dark = sum(histogram[:128])  # text, rules and chart ink
    assert dark > 0.01 * 1200 * 1600 and histogram[255] > 0.5 * 1200 * 1600
    dom = chromium("--dump-dom", url).stdout.decode("utf-8")
    assert "Verdict: not by 2030; not within the horizon, 2035" in dom
    chromium("--no-pdf-header-footer", "--print-to-pdf=brief.pdf", url)
    pdf = (tmp_path / "brief.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2
    phone = chromium("--screenshot=phone.png", "--window-size=390,844", url)
    assert phone.returncode == 0 and Image.open(tmp_path / "phone.png").size == (390, 844)


@pytest.mark.parametrize("html", ["<svg", "</html>"])
def test_report_to_stdout_is_the_page(write, html):
    path = write(BRIEF, "brief.yaml")
    result = runner.invoke(app, ["report", path])
    assert result.exit_code == 0 and html in result.stdout


# Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes.


A4_TEXT_MM = 186.0  # 210 mm less the brief's 12 mm margins


PRINT_MAX_HEIGHT_MM = 95.0  # the brief's print CSS for the printed chart


PT_MM = 25.4 / 72


@pytest.mark.parametrize("log", [False, True])
def test_the_briefs_printed_chart_reads_on_a4(base_projection, log):
    from tradecalc.views.charts import projection

    p, doc = base_projection
    svg = projection.projection_chart(p, Path("c.svg"), log=log, document=doc, bare=True).decode()
    width, height, sizes, axes = _svg_facts(svg)
    # no title, subtitle or source footer: the page has them
    assert p.scenario.name not in svg and "Drawn by tradecalc" not in svg and "Verdict" not in svg
    # printed at A4's text width (or the print CSS's height), no text is under 7 pt
    scale = min(1.0, A4_TEXT_MM / (width * PT_MM), PRINT_MAX_HEIGHT_MM / (height * PT_MM))
    assert sizes and min(sizes) * scale >= 7.0, (min(sizes), scale)
    assert axes == 2  # the measure, and the levers on their own scale


def test_the_brief_prints_the_bare_chart_and_shows_the_full_one(tmp_path):
    ok("report", BASE, "-o", str(tmp_path / "brief.html"))
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    screen = html.split('<div class="screen-only">')[1].split("</div>")[0]
    printed = html.split('<div class="print-only printed-chart">')[1].split("</div>")[0]
    assert "Drawn by tradecalc" in screen and "Drawn by tradecalc" not in printed
    assert ".printed-chart figure svg" in html
