"""Results are values (issue 24): each command's result is computed before any view runs, the
odds only when asked, and a chart's band is the result's, not a second Monte Carlo."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose
from tests.conftest import ROOT
from tests.helpers import invoke

from tradecalc import load_scenario
from tradecalc.analysis.documents import Sensitivity, Sweep, Targets
from tradecalc.analysis.projecting import project, run_loaded
from tradecalc.analysis.sensitivity import sensitivity_document
from tradecalc.analysis.sweep import GridAxis, sweep_scenario
from tradecalc.engine import odds as engine_odds
from tradecalc.engine.montecarlo import monte_carlo

BASE = str(ROOT / "scenarios" / "base.yaml")


def test_the_odds_run_only_when_asked(monkeypatch):
    p = run_loaded(load_scenario(BASE), BASE)  # the scenario has an uncertainty: block

    def no_draws(*args, **kwargs):
        raise AssertionError("the odds ran on attribute access or to_dict()")

    monkeypatch.setattr(engine_odds, "scenario_odds", no_draws)
    assert p.odds is None and p.band is None
    assert p.to_dict()["odds_note"] == "not computed here: see tradecalc simulate"


def test_the_library_projection_carries_its_odds():
    odds = project(BASE).odds
    # the odds line's Monte Carlo (analysis/odds.py): 2,000 draws to start, seed 0
    assert odds is not None and odds["draws"] >= 2_000 and odds["seed"] == 0


def test_the_charts_band_is_the_monte_carlo_of_the_odds_size_and_seed():
    p = project(BASE, band=True)
    assert p.odds is not None and p.band is not None
    sim = monte_carlo(p.scenario, p.odds["draws"], p.odds["seed"])
    low, high = p.band
    assert_allclose(low, sim.percentiles[10])
    assert_allclose(high, sim.percentiles[90])
    assert np.all(low <= high)


def test_to_dict_is_a_copy():
    p = project(BASE, odds=False)
    doc = p.to_dict()
    doc["years"][0]["measure_usd_m"] = -1.0
    assert p.to_dict()["years"][0]["measure_usd_m"] == pytest.approx(float(p.measure[0]))


def test_the_cli_json_is_the_results_to_dict():
    result = invoke("project", BASE, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(json.dumps(project(BASE).to_dict()))


@pytest.mark.parametrize(
    "make",
    [
        lambda: sweep_scenario(BASE, [GridAxis.parse("pta.utilization=0.5:1:3")]),
        lambda: Sensitivity(sensitivity_document(load_scenario(BASE))),
        Targets.load,
    ],
    ids=["sweep", "sensitivity", "targets"],
)
def test_each_result_has_its_csv_and_a_frame_of_one_row_or_more(make):
    result = make()
    frame = result.frame
    assert len(frame) >= 1 and list(frame.columns) == list(result.columns)
    assert len(frame) == len(result.rows())


def test_a_sweep_is_one_row_per_grid_point():
    result = sweep_scenario(BASE, [GridAxis.parse("pta.utilization=0.5:1:3")])
    assert isinstance(result, Sweep)
    assert [row["pta.utilization"] for row in result.to_dict()] == [0.5, 0.75, 1.0]
