"""The library's face (issue 24, item 7): each command as a call on ``tradecalc``, returning
the command's own result; a path or a Scenario wherever one scenario is taken.

Each call is checked against its command: the result's JSON is the command's ``-f json``
output, and its ``.frame`` has the CSV's columns and at least one row.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tests.conftest import ROOT
from typer.testing import CliRunner

import tradecalc
from tradecalc.cli.commands import app
from tradecalc.views.render import to_json

BASE = str(ROOT / "scenarios" / "base.yaml")
PUSH = str(ROOT / "scenarios" / "push-2030.yaml")
PRODUCTS = str(ROOT / "examples" / "headroom" / "pak-aze-products.yaml")
runner = CliRunner()


def command_json(*args: str):
    """The command's ``-f json`` output, parsed."""
    done = runner.invoke(app, [*args, "-f", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def same_as_command(result, *args: str) -> None:
    """The result's JSON is what the command prints, and its frame has rows in CSV order."""
    assert json.loads(to_json(result.to_dict())) == command_json(*args)
    frame = result.frame
    assert len(frame) >= 1
    assert list(frame.columns) == list(result.columns)


def test_simulate_is_the_command_and_takes_a_scenario_too():
    result = tradecalc.simulate(BASE, draws=2000, seed=1)
    assert isinstance(result, tradecalc.SimulationResult)
    same_as_command(result, "simulate", BASE, "--draws", "2000", "--seed", "1")
    loaded = tradecalc.simulate(tradecalc.load_scenario(BASE), draws=2000, seed=1)
    assert loaded.frame.equals(result.frame)  # the same draws: the same numbers


def test_compare_takes_a_list_of_paths_or_scenarios():
    result = tradecalc.compare([BASE, PUSH])
    assert isinstance(result, tradecalc.Comparison)
    same_as_command(result, "compare", BASE, PUSH)
    mixed = tradecalc.compare([tradecalc.load_scenario(BASE), PUSH])
    assert mixed.frame[["year", "measure_usd_m"]].equals(result.frame[["year", "measure_usd_m"]])
    with pytest.raises(TypeError, match="list"):
        tradecalc.compare(BASE)  # type: ignore[arg-type]


def test_compare_reports_every_bad_file_at_once(write):
    bad = write("name: x\n", "bad.yaml")
    worse = write("name: [\n", "worse.yaml")
    with pytest.raises(tradecalc.ScenarioError) as caught:
        tradecalc.compare([bad, worse])
    files = {p.file for p in caught.value.problems}
    assert files == {"bad.yaml", "worse.yaml"}


def test_backtest_is_the_command():
    result = tradecalc.backtest(BASE, from_year=2020, draws=2000, seed=3)
    assert isinstance(result, tradecalc.Backtest)
    args = ("backtest", BASE, "--from", "2020", "--draws", "2000", "--seed", "3")
    same_as_command(result, *args)
    # the record's years after 2020 (base.yaml: AZE customs 2019-2023)
    assert result.frame.year.tolist() == [2021, 2022, 2023]


def test_headroom_of_a_data_file_and_of_a_scenario():
    result = tradecalc.headroom(PRODUCTS, top=3)
    assert isinstance(result, tradecalc.Headroom)
    same_as_command(result, "headroom", PRODUCTS, "--top", "3")
    # base.yaml has no products: the shipped reference data for Pakistan-Azerbaijan
    same_as_command(tradecalc.headroom(tradecalc.load_scenario(BASE)), "headroom", BASE)
    with pytest.raises(tradecalc.TradecalcError, match="hs2 or hs4"):
        tradecalc.headroom(PRODUCTS, detail="hs6")


def test_sweep_is_the_command_and_takes_a_scenario_too():
    result = tradecalc.sweep(BASE, ["pta.utilization=0.5:1:3"])
    assert isinstance(result, tradecalc.Sweep)
    same_as_command(result, "sweep", BASE, "--grid", "pta.utilization=0.5:1:3")
    loaded = tradecalc.sweep(tradecalc.load_scenario(BASE), ["pta.utilization=0.5:1:3"])
    assert loaded.frame.equals(result.frame)
    assert result.frame["pta.utilization"].tolist() == [0.5, 0.75, 1.0]


def test_solve_is_the_command_and_takes_a_scenario_too():
    result = tradecalc.solve(BASE, "deals.5.value_usd_m")
    assert isinstance(result, tradecalc.Solution)
    same_as_command(result, "solve", BASE, "--param", "deals.5.value_usd_m")
    assert result.reached
    # the value it finds does reach the target: the measure at the deadline is the target's
    assert result.measure_at_by_year_usd_m == pytest.approx(2000.0, rel=1e-6)
    loaded = tradecalc.solve(tradecalc.load_scenario(BASE), "deals.5.value_usd_m")
    assert loaded.value == pytest.approx(result.value, rel=1e-9)


def test_sensitivity_is_the_command():
    result = tradecalc.sensitivity(BASE)
    assert isinstance(result, tradecalc.Sensitivity)
    same_as_command(result, "sensitivity", BASE)
    swings = result.frame.swing_usd_m.tolist()
    assert swings == sorted(swings, reverse=True)  # widest first


def test_panels_and_a_pairs_series():
    listed = tradecalc.panels()
    assert isinstance(listed, tradecalc.PanelList)
    same_as_command(listed, "panel", "list")
    series = tradecalc.panel_series("agtpa", ("tur", "IRN"))
    assert isinstance(series, tradecalc.PanelSeries)
    same_as_command(series, "panel", "show", "agtpa", "--economies", "TUR", "IRN")


def test_overrides_apply_to_a_file_not_to_a_scenario():
    high = tradecalc.simulate(BASE, draws=500, seed=2, overrides=["pta.utilization=1"])
    args = ("simulate", BASE, "--draws", "500", "--seed", "2", "--set", "pta.utilization=1")
    same_as_command(high, *args)
    with pytest.raises(TypeError, match=r"Scenario\.replace"):
        tradecalc.sensitivity(tradecalc.load_scenario(BASE), overrides=["pta.utilization=1"])


def test_every_exported_name_resolves():
    for name in tradecalc.__all__:
        assert getattr(tradecalc, name) is not None


@pytest.mark.slow
def test_importing_the_package_imports_no_command_or_library():
    code = (
        "import sys, tradecalc; "
        "print(sorted(m for m in sys.modules if m.startswith(('tradecalc.', 'pandas', 'numpy'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_the_acceptance_line_runs():
    code = (
        "import tradecalc as t; r = t.simulate('scenarios/base.yaml', draws=10000, seed=1); "
        "print(r.frame.head())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stderr == ""
    assert done.stdout.split("\n")[0].split() == list(tradecalc.SimulationResult.columns)


def test_gravity_fit_is_the_command(panel_store):
    result = tradecalc.gravity_fit(years="2006")
    assert isinstance(result, tradecalc.GravityFit)
    same_as_command(result, "gravity", "fit", "--years", "2006")
    assert tradecalc.gravity_fit(years=[2006]).to_dict() == result.to_dict()


def test_gravity_normal_of_a_pair_and_of_a_scenario(panel_store, write):
    from tests.test_gravity import TUR_IRN

    result = tradecalc.gravity_normal(("tur", "IRN"), years="2006")
    assert isinstance(result, tradecalc.NormalLevel)
    same_as_command(result, "gravity", "normal", "--economies", "TUR", "IRN", "--years", "2006")
    path = write(TUR_IRN)
    of_file = tradecalc.gravity_normal(scenario=path, years="2006")
    same_as_command(of_file, "gravity", "normal", path, "--years", "2006")
    assert of_file.briefing[0].startswith("Normal level (gravity, agtpa, 2006)")
    with pytest.raises(tradecalc.ScenarioError, match="PAK and AZE are not in panel agtpa"):
        tradecalc.gravity_normal(scenario=BASE, years="2006")
