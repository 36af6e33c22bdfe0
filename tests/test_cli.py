"""The command line: formats, exit codes, stdout as data, help texts, a golden table."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from tests.conftest import ROOT, SCENARIOS, TOY
from typer.testing import CliRunner

from tradecalc import project
from tradecalc.cli.commands import app
from tradecalc.views import project_view, render

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden"


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_shipped_scenarios_run_in_every_format(scenario, fmt):
    result = invoke("project", str(scenario), "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip()
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert doc["scenario"]["path"] == str(scenario)
        assert doc["unsourced"] == []  # shipped scenarios source or assume every flow and deal
    elif fmt == "markdown":
        assert result.stdout.startswith("## ")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_validate_strictly(scenario):
    result = invoke("validate", "--strict", str(scenario))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_csv_rows_sum_to_json_totals(scenario):
    doc = json.loads(invoke("project", str(scenario), "-f", "json").stdout)
    frame = pd.read_csv(io.StringIO(invoke("project", str(scenario), "-f", "csv").stdout))
    assert list(frame.columns) == [
        "scenario",
        "year",
        "direction",
        "sector",
        "category",
        "component",
        "name",
        "value_usd_m",
        "counted",
        "kind",
    ]
    assert set(frame.component) <= {"observed", "baseline", "pta", "tariff_change", "tta", "deal"}
    observed = frame[frame.component == "observed"]
    assert observed.value_usd_m.sum() == pytest.approx(
        sum(h["total_usd_m"] + sum(v for v in h["by_direction_usd_m"].values() if v is not None)
            for h in doc["history"])
    )  # fmt: skip
    projected = frame[frame.component != "observed"]
    sums = projected.groupby("year").value_usd_m.sum()
    for row in doc["years"]:
        assert sums[row["year"]] == pytest.approx(row["total_usd_m"], rel=1e-12)
        by_component = projected[projected.year == row["year"]].groupby("component").value_usd_m
        by_component = by_component.sum()
        assert by_component.get("pta", 0.0) == pytest.approx(row["pta_usd_m"], abs=1e-9)
        assert by_component.get("tariff_change", 0.0) == pytest.approx(
            row["tariff_changes_usd_m"], abs=1e-9
        )
        assert by_component.get("deal", 0.0) == pytest.approx(row["deals_usd_m"], abs=1e-9)


def test_base_scenario_json_check_values():
    doc = json.loads(invoke("project", "scenarios/base.yaml", "-f", "json").stdout)
    target = doc["target"]
    # methods.md section 7: 27.0 in 2023 -> 2,000 by 2030 needs 84.97 %/yr
    assert doc["years"][0]["measure_usd_m"] == pytest.approx(27.0)
    assert target["required_cagr"] == pytest.approx(0.8497, abs=5e-5)
    assert target["gap_at_by_year_usd_m"] == pytest.approx(
        2000 - target["measure_at_by_year_usd_m"]
    )
    assert doc["years"][0]["pak_to_aze_usd_m"] == pytest.approx(24.3)  # 90 % of 27.0


LEVERS = {
    # methods.md checks: PTA theta 4 (tariff exponent 5), 15 % -> 0 on the whole flow: +101.1 %
    "pta": (
        "pta: {start_year: 2024, utilization: 1.0, response: immediate, lines: [{direction: "
        "pak_to_aze, sector: textiles, mfn_tariff: 0.15}]}\nelasticities: {default: 4}\n",
        "pta_usd_m",
        1.0114,
    ),
    # theta 3.8, 15 % -> 0: +95.6 %
    "pta-3.8": (
        "pta: {start_year: 2024, utilization: 1.0, response: immediate, lines: [{direction: "
        "pak_to_aze, sector: textiles, mfn_tariff: 0.15}]}\nelasticities: {default: 3.8}\n",
        "pta_usd_m",
        0.956,
    ),
    # the tariff exponent given directly: 5 is theta 4's
    "tariff-elasticity": (
        "pta: {start_year: 2024, utilization: 1.0, response: immediate, lines: [{direction: "
        "pak_to_aze, sector: textiles, mfn_tariff: 0.15}]}\ntariff_elasticities: {textiles: 5}\n"
        "elasticities: {default: 1}\n",
        "pta_usd_m",
        1.0114,
    ),
    # theta 4, 10 % -> 5 %: +26.2 %
    "pta-10-5": (
        "pta: {start_year: 2024, utilization: 1.0, response: immediate, lines: [{direction: "
        "pak_to_aze, sector: textiles, mfn_tariff: 0.10, preferential_tariff: 0.05}]}\n",
        "pta_usd_m",
        0.262,
    ),
    # response yotov2016 on an effect of full ratio exp(0.993): +33.8 % in years 0-3
    "yotov2016": (
        "pta: {start_year: 2024, utilization: 1.0, lines: [{direction: pak_to_aze, "
        "sector: textiles, mfn_tariff: 0.15, preferential_tariff: 0.0}]}\n"
        "tariff_elasticities: {textiles: 7.104938}\n",  # 0.993 / ln(1.15): full ratio e^0.993
        "pta_usd_m",
        0.338,
    ),
    # a tariff increase 0 -> 15 % at theta 4: -50.3 %
    "increase": (
        "tariff_changes: [{name: T, direction: pak_to_aze, sector: textiles, tariff_before: 0, "
        "tariff_after: 0.15, year: 2024, assumption: toy}]\n",
        "tariff_changes_usd_m",
        -0.503,
    ),
    # TTA 21 -> 14 days, semi-elasticity: +7.25 %
    "tta": (
        "tta: {start_year: 2024, transit_days_before: 21, transit_days_after: 14}\n",
        "tta_usd_m",
        0.0725,
    ),
    # TTA ave, a 0.006, theta 4: +16.4 %
    "ave": (
        "tta: {start_year: 2024, transit_days_before: 21, transit_days_after: 14, method: ave}\n",
        "tta_usd_m",
        0.164,
    ),
}


@pytest.mark.parametrize("lever", LEVERS)
def test_lever_check_values_through_json(write, lever):
    extra, key, gain = LEVERS[lever]
    flows_only = TOY.replace("growth: 0.05, ", "").replace(
        "    - {direction: aze_to_pak, sector: chemicals, value_usd_m: 2.7, assumption: toy}\n", ""
    )
    result = invoke("project", write(flows_only + extra), "-f", "json")
    assert result.exit_code == 0, result.stderr
    year = json.loads(result.stdout)["years"][1]  # 2024, no growth: 24.3 of textiles
    assert year[key] / 24.3 == pytest.approx(gain, abs=5e-4)


BAD = {
    "syntax": (
        "name: X\nbase_year: 2023\n  horizon: [\n",
        "s.yaml:3: YAML syntax error: mapping values are not allowed here (column 10)",
    ),
    "unknown key": (
        TOY.replace("horizon", "horizn"),
        "s.yaml:3: horizn: unknown key (did you mean 'horizon'?)\n"
        "s.yaml:1: horizon: required key is missing",
    ),
    "wrong type": (
        TOY.replace("base_year: 2023", "base_year: twenty"),
        "s.yaml:2: base_year: input should be a valid integer, got 'twenty'",
    ),
    "out of range": (
        TOY.replace("value_usd_m: 24.3", "value_usd_m: -1"),
        "s.yaml:7: baseline.flows.0.value_usd_m: input should be greater than or "
        "equal to 0, got -1",
    ),
    "unknown source": (
        TOY.replace("assumption: toy}", "source: nope}", 1),
        "s.yaml:7: baseline.flows.0.source: unknown source id 'nope'",
    ),
    "empty": ("", "s.yaml:1: empty file: expected a scenario mapping"),
    "not a mapping": ("42\n", "s.yaml:1: expected a mapping of keys, got a single value"),
    "nan": (
        TOY.replace("growth: 0.05", "growth: .nan"),
        "s.yaml:7: baseline.flows.0.growth: input should be a finite number, got nan",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_exits_2_with_one_line_per_problem(write, case):
    text, expected = BAD[case]
    result = invoke("project", write(text), "-f", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert sorted(result.stderr.splitlines()) == sorted(expected.splitlines())


def test_missing_file_and_extends_cycle(write):
    result = invoke("project", "absent.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "absent.yaml: cannot read file: no such file\n",
    )
    write("extends: s.yaml\nname: Loop\n")
    result = invoke("project", "s.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "s.yaml:1: extends: cycle: s.yaml -> s.yaml\n",
    )


def test_validate_reports_every_file_and_strict_mode(write):
    write(TOY, "good.yaml")
    write(TOY.replace("assumption: toy}", "}", 1), "unsourced.yaml")
    write("name: [\n", "broken.yaml")
    result = invoke("validate", "good.yaml", "unsourced.yaml", "broken.yaml")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "good.yaml: ok",
        "unsourced.yaml: ok",
        "broken.yaml:2: YAML syntax error: expected the node content, but found '<stream end>' (column 1)",
    ]
    result = invoke("validate", "--strict", "unsourced.yaml")
    assert result.exit_code == 2
    assert result.stderr == "unsourced.yaml:7: baseline.flows.0: no source or assumption given\n"


def test_unsourced_inputs_are_listed_not_errors(write):
    result = invoke("project", write(TOY.replace("assumption: toy}", "}", 1)), "-f", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["unsourced"] == ["baseline.flows.0"]


@pytest.mark.parametrize("command", [[], ["project"], ["validate"]])
def test_help_shows_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "tradecalc " in result.stdout


def test_python_dash_m_runs():
    done = subprocess.run(
        [sys.executable, "-m", "tradecalc", "project", "scenarios/base.yaml", "-f", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["scenario"]["name"] == "Base case"


def render_table(path: Path, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    for renderable in render.to_rich(project_view.projection_view(project(path))):
        console.print(renderable)
    return console.file.getvalue()


def test_golden_table():
    """The rendered table of base.yaml at width 100. Regenerate: TRADECALC_GOLDEN=update."""
    rendered = render_table(ROOT / "scenarios" / "base.yaml")
    golden = GOLDEN / "base-table-100.txt"
    if os.environ.get("TRADECALC_GOLDEN") == "update":
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("ramp", "shares"),
    [
        # methods.md 5 check values for ramp_years 3 from the start year on
        ("linear", [1 / 3, 2 / 3, 1.0, 1.0]),
        ("logistic", [0.325, 0.675, 0.90, 0.975]),
    ],
)
def test_ramp_check_values_through_json(write, ramp, shares):
    deal = (
        "deals: [{name: D, direction: aze_to_pak, sector: energy, category: energy, "
        f"value_usd_m: 100, start_year: 2025, ramp_years: 3, ramp: {ramp}, probability: 1, "
        "assumption: toy}]\n"
    )
    result = invoke("project", write(TOY + deal), "-f", "json")
    assert result.exit_code == 0, result.stderr
    deals = {row["year"]: row["deals_usd_m"] for row in json.loads(result.stdout)["years"]}
    assert deals[2024] == 0.0
    got = [deals[year] / 100 for year in range(2025, 2029)]
    assert got == pytest.approx(shares, abs=5e-4)
