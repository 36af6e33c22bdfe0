"""The model's calibration over a base rate's windows (`baserate --calibrate`): on a panel drawn
from the model's own law the forecasts are calibrated; on AGTPA it prints what it is.

The panel here is synthetic (tests/synthetic_panels.py): 300 pairs, each a random walk in the
log level with drift 0.03 and an sd drawn from a scaled inverse chi-square(6, 0.2^2)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tests.synthetic_panels import model_law_levels, pair_codes, write_panel
from typer.testing import CliRunner

from tradecalc.analysis.baserate import base_rate
from tradecalc.cli.commands import app
from tradecalc.panel.catalog import file_info

DRIFT, DF, SCALE = 0.03, 6.0, 0.2
BASE, RATIO, HORIZON, BAND = 100.0, 1.3, 3, 5.0


@pytest.fixture(scope="module")
def own_law(tmp_path_factory):
    rng = np.random.default_rng(2026)
    levels, sd = model_law_levels(rng, 300, DRIFT, DF, SCALE)
    path = write_panel(tmp_path_factory.mktemp("law") / "law.csv", levels)
    ref = replace(file_info(path), absence="complete")
    result = base_rate(ref, BASE, RATIO * BASE, HORIZON, BAND, calibrate=True, seed=1)
    return result, sd, ref


def true_probability(result, sd: np.ndarray) -> float:
    """P(max over t+1..t+H of the log level - log V_t >= ln R) under each pair's TRUE law,
    by plain Monte Carlo (20,000 paths a window), averaged over the scored windows."""
    rng = np.random.default_rng(7)
    pairs = result.windows.pair[result.calibration.scored]
    index = {codes: i for i, codes in enumerate(pair_codes(len(sd)))}
    true_sd = np.array([sd[index[result.windows.names[p]]] for p in pairs])
    total = 0.0
    for s in np.unique(true_sd):
        steps = DRIFT + s * rng.standard_normal((20_000, HORIZON))
        hit = (np.cumsum(steps, axis=1).max(axis=1) >= np.log(RATIO)).mean()
        total += hit * np.sum(true_sd == s)
    return total / len(true_sd)


def test_coverage_on_the_models_own_law_is_nominal(own_law):
    result, *_ = own_law
    m = result.model
    assert m["windows_scored"] > 2000
    assert abs(m["coverage_p10_p90"] - 0.80) <= 0.05
    assert abs(m["coverage_p5_p95"] - 0.90) <= 0.05
    low, high = m["coverage_p10_p90_interval"]
    assert low < m["coverage_p10_p90"] < high
    # a calibrated PIT is flat: every tenth holds 10 % give or take noise
    shares = np.array(m["pit_histogram"]) / m["windows_scored"]
    assert np.all(np.abs(shares - 0.10) < 0.03)


def test_the_own_drift_model_is_scored_beside_it(own_law):
    """The second model (each pair's own mean change as its drift, with that estimate's doubt)
    is a correct Bayesian forecast here too (a flat prior on a drift every pair shares), only
    noisier: its coverage is near nominal as well."""
    result, *_ = own_law
    own = result.model["own_drift"]
    assert abs(own["coverage_p10_p90"] - 0.80) <= 0.05
    assert sum(own["pit_histogram"]) == result.model["windows_scored"]


def test_the_models_probability_is_near_the_true_laws(own_law):
    result, sd, _ = own_law
    truth = true_probability(result, sd)
    assert 0.1 < truth < 0.6  # a probability the test can resolve
    assert result.model["probability"] == pytest.approx(truth, rel=0.25)


def test_only_data_before_each_window_is_used(own_law):
    """The first start year has no change before it: it cannot be scored (out of sample)."""
    result, *_ = own_law
    scored_years = result.windows.year[result.calibration.scored]
    assert scored_years.min() > result.windows.year.min()


def test_calibrate_on_agtpa_prints_what_it_is():
    args = [
        "baserate",
        "--base",
        "27",
        "--target",
        "2000",
        "--horizon",
        "7",
        "--calibrate",
        "-f",
        "json",
    ]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0
    m = json.loads(out.stdout)["model"]
    for key in ("probability", "coverage_p10_p90", "coverage_p5_p95", "windows_scored"):
        assert m[key] is not None
    assert 0.0 <= m["coverage_p10_p90"] <= m["coverage_p5_p95"] <= 1.0
    assert sum(m["pit_histogram"]) == m["windows_scored"]


def test_a_fixed_seed_reproduces_the_calibration(own_law):
    result, _, ref = own_law
    again = base_rate(ref, BASE, RATIO * BASE, HORIZON, BAND, calibrate=True, seed=1)
    assert again.model == result.model


def test_backtest_panel_scores_the_scenario_at_any_horizon(panel_store):
    """`backtest --panel`: the scenario's size and multiple (27.0 to 2,000), the horizon given."""
    root = Path(__file__).resolve().parents[1]
    args = ["backtest", str(root / "scenarios" / "base.yaml"), "--panel", "agtpa"]
    out = CliRunner().invoke(app, [*args, "--horizon", "3", "-f", "json"])
    assert (out.exit_code, out.stderr) == (0, "")
    doc = json.loads(out.stdout)
    assert (doc["base_usd_m"], doc["target_usd_m"], doc["horizon"]) == (27.0, 2000.0, 3)
    assert doc["model"]["windows_scored"] > 0
    refused = CliRunner().invoke(app, [*args, "--from", "2020"])
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == "--from: not with --panel\n"


def test_the_csv_gives_each_windows_pit_and_probability(own_law):
    """With --calibrate the rows carry the model's PIT and P(success) per window (empty where
    the window could not be scored), so the coverage can be counted again from the CSV."""
    result, *_ = own_law
    rows = list(result.rows())
    assert result.columns[-2:] == ("model_pit", "model_probability")
    pits = np.array([r["model_pit"] for r in rows if r["model_pit"] is not None])
    assert len(pits) == result.model["windows_scored"]
    inside = ((pits >= 0.1) & (pits <= 0.9)).mean()
    assert inside == pytest.approx(result.model["coverage_p10_p90"], abs=1e-12)
