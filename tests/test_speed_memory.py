"""Issue 12: the fast paths give the same numbers as the plain ones, in memory flat in draws.

No timing here (benchmarks/run.py measures speed); these check what must not change: the
Monte Carlo kernel against ``evaluate_measure(apply_shocks(...))`` bit for bit, the streamed
percentiles against a sort of every draw, the vectorised sweep against validating every
point, and that simulate's peak memory does not grow with the number of draws.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tradecalc import load_scenario
from tradecalc.analysis.goalseek import solve_tree
from tradecalc.analysis.sweep import GridAxis, run_sweep
from tradecalc.cli.commands import app
from tradecalc.engine import quantiles
from tradecalc.engine.draws import Shocks, apply_shocks, risk_inputs, streams
from tradecalc.engine.evaluate import compile_scenario, evaluate_measure
from tradecalc.engine.kernel import Kernel
from tradecalc.engine.montecarlo import measure_draws, monte_carlo, percentiles
from tradecalc.scenario.pipeline import read_merged_tree
from tradecalc.scenario.sections import Uncertainty

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))

# every lever and every kind of draw: SMART PTA with staging and a linear response, two tariff
# changes on one flow (yotov2016 and linear, phased), a TTA on some flows with both
# conversions drawn, growth, common and per-flow shocks, deals in a group, with ranges,
# delays, survival, logistic ramps and one that is not counted
EVERYTHING = """\
name: Everything
base_year: 2023
horizon: 2040
target: {value_usd_m: 900, by_year: 2034, counts: [goods, energy]}
elasticities: {default: 4.0, textiles: 5.0}
tariff_elasticities: {rice: 3.5}
baseline:
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 80, growth: 0.05, assumption: t}
    - {direction: pak_to_aze, sector: rice, value_usd_m: 40, growth: 0.02, assumption: t}
    - {direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 60, growth: 0.08, assumption: t}
    - {direction: aze_to_pak, sector: tourism, category: services, value_usd_m: 10, assumption: t}
pta:
  start_year: 2025
  phase_in_years: 3
  response: linear
  response_years: 4
  utilization: 0.7
  method: smart
  lines:
    - {direction: pak_to_aze, sector: textiles, coverage: 0.4, mfn_tariff: 0.15, preferential_tariff: 0.05, import_demand_elasticity: -1.2, substitution_elasticity: 2.0, partner_import_share: 0.01}
    - {direction: pak_to_aze, sector: rice, coverage: 0.5, mfn_tariff: 0.2, import_demand_elasticity: -0.8, substitution_elasticity: 1.5, partner_import_share: 0.02}
tariff_changes:
  - {name: up, direction: aze_to_pak, sector: energy, coverage: 0.5, tariff_before: 0.05, tariff_after: 0.12, year: 2027, phase_in_years: 2, response: yotov2016}
  - {name: down, direction: aze_to_pak, sector: energy, coverage: 0.3, tariff_before: 0.1, tariff_after: 0.0, year: 2029, response: linear, response_years: 3}
tta: {start_year: 2026, phase_in_years: 2, transit_days_before: 21, transit_days_after: 14, route_share: 0.6, directions: [pak_to_aze]}
deals:
  - {name: A, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 300, value_range_usd_m: [150, 500], start_year: 2026, ramp_years: 3, ramp: logistic, probability: 0.5, group: g, delay_years_mean: 1.5, annual_survival: 0.9, assumption: t}
  - {name: B, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 200, start_year: 2027, ramp_years: 2, end_year: 2036, probability: 0.3, group: g, assumption: t}
  - {name: C, direction: pak_to_aze, sector: pharma, value_usd_m: 120, start_year: 2025, probability: 0.8, annual_survival: 0.7, assumption: t}
  - {name: D, direction: pak_to_aze, sector: tourism, category: services, value_usd_m: 50, start_year: 2025, probability: 0.9, assumption: t}
uncertainty:
  elasticity_spread: 0.3
  utilization: {low: 0.5, high: 0.9}
  growth_sd: 0.03
  shock_sd: 0.1
  flow_shock_sd: 0.05
  deal_value_spread: 0.4
  deal_delay_years_mean: 0.5
  tta_methods: [semi_elasticity, ave]
  deals: bernoulli
  assumption: t
"""


def reference(scenario, draws: int, seed: int) -> np.ndarray:
    """The measure of every draw the plain way: apply_shocks then evaluate_measure."""
    layout, point = compile_scenario(scenario)
    spread = scenario.uncertainty or Uncertainty()
    risk = risk_inputs(scenario, layout, point)
    shocks = Shocks.draw(streams(seed), draws, layout, risk)
    return evaluate_measure(layout, apply_shocks(layout, point, shocks, spread, risk))


def kernel_measure(scenario, draws: int, seed: int) -> np.ndarray:
    layout, point = compile_scenario(scenario)
    spread = scenario.uncertainty or Uncertainty()
    kernel = Kernel(layout, point, spread, risk_inputs(scenario, layout, point))
    return kernel.measure(Shocks.draw(streams(seed), draws, layout, kernel.risk))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_kernel_is_the_plain_engine_to_the_bit_on_shipped_scenarios(path):
    s = load_scenario(path)
    assert np.array_equal(kernel_measure(s, 3000, 5), reference(s, 3000, 5))


@pytest.mark.parametrize(
    "change",
    [
        "",  # everything drawn
        "uncertainty: {deals: expected, growth_sd: 0.02, assumption: t}\n",  # expected deals
        "uncertainty: {elasticity_spread: 0.2, assumption: t}\n",  # deals by their weights
    ],
)
def test_kernel_is_the_plain_engine_to_the_bit_on_every_lever(write, change):
    text = EVERYTHING if not change else EVERYTHING.split("uncertainty:")[0] + change
    s = load_scenario(write(text))
    ours, plain = kernel_measure(s, 4000, 11), reference(s, 4000, 11)
    assert np.array_equal(ours, plain)
    assert np.ptp(plain[:, -1]) > 0  # the draws do differ: the test could fail


def test_simulate_pins_the_seeded_output():
    # re-recorded on purpose with issue 19 (the shock sd shrunk toward the panel and drawn from
    # its posterior: a new stream, new numbers); before it, 0.0015667 and P10-P90 9.73-208.1:
    # `tradecalc simulate scenarios/base.yaml --draws 30000 --seed 3 -f json`
    doc = monte_carlo(load_scenario(ROOT / "scenarios" / "base.yaml"), 30_000, 3).to_dict()
    assert doc["target"]["probability_by_year"] == 0.0010333333333333334
    year_2030 = next(y for y in doc["years"] if y["year"] == 2030)
    assert year_2030 == {
        "year": 2030,
        "mean_usd_m": 73.69013704355343,
        "p10_usd_m": 13.77999632303878,
        "p50_usd_m": 42.160213166415964,
        "p90_usd_m": 134.4715015149213,
        "probability_reached": 0.0010333333333333334,
    }
    year_2035 = doc["years"][-1]
    assert (year_2035["p10_usd_m"], year_2035["p90_usd_m"]) == (
        10.823580755834929,
        243.24943223370468,
    )


@pytest.mark.parametrize("margin", [quantiles.MARGIN, 0.01])
def test_streamed_percentiles_equal_a_sort_of_every_draw(write, monkeypatch, margin):
    """Also with windows far too narrow (margin 0.01): the fallback keeps the answer exact."""
    monkeypatch.setattr(quantiles, "PILOT", 3000)
    monkeypatch.setattr(quantiles, "MARGIN", margin)
    s = load_scenario(write(EVERYTHING))
    draws = 25_001
    sim = monte_carlo(s, draws, 2)
    _, m = measure_draws(s, draws, 2)
    assert np.array_equal(sim.mean, m.mean(axis=0))
    expected = percentiles(m, (10, 50, 90))
    for row, q in zip(expected, (10, 50, 90), strict=True):
        assert np.array_equal(sim.percentiles[q], row)
        assert np.array_equal(row, np.percentile(m, q, axis=0))


def test_rank_windows_with_ties_and_tiny_streams():
    rng = np.random.default_rng(0)
    for total in (1, 2, 7, 5000):
        values = np.round(rng.normal(size=(total, 3)), 1)  # many ties
        values[:, 2] = 4.0  # all equal
        windows = quantiles.RankWindows(total, 3, (10, 50, 90))
        for start in range(0, total, 333):
            windows.add(values[start : start + 333])
        assert np.array_equal(windows.result(), percentiles(values, (10, 50, 90)))


def test_simulate_memory_is_flat_in_the_number_of_draws():
    s = load_scenario(ROOT / "scenarios" / "base.yaml")

    def peak(draws: int) -> int:
        tracemalloc.start()
        monte_carlo(s, draws, 0)
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    small, large = peak(20_000), peak(200_000)
    # ten times the draws: the peak may not grow by more than a fifth (measured: about 1.0);
    # keeping every draw would add 200,000 x 13 years x 8 bytes = 20.8 MB
    assert large < 1.2 * small
    assert large - small < 200_000 * 13 * 8 / 4


@pytest.mark.parametrize(
    "grids",
    [
        ["pta.utilization=0.5:0.9:4", "deals.0.probability=0:1:3"],
        ["target.value_usd_m=100:3000:3", "target.by_year=2028:2034:4"],
        [
            "baseline.flows.0.growth=-0.2:0.5:3",
            "tta.route_share=0:1:2",
            "elasticities.default=2:6:2",
        ],
        ["deals.0.value_usd_m=100:500:3", "deal_value_scale=0:2:3"],  # one parameter: every point
    ],
)
def test_vectorised_sweep_equals_validating_every_point(monkeypatch, grids):
    from tradecalc.analysis import sweep

    tree = read_merged_tree(ROOT / "scenarios" / "base.yaml")
    axes = [GridAxis.parse(g) for g in grids]
    fast = run_sweep(tree, axes)
    monkeypatch.setattr(sweep, "_separable", lambda *args: None)
    assert fast == run_sweep(tree, axes)
    assert len({row["measure_at_by_year_usd_m"] for row in fast}) > 1


def test_sweep_reports_a_value_that_a_rule_across_fields_rejects():
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "sweep",
            str(ROOT / "scenarios" / "base.yaml"),
            "--grid",
            "deals.0.start_year=2024:2030:3",
            "--grid",
            "deals.0.end_year=2026:2034:3",
        ],
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert "deals.0.end_year: must be >= start_year" in result.stderr


def test_solve_by_probability_stops_at_one_draw_and_says_so():
    tree = read_merged_tree(ROOT / "scenarios" / "base.yaml")
    found = solve_tree(tree, "baseline.flows.0.growth", metric="probability", draws=2000)
    assert found.reached and found.probability == pytest.approx(0.5, abs=1 / 2000)
    assert "steps of 1/draws (0.0005)" in found.note and "one draw changes sides" in found.note
    doc = json.loads(json.dumps(found.to_dict()))
    assert doc["metric"] == "probability"


def _tariff_pta(text: str, start: str, phase: str) -> str:
    """EVERYTHING with a tariff-ratio PTA (not SMART) from ``start`` over ``phase`` years, a
    response of 2 years (weights 0, 0.5 and 1) and no theta spread."""
    text = text.replace("  method: smart\n", "").replace("response_years: 4", "response_years: 2")
    text = text.replace(
        "start_year: 2025\n  phase_in_years: 3", f"start_year: {start}\n  phase_in_years: {phase}"
    )
    return text.replace("elasticity_spread: 0.3", "elasticity_spread: 0.0")


@pytest.mark.parametrize(
    "text",
    [
        # the tariff moves in 2025-2027: distinct tariffs, one base exactly 1 (not raised)
        _tariff_pta(EVERYTHING, "2025", "3"),
        # the tariff is cut in the base year: one distinct tariff (raised on every year)
        _tariff_pta(EVERYTHING, "2023", "1"),
        # exponents of exactly 1 and 2 (given, no spread): numpy's power takes its shortcuts
        # (1 / x, x * x) when the exponent is constant along the innermost loop; the kernel
        # must take the same loop as the plain engine
        _tariff_pta(EVERYTHING, "2023", "1").replace("{rice: 3.5}", "{rice: 1.0, textiles: 2.0}"),
        _tariff_pta(EVERYTHING, "2025", "3").replace("{rice: 3.5}", "{rice: 1.0, textiles: 2.0}"),
    ],
    ids=["staged", "cut-at-start", "exponent-1-cut", "exponent-1-staged"],
)
def test_kernel_is_the_plain_engine_to_the_bit_on_tariff_ratio_ptas(write, text):
    s = load_scenario(write(text))
    ours, plain = kernel_measure(s, 3000, 13), reference(s, 3000, 13)
    assert np.array_equal(ours, plain)
    assert np.ptp(plain[:, -1]) > 0  # the draws do differ: the test could fail


def test_simulate_does_not_depend_on_the_chunk_size(monkeypatch):
    # the shocks fill each stream in draw order and the running sum goes draw by draw, so
    # kernel calls of 8,000 (CHUNK) or 2,000 or 777 draws give the same document
    import tradecalc.engine.montecarlo as mc

    s = load_scenario(ROOT / "scenarios" / "base.yaml")
    docs = []
    for chunk in (mc.CHUNK, 2_000, 777):
        monkeypatch.setattr(mc, "CHUNK", chunk)
        docs.append(monte_carlo(s, 10_001, 9).to_dict())
    assert docs[0] == docs[1] == docs[2]
    assert docs[0]["years"][-1]["p90_usd_m"] > docs[0]["years"][-1]["p10_usd_m"]
