"""--chart: the measure against the target in the terminal, in 80 columns."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from tests.briefing_fixtures import BRIEF, GOLDEN
from tests.conftest import ROOT
from tests.helpers import HOSTILE_NAME, UNSAFE, invoke
from typer.testing import CliRunner

from tradecalc.analysis.comparison import Comparison
from tradecalc.analysis.projecting import project
from tradecalc.analysis.simulation import simulate_scenario
from tradecalc.cli.commands import app
from tradecalc.views import termchart

runner = CliRunner()
GOLDEN_DIR = Path(__file__).parent / "golden"


def shown(renderable, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(renderable)
    return console.file.getvalue()


def test_projection_chart_matches_its_golden_file_at_80_columns(write):
    p = project(write(GOLDEN, "golden.yaml"))
    text = shown(termchart.projection_chart(p))
    assert text == (GOLDEN_DIR / "termchart-project-80.txt").read_text(encoding="utf-8")


def test_the_golden_chart_says_what_it_shows(write):
    text = shown(termchart.projection_chart(project(write(GOLDEN, "golden.yaml"))))
    lines = text.splitlines()
    # 11.7 to 2,000 spans 170 times: log scale, and the target row carries the 2,000 tick
    assert lines[0] == "Golden: the measure against the target, US$ m (log scale)"
    target_row = next(line for line in lines if "┄" in line)
    assert target_row.lstrip().startswith("2,000 ┤┄")
    assert "target 2,000 by 2030" in text and "observed (AZE customs)" in text
    assert lines.count(next(line for line in lines if "2019" in line and "2032" in line)) == 1


@pytest.mark.parametrize("width", [80, 60, 100, 140])
def test_every_chart_fits_the_width(write, width):
    p = project(write(BRIEF, "brief.yaml"))
    other = project("brief.yaml", overrides=["target.value_usd_m=800", "target.by_year=2029"])
    for chart in (
        termchart.projection_chart(p),
        termchart.comparison_chart(Comparison([p, other])),
        termchart.simulation_chart(simulate_scenario(p.scenario, 200, 0)),
    ):
        text = shown(chart, width)
        assert max(len(line) for line in text.splitlines()) <= min(width, termchart.MAX_WIDTH)


def test_log_scale_only_when_values_span_orders_of_magnitude(write):
    p = project(write(GOLDEN, "golden.yaml"))
    assert termchart.projection_chart(p).is_log()  # 11.7 .. 2,000
    near = project("golden.yaml", overrides=["target.value_usd_m=60"])
    assert not termchart.projection_chart(near).is_log()  # 11.7 .. 60: 5 times
    text = shown(termchart.projection_chart(near))
    assert "(log scale)" not in text and "┤┄" not in text.splitlines()[1]


def test_bars_reach_the_target_row_once_the_target_is_met(write):
    """Target 30: the measure (24.3 * 1.05**n + 2.7) first passes it in 2026 (hand-computed:
    24.3 * 1.05**3 + 2.7 = 30.83), so the 2026 column's bar reaches the target's row."""
    p = project(write(GOLDEN, "golden.yaml"), overrides=["target.value_usd_m=30"])
    chart = termchart.projection_chart(p)
    scale = termchart._Scale(chart.values(), chart.is_log())
    row = scale.row(30.0, chart.height)
    assert scale.eighths(float(p.measure[p.year_index(2026)]), chart.height) > row * 8
    assert scale.eighths(float(p.measure[p.year_index(2025)]), chart.height) < (row + 1) * 8


def test_compare_draws_each_scenarios_own_target(write):
    p = project(write(BRIEF, "brief.yaml"))
    other = project("brief.yaml", overrides=["target.value_usd_m=800", "target.by_year=2029"])
    text = shown(termchart.comparison_chart(Comparison([p, other])))
    assert "target 500 by 2030 (●)" in text and "target 800 by 2029 (▲)" in text


def test_project_chart_comes_below_the_table(write):
    path = write(GOLDEN, "golden.yaml")
    result = runner.invoke(app, ["project", path, "--chart"])
    assert result.exit_code == 0 and result.stderr == ""
    table, chart = result.stdout.index("Projection, US$ m"), result.stdout.index("(log scale)")
    assert table < chart


@pytest.mark.parametrize("command", ["project", "simulate"])
def test_chart_with_a_data_format_is_refused(write, command):
    path = write(GOLDEN, "golden.yaml")
    result = runner.invoke(app, [command, path, "-f", "json", "--chart"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "--chart: the terminal chart comes with the table: drop -f, or use --plot\n"
    )


def test_chart_goes_to_the_output_file_with_the_table(write, tmp_path):
    path = write(GOLDEN, "golden.yaml")
    out = tmp_path / "out.txt"
    result = runner.invoke(app, ["simulate", path, "-n", "100", "--chart", "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert "Golden: the measure across 100 draws, US$ m" in out.read_text(encoding="utf-8")


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


BASE = str(ROOT / "scenarios" / "base.yaml")


def test_terminal_chart_title_is_escaped_like_the_table(write):
    write(f'extends: {BASE}\nname: "{HOSTILE_NAME}"\n')
    result = invoke("project", "s.yaml", "--chart")
    assert result.exit_code == 0, result.stderr
    assert not UNSAFE.search(result.stdout.replace("\n", ""))
    shown = "Bad\\x01\\x1b[2J\\u202e\\u2066\\x0b name"
    assert f"Scenario         {shown}" in result.stdout  # the table
    assert f"{shown}: the measure against the target" in result.stdout  # the chart's title
