"""`tradecalc compare`: no scenario dropped at 80 columns (golden), the closest named only among
scenarios that count the same categories (issues 7 and 20)."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

from rich.console import Console
from tests.conftest import ROOT, SCENARIOS
from tests.helpers import ok
from typer.testing import CliRunner

from tradecalc import project
from tradecalc.analysis.comparison import Comparison
from tradecalc.cli.commands import app
from tradecalc.views import compare_view, render

runner = CliRunner()


GOLDEN = Path(__file__).parent / "golden"


def test_compare_never_drops_a_scenario_golden_80():
    """All five shipped scenarios at 80 columns. Regenerate: TRADECALC_GOLDEN=update."""
    result = Comparison([project(p, path=os.path.relpath(p, ROOT)) for p in SCENARIOS])
    console = Console(file=io.StringIO(), width=80, color_system=None, force_terminal=False)
    for renderable in render.to_rich(compare_view.comparison_view(result, 80)):
        console.print(renderable)
    rendered = console.file.getvalue()
    golden = GOLDEN / "compare-80.txt"
    if os.environ.get("TRADECALC_GOLDEN") == "update":
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")
    assert max(len(line) for line in rendered.splitlines()) <= 80
    for p in SCENARIOS:
        assert os.path.relpath(p, ROOT) in rendered
    assert "scenarios 1-3 of 5" in rendered  # the split is said in the titles


def test_compare_at_80_columns_through_the_command_line():
    result = runner.invoke(app, ["compare", *map(str, SCENARIOS)], env={"COLUMNS": "80"})
    assert result.exit_code == 0 and result.stderr == ""
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    shown = re.findall(r"scenarios? (\d+)(?:-(\d+))? of 5", result.stdout)
    covered = [n for a, b in shown for n in range(int(a), int(b or a) + 1)]
    assert covered == [1, 2, 3, 4, 5]


# Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes.


BASE = str(ROOT / "scenarios" / "base.yaml")


def test_compare_names_the_closest_among_like_counts(tmp_path):
    shipped = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    doc = json.loads(ok("compare", *shipped, "-f", "json"))
    by_name = {s["name"]: s for s in doc["scenarios"]}
    # official-count counts every category: its gap is the smallest, but it is not comparable
    official = by_name["Official count"]
    assert official["gap_at_by_year_usd_m"] == min(
        s["gap_at_by_year_usd_m"] for s in by_name.values()
    )
    assert doc["closest"] == "Push to 2030"
    assert "Official count" not in doc["closest_among"] and len(doc["closest_among"]) == 4
    table = ok("compare", *shipped)
    assert "not ranked, as they count other categories: Official count" in " ".join(table.split())
    # two groups of one each: the first listed sets the categories
    pair = json.loads(
        ok("compare", str(ROOT / "scenarios" / "official-count.yaml"), BASE, "-f", "json")
    )
    assert pair["closest"] == "Official count" and pair["closest_among"] == ["Official count"]
    # all alike: all are ranked, no note
    alike = [BASE, str(ROOT / "scenarios" / "push-2030.yaml")]
    assert json.loads(ok("compare", *alike, "-f", "json"))["closest_among"] == [
        "Base case",
        "Push to 2030",
    ]
    assert "not ranked" not in ok("compare", *alike)


def test_compare_shows_each_scenarios_panel_base_rate_and_the_panels_attribution():
    """Issue 26 item 2: compare shows the panel's base rate beside the odds, as `project`'s
    JSON gives it, and names the panel it was counted on."""
    import json

    from tests.helpers import run

    base = str(ROOT / "scenarios" / "base.yaml")
    rate = json.loads(run("project", base, "-f", "json").stdout)["outside_view"]["base_rate"]
    table = run("compare", base, str(ROOT / "scenarios" / "push-2030.yaml")).stdout
    row = next(line for line in table.splitlines() if "Base rate (panel)" in line)
    assert f"{100 * rate['rate']:.2g} % ({rate['panel']['id']})" in row
    assert "Base rates: AGTPA panel" in table
